// A bounded, thread-safe cache of SigV4 signing keys (kSigning = HMAC chain over secret, date, region,
// service), so a client that signs many requests in one day costs one HMAC per request instead of five.
// SigningKey() (auth.h) serves from one process-wide instance; tests build their own.
//
// Design:
// - Entries are keyed by (date, region, service) plus a 64-bit salted fingerprint of the secret; the
//   map key is length-prefixed so no two scopes can spell the same key. The fingerprint only picks
//   the bucket: every hit also compares the full secret, which the entry holds in a SecretBytes, in
//   constant time (crypto::ConstantTimeEquals). A fingerprint collision is a miss that replaces the
//   entry. The salt is random per cache, so fingerprints differ between processes.
// - Secrets and derived keys live only in SecretBytes (wiped on erase/clear/destruction); callers
//   get their own SecretBytes copy of the key. Nothing here logs.
// - Bounded: when an insert finds capacity entries, the whole map is cleared first (keys are cheap to
//   re-derive; a day's working set of a lab is a handful of entries). The lookup holds one mutex only
//   for find + compare + copy; derivation on a miss runs outside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/crypto/crypto.h"

namespace common::sigv4 {

class SigningKeyCache {
 public:
  using Fingerprint = uint64_t (*)(uint64_t salt, std::string_view secret);
  static constexpr size_t kDefaultCapacity = 1024;

  // fingerprint: tests pass a constant function to force every secret into one bucket (exercising the
  // constant-time secret check); null = the salted FNV-1a default.
  explicit SigningKeyCache(size_t capacity = kDefaultCapacity, Fingerprint fingerprint = nullptr);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key of (secret, date, region, service): cached, or derived (DeriveSigningKey) and stored.
  crypto::SecretBytes Get(const std::string& secret, const std::string& date, const std::string& region,
                          const std::string& service);

  void Clear();
  size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

  // The process-wide instance behind SigningKey().
  static SigningKeyCache& Global();

 private:
  struct Entry {
    crypto::SecretBytes secret;
    crypto::SecretBytes key;
  };
  std::string MapKey(std::string_view secret, const std::string& date, const std::string& region,
                     const std::string& service) const;

  const size_t capacity_;
  const Fingerprint fingerprint_;
  const uint64_t salt_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  uint64_t hits_ = 0, misses_ = 0;                  // guarded by mu_
};

}  // namespace common::sigv4
