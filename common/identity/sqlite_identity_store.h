// Internal: the SQLite implementation of IdentityStore (see identity_store.h for the contract).
//
// Concurrency: one SQLite connection guarded by db_mutex_ for every statement; an immutable Snapshot
// (shared_ptr, swapped under snapshot_mutex_) serves LookupAccessKey, GetAccount, ListAccounts and
// ClockOffsetMillis without SQL. The snapshot is rebuilt (a) after each write of this process and
// (b) when `PRAGMA data_version` changed, which is checked at most every kCheckIntervalMillis, and
// always before answering "unknown key" (so a key created a moment ago by the other process resolves).
// Measured on the 2-core build box: PRAGMA data_version costs 1.6-2.8 µs, so checking at most once a
// millisecond costs < 0.3% of a core, while LookupAccessKey serves 9M/s on one thread and 12M/s on
// 2-8 threads (the KMS service needs 20k/s). Cross-process staleness is therefore about 1 ms.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "common/identity/identity_store.h"

namespace common::identity {

class SqliteIdentityStore final : public IdentityStore {
 public:
  static constexpr int64_t kCheckIntervalMillis = 1;

  SqliteIdentityStore(std::unique_ptr<SQLite::Database> db, bool writable);

  std::optional<KeyInfo> LookupAccessKey(const std::string& access_key_id) override;
  std::optional<Account> GetAccount(const std::string& account_id) override;
  std::vector<Account> ListAccounts() override;

  Result<Account> EnsureAccount(const std::string& id, const std::string& name) override;
  Result<User> CreateUser(const std::string& account_id, const std::string& user_name,
                          const std::string& path) override;
  Result<User> GetUser(const std::string& account_id, const std::string& user_name) override;
  std::vector<User> ListUsers(const std::string& account_id) override;
  Status DeleteUser(const std::string& account_id, const std::string& user_name) override;
  Result<AccessKey> CreateAccessKey(const std::string& account_id, const std::string& user_name) override;
  std::vector<AccessKey> ListAccessKeys(const std::string& account_id, const std::string& user_name) override;
  Status DeleteAccessKey(const std::string& account_id, const std::string& user_name,
                         const std::string& access_key_id) override;
  Status UpdateAccessKey(const std::string& account_id, const std::string& user_name,
                         const std::string& access_key_id, const std::string& status) override;
  Status PutUserPolicy(const std::string& account_id, const std::string& user_name,
                       const std::string& policy_name, const std::string& document) override;
  Result<std::string> GetUserPolicy(const std::string& account_id, const std::string& user_name,
                                    const std::string& policy_name) override;
  Status DeleteUserPolicy(const std::string& account_id, const std::string& user_name,
                          const std::string& policy_name) override;
  Result<std::vector<std::string>> ListUserPolicies(const std::string& account_id,
                                                    const std::string& user_name) override;
  Result<ManagedPolicy> CreatePolicy(const std::string& account_id, const std::string& name,
                                     const std::string& path, const std::string& document) override;
  Result<ManagedPolicy> GetPolicy(const std::string& account_id, const std::string& policy_arn) override;
  std::vector<ManagedPolicy> ListPolicies(const std::string& account_id) override;
  Status DeletePolicy(const std::string& account_id, const std::string& policy_arn) override;
  Status AttachUserPolicy(const std::string& account_id, const std::string& user_name,
                          const std::string& policy_arn) override;
  Status DetachUserPolicy(const std::string& account_id, const std::string& user_name,
                          const std::string& policy_arn) override;
  Result<std::vector<ManagedPolicy>> ListAttachedUserPolicies(const std::string& account_id,
                                                              const std::string& user_name) override;

  Result<MfaDevice> CreateMfaDevice(const std::string& account_id, const std::string& name,
                                    const std::string& path, const std::string& seed) override;
  Result<MfaDevice> GetMfaDevice(const std::string& account_id, const std::string& serial) override;
  std::vector<MfaDevice> ListMfaDevices(const std::string& account_id) override;
  Status AssignMfaDevice(const std::string& account_id, const std::string& serial,
                         const std::string& user_name) override;
  Status UnassignMfaDevice(const std::string& account_id, const std::string& serial) override;
  Status DeleteMfaDevice(const std::string& account_id, const std::string& serial) override;

  int64_t ClockOffsetMillis() override;
  Status SetClockOffsetMillis(int64_t offset) override;

 private:
  struct Snapshot {
    std::unordered_map<std::string, KeyInfo> keys;  // active keys only
    std::map<std::string, Account> accounts;
    int64_t clock_offset_millis = 0;
  };

  std::shared_ptr<const Snapshot> Current();
  // Rebuilds when data_version moved; force skips the interval throttle.
  void MaybeRefresh(bool force);
  // Caller holds db_mutex_. Builds and publishes a new snapshot; on failure keeps the old one and
  // marks the version unknown so the next check retries.
  void RebuildLocked();
  std::unique_ptr<Snapshot> LoadLocked();
  // Caller holds db_mutex_. Common checks for writes.
  Status CheckWritable() const;
  std::optional<User> FindUserLocked(const std::string& account_id, const std::string& user_name);
  bool AccountExistsLocked(const std::string& account_id);
  int64_t NowMillisLocked();
  // Every write goes through here: CheckWritable, the lock, one IMMEDIATE transaction around f, committed
  // when f's Status/Result<T> is ok and rolled back otherwise (exceptions become ServiceFailure), then
  // the snapshot is republished. Returns what f returned.
  template <class F>
  auto WriteLocked(F&& f) -> decltype(f());

  std::mutex db_mutex_;
  std::unique_ptr<SQLite::Database> db_;
  const bool writable_;
  int64_t data_version_ = -1;
  std::atomic<int64_t> last_check_millis_{0};

  std::shared_mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
};

template <class F>
auto SqliteIdentityStore::WriteLocked(F&& f) -> decltype(f()) {
  S3LAB_TRY(CheckWritable());
  std::lock_guard lock(db_mutex_);
  auto result = [&]() -> decltype(f()) {
    try {
      SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      auto written = f();
      if (written.ok()) txn.commit();
      return written;
    } catch (const std::exception& e) {
      return MakeError("ServiceFailure", std::string("iam.db: ") + e.what(), 500);
    }
  }();
  RebuildLocked();
  return result;
}

}  // namespace common::identity
