// S3 access points in SQLite (see access_point_store.h).
#include "emulator/s3control/access_point_store.h"

#include "emulator/store/control_db.h"

namespace emulator::s3control {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS access_points(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, bucket TEXT NOT NULL,
  bucket_account TEXT NOT NULL, vpc_id TEXT NOT NULL, block_flags INTEGER NOT NULL, alias TEXT NOT NULL,
  policy TEXT, created INTEGER NOT NULL, PRIMARY KEY(account, region, name));
)";

constexpr const char* kColumns =
    "SELECT account, region, name, bucket, bucket_account, vpc_id, block_flags, alias, policy, created "
    "FROM access_points ";

AccessPoint Read(SQLite::Statement& s) {
  AccessPoint ap;
  ap.account_id = s.getColumn(0).getString();
  ap.region = s.getColumn(1).getString();
  ap.name = s.getColumn(2).getString();
  ap.bucket = s.getColumn(3).getString();
  ap.bucket_account_id = s.getColumn(4).getString();
  ap.vpc_id = s.getColumn(5).getString();
  const int flags = s.getColumn(6).getInt();
  ap.block_public_acls = flags & 1;
  ap.ignore_public_acls = flags & 2;
  ap.block_public_policy = flags & 4;
  ap.restrict_public_buckets = flags & 8;
  ap.alias = s.getColumn(7).getString();
  ap.policy = s.getColumn(8).isNull() ? "" : s.getColumn(8).getString();
  ap.created_millis = s.getColumn(9).getInt64();
  return ap;
}

}  // namespace

common::Result<std::unique_ptr<AccessPointStore>> AccessPointStore::Open(const std::string& db_path) {
  auto db = store::ControlDb::Open(db_path, kSchema, "control.db", "InternalError");
  if (!db.ok()) return db.error();
  return std::unique_ptr<AccessPointStore>(new AccessPointStore(std::move(*db)));
}

AccessPointStore::AccessPointStore(std::unique_ptr<store::ControlDb> db) : db_(std::move(db)) {}
AccessPointStore::~AccessPointStore() = default;

common::Result<bool> AccessPointStore::Create(const AccessPoint& ap) {
  auto inserted = db_->Changes(
      "INSERT OR IGNORE INTO access_points(account, region, name, bucket, bucket_account, vpc_id, block_flags, "
      "alias, policy, created) VALUES(?,?,?,?,?,?,?,?,NULL,?)",
      [&](SQLite::Statement& s) {
        s.bind(1, ap.account_id);
        s.bind(2, ap.region);
        s.bind(3, ap.name);
        s.bind(4, ap.bucket);
        s.bind(5, ap.bucket_account_id);
        s.bind(6, ap.vpc_id);
        s.bind(7, (ap.block_public_acls ? 1 : 0) | (ap.ignore_public_acls ? 2 : 0) |
                      (ap.block_public_policy ? 4 : 0) | (ap.restrict_public_buckets ? 8 : 0));
        s.bind(8, ap.alias);
        s.bind(9, static_cast<int64_t>(ap.created_millis));
      });
  if (!inserted.ok()) return inserted.error();
  return *inserted == 1;
}

std::optional<AccessPoint> AccessPointStore::Get(const std::string& account_id, const std::string& region,
                                                 const std::string& name) {
  auto [lock, db] = db_->Locked();
  SQLite::Statement s(*db, std::string(kColumns) + "WHERE account = ? AND region = ? AND name = ?");
  s.bind(1, account_id);
  s.bind(2, region);
  s.bind(3, name);
  if (!s.executeStep()) return std::nullopt;
  return Read(s);
}

std::vector<AccessPoint> AccessPointStore::List(const std::string& account_id, const std::string& region,
                                                const std::string& bucket, const std::string& after, int limit) {
  auto [lock, db] = db_->Locked();
  SQLite::Statement s(*db, std::string(kColumns) +
                                "WHERE account = ? AND region = ? AND (? = '' OR bucket = ?) AND name > ? "
                                "ORDER BY name LIMIT ?");
  s.bind(1, account_id);
  s.bind(2, region);
  s.bind(3, bucket);
  s.bind(4, bucket);
  s.bind(5, after);
  s.bind(6, limit + 1);
  std::vector<AccessPoint> out;
  while (s.executeStep()) out.push_back(Read(s));
  return out;
}


common::Status AccessPointStore::Delete(const std::string& account_id, const std::string& region,
                                        const std::string& name) {
  return db_->Write("DELETE FROM access_points WHERE account = ? AND region = ? AND name = ?",
               [&](SQLite::Statement& s) {
                 s.bind(1, account_id);
                 s.bind(2, region);
                 s.bind(3, name);
               });
}

common::Status AccessPointStore::SetPolicy(const std::string& account_id, const std::string& region,
                                           const std::string& name, const std::string& policy) {
  return db_->Write("UPDATE access_points SET policy = ? WHERE account = ? AND region = ? AND name = ?",
               [&](SQLite::Statement& s) {
                 if (policy.empty())
                   s.bind(1);
                 else
                   s.bind(1, policy);
                 s.bind(2, account_id);
                 s.bind(3, region);
                 s.bind(4, name);
               });
}

}  // namespace emulator::s3control
