// iam.db access for the CLI, lab durations and time formatting. See state.h.
#include "labs/runner/state.h"

#include <cctype>
#include <chrono>
#include <climits>
#include <ctime>
#include <filesystem>

namespace runner {
namespace {

namespace fs = std::filesystem;
using common::MakeError;
using common::identity::IdentityStore;

common::Result<std::unique_ptr<IdentityStore>> OpenStore(const InstanceConfig& config, bool writable) {
  if (!writable && !fs::exists(fs::path(config.data_dir) / "iam.db"))
    return MakeError("NotStarted",
                     config.data_dir + "/iam.db does not exist yet: start the services once with `s3lab up`",
                     1);
  return IdentityStore::Open(config.data_dir, writable);
}

}  // namespace

common::Result<std::string> LoadMfaSeed(const InstanceConfig& config, const std::string& account_id,
                                        const std::string& serial) {
  auto store = OpenStore(config, false);
  if (!store.ok()) return store.error();
  auto device = (*store)->GetMfaDevice(account_id, serial);
  if (!device.ok()) return device.error();
  return device->seed;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

common::Result<common::identity::Account> LoadAccount(const InstanceConfig& config,
                                                      const std::string& account_id) {
  auto store = OpenStore(config, false);
  if (!store.ok()) return store.error();
  auto account = (*store)->GetAccount(account_id);
  if (!account) return MakeError("NoSuchAccount", "account " + account_id + " does not exist in iam.db", 1);
  return *account;
}

common::Result<common::identity::Account> AddAccount(const InstanceConfig& config,
                                                     const std::string& account_id, const std::string& name) {
  if (account_id.size() != 12 || account_id.find_first_not_of("0123456789") != std::string::npos)
    return MakeError("InvalidArgument", "an account id is 12 digits, got '" + account_id + "'", 2);
  auto store = OpenStore(config, true);
  if (!store.ok()) return store.error();
  return (*store)->EnsureAccount(account_id, name);
}

common::Result<int64_t> ClockOffset(const InstanceConfig& config) {
  if (!fs::exists(fs::path(config.data_dir) / "iam.db")) return int64_t{0};
  auto store = OpenStore(config, false);
  if (!store.ok()) return store.error();
  return (*store)->ClockOffsetMillis();
}

common::Result<int64_t> AdvanceClock(const InstanceConfig& config, int64_t delta_millis) {
  auto store = OpenStore(config, true);
  if (!store.ok()) return store.error();
  int64_t offset = delta_millis == INT64_MIN ? 0 : (*store)->ClockOffsetMillis() + delta_millis;
  S3LAB_TRY((*store)->SetClockOffsetMillis(offset));
  return offset;
}

common::Result<int64_t> ParseLabDuration(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return MakeError("InvalidDuration",
                     "invalid duration '" + text + "': " + why + " (use e.g. +2d, 1d12h, 90m, 30s, -1h)", 2);
  };
  size_t i = 0;
  int64_t sign = 1;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) sign = text[i++] == '-' ? -1 : 1;
  if (i >= text.size()) return bad("empty");
  int64_t total = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) return bad("expected a number at '" + text.substr(start) + "'");
    if (i - start > 12) return bad("number too large");
    int64_t n = std::stoll(text.substr(start, i - start));
    int64_t unit = 0;
    if (text.compare(i, 2, "ms") == 0)
      unit = 1, i += 2;
    else if (i < text.size() && text[i] == 'd')
      unit = 86'400'000, ++i;
    else if (i < text.size() && text[i] == 'h')
      unit = 3'600'000, ++i;
    else if (i < text.size() && text[i] == 'm')
      unit = 60'000, ++i;
    else if (i < text.size() && text[i] == 's')
      unit = 1'000, ++i;
    else
      return bad(i < text.size() ? "unknown unit '" + std::string(1, text[i]) + "'" : "missing unit");
    total += n * unit;
  }
  return sign * total;
}

std::string FormatOffset(int64_t millis) {
  std::string sign = millis < 0 ? "-" : "+";
  int64_t s = (millis < 0 ? -millis : millis) / 1000;
  return sign + std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h " +
         std::to_string(s % 3600 / 60) + "m " + std::to_string(s % 60) + "s";
}

std::string FormatUtc(int64_t millis) {
  std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace runner
