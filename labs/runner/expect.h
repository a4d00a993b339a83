// What a step produced and how its `expect` block is judged. Pure functions: no I/O, so the unit
// tests feed outcomes directly.
//
// Defaults when a check is not written: a `run`/`shell` step must exit 0 unless `exit_code` or
// `error_code` is given (an expected error code implies a non-zero exit); an `http` step must answer
// 2xx unless `status` or `error_code` is given (an error code implies status >= 300).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "labs/runner/lab.h"
#include "labs/runner/vars.h"

namespace runner {

struct Outcome {
  bool is_http = false;
  int exit_code = 0;        // run / shell
  int status = 0;           // http
  std::string stdout_text;  // run / shell stdout, or the http body
  std::string stderr_text;
  std::multimap<std::string, std::string> headers;  // http, names lower-cased
};

struct CheckResult {
  bool passed = true;
  std::vector<std::string> passes;    // "exit code 0", "ServerSideEncryption = AES256"
  std::vector<std::string> failures;  // "expected exit code 0, got 254"
};

// The AWS error code in an outcome: from aws CLI stderr "An error occurred (Code) when calling",
// an XML <Code>, a JSON "__type" (after '#') / "code", or "" when none.
std::string ExtractErrorCode(const Outcome& outcome);

// Judges `expect` (values already substituted) against `outcome`.
CheckResult Evaluate(const Expect& expect, const Outcome& outcome);

// Applies variables to every text of an Expect; errors on unknown variables.
common::Result<Expect> SubstituteExpect(const Expect& expect, const Vars& vars);

// Evaluates one save rule; error when the value is not found.
common::Result<std::string> EvaluateSave(const SaveRule& rule, const Outcome& outcome);

}  // namespace runner
