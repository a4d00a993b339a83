// `s3lab run <lab.yaml>... [--auto]`: loads each lab (all files are parsed before anything runs, so a
// syntax error costs nothing), checks that the instance answers, then per lab: a fresh run id and work
// directory, the built-in variables, `vars`, `files`, setup (accounts through iam.db, users/buckets/
// keys through the real APIs with the aws CLI), and the steps in order.
//
// Guided (default): prints the intro, each step's text and command, waits for Enter when stdin is a
// terminal, shows the output and each check. --auto: one line per step (PASS/FAIL), details and output
// only on failure, and the last line is exactly "N passed, N failed". Every run/shell/http/clock step
// counts once; a failed setup counts as one failure and skips the lab's steps. A failed step does not
// stop the lab (later steps still run and report). Exit status: 0 when nothing failed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "labs/runner/config.h"
#include "labs/runner/lab.h"
#include "labs/runner/run_context.h"

namespace runner {

struct RunOptions {
  bool auto_mode = false;
  bool pause = false;  // guided and stdin is a terminal
  bool color = false;
};

struct RunTotals {
  int passed = 0;
  int failed = 0;
  bool quit = false;  // the learner typed q
};

// Runs one parsed lab against the instance, writing the narration to `out`.
RunTotals RunLab(const Lab& lab, const InstanceConfig& config, const RunOptions& options, std::ostream& out);

// The `run` command: returns the exit code.
int RunLabsCommand(const std::vector<std::string>& args, const InstanceConfig& config);

// Setup of a lab (runner_setup.cc): creates accounts, users (with inline/managed policies and an
// access key each, registered as principals), buckets and keys (saving KeyId / ARN variables).
// Each command it runs is reported through `log` (the command line and "ok" or the error).
common::Status RunSetup(const Lab& lab, RunContext* ctx, std::ostream& log, bool verbose);

}  // namespace runner
