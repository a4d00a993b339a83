// s3lab: the command-line entry point. `./s3lab` (the bootstrap wrapper) builds, then runs this binary
// with all its arguments; `./s3lab test` goes to tests/run.sh instead. Commands: up [--detach], down,
// status, env, reset, clock, account add, run. Every command takes the instance flags of config.h.
#include <iostream>
#include <string>
#include <vector>

#include "labs/runner/commands.h"
#include "labs/runner/config.h"
#include "labs/runner/cse.h"
#include "labs/runner/runner.h"
#include "labs/runner/supervisor.h"

namespace {

constexpr const char* kUsage = R"USAGE(usage: s3lab <command> [options]

  up [--detach]          start S3 (+IAM, STS, console) and KMS; prints the export lines
  down                   stop the instance started with `up --detach`
  status                 which processes run, their ports, reachable or not
  env [--account ID]     export lines of the running instance: eval "$(./s3lab env)"
  reset                  delete all state of the data dir (refused while running)
  clock [+2d|-1h|reset]  show or move the lab clock
  account add ID [--name NAME]   create another account, print its root keys
  load kms OP --region R --rate N --seconds S [--key ID]   KMS calls at a fixed rate, per-second counts
  mfa code|codes SERIAL  current code(s) of a virtual MFA device (the lab's authenticator app)
  trail [--max N] [--event-name E] [--json] [--follow]   latest CloudTrail records (LookupEvents)
  cse put FILE s3://B/K --key-id KEY [--context k=v]   client-side encryption (S3 Encryption Client v2)
  cse get s3://B/K FILE [--context k=v]                 download and decrypt it
  run LAB.yaml... [--auto]       run labs, guided (default) or straight through
  test                   (through ./s3lab) run every test

instance options (also S3LAB_* variables; defaults in parentheses):
  --data-dir DIR (.s3lab)  --s3-port (4580)  --s3-tls-port (4581)  --kms-port (4590)
  --kms-tls-port (4591)  --console-port (4500)  --region (us-east-1)  --config FILE (./s3lab.yaml)
)USAGE";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  // Instance flags may come before or after the command: the command is the first other argument.
  std::vector<std::string> rest;
  auto probe = runner::ResolveConfig(args, true, &rest);
  if (!probe.ok() || rest.empty()) {
    std::cerr << "s3lab: " << (probe.ok() ? "no command given" : probe.error().message) << "\n";
    return 2;
  }
  const std::string command = rest[0];
  for (auto it = args.begin(); it != args.end(); ++it) {
    if (*it == command) {
      args.erase(it);
      break;
    }
  }
  rest.clear();
  auto config = runner::ResolveConfig(args, command == "up", &rest);
  if (!config.ok()) {
    std::cerr << "s3lab: " << config.error().message << "\n";
    return 2;
  }
  auto no_args = [&]() {
    if (rest.empty()) return true;
    std::cerr << "s3lab " << command << ": unexpected argument " << rest[0] << "\n";
    return false;
  };
  if (command == "up") {
    bool detach = false;
    for (const auto& a : rest) {
      if (a == "--detach" || a == "-d")
        detach = true;
      else {
        std::cerr << "s3lab up: unexpected argument " << a << "\n";
        return 2;
      }
    }
    return runner::RunUp(*config, detach);
  }
  if (command == "down") return no_args() ? runner::CmdDown(*config) : 2;
  if (command == "status") return no_args() ? runner::CmdStatus(*config) : 2;
  if (command == "reset") return no_args() ? runner::CmdReset(*config) : 2;
  if (command == "env") return runner::CmdEnv(*config, rest);
  if (command == "clock") return runner::CmdClock(*config, rest);
  if (command == "account") return runner::CmdAccount(*config, rest);
  if (command == "load") return runner::CmdLoad(*config, rest);
  if (command == "trail") return runner::CmdTrail(*config, rest);
  if (command == "mfa") return runner::CmdMfa(*config, rest);
  if (command == "cse") return runner::CmdCse(*config, rest);
  if (command == "run") return runner::RunLabsCommand(rest, *config);
  std::cerr << "s3lab: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
