// The signing-key cache (common/sigv4/key_cache.h): cached keys equal freshly derived ones, every part
// of (secret, date, region, service) selects a different key, the bound holds, a fingerprint collision
// falls back to the constant-time secret check, and concurrent use agrees with derivation.
#include "common/sigv4/key_cache.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/sigv4/auth.h"
#include "common/util/encoding.h"

using common::sigv4::DeriveSigningKey;
using common::sigv4::SigningKey;
using common::sigv4::SigningKeyCache;
using common::util::HexEncode;

namespace {
const std::string kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
uint64_t SameBucket(uint64_t, std::string_view) { return 42; }
// Appends rather than `Region(i)`, which trips GCC 12's -Wrestrict false positive.
std::string Region(int i) {
  std::string r = "region-";
  r += std::to_string(i);
  return r;
}
}  // namespace

TEST_CASE("The cached signing key equals the freshly derived key (AWS's published example)") {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  const std::string expected = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d";
  CHECK(HexEncode(DeriveSigningKey(kSecret, "20120215", "us-east-1", "iam").view()) == expected);
  SigningKeyCache cache;
  CHECK(HexEncode(cache.Get(kSecret, "20120215", "us-east-1", "iam").view()) == expected);  // miss
  CHECK(HexEncode(cache.Get(kSecret, "20120215", "us-east-1", "iam").view()) == expected);  // hit
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 1);
  CHECK(cache.size() == 1);
  // The global entry point, twice (second from the cache).
  CHECK(HexEncode(SigningKey(kSecret, "20120215", "us-east-1", "iam").view()) == expected);
  CHECK(HexEncode(SigningKey(kSecret, "20120215", "us-east-1", "iam").view()) == expected);
}

TEST_CASE("A different secret, date, region or service yields a different key") {
  SigningKeyCache cache;
  struct Input {
    std::string secret, date, region, service;
  };
  const std::vector<Input> inputs = {
      {kSecret, "20261127", "us-east-1", "kms"},
      {kSecret + "X", "20261127", "us-east-1", "kms"},
      {kSecret, "20261128", "us-east-1", "kms"},
      {kSecret, "20261127", "eu-west-1", "kms"},
      {kSecret, "20261127", "us-east-1", "s3"},
      // Same concatenation, different split: the map key is length-prefixed.
      {kSecret, "20261127", "us-east-1k", "ms"},
  };
  for (int round = 0; round < 2; ++round) {  // round 0 fills the cache, round 1 reads it
    std::vector<std::string> keys;
    for (const auto& in : inputs) {
      std::string cached = cache.Get(in.secret, in.date, in.region, in.service).bytes();
      CHECK(cached == DeriveSigningKey(in.secret, in.date, in.region, in.service).bytes());
      for (const auto& other : keys) CHECK(cached != other);
      keys.push_back(cached);
    }
  }
  CHECK(cache.size() == inputs.size());
  CHECK(cache.hits() == inputs.size());
}

TEST_CASE("Secrets sharing a fingerprint are told apart by the full secret") {
  SigningKeyCache cache(SigningKeyCache::kDefaultCapacity, &SameBucket);
  auto a = cache.Get(kSecret, "20261127", "us-east-1", "kms").bytes();
  auto b = cache.Get("another-secret-of-forty-characters-long!", "20261127", "us-east-1", "kms").bytes();
  CHECK(a != b);
  CHECK(b ==
        DeriveSigningKey("another-secret-of-forty-characters-long!", "20261127", "us-east-1", "kms").bytes());
  CHECK(cache.Get(kSecret, "20261127", "us-east-1", "kms").bytes() == a);
  CHECK(cache.hits() == 0);  // each lookup found the other secret's entry
  CHECK(cache.size() == 1);
  CHECK(cache.Get(kSecret, "20261127", "us-east-1", "kms").bytes() == a);
  CHECK(cache.hits() == 1);
}

TEST_CASE("The cache is bounded: a full cache is cleared before the next insert") {
  SigningKeyCache cache(3);
  for (int i = 0; i < 3; ++i) cache.Get(kSecret, "20261127", Region(i), "kms");
  CHECK(cache.size() == 3);
  cache.Get(kSecret, "20261127", "us-east-1", "kms");
  CHECK(cache.size() == 1);
  for (int i = 0; i < 10; ++i) {
    cache.Get(kSecret, "20261127", Region(i), "kms");
    CHECK(cache.size() <= 3);
  }
  cache.Clear();
  CHECK(cache.size() == 0);
}

TEST_CASE("Concurrent lookups return the derived keys") {
  SigningKeyCache cache(8);
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i)
    expected.push_back(DeriveSigningKey(kSecret, "20261127", Region(i), "kms").bytes());
  std::vector<int> bad(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 2000; ++n) {
        int i = (n * 7 + t) % 12;
        if (cache.Get(kSecret, "20261127", Region(i), "kms").bytes() != expected[i]) ++bad[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) CHECK(bad[t] == 0);
  CHECK(cache.size() <= 8);
}
