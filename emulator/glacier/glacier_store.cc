// Glacier vaults and archives in SQLite (see glacier_store.h).
#include "emulator/glacier/glacier_store.h"

#include <vector>

#include "common/crypto/master_key.h"
#include "common/util/encoding.h"
#include "emulator/store/control_db.h"

namespace emulator::glacier {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS vaults(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
  access_policy TEXT, lock_policy TEXT, lock_state TEXT, lock_id TEXT, lock_created INTEGER,
  lock_expires INTEGER, PRIMARY KEY(account, region, name));
CREATE TABLE IF NOT EXISTS archives(
  id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, vault TEXT NOT NULL,
  created INTEGER NOT NULL, size INTEGER NOT NULL, tree_hash TEXT NOT NULL, description TEXT NOT NULL,
  wrapped_key BLOB NOT NULL, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS archives_by_vault ON archives(account, region, vault);
)";

constexpr const char* kSelectVault =
    "SELECT v.account, v.region, v.name, v.created, v.access_policy, v.lock_policy, v.lock_state, v.lock_id, "
    "v.lock_created, v.lock_expires, (SELECT COUNT(*) FROM archives a WHERE a.account = v.account AND "
    "a.region = v.region AND a.vault = v.name), (SELECT COALESCE(SUM(size), 0) FROM archives a WHERE "
    "a.account = v.account AND a.region = v.region AND a.vault = v.name) FROM vaults v ";

std::string Text(SQLite::Statement& s, int i) { return s.getColumn(i).isNull() ? "" : s.getColumn(i).getString(); }

void BindRef(SQLite::Statement& s, const VaultRef& ref) {
  s.bind(1, ref.account_id);
  s.bind(2, ref.region);
  s.bind(3, ref.name);
}

// One row of kSelectVault.
Vault ReadVault(SQLite::Statement& s, int64_t now_millis) {
  Vault v;
  v.ref = {s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString()};
  v.created_millis = s.getColumn(3).getInt64();
  v.access_policy = Text(s, 4);
  v.lock_policy = Text(s, 5);
  v.lock_state = Text(s, 6);
  v.lock_id = Text(s, 7);
  v.lock_created_millis = s.getColumn(8).isNull() ? 0 : s.getColumn(8).getInt64();
  v.lock_expires_millis = s.getColumn(9).isNull() ? 0 : s.getColumn(9).getInt64();
  v.archives = s.getColumn(10).getInt64();
  v.size_bytes = s.getColumn(11).getInt64();
  if (v.lock_state == "InProgress" && now_millis >= v.lock_expires_millis) {
    // The lock id expired: the in-progress policy is gone (AWS removes it after 24 hours).
    v.lock_policy.clear();
    v.lock_state.clear();
    v.lock_id.clear();
  }
  return v;
}

}  // namespace

std::string RandomUrlSafeId(size_t bytes) {
  std::string id = common::util::Base64Encode(common::crypto::RandomBytes(bytes));
  while (!id.empty() && id.back() == '=') id.pop_back();
  for (char& c : id) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return id;
}

std::string TreeHashHex(std::string_view data) {
  constexpr size_t kLeaf = 1 << 20;
  std::vector<std::string> level;
  for (size_t pos = 0; pos < data.size() || level.empty(); pos += kLeaf)
    level.push_back(common::crypto::Sha256(data.substr(pos, std::min(kLeaf, data.size() - pos))));
  while (level.size() > 1) {
    std::vector<std::string> next;
    for (size_t i = 0; i < level.size(); i += 2)
      next.push_back(i + 1 < level.size() ? common::crypto::Sha256(level[i] + level[i + 1]) : level[i]);
    level.swap(next);
  }
  return common::util::HexEncode(level.front());
}

common::Result<std::unique_ptr<GlacierStore>> GlacierStore::Open(const std::string& db_path,
                                                                 const common::crypto::SecretBytes& master_key) {
  auto db = store::ControlDb::Open(db_path, kSchema, "glacier.db", "ServiceUnavailableException");
  if (!db.ok()) return db.error();
  return std::unique_ptr<GlacierStore>(
      new GlacierStore(std::move(*db), common::crypto::DeriveKey(master_key, "glacier/archive-keys")));
}

GlacierStore::GlacierStore(std::unique_ptr<store::ControlDb> db, common::crypto::SecretBytes kek)
    : db_(std::move(db)), kek_(std::move(kek)) {}

GlacierStore::~GlacierStore() = default;



common::Result<bool> GlacierStore::CreateVault(const VaultRef& ref, int64_t now_millis) {
  auto inserted = db_->Changes("INSERT OR IGNORE INTO vaults(account, region, name, created) VALUES(?,?,?,?)",
                               [&](SQLite::Statement& s) {
                                 BindRef(s, ref);
                                 s.bind(4, static_cast<int64_t>(now_millis));
                               });
  if (!inserted.ok()) return inserted.error();
  return *inserted == 1;
}

std::optional<Vault> GlacierStore::GetVault(const VaultRef& ref, int64_t now_millis) {
  auto [lock, db] = db_->Locked();
  SQLite::Statement s(*db, std::string(kSelectVault) + "WHERE v.account = ? AND v.region = ? AND v.name = ?");
  BindRef(s, ref);
  if (!s.executeStep()) return std::nullopt;
  return ReadVault(s, now_millis);
}

std::vector<Vault> GlacierStore::ListVaults(const std::string& account_id, const std::string& region,
                                            const std::string& after, int limit, int64_t now_millis) {
  auto [lock, db] = db_->Locked();
  SQLite::Statement s(*db, std::string(kSelectVault) +
                                "WHERE v.account = ? AND v.region = ? AND v.name > ? ORDER BY v.name LIMIT ?");
  s.bind(1, account_id);
  s.bind(2, region);
  s.bind(3, after);
  s.bind(4, limit + 1);
  std::vector<Vault> out;
  while (s.executeStep()) out.push_back(ReadVault(s, now_millis));
  return out;
}

common::Status GlacierStore::DeleteVault(const VaultRef& ref) {
  return db_->Write("DELETE FROM vaults WHERE account = ? AND region = ? AND name = ?",
               [&](SQLite::Statement& s) { BindRef(s, ref); });
}

common::Status GlacierStore::SetAccessPolicy(const VaultRef& ref, const std::string& policy) {
  return db_->Write("UPDATE vaults SET access_policy = ? WHERE account = ? AND region = ? AND name = ?",
               [&](SQLite::Statement& s) {
                 if (policy.empty())
                   s.bind(1);
                 else
                   s.bind(1, policy);
                 s.bind(2, ref.account_id);
                 s.bind(3, ref.region);
                 s.bind(4, ref.name);
               });
}

common::Status GlacierStore::SetLock(const VaultRef& ref, const std::string& policy, const std::string& state,
                                     const std::string& lock_id, int64_t created_millis, int64_t expires_millis) {
  return db_->Write("UPDATE vaults SET lock_policy = ?, lock_state = ?, lock_id = ?, lock_created = ?, lock_expires = ? "
               "WHERE account = ? AND region = ? AND name = ?",
               [&](SQLite::Statement& s) {
                 s.bind(1, policy);
                 s.bind(2, state);
                 s.bind(3, lock_id);
                 s.bind(4, static_cast<int64_t>(created_millis));
                 s.bind(5, static_cast<int64_t>(expires_millis));
                 s.bind(6, ref.account_id);
                 s.bind(7, ref.region);
                 s.bind(8, ref.name);
               });
}

common::Status GlacierStore::ClearLock(const VaultRef& ref) {
  return db_->Write("UPDATE vaults SET lock_policy = NULL, lock_state = NULL, lock_id = NULL, lock_created = NULL, "
               "lock_expires = NULL WHERE account = ? AND region = ? AND name = ? AND "
               "(lock_state IS NULL OR lock_state <> 'Locked')",
               [&](SQLite::Statement& s) { BindRef(s, ref); });
}

common::Result<Archive> GlacierStore::PutArchive(const VaultRef& ref, std::string_view body,
                                                 const std::string& tree_hash, const std::string& description,
                                                 int64_t now_millis) {
  Archive a;
  a.id = RandomUrlSafeId(103);  // 138 characters, as AWS's
  a.created_millis = now_millis;
  a.size = static_cast<int64_t>(body.size());
  a.tree_hash = tree_hash;
  a.description = description;
  // Envelope: body under a fresh data key, the data key under the store's key; both bound to the id.
  common::crypto::SecretBytes data_key = common::crypto::RandomKey(32);
  const std::string body_iv = common::crypto::RandomBytes(12), key_iv = common::crypto::RandomBytes(12);
  const std::string sealed = body_iv + common::crypto::AesGcmEncrypt(data_key.view(), body_iv, body, a.id);
  const std::string wrapped = key_iv + common::crypto::AesGcmEncrypt(kek_.view(), key_iv, data_key.view(), a.id);
  S3LAB_TRY(db_->Write("INSERT INTO archives(id, account, region, vault, created, size, tree_hash, description, "
                       "wrapped_key, body) VALUES(?,?,?,?,?,?,?,?,?,?)",
                       [&](SQLite::Statement& s) {
                         s.bind(1, a.id);
                         s.bind(2, ref.account_id);
                         s.bind(3, ref.region);
                         s.bind(4, ref.name);
                         s.bind(5, static_cast<int64_t>(a.created_millis));
                         s.bind(6, static_cast<int64_t>(a.size));
                         s.bind(7, a.tree_hash);
                         s.bind(8, a.description);
                         s.bind(9, wrapped.data(), static_cast<int>(wrapped.size()));
                         s.bind(10, sealed.data(), static_cast<int>(sealed.size()));
                       }));
  return a;
}

std::optional<Archive> GlacierStore::GetArchive(const VaultRef& ref, const std::string& archive_id) {
  auto [lock, db] = db_->Locked();
  SQLite::Statement s(*db,
                      "SELECT created, size, tree_hash, description FROM archives WHERE id = ? AND account = ? "
                      "AND region = ? AND vault = ?");
  s.bind(1, archive_id);
  s.bind(2, ref.account_id);
  s.bind(3, ref.region);
  s.bind(4, ref.name);
  if (!s.executeStep()) return std::nullopt;
  return Archive{archive_id, s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getString(),
                 s.getColumn(3).getString()};
}

common::Status GlacierStore::DeleteArchive(const VaultRef& ref, const std::string& archive_id) {
  return db_->Write("DELETE FROM archives WHERE id = ? AND account = ? AND region = ? AND vault = ?",
               [&](SQLite::Statement& s) {
                 s.bind(1, archive_id);
                 s.bind(2, ref.account_id);
                 s.bind(3, ref.region);
                 s.bind(4, ref.name);
               });
}

}  // namespace emulator::glacier
