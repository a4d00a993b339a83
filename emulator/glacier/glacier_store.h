// Glacier vaults and archives in <data>/glacier.db (SQLite, WAL, synchronous=NORMAL; one connection
// behind a mutex: Glacier is a control-plane service with small request rates).
//
// A vault belongs to (account, region, name) and carries its vault access policy and its Vault Lock:
// a lock policy with state InProgress (with a lock id that expires 24 hours after InitiateVaultLock,
// on the lab clock) or Locked (immutable). An InProgress lock whose lock id expired is treated as
// absent and removed on the next write. Archives keep their creation time (for
// glacier:ArchiveAgeInDays), size, SHA-256 tree hash and description; their bytes are stored
// encrypted: AES-256-GCM under a fresh data key per archive, the data key wrapped (AES-256-GCM) under
// a key derived from the master key ("glacier/archive-keys"), both bound to the archive id. Archive
// bytes are never read back (retrieval jobs are not implemented).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/error.h"

namespace emulator::store {
class ControlDb;
}

namespace emulator::glacier {

constexpr int64_t kLockIdLifetimeMillis = 24LL * 3600 * 1000;

struct VaultRef {
  std::string account_id, region, name;
};

struct Vault {
  VaultRef ref;
  int64_t created_millis = 0;
  int64_t archives = 0;
  int64_t size_bytes = 0;
  std::string access_policy;  // "" = none
  std::string lock_policy;    // "" = no lock (or an expired InProgress one)
  std::string lock_state;     // "InProgress" | "Locked" | ""
  std::string lock_id;
  int64_t lock_created_millis = 0;
  int64_t lock_expires_millis = 0;  // InProgress only
};

struct Archive {
  std::string id;
  int64_t created_millis = 0;
  int64_t size = 0;
  std::string tree_hash;  // hex
  std::string description;
};

class GlacierStore {
 public:
  static common::Result<std::unique_ptr<GlacierStore>> Open(const std::string& db_path,
                                                            const common::crypto::SecretBytes& master_key);
  ~GlacierStore();

  // now_millis: the lab clock, for the lock id's 24 hours.
  common::Result<bool> CreateVault(const VaultRef& ref, int64_t now_millis);  // false: it existed
  std::optional<Vault> GetVault(const VaultRef& ref, int64_t now_millis);
  // Vaults of (account, region) by name, names after `after` (exclusive), at most `limit` + 1 of them.
  std::vector<Vault> ListVaults(const std::string& account_id, const std::string& region, const std::string& after,
                                int limit, int64_t now_millis);
  common::Status DeleteVault(const VaultRef& ref);  // the caller checked that it is empty
  common::Status SetAccessPolicy(const VaultRef& ref, const std::string& policy);  // "" deletes
  common::Status SetLock(const VaultRef& ref, const std::string& policy, const std::string& state,
                         const std::string& lock_id, int64_t created_millis, int64_t expires_millis);
  common::Status ClearLock(const VaultRef& ref);

  common::Result<Archive> PutArchive(const VaultRef& ref, std::string_view body, const std::string& tree_hash,
                                     const std::string& description, int64_t now_millis);
  std::optional<Archive> GetArchive(const VaultRef& ref, const std::string& archive_id);
  common::Status DeleteArchive(const VaultRef& ref, const std::string& archive_id);

 private:
  GlacierStore(std::unique_ptr<store::ControlDb> db, common::crypto::SecretBytes kek);

  std::unique_ptr<store::ControlDb> db_;
  common::crypto::SecretBytes kek_;  // wraps archive data keys
};

// `bytes` random bytes as unpadded URL-safe base64 (archive ids, lock ids, request ids).
std::string RandomUrlSafeId(size_t bytes);

// The SHA-256 tree hash of Glacier (1 MiB leaves, pairwise up to the root), lower-case hex.
std::string TreeHashHex(std::string_view data);

}  // namespace emulator::glacier
