// The small `s3lab` commands besides `up` and `run`. Each returns the process exit code and writes its
// result to stdout, its errors to stderr.
//   down     stops the instance of the data dir (SIGTERM to the `up` supervisor, waits for its lock)
//   status   whether `up` runs, its pids, and whether each port accepts connections (exit 0 = all up)
//   env      the export lines of the running instance (--account ID for another account's root)
//   reset    refuses while running; otherwise deletes the state files of the data dir
//   clock    shows lab time; `clock +2d` advances it, `clock reset` sets the offset back to 0
//   account  `account add <12 digits> [--name n]`: creates the account, prints its root keys
//   load     `load kms GenerateDataKey --region R --rate N --seconds S`: KMS load at a fixed rate
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "labs/runner/config.h"

namespace runner {

int CmdDown(const InstanceConfig& config);
int CmdStatus(const InstanceConfig& config);
int CmdEnv(const InstanceConfig& config, const std::vector<std::string>& args);
int CmdReset(const InstanceConfig& config);
int CmdClock(const InstanceConfig& config, const std::vector<std::string>& args);
int CmdAccount(const InstanceConfig& config, const std::vector<std::string>& args);
// `load kms OPERATION ...` (load_command.cc): a fixed-rate burst of KMS calls, per-second counts.
int CmdLoad(const InstanceConfig& config, const std::vector<std::string>& args);
// `mfa code|codes SERIAL` (mfa_command.cc): current TOTP code(s) of a virtual MFA device.
int CmdMfa(const InstanceConfig& config, const std::vector<std::string>& args);
// `trail [--max N] [--event-name E] [--json] [--follow]` (trail_command.cc): latest CloudTrail records.
int CmdTrail(const InstanceConfig& config, const std::vector<std::string>& args);

// The flags of a command from args[start]: bare switches (`--json`) set their bool, `--name VALUE`
// flags hand VALUE to their setter (which may throw, e.g. std::stoi). False on an unknown flag or a
// missing value: the caller prints its usage.
bool ParseFlags(const std::vector<std::string>& args, size_t start, const std::map<std::string, bool*>& switches,
                const std::map<std::string, std::function<void(const std::string&)>>& values);

}  // namespace runner
