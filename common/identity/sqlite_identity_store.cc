// Opening iam.db, its schema, the snapshot cache and the read side of SqliteIdentityStore.
// Writes live in sqlite_identity_store_writes.cc.
#include "common/identity/sqlite_identity_store.h"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "common/identity/aws_managed_policies.h"
#include "common/identity/iam_errors.h"
#include "common/identity/ids.h"

namespace common::identity {
namespace {

constexpr int kBusyTimeoutMillis = 5000;
constexpr int kWaitForFileMillis = 10000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS accounts(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, canonical_user_id TEXT NOT NULL, create_millis INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users(
  account_id TEXT NOT NULL, user_name TEXT NOT NULL COLLATE NOCASE, user_id TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL, create_millis INTEGER NOT NULL, PRIMARY KEY(account_id, user_name));
CREATE TABLE IF NOT EXISTS access_keys(
  access_key_id TEXT PRIMARY KEY, secret_access_key TEXT NOT NULL, account_id TEXT NOT NULL,
  user_name TEXT NOT NULL COLLATE NOCASE, status TEXT NOT NULL, create_millis INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS access_keys_by_user ON access_keys(account_id, user_name);
CREATE TABLE IF NOT EXISTS user_policies(
  account_id TEXT NOT NULL, user_name TEXT NOT NULL COLLATE NOCASE, policy_name TEXT NOT NULL,
  document TEXT NOT NULL, PRIMARY KEY(account_id, user_name, policy_name));
CREATE TABLE IF NOT EXISTS managed_policies(
  arn TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, policy_id TEXT NOT NULL,
  path TEXT NOT NULL, document TEXT NOT NULL, create_millis INTEGER NOT NULL, UNIQUE(account_id, name));
CREATE TABLE IF NOT EXISTS user_policy_attachments(
  account_id TEXT NOT NULL, user_name TEXT NOT NULL COLLATE NOCASE, policy_arn TEXT NOT NULL,
  PRIMARY KEY(account_id, user_name, policy_arn));
CREATE TABLE IF NOT EXISTS mfa_devices(
  serial TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
  seed BLOB NOT NULL, assigned INTEGER NOT NULL DEFAULT 0, user_name TEXT NOT NULL DEFAULT '',
  create_millis INTEGER NOT NULL, enable_millis INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS settings(
  id INTEGER PRIMARY KEY CHECK (id = 1), clock_offset_ms INTEGER NOT NULL DEFAULT 0);
INSERT OR IGNORE INTO settings(id, clock_offset_ms) VALUES (1, 0);
)sql";

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string UserKey(const std::string& account_id, const std::string& user_name) {
  std::string k = account_id + "/";
  for (char c : user_name) k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return k;
}

}  // namespace

Result<std::unique_ptr<IdentityStore>> IdentityStore::Open(const std::string& data_dir, bool writable) {
  namespace fs = std::filesystem;
  const std::string path = (fs::path(data_dir) / "iam.db").string();
  try {
    if (writable) {
      std::error_code ec;
      fs::create_directories(data_dir, ec);
    } else {
      for (int waited = 0; !fs::exists(path) && waited < kWaitForFileMillis; waited += 50)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!fs::exists(path)) return errors::ServiceFailure(path + " does not exist (waited 10 s)");
    }
    const int flags = writable ? (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) : SQLite::OPEN_READONLY;
    auto db = std::make_unique<SQLite::Database>(path, flags, kBusyTimeoutMillis);
    if (writable) {
      db->exec("PRAGMA journal_mode=WAL");
      db->exec("PRAGMA synchronous=NORMAL");
      SQLite::Transaction txn(*db, SQLite::TransactionBehavior::IMMEDIATE);
      db->exec(kSchema);
      txn.commit();
    }
    return std::unique_ptr<IdentityStore>(std::make_unique<SqliteIdentityStore>(std::move(db), writable));
  } catch (const std::exception& e) {
    return errors::ServiceFailure(std::string("cannot open ") + path + ": " + e.what());
  }
}

// Defaults for the interface additions (SqliteIdentityStore overrides them all).
Result<ManagedPolicy> IdentityStore::GetPolicy(const std::string&, const std::string&) {
  return MakeError("NotImplemented", "GetPolicy is not implemented by this identity store", 501);
}
std::vector<ManagedPolicy> IdentityStore::ListPolicies(const std::string&) { return {}; }
Status IdentityStore::DeletePolicy(const std::string&, const std::string&) {
  return MakeError("NotImplemented", "DeletePolicy is not implemented by this identity store", 501);
}
Status IdentityStore::UpdateAccessKey(const std::string&, const std::string&, const std::string&,
                                      const std::string&) {
  return MakeError("NotImplemented", "UpdateAccessKey is not implemented by this identity store", 501);
}
Result<MfaDevice> IdentityStore::CreateMfaDevice(const std::string&, const std::string&, const std::string&,
                                                 const std::string&) {
  return MakeError("NotImplemented", "MFA devices are not implemented by this identity store", 501);
}
Result<MfaDevice> IdentityStore::GetMfaDevice(const std::string&, const std::string&) {
  return MakeError("NotImplemented", "MFA devices are not implemented by this identity store", 501);
}
std::vector<MfaDevice> IdentityStore::ListMfaDevices(const std::string&) { return {}; }
Status IdentityStore::AssignMfaDevice(const std::string&, const std::string&, const std::string&) {
  return MakeError("NotImplemented", "MFA devices are not implemented by this identity store", 501);
}
Status IdentityStore::UnassignMfaDevice(const std::string&, const std::string&) {
  return MakeError("NotImplemented", "MFA devices are not implemented by this identity store", 501);
}
Status IdentityStore::DeleteMfaDevice(const std::string&, const std::string&) {
  return MakeError("NotImplemented", "MFA devices are not implemented by this identity store", 501);
}

SqliteIdentityStore::SqliteIdentityStore(std::unique_ptr<SQLite::Database> db, bool writable)
    : db_(std::move(db)), writable_(writable), snapshot_(std::make_shared<Snapshot>()) {
  std::lock_guard lock(db_mutex_);
  RebuildLocked();
  last_check_millis_ = SteadyMillis();
}

std::shared_ptr<const SqliteIdentityStore::Snapshot> SqliteIdentityStore::Current() {
  MaybeRefresh(false);
  std::shared_lock lock(snapshot_mutex_);
  return snapshot_;
}

void SqliteIdentityStore::MaybeRefresh(bool force) {
  const int64_t now = SteadyMillis();
  if (!force && now - last_check_millis_.load(std::memory_order_relaxed) < kCheckIntervalMillis) return;
  std::unique_lock lock(db_mutex_, std::defer_lock);
  if (force) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return;  // another thread is checking (or writing, which rebuilds anyway)
  }
  last_check_millis_.store(now, std::memory_order_relaxed);
  try {
    const int64_t version = db_->execAndGet("PRAGMA data_version").getInt64();
    if (version == data_version_) return;
  } catch (const std::exception&) {
    // fall through: rebuild reports nothing and retries later
  }
  RebuildLocked();
}

void SqliteIdentityStore::RebuildLocked() {
  try {
    const int64_t version = db_->execAndGet("PRAGMA data_version").getInt64();
    auto fresh = LoadLocked();
    {
      std::unique_lock lock(snapshot_mutex_);
      snapshot_ = std::move(fresh);
    }
    data_version_ = version;
  } catch (const std::exception&) {
    data_version_ = -1;  // e.g. the writer has not created the schema yet; retry at the next check
  }
}

std::unique_ptr<SqliteIdentityStore::Snapshot> SqliteIdentityStore::LoadLocked() {
  auto snap = std::make_unique<Snapshot>();
  SQLite::Transaction read(*db_);  // one consistent view (deferred: takes a read lock only)

  SQLite::Statement accounts(*db_, "SELECT id, name, canonical_user_id FROM accounts");
  while (accounts.executeStep()) {
    Account a{accounts.getColumn(0).getString(), accounts.getColumn(1).getString(),
              accounts.getColumn(2).getString(), "", ""};
    snap->accounts[a.id] = a;
  }
  std::unordered_map<std::string, User> users;
  SQLite::Statement user_rows(*db_, "SELECT account_id, user_name, user_id, path FROM users");
  while (user_rows.executeStep()) {
    User u;
    u.account_id = user_rows.getColumn(0).getString();
    u.user_name = user_rows.getColumn(1).getString();
    u.user_id = user_rows.getColumn(2).getString();
    u.path = user_rows.getColumn(3).getString();
    u.arn = UserArn(u.account_id, u.path, u.user_name);
    users[UserKey(u.account_id, u.user_name)] = u;
  }
  // Identity policies per user: inline first (by name), then attached managed ones.
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> policies;
  SQLite::Statement inline_rows(
      *db_, "SELECT account_id, user_name, policy_name, document FROM user_policies ORDER BY policy_name");
  while (inline_rows.executeStep())
    policies[UserKey(inline_rows.getColumn(0).getString(), inline_rows.getColumn(1).getString())]
        .emplace_back(inline_rows.getColumn(2).getString(), inline_rows.getColumn(3).getString());
  SQLite::Statement attached(
      *db_,
      "SELECT a.account_id, a.user_name, a.policy_arn, m.document "
      "FROM user_policy_attachments a LEFT JOIN managed_policies m ON m.arn = a.policy_arn "
      "ORDER BY a.policy_arn");
  while (attached.executeStep()) {
    const std::string arn = attached.getColumn(2).getString();
    std::string document = attached.getColumn(3).isNull() ? "" : attached.getColumn(3).getString();
    if (const ManagedPolicy* builtin = FindAwsManagedPolicy(arn)) document = builtin->document;
    if (document.empty()) continue;
    policies[UserKey(attached.getColumn(0).getString(), attached.getColumn(1).getString())].emplace_back(
        arn, std::move(document));
  }
  std::unordered_map<std::string, std::shared_ptr<const std::vector<policy::NamedPolicy>>> parsed;
  auto parsed_for = [&](const std::string& user_key) {
    auto it = parsed.find(user_key);
    if (it != parsed.end()) return it->second;
    auto list = std::make_shared<std::vector<policy::NamedPolicy>>();
    for (const auto& [name, doc] : policies[user_key]) {
      auto p = policy::Parse(doc, policy::PolicyType::kIdentity);
      if (p.ok()) list->push_back(policy::NamedPolicy{name, std::move(p.value())});
    }
    return parsed[user_key] = list;
  };

  SQLite::Statement keys(*db_,
                         "SELECT access_key_id, secret_access_key, account_id, user_name FROM access_keys "
                         "WHERE status = 'Active' ORDER BY create_millis");
  while (keys.executeStep()) {
    KeyInfo info;
    info.secret_access_key = keys.getColumn(1).getString();
    const std::string account_id = keys.getColumn(2).getString();
    const std::string user_name = keys.getColumn(3).getString();
    auto account = snap->accounts.find(account_id);
    if (account == snap->accounts.end()) continue;
    Principal& p = info.principal;
    p.account_id = account_id;
    p.access_key_id = keys.getColumn(0).getString();
    p.canonical_user_id = account->second.canonical_user_id;
    if (user_name.empty()) {
      p.type = PrincipalType::kRoot;
      p.arn = RootArn(account_id);
      p.user_id = account_id;
      if (account->second.root_access_key_id.empty()) {
        account->second.root_access_key_id = p.access_key_id;
        account->second.root_secret_access_key = info.secret_access_key;
      }
      info.parsed_policies = std::make_shared<const std::vector<policy::NamedPolicy>>();
    } else {
      const std::string user_key = UserKey(account_id, user_name);
      auto user = users.find(user_key);
      if (user == users.end()) continue;
      p.type = PrincipalType::kUser;
      p.arn = user->second.arn;
      p.user_name = user->second.user_name;
      p.user_id = user->second.user_id;
      info.policies = policies[user_key];
      info.parsed_policies = parsed_for(user_key);
    }
    snap->keys[p.access_key_id] = std::move(info);
  }
  snap->clock_offset_millis = db_->execAndGet("SELECT clock_offset_ms FROM settings WHERE id = 1").getInt64();
  read.commit();
  return snap;
}

std::optional<KeyInfo> SqliteIdentityStore::LookupAccessKey(const std::string& access_key_id) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto snap = Current();
    auto it = snap->keys.find(access_key_id);
    if (it != snap->keys.end()) return it->second;
    if (attempt == 0) MaybeRefresh(true);  // a key created a moment ago by another process
  }
  return std::nullopt;
}

std::optional<Account> SqliteIdentityStore::GetAccount(const std::string& account_id) {
  auto snap = Current();
  auto it = snap->accounts.find(account_id);
  if (it == snap->accounts.end()) return std::nullopt;
  return it->second;
}

std::vector<Account> SqliteIdentityStore::ListAccounts() {
  auto snap = Current();
  std::vector<Account> out;
  for (const auto& [id, account] : snap->accounts) out.push_back(account);
  return out;
}

int64_t SqliteIdentityStore::ClockOffsetMillis() { return Current()->clock_offset_millis; }

Status SqliteIdentityStore::CheckWritable() const {
  if (!writable_) return errors::ServiceFailure("opened read-only");
  return Ok{};
}

int64_t SqliteIdentityStore::NowMillisLocked() {
  const int64_t real = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  std::shared_lock lock(snapshot_mutex_);
  return real + snapshot_->clock_offset_millis;
}

}  // namespace common::identity
