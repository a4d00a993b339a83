// The CLI's access to iam.db (through common::identity::IdentityStore): root keys for `env`, `up`
// and the lab runner, the lab clock for `clock` and the labs' clock steps, accounts for
// `account add`. Writes open the store writable next to the running S3 process (SQLite WAL).
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"
#include "common/identity/identity_store.h"
#include "labs/runner/config.h"

namespace runner {

// The account with its root keys; error when iam.db does not exist yet (nothing ever started) or the
// account is unknown.
common::Result<common::identity::Account> LoadAccount(const InstanceConfig& config,
                                                      const std::string& account_id);

// Creates the account when missing (idempotent) and returns it.
common::Result<common::identity::Account> AddAccount(const InstanceConfig& config,
                                                     const std::string& account_id, const std::string& name);

// The TOTP seed of a virtual MFA device of the account (NoSuchEntity when unknown).
common::Result<std::string> LoadMfaSeed(const InstanceConfig& config, const std::string& account_id,
                                        const std::string& serial);

// Current lab clock offset in ms (0 when iam.db does not exist).
common::Result<int64_t> ClockOffset(const InstanceConfig& config);

// Moves the lab clock by `delta_millis` (may be negative) and returns the new offset.
// `delta_millis` == INT64_MIN resets the offset to 0 (`s3lab clock reset`).
common::Result<int64_t> AdvanceClock(const InstanceConfig& config, int64_t delta_millis);

// Parses a lab duration: an optional sign, then one or more <number><unit> groups with units
// d, h, m, s, ms (e.g. "+2d", "1d12h", "-90m", "30s", "1500ms"). Errors name the bad text.
common::Result<int64_t> ParseLabDuration(const std::string& text);

// "+2d 3h 0m 0s" style rendering of an offset.
std::string FormatOffset(int64_t millis);
// 2026-11-27T03:04:05Z
std::string FormatUtc(int64_t millis);
int64_t NowMillis();

}  // namespace runner
