// SqliteIdentityStore: IAM virtual MFA devices (table mfa_devices). A device is created unassigned,
// then assigned to one IAM user or to the root user (EnableMFADevice; the TOTP codes are checked by
// the IAM API before it calls AssignMfaDevice), unassigned (DeactivateMFADevice) and deleted.
// Serial = arn:aws:iam::<account>:mfa/<path without its leading '/'><name>.
#include <mutex>

#include "common/identity/sqlite_identity_store.h"
#include "common/identity/store_util.h"

namespace common::identity {
namespace {

constexpr const char* kColumns =
    "serial, account_id, name, path, seed, assigned, user_name, create_millis, enable_millis";

MfaDevice FromRow(SQLite::Statement& q) {
  MfaDevice d;
  d.serial = q.getColumn(0).getString();
  d.account_id = q.getColumn(1).getString();
  d.name = q.getColumn(2).getString();
  d.path = q.getColumn(3).getString();
  const SQLite::Column seed = q.getColumn(4);
  d.seed.assign(static_cast<const char*>(seed.getBlob()), static_cast<size_t>(seed.getBytes()));
  d.assigned = q.getColumn(5).getInt() != 0;
  d.user_name = q.getColumn(6).getString();
  d.root = d.assigned && d.user_name.empty();
  d.create_millis = q.getColumn(7).getInt64();
  d.enable_millis = q.getColumn(8).getInt64();
  return d;
}

}  // namespace

Result<MfaDevice> SqliteIdentityStore::CreateMfaDevice(const std::string& account_id, const std::string& name,
                                                       const std::string& path, const std::string& seed) {
  S3LAB_TRY(internal::ValidateUserName(name, "virtualMFADeviceName"));
  const std::string device_path = path.empty() ? "/" : path;
  S3LAB_TRY(internal::ValidatePath(device_path));
  MfaDevice d;
  d.account_id = account_id;
  d.name = name;
  d.path = device_path;
  d.seed = seed;
  d.serial = "arn:aws:iam::" + account_id + ":mfa" + device_path + name;
  S3LAB_TRY(WriteLocked([&]() -> Status {
    if (!AccountExistsLocked(account_id)) return errors::NoSuchAccount(account_id);
    SQLite::Statement exists(*db_, "SELECT 1 FROM mfa_devices WHERE serial = ?");
    exists.bind(1, d.serial);
    if (exists.executeStep()) return errors::MfaDeviceAlreadyExists(name);
    d.create_millis = NowMillisLocked();
    SQLite::Statement ins(*db_,
                          "INSERT INTO mfa_devices(serial, account_id, name, path, seed, create_millis) "
                          "VALUES (?, ?, ?, ?, ?, ?)");
    ins.bind(1, d.serial);
    ins.bind(2, account_id);
    ins.bind(3, name);
    ins.bind(4, device_path);
    ins.bind(5, d.seed.data(), static_cast<int>(d.seed.size()));
    ins.bind(6, d.create_millis);
    ins.exec();
    return Ok{};
  }));
  return d;
}

Result<MfaDevice> SqliteIdentityStore::GetMfaDevice(const std::string& account_id, const std::string& serial) {
  std::lock_guard lock(db_mutex_);
  return internal::Guard([&]() -> Result<MfaDevice> {
    SQLite::Statement q(*db_, std::string("SELECT ") + kColumns +
                                  " FROM mfa_devices WHERE account_id = ? AND serial = ?");
    q.bind(1, account_id);
    q.bind(2, serial);
    if (!q.executeStep()) return errors::NoSuchMfaDevice(serial);
    return FromRow(q);
  });
}

std::vector<MfaDevice> SqliteIdentityStore::ListMfaDevices(const std::string& account_id) {
  std::lock_guard lock(db_mutex_);
  std::vector<MfaDevice> out;
  try {
    SQLite::Statement q(*db_, std::string("SELECT ") + kColumns +
                                  " FROM mfa_devices WHERE account_id = ? ORDER BY serial");
    q.bind(1, account_id);
    while (q.executeStep()) out.push_back(FromRow(q));
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

Status SqliteIdentityStore::AssignMfaDevice(const std::string& account_id, const std::string& serial,
                                            const std::string& user_name) {
  return WriteLocked([&]() -> Status {
    SQLite::Statement q(*db_, "SELECT assigned FROM mfa_devices WHERE account_id = ? AND serial = ?");
    q.bind(1, account_id);
    q.bind(2, serial);
    if (!q.executeStep()) return errors::NoSuchMfaDevice(serial);
    if (q.getColumn(0).getInt() != 0) return errors::MfaDeviceInUse();
    if (!user_name.empty() && !FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    SQLite::Statement up(*db_,
                         "UPDATE mfa_devices SET assigned = 1, user_name = ?, enable_millis = ? "
                         "WHERE account_id = ? AND serial = ?");
    up.bind(1, user_name);
    up.bind(2, NowMillisLocked());
    up.bind(3, account_id);
    up.bind(4, serial);
    up.exec();
    return Ok{};
  });
}

Status SqliteIdentityStore::UnassignMfaDevice(const std::string& account_id, const std::string& serial) {
  return WriteLocked([&]() -> Status {
    SQLite::Statement up(*db_,
                         "UPDATE mfa_devices SET assigned = 0, user_name = '', enable_millis = 0 "
                         "WHERE account_id = ? AND serial = ?");
    up.bind(1, account_id);
    up.bind(2, serial);
    if (up.exec() == 0) return errors::NoSuchMfaDevice(serial);
    return Ok{};
  });
}

Status SqliteIdentityStore::DeleteMfaDevice(const std::string& account_id, const std::string& serial) {
  return WriteLocked([&]() -> Status {
    SQLite::Statement q(*db_, "SELECT assigned FROM mfa_devices WHERE account_id = ? AND serial = ?");
    q.bind(1, account_id);
    q.bind(2, serial);
    if (!q.executeStep()) return errors::NoSuchMfaDevice(serial);
    if (q.getColumn(0).getInt() != 0)
      return MakeError("DeleteConflict", "MFA Device must be deactivated before deletion.", 409);
    SQLite::Statement del(*db_, "DELETE FROM mfa_devices WHERE account_id = ? AND serial = ?");
    del.bind(1, account_id);
    del.bind(2, serial);
    del.exec();
    return Ok{};
  });
}

}  // namespace common::identity
