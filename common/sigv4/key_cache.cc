// SigningKeyCache (see key_cache.h for the design) and SigningKey(), the cached entry point of auth.h.
#include "common/sigv4/key_cache.h"

#include <cstring>
#include <utility>

#include "common/sigv4/auth.h"

namespace common::sigv4 {
namespace {

// FNV-1a over the secret, seeded with the salt, then a final avalanche (splitmix64) so nearby secrets
// spread over the map. Not a MAC: it only picks a bucket; equality is checked on the full secret.
uint64_t SaltedFnv(uint64_t salt, std::string_view secret) {
  uint64_t h = 1469598103934665603ull ^ salt;
  for (unsigned char c : secret) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

uint64_t RandomSalt() {
  std::string bytes = crypto::RandomBytes(sizeof(uint64_t));
  uint64_t salt = 0;
  std::memcpy(&salt, bytes.data(), sizeof salt);
  return salt;
}

void AppendField(std::string* out, std::string_view field) {
  *out += std::to_string(field.size());
  *out += ':';
  *out += field;
}

}  // namespace

SigningKeyCache::SigningKeyCache(size_t capacity, Fingerprint fingerprint)
    : capacity_(capacity == 0 ? 1 : capacity),
      fingerprint_(fingerprint ? fingerprint : &SaltedFnv),
      salt_(RandomSalt()) {}

std::string SigningKeyCache::MapKey(std::string_view secret, const std::string& date,
                                    const std::string& region, const std::string& service) const {
  std::string key;
  key.reserve(date.size() + region.size() + service.size() + 16 + 8);
  AppendField(&key, date);
  AppendField(&key, region);
  AppendField(&key, service);
  uint64_t fp = fingerprint_(salt_, secret);
  char raw[sizeof fp];
  std::memcpy(raw, &fp, sizeof fp);
  key.append(raw, sizeof raw);
  return key;
}

crypto::SecretBytes SigningKeyCache::Get(const std::string& secret, const std::string& date,
                                         const std::string& region, const std::string& service) {
  std::string map_key = MapKey(secret, date, region, service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(map_key);
    if (it != entries_.end() && crypto::ConstantTimeEquals(it->second.secret.view(), secret)) {
      ++hits_;
      return crypto::SecretBytes(std::string(it->second.key.view()));
    }
    ++misses_;
  }
  crypto::SecretBytes key = DeriveSigningKey(secret, date, region, service);
  Entry entry{crypto::SecretBytes(secret), crypto::SecretBytes(std::string(key.view()))};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(map_key);
  if (it != entries_.end()) {
    it->second = std::move(entry);  // fingerprint collision or a racing miss: the newest secret wins
  } else {
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.emplace(std::move(map_key), std::move(entry));
  }
  return key;
}

void SigningKeyCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

size_t SigningKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

uint64_t SigningKeyCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

uint64_t SigningKeyCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

SigningKeyCache& SigningKeyCache::Global() {
  static SigningKeyCache* cache = new SigningKeyCache();  // never destroyed: usable during static teardown
  return *cache;
}

crypto::SecretBytes SigningKey(const std::string& secret, const std::string& date, const std::string& region,
                               const std::string& service) {
  return SigningKeyCache::Global().Get(secret, date, region, service);
}

}  // namespace common::sigv4
