// SqliteIdentityStore: accounts, users, access keys, inline user policies, the clock offset.
// Every write goes through WriteLocked (sqlite_identity_store.h): one BEGIN IMMEDIATE transaction, then
// the snapshot is republished before returning, so this process reads its own writes at once.
#include <mutex>

#include "common/identity/sqlite_identity_store.h"
#include "common/identity/store_util.h"

namespace common::identity {

using internal::Guard;

bool SqliteIdentityStore::AccountExistsLocked(const std::string& account_id) {
  SQLite::Statement q(*db_, "SELECT 1 FROM accounts WHERE id = ?");
  q.bind(1, account_id);
  return q.executeStep();
}

std::optional<User> SqliteIdentityStore::FindUserLocked(const std::string& account_id,
                                                        const std::string& user_name) {
  SQLite::Statement q(*db_,
                      "SELECT user_name, user_id, path, create_millis FROM users "
                      "WHERE account_id = ? AND user_name = ?");
  q.bind(1, account_id);
  q.bind(2, user_name);
  if (!q.executeStep()) return std::nullopt;
  User u;
  u.account_id = account_id;
  u.user_name = q.getColumn(0).getString();
  u.user_id = q.getColumn(1).getString();
  u.path = q.getColumn(2).getString();
  u.create_millis = q.getColumn(3).getInt64();
  u.arn = UserArn(account_id, u.path, u.user_name);
  return u;
}

Result<Account> SqliteIdentityStore::EnsureAccount(const std::string& id, const std::string& name) {
  if (!IsValidAccountId(id))
    return errors::ValidationError(id, "accountId",
                                   "Member must satisfy regular expression pattern: \\d{12}");
  S3LAB_TRY(WriteLocked([&]() -> Status {
    if (AccountExistsLocked(id)) return Ok{};
    const int64_t now = NowMillisLocked();
    SQLite::Statement ins(*db_,
                          "INSERT INTO accounts(id, name, canonical_user_id, create_millis) "
                          "VALUES (?, ?, ?, ?)");
    ins.bind(1, id);
    ins.bind(2, name);
    ins.bind(3, NewCanonicalUserId());
    ins.bind(4, now);
    ins.exec();
    SQLite::Statement key(*db_, "INSERT INTO access_keys VALUES (?, ?, ?, '', 'Active', ?)");
    key.bind(1, NewAccessKeyId());
    key.bind(2, NewSecretAccessKey());
    key.bind(3, id);
    key.bind(4, now);
    key.exec();
    return Ok{};
  }));
  auto account = GetAccount(id);
  if (!account) return errors::NoSuchAccount(id);
  return *account;
}

Result<User> SqliteIdentityStore::CreateUser(const std::string& account_id, const std::string& user_name,
                                             const std::string& path) {
  S3LAB_TRY(internal::ValidateUserName(user_name));
  const std::string user_path = path.empty() ? "/" : path;
  S3LAB_TRY(internal::ValidatePath(user_path));
  return WriteLocked([&]() -> Result<User> {
    if (!AccountExistsLocked(account_id)) return errors::NoSuchAccount(account_id);
    if (FindUserLocked(account_id, user_name)) return errors::UserAlreadyExists(user_name);
    User u;
    u.account_id = account_id;
    u.user_name = user_name;
    u.user_id = NewUserId();
    u.path = user_path;
    u.arn = UserArn(account_id, user_path, user_name);
    u.create_millis = NowMillisLocked();
    SQLite::Statement ins(*db_, "INSERT INTO users VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, account_id);
    ins.bind(2, user_name);
    ins.bind(3, u.user_id);
    ins.bind(4, user_path);
    ins.bind(5, u.create_millis);
    ins.exec();
    return u;
  });
}

Result<User> SqliteIdentityStore::GetUser(const std::string& account_id, const std::string& user_name) {
  std::lock_guard lock(db_mutex_);
  return Guard([&]() -> Result<User> {
    auto u = FindUserLocked(account_id, user_name);
    if (!u) return errors::NoSuchUser(user_name);
    return *u;
  });
}

std::vector<User> SqliteIdentityStore::ListUsers(const std::string& account_id) {
  std::lock_guard lock(db_mutex_);
  std::vector<User> out;
  try {
    SQLite::Statement q(*db_,
                        "SELECT user_name, user_id, path, create_millis FROM users WHERE account_id = ? "
                        "ORDER BY user_name");
    q.bind(1, account_id);
    while (q.executeStep()) {
      User u;
      u.account_id = account_id;
      u.user_name = q.getColumn(0).getString();
      u.user_id = q.getColumn(1).getString();
      u.path = q.getColumn(2).getString();
      u.create_millis = q.getColumn(3).getInt64();
      u.arn = UserArn(account_id, u.path, u.user_name);
      out.push_back(std::move(u));
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

Status SqliteIdentityStore::DeleteUser(const std::string& account_id, const std::string& user_name) {
  return WriteLocked([&]() -> Status {
    if (!FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    auto count = [&](const char* table) {
      SQLite::Statement q(
          *db_, std::string("SELECT COUNT(*) FROM ") + table + " WHERE account_id = ? AND user_name = ?");
      q.bind(1, account_id);
      q.bind(2, user_name);
      q.executeStep();
      return q.getColumn(0).getInt64();
    };
    if (count("access_keys") > 0) return errors::DeleteConflict("access keys");
    if (count("user_policies") > 0) return errors::DeleteConflict("policies");
    if (count("user_policy_attachments") > 0) return errors::DeleteConflictAttached();
    SQLite::Statement del(*db_, "DELETE FROM users WHERE account_id = ? AND user_name = ?");
    del.bind(1, account_id);
    del.bind(2, user_name);
    del.exec();
    return Ok{};
  });
}

// user_name "" = the account's root user (root keys count against the same quota of 2).
Result<AccessKey> SqliteIdentityStore::CreateAccessKey(const std::string& account_id,
                                                       const std::string& user_name) {
  return WriteLocked([&]() -> Result<AccessKey> {
    if (!AccountExistsLocked(account_id)) return errors::NoSuchAccount(account_id);
    AccessKey key;
    key.account_id = account_id;
    key.user_name = user_name;
    if (!user_name.empty()) {
      auto user = FindUserLocked(account_id, user_name);
      if (!user) return errors::NoSuchUser(user_name);
      key.user_name = user->user_name;
    }
    SQLite::Statement count(*db_, "SELECT COUNT(*) FROM access_keys WHERE account_id = ? AND user_name = ?");
    count.bind(1, account_id);
    count.bind(2, key.user_name);
    count.executeStep();
    if (count.getColumn(0).getInt64() >= 2) return errors::AccessKeyLimit();
    key.access_key_id = NewAccessKeyId();
    key.secret_access_key = NewSecretAccessKey();
    key.create_millis = NowMillisLocked();
    SQLite::Statement ins(*db_, "INSERT INTO access_keys VALUES (?, ?, ?, ?, 'Active', ?)");
    ins.bind(1, key.access_key_id);
    ins.bind(2, key.secret_access_key);
    ins.bind(3, account_id);
    ins.bind(4, key.user_name);
    ins.bind(5, key.create_millis);
    ins.exec();
    return key;
  });
}

std::vector<AccessKey> SqliteIdentityStore::ListAccessKeys(const std::string& account_id,
                                                           const std::string& user_name) {
  std::lock_guard lock(db_mutex_);
  std::vector<AccessKey> out;
  try {
    SQLite::Statement q(*db_,
                        "SELECT access_key_id, secret_access_key, user_name, status, create_millis "
                        "FROM access_keys WHERE account_id = ? AND user_name = ? ORDER BY create_millis");
    q.bind(1, account_id);
    q.bind(2, user_name);
    while (q.executeStep()) {
      out.push_back(AccessKey{q.getColumn(0).getString(), q.getColumn(1).getString(),
                              q.getColumn(2).getString(), account_id, q.getColumn(3).getString(),
                              q.getColumn(4).getInt64()});
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

Status SqliteIdentityStore::DeleteAccessKey(const std::string& account_id, const std::string& user_name,
                                            const std::string& access_key_id) {
  return WriteLocked([&]() -> Status {
    SQLite::Statement del(
        *db_, "DELETE FROM access_keys WHERE access_key_id = ? AND account_id = ? AND user_name = ?");
    del.bind(1, access_key_id);
    del.bind(2, account_id);
    del.bind(3, user_name);
    if (del.exec() == 0) return errors::NoSuchAccessKey(access_key_id);
    return Ok{};
  });
}

Status SqliteIdentityStore::UpdateAccessKey(const std::string& account_id, const std::string& user_name,
                                            const std::string& access_key_id, const std::string& status) {
  if (status != "Active" && status != "Inactive")
    return errors::ValidationError(status, "status",
                                   "Member must satisfy enum value set: [Active, Inactive]");
  return WriteLocked([&]() -> Status {
    SQLite::Statement upd(*db_,
                          "UPDATE access_keys SET status = ? WHERE access_key_id = ? AND account_id = ? "
                          "AND user_name = ?");
    upd.bind(1, status);
    upd.bind(2, access_key_id);
    upd.bind(3, account_id);
    upd.bind(4, user_name);
    if (upd.exec() == 0) return errors::NoSuchAccessKey(access_key_id);
    return Ok{};
  });
}

Status SqliteIdentityStore::SetClockOffsetMillis(int64_t offset) {
  return WriteLocked([&]() -> Status {
    SQLite::Statement upd(*db_, "UPDATE settings SET clock_offset_ms = ? WHERE id = 1");
    upd.bind(1, offset);
    upd.exec();
    return Ok{};
  });
}

}  // namespace common::identity
