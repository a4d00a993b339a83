// The lab file model and its parser. A lab is one YAML file (format in labs/README.md):
//   id, title, topics, intro, optional vars, files, setup {accounts, users, buckets, keys}, steps.
// A step is exactly one of run / shell / http / clock / burst / say (say alone = text only), plus optional
// say, as, save, expect, timeout. Parsing is strict: unknown keys, wrong types and references to
// variables that nothing defines before their use are errors that name the file and line, so a typo
// in a lab fails at load time rather than half-way through a class.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace runner {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// save: name -> where the value comes from.
struct SaveRule {
  enum class Kind { kJson, kRegex, kHeader };
  std::string name;
  Kind kind = Kind::kJson;
  std::string expr;               // JSON path, regex (group 1 if any, else the whole match) or header name
  std::string source = "stdout";  // regex only: stdout | stderr | body
};

struct Expect {
  std::optional<int> exit_code;
  std::optional<int> status;
  std::optional<std::string> error_code;
  std::vector<std::string> stdout_contains, stdout_not_contains;
  std::vector<std::string> stderr_contains;
  std::vector<std::string> matches;                     // regexes that must match stdout (or the body)
  Pairs json;                                           // path -> expected scalar text
  std::vector<std::string> json_absent;                 // paths that must not exist
  std::vector<std::pair<std::string, int>> json_count;  // path -> array/object size
  std::vector<std::pair<std::string, double>> json_min;  // path -> number the value must be >=
  std::vector<std::pair<std::string, double>> json_max;  // path -> number the value must be <=
  Pairs headers;                                        // header name -> expected value
  std::vector<std::string> headers_absent;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";  // raw (already URI-encoded) path, may include ?query
  Pairs headers;
  std::string body;
  std::string service = "s3";  // s3 | iam | sts (S3 process) or kms (KMS process); also the SigV4 name
  bool tls = false;
  std::string host;    // Host header override, e.g. ${bucket}.localhost:${s3_port}
  std::string region;  // signing region; "" = the instance region
};

// A burst of one KMS cryptographic call at a fixed rate (labs/runner/load.h). Texts, so they may use
// variables; numbers are checked when the step runs.
struct BurstSpec {
  std::string operation = "GenerateDataKey";
  std::string region;   // "" = the instance region
  std::string rate;     // requests per second
  std::string seconds = "3";
  std::string key;      // "" = a new key for the burst
};

enum class StepKind { kSay, kRun, kShell, kHttp, kClock, kBurst };

struct Step {
  int line = 0;  // 1-based line in the lab file
  StepKind kind = StepKind::kSay;
  std::string say;
  std::string command;  // run / shell
  HttpRequest http;
  std::string clock;        // duration text, e.g. +2d
  BurstSpec burst;
  std::string as = "root";  // root | anonymous | <user> | root@<account> | <user>@<account>
  std::vector<SaveRule> save;
  Expect expect;
  bool has_expect = false;
  int timeout_seconds = 120;
};

struct SetupPolicy {
  std::string name;
  std::string document;  // JSON text
};

struct SetupUser {
  std::string name;
  std::string account;  // "" = the default lab account
  std::vector<SetupPolicy> policies;
  std::vector<std::string> managed_policy_arns;
  int line = 0;
};

struct SetupBucket {
  std::string name;
  std::string region;  // "" = instance region
  std::string as = "root";
  int line = 0;
};

struct SetupKey {
  std::string alias;  // optional, e.g. alias/lab-${run_id}
  std::string description;
  std::string save;  // variable receiving the KeyId (also <save>_arn gets the ARN)
  std::string as = "root";
  int line = 0;
};

struct SetupAccount {
  std::string id;
  std::string name;
};

struct Lab {
  std::string path;  // file as given
  std::string id, title, intro;
  std::vector<std::string> topics;
  Pairs vars;   // evaluated in order, may use built-ins and earlier vars
  Pairs files;  // name -> content, written into the run's work dir before setup
  std::vector<SetupAccount> accounts;
  std::vector<SetupUser> users;
  std::vector<SetupBucket> buckets;
  std::vector<SetupKey> keys;
  std::vector<Step> steps;
};

// The variables every lab can use without defining them (see labs/README.md).
const std::vector<std::string>& BuiltinVariables();

// Parses lab text; `path` is used in messages ("<path>:<line>: ..."). Error code "LabSyntax".
common::Result<Lab> ParseLab(const std::string& text, const std::string& path);
common::Result<Lab> LoadLabFile(const std::string& path);

}  // namespace runner
