// The KMS request quota as AWS applies it: one token bucket per (account, region), shared by the
// symmetric cryptographic operations, refilled continuously at the region's rate (profiles.h) and
// holding at most one second of requests (the burst). A request takes one token or is throttled
// (ThrottlingException). Time is the real monotonic clock, never the lab clock: quotas are about
// request rates as they happen. Also keeps per-second counts of accepted and throttled requests
// per (account, region) for the last two minutes (console chart, `s3lab load`).
// Thread-safe: a shared lock over the map, a small mutex per bucket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "kms/quota/profiles.h"
#include "kms/quota/quota.h"

namespace kms::quota {

struct SecondCount {
  int64_t epoch_second = 0;
  int64_t accepted = 0;
  int64_t throttled = 0;
};

struct RegionStats {
  std::string account_id;
  std::string region;
  double rate = 0;                   // requests per second, 0 = unlimited
  std::vector<SecondCount> seconds;  // oldest first, only seconds with traffic
};

class TokenBuckets final : public QuotaGate {
 public:
  // now_ns: monotonic nanoseconds (tests inject one); epoch_ns: wall clock for the per-second stats.
  explicit TokenBuckets(QuotaSettings settings, std::function<int64_t()> now_ns = {},
                        std::function<int64_t()> epoch_ns = {});
  ~TokenBuckets() override;
  common::Status Admit(const std::string& account_id, const std::string& region,
                       const char* operation) override;
  std::vector<RegionStats> Stats() const;
  const QuotaSettings& settings() const { return settings_; }

 private:
  struct Bucket;
  Bucket& Find(const std::string& account_id, const std::string& region);

  QuotaSettings settings_;
  std::function<int64_t()> now_ns_;
  std::function<int64_t()> epoch_ns_;
  mutable std::shared_mutex map_mutex_;
  std::map<std::string, std::unique_ptr<Bucket>> buckets_;  // "account/region"
};

// {"profile", "scale", "regions": [{"account", "region", "rate", "seconds": [{"t" (epoch s), "accepted",
// "throttled"}]}]} for GET /_s3lab/quota-stats (console chart).
std::string StatsJson(const TokenBuckets& buckets);

}  // namespace kms::quota
