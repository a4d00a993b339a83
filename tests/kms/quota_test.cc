// KMS request quotas: profiles, settings and the token bucket per (account, region), on an injected
// monotonic clock (no real time, no sleeping).
#include <doctest/doctest.h>

#include "kms/quota/profiles.h"
#include "kms/quota/token_buckets.h"

namespace kms::quota {
namespace {

constexpr int64_t kSecond = 1000000000;

// Offers `per_second` evenly spaced requests for `seconds` seconds; returns accepted per second.
std::vector<int> Offer(TokenBuckets& gate, int64_t& now, const std::string& region, int per_second, int seconds) {
  std::vector<int> accepted;
  for (int s = 0; s < seconds; ++s) {
    int ok = 0;
    for (int i = 0; i < per_second; ++i) {
      now += kSecond / per_second;
      if (gate.Admit("111122223333", region, "GenerateDataKey").ok()) ++ok;
    }
    accepted.push_back(ok);
  }
  return accepted;
}

TEST_CASE("exam profile: 5,500 / 10,000 / 30,000 by region") {
  QuotaSettings s;
  CHECK(RegionRate(s, "us-west-1") == 5500);
  CHECK(RegionRate(s, "sa-east-1") == 5500);
  CHECK(RegionRate(s, "us-east-2") == 10000);
  CHECK(RegionRate(s, "eu-west-2") == 10000);
  CHECK(RegionRate(s, "ap-northeast-1") == 10000);
  CHECK(RegionRate(s, "us-east-1") == 30000);
  CHECK(RegionRate(s, "eu-west-1") == 30000);
}

TEST_CASE("current profile, scale, overrides and off") {
  QuotaSettings s;
  s.profile = "current";
  CHECK(RegionRate(s, "us-west-1") == 10000);
  CHECK(RegionRate(s, "eu-central-1") == 20000);
  CHECK(RegionRate(s, "us-west-2") == 100000);
  s.scale = 0.01;
  CHECK(RegionRate(s, "us-west-1") == doctest::Approx(100));
  REQUIRE(AddOverride(s, "us-west-1=250"));
  CHECK(RegionRate(s, "us-west-1") == 250);  // overrides are exact, not scaled
  CHECK_FALSE(AddOverride(s, "us-west-1"));
  CHECK_FALSE(AddOverride(s, "=5"));
  CHECK_FALSE(AddOverride(s, "us-west-1=-3"));
  CHECK_FALSE(AddOverride(s, "us-west-1=12x"));
  s.profile = "off";
  CHECK(RegionRate(s, "eu-west-1") == 0);
  CHECK(RegionRate(s, "us-west-1") == 250);
  s.profile = "classic";
  CHECK(ValidateSettings(s) == "unknown quota profile 'classic' (exam, current or off)");
  s.profile = "exam";
  s.scale = 0;
  CHECK(ValidateSettings(s) == "quota scale must be a positive number");
}

TEST_CASE("twice the quota: one second of burst, then exactly the rate; the rest is ThrottlingException") {
  int64_t now = 0;
  TokenBuckets gate(QuotaSettings{}, [&] { return now; }, [&] { return now; });
  auto accepted = Offer(gate, now, "us-west-1", 11000, 5);
  CHECK(accepted[0] == doctest::Approx(11000).epsilon(0.001));  // 5,500 of burst + 5,500 refilled
  for (int s = 1; s < 5; ++s) CHECK(accepted[s] == doctest::Approx(5500).epsilon(0.001));
  auto throttled = gate.Admit("111122223333", "us-west-1", "Decrypt");
  REQUIRE_FALSE(throttled.ok());
  CHECK(throttled.error().code == "ThrottlingException");
  CHECK(throttled.error().message ==
        "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.");
  CHECK(throttled.error().http_status == 400);
}

TEST_CASE("below the quota nothing is throttled; regions and accounts have their own buckets") {
  int64_t now = 0;
  TokenBuckets gate(QuotaSettings{}, [&] { return now; }, [&] { return now; });
  for (int accepted : Offer(gate, now, "us-west-1", 4400, 3)) CHECK(accepted == 4400);
  // The same 8,000/s is throttled in a 5,500 region and not in a 30,000 region.
  // (The 5,500 region spends its burst over the first seconds: 8,000, 8,000, ~6,000, then 5,500.)
  auto west1 = Offer(gate, now, "eu-north-1", 8000, 5);
  auto east1 = Offer(gate, now, "us-east-1", 8000, 5);
  CHECK(west1[2] == doctest::Approx(6000).epsilon(0.001));
  CHECK(west1[4] == doctest::Approx(5500).epsilon(0.001));
  for (int accepted : east1) CHECK(accepted == 8000);
  // Another account in the same region starts with its own full bucket.
  CHECK(gate.Admit("444455556666", "eu-north-1", "Encrypt").ok());
}

TEST_CASE("per-second statistics count accepted and throttled requests") {
  int64_t now = 0;
  QuotaSettings s;
  s.overrides["us-west-1"] = 100;
  TokenBuckets gate(s, [&] { return now; }, [&] { return now; });
  for (int i = 0; i < 150; ++i) (void)gate.Admit("111122223333", "us-west-1", "GenerateDataKey");
  auto stats = gate.Stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].region == "us-west-1");
  CHECK(stats[0].rate == 100);
  REQUIRE(stats[0].seconds.size() == 1);
  CHECK(stats[0].seconds[0].accepted == 100);
  CHECK(stats[0].seconds[0].throttled == 50);
}

}  // namespace
}  // namespace kms::quota
