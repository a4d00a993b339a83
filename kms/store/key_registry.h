// Keys and aliases of every account and region: an in-memory cache in front of <data>/kms.db (SQLite,
// WAL), written through. Reads (FindKey, FindAlias, lists) take a shared lock and copy a shared_ptr:
// no SQL on the crypto path. Writes go to SQLite first (one transaction) and then replace the cached
// snapshot, so a crash never leaves the cache ahead of the disk.
//
// At rest a key's material is wrapped with AES-256-GCM under wrap_key (derived from master.key by the
// caller), AAD "s3lab/kms/material/<account>/<region>/<key_id>/<version>": iv(12) || ciphertext || tag.
// Plaintext key material never reaches the database.
//
// Atomic read-modify-write sequences (check an alias is free, then insert it) hold WriteLock() around
// their reads and writes; Put*/Delete* themselves are safe to call with or without it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/error.h"
#include "kms/model/key.h"

namespace SQLite {
class Database;
}

namespace kms::store {

using KeyPtr = std::shared_ptr<const model::Key>;

class KeyRegistry {
 public:
  // Opens (creating) the database at path (":memory:" in tests) and loads everything into memory.
  static common::Result<std::unique_ptr<KeyRegistry>> Open(const std::string& path,
                                                           common::crypto::SecretBytes wrap_key);
  ~KeyRegistry();

  KeyPtr FindKey(const std::string& account_id, const std::string& region, const std::string& key_id) const;
  std::optional<model::Alias> FindAlias(const std::string& account_id, const std::string& region,
                                        const std::string& alias_name) const;
  std::vector<KeyPtr> ListKeys(const std::string& account_id, const std::string& region) const;
  std::vector<model::Alias> ListAliases(const std::string& account_id, const std::string& region) const;
  // Keys whose state is PendingDeletion, any account/region (for the deletion sweep).
  std::vector<KeyPtr> PendingDeletionKeys() const;

  // Inserts or replaces the key's metadata; new_material (if any) is wrapped and stored too.
  common::Status PutKey(const KeyPtr& key, const model::KeyMaterial* new_material = nullptr);
  // Deletes the key, its material and every alias that points at it.
  common::Status DeleteKey(const std::string& account_id, const std::string& region,
                           const std::string& key_id);
  common::Status PutAlias(const model::Alias& alias);
  common::Status DeleteAlias(const std::string& account_id, const std::string& region,
                             const std::string& alias_name);

  // Serialises read-modify-write sequences of the service (see header note).
  std::unique_lock<std::mutex> WriteLock() { return std::unique_lock<std::mutex>(write_mutex_); }

 private:
  KeyRegistry(std::unique_ptr<SQLite::Database> db, common::crypto::SecretBytes wrap_key);
  common::Status CreateSchema();
  common::Status LoadAll();
  std::string Wrap(const model::Key& key, const model::KeyMaterial& material) const;
  common::Result<std::string> Unwrap(const std::string& account_id, const std::string& region,
                                     const std::string& key_id, uint32_t version,
                                     const std::string& wrapped) const;

  static std::string Scope(const std::string& account_id, const std::string& region) {
    return account_id + "/" + region;
  }

  std::mutex write_mutex_;
  std::mutex db_mutex_;
  std::unique_ptr<SQLite::Database> db_;
  common::crypto::SecretBytes wrap_key_;

  mutable std::shared_mutex cache_mutex_;
  // scope -> key id -> key; scope -> alias name -> alias (ordered: List* answers sorted).
  std::unordered_map<std::string, std::map<std::string, KeyPtr>> keys_;
  std::unordered_map<std::string, std::map<std::string, model::Alias>> aliases_;
};

}  // namespace kms::store
