// `s3lab up`: the supervisor of the two service processes.
//
// Design: the CLI process itself is the supervisor. It takes an flock on <data>/s3lab.lock for its
// whole life (that lock, not the pid file, is what `status`, `down` and `reset` test), writes
// <data>/s3lab.pid, then starts build/emulator/s3lab-s3 and, once that printed `ready`,
// build/kms/s3lab-kms (KMS waits for the iam.db that S3 creates). The binaries are found next to this
// one (/proc/self/exe → ../emulator/s3lab-s3, ../kms/s3lab-kms). Children run in their own process
// group with PR_SET_PDEATHSIG=SIGTERM, so a Ctrl-C reaches only the supervisor, which then sends
// SIGTERM to both and waits (SIGKILL after 10 s), and a killed supervisor never leaves orphans.
// SIGINT/SIGTERM/SIGHUP/SIGCHLD are read through a signalfd in one poll loop that also forwards the
// children's stdout. If one child dies, the other is stopped and `up` exits non-zero.
// With --detach the supervisor forks, calls setsid, sends its output to <data>/logs/s3lab.log (the
// services' stderr to logs/s3.log and logs/kms.log), and reports `ready` or the error through a pipe
// to the parent, which prints the banner and returns.
#pragma once

#include <string>

#include "labs/runner/config.h"

namespace runner {

// Runs `up`; returns the process exit code.
int RunUp(const InstanceConfig& config, bool detach);

// What `up` prints once both services are ready: endpoints, export lines, console URL, region, the
// state directory and how to make *.localhost resolve.
std::string UpBanner(const InstanceConfig& config, bool detached);

// Directory holding the service binaries (the CLI's own directory's parent, i.e. the build dir).
std::string BuildDirOfSelf();

}  // namespace runner
