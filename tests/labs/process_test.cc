// One-shot commands for run/shell steps: outputs, exit codes, environment, timeouts.
#include "labs/runner/process.h"

#include <doctest/doctest.h>

using runner::RunShellCommand;

TEST_CASE("RunShellCommand captures stdout, stderr and the exit code") {
  auto r = RunShellCommand("echo out; echo err >&2; exit 3", {"PATH=/usr/bin:/bin"}, "/tmp", 10'000);
  CHECK(r.exit_code == 3);
  CHECK(r.stdout_text == "out\n");
  CHECK(r.stderr_text == "err\n");
  CHECK_FALSE(r.timed_out);
}

TEST_CASE("RunShellCommand passes exactly the given environment and directory") {
  auto r = RunShellCommand("echo \"$A|$HOME|$(pwd)\"", {"A=1"}, "/", 10'000);
  CHECK(r.stdout_text == "1||/\n");
}

TEST_CASE("RunShellCommand kills a command that outlives its timeout") {
  auto r = RunShellCommand("sleep 5", {"PATH=/usr/bin:/bin"}, "/tmp", 300);
  CHECK(r.timed_out);
  CHECK(r.exit_code == 128 + 9);
}

TEST_CASE("RunShellCommand reads large outputs without deadlock") {
  auto r = RunShellCommand("head -c 1000000 /dev/zero | tr '\\0' a", {"PATH=/usr/bin:/bin"}, "/tmp", 10'000);
  CHECK(r.exit_code == 0);
  CHECK(r.stdout_text.size() == 1'000'000);
}

TEST_CASE("PortReachable is false on a closed port") { CHECK_FALSE(runner::PortReachable(1, 200)); }
