// Child processes for the CLI: long-running services (`up`) and one-shot commands (the lab runner's
// `run`, `shell` and setup steps). POSIX fork/exec with pipes; no shell unless asked for one.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace runner {

// A started service: its pid and the read end of its stdout.
struct ChildProcess {
  pid_t pid = -1;
  int out_fd = -1;      // -1 once EOF was seen
  std::string pending;  // partial stdout line
  bool ready = false;   // a line "ready" was seen
  bool exited = false;
  int status = 0;  // waitpid status once exited
};

// Starts `binary args...` in its own process group with PR_SET_PDEATHSIG=SIGTERM, stdin /dev/null,
// stdout to a pipe, stderr to `stderr_fd`, and the signal mask `child_mask`.
common::Result<ChildProcess> SpawnService(const std::string& binary, const std::vector<std::string>& args,
                                          int stderr_fd, const sigset_t& child_mask);

// Reads what is available on child->out_fd (non-blocking), marks `ready` on a line "ready" and writes
// every other complete line to `out`.
void DrainOutput(ChildProcess* child, std::ostream& out);

// SIGTERM, wait up to `timeout_ms`, then SIGKILL; reaps the child. No-op for an exited child.
void TerminateProcess(ChildProcess* child, int timeout_ms);

// A one-shot command's result.
struct CommandResult {
  int exit_code = -1;  // 128+signal when killed; -1 when it could not start
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;
};

// Runs `/bin/sh -c command` in `cwd` with exactly `env` (NAME=value entries) and stdin /dev/null,
// capturing both outputs; killed (whole process group) after `timeout_ms`.
CommandResult RunShellCommand(const std::string& command, const std::vector<std::string>& env,
                              const std::string& cwd, int timeout_ms);

// True when something accepts TCP connections on 127.0.0.1:port within `timeout_ms`.
bool PortReachable(int port, int timeout_ms);

}  // namespace runner
