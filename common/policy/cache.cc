// ParseCached: parsed policies shared between requests, so hot paths (a KMS key policy checked on
// every Decrypt) skip JSON parsing. Unbounded growth is avoided by clearing at a fixed size; labs
// use a handful of documents.
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "common/policy/policy.h"

namespace common::policy {
namespace {

constexpr size_t kMaxEntries = 4096;

struct Cache {
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const Policy>> entries;
};

Cache& TheCache() {
  static Cache* cache = new Cache();  // never destroyed: safe to use during static destruction
  return *cache;
}

}  // namespace

std::shared_ptr<const Policy> ParseCached(const std::string& json_text, PolicyType type) {
  const std::string key = (type == PolicyType::kIdentity ? "i:" : "r:") + json_text;
  Cache& cache = TheCache();
  {
    std::shared_lock lock(cache.mutex);
    auto it = cache.entries.find(key);
    if (it != cache.entries.end()) return it->second;
  }
  auto parsed = Parse(json_text, type);
  if (!parsed.ok()) return nullptr;
  auto policy = std::make_shared<const Policy>(std::move(parsed.value()));
  std::unique_lock lock(cache.mutex);
  if (cache.entries.size() >= kMaxEntries) cache.entries.clear();
  cache.entries.emplace(key, policy);
  return policy;
}

}  // namespace common::policy
