// Token buckets per (account, region) (see token_buckets.h).
#include "kms/quota/token_buckets.h"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "kms/model/errors.h"

namespace kms::quota {
namespace {

constexpr size_t kHistorySeconds = 120;

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct TokenBuckets::Bucket {
  std::string account_id;
  std::string region;
  double rate = 0;
  std::mutex mutex;
  double tokens = 0;
  int64_t last_ns = 0;
  std::vector<SecondCount> ring = std::vector<SecondCount>(kHistorySeconds);

  // One second of requests, at least one request (a rate below 1/s still admits one now and then).
  double capacity() const { return std::max(rate, 1.0); }

  SecondCount& Slot(int64_t epoch_second) {
    SecondCount& s = ring[static_cast<size_t>(epoch_second) % kHistorySeconds];
    if (s.epoch_second != epoch_second) s = SecondCount{epoch_second, 0, 0};
    return s;
  }
};

TokenBuckets::TokenBuckets(QuotaSettings settings, std::function<int64_t()> now_ns,
                           std::function<int64_t()> epoch_ns)
    : settings_(std::move(settings)),
      now_ns_(now_ns ? std::move(now_ns) : SteadyNs),
      epoch_ns_(epoch_ns ? std::move(epoch_ns) : WallNs) {}

TokenBuckets::~TokenBuckets() = default;

TokenBuckets::Bucket& TokenBuckets::Find(const std::string& account_id, const std::string& region) {
  std::string name = account_id + "/" + region;
  {
    std::shared_lock lock(map_mutex_);
    if (auto it = buckets_.find(name); it != buckets_.end()) return *it->second;
  }
  std::unique_lock lock(map_mutex_);
  auto& slot = buckets_[name];
  if (!slot) {
    slot = std::make_unique<Bucket>();
    slot->account_id = account_id;
    slot->region = region;
    slot->rate = RegionRate(settings_, region);
    slot->tokens = slot->capacity();  // a fresh bucket starts full: one second of burst
    slot->last_ns = now_ns_();
  }
  return *slot;
}

common::Status TokenBuckets::Admit(const std::string& account_id, const std::string& region,
                                   const char* /*operation*/) {
  Bucket& b = Find(account_id, region);
  int64_t now = now_ns_();
  int64_t second = epoch_ns_() / 1000000000;
  std::lock_guard lock(b.mutex);
  bool admitted = true;
  if (b.rate > 0) {
    if (now > b.last_ns) {
      b.tokens = std::min(b.capacity(), b.tokens + b.rate * static_cast<double>(now - b.last_ns) / 1e9);
      b.last_ns = now;
    }
    admitted = b.tokens >= 1.0;
    if (admitted) b.tokens -= 1.0;
  }
  SecondCount& s = b.Slot(second);
  ++(admitted ? s.accepted : s.throttled);
  if (!admitted) return errors::Throttling();
  return common::Ok{};
}

std::vector<RegionStats> TokenBuckets::Stats() const {
  std::vector<RegionStats> out;
  int64_t oldest = epoch_ns_() / 1000000000 - static_cast<int64_t>(kHistorySeconds) + 1;
  std::shared_lock lock(map_mutex_);
  for (const auto& [name, bucket] : buckets_) {
    RegionStats r{bucket->account_id, bucket->region, bucket->rate, {}};
    {
      std::lock_guard bucket_lock(bucket->mutex);
      for (const auto& s : bucket->ring)
        if (s.epoch_second >= oldest && s.accepted + s.throttled > 0) r.seconds.push_back(s);
    }
    std::sort(r.seconds.begin(), r.seconds.end(),
              [](const SecondCount& a, const SecondCount& b) { return a.epoch_second < b.epoch_second; });
    out.push_back(std::move(r));
  }
  return out;
}

std::string StatsJson(const TokenBuckets& buckets) {
  nlohmann::ordered_json regions = nlohmann::ordered_json::array();
  for (const auto& r : buckets.Stats()) {
    nlohmann::ordered_json seconds = nlohmann::ordered_json::array();
    for (const auto& s : r.seconds)
      seconds.push_back({{"t", s.epoch_second}, {"accepted", s.accepted}, {"throttled", s.throttled}});
    regions.push_back({{"account", r.account_id}, {"region", r.region}, {"rate", r.rate}, {"seconds", seconds}});
  }
  nlohmann::ordered_json out = {{"profile", buckets.settings().profile},
                                {"scale", buckets.settings().scale},
                                {"regions", regions}};
  return out.dump();
}

}  // namespace kms::quota
