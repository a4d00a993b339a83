// ObjectStore::Open, the schema, the startup sweep and the bucket operations. Buckets are few and read
// on every request, so they are cached in memory; every change goes through the writer connection and
// updates the cache while the writer lock is held, so the cache never disagrees with s3.db.
#include <cstdio>

#include "emulator/store/sqlite_store.h"

namespace emulator::store {

Result<std::unique_ptr<ObjectStore>> ObjectStore::Open(StoreOptions options) {
  auto store = std::make_unique<internal::SqliteObjectStore>(std::move(options));
  S3LAB_TRY(store->Init());
  return std::unique_ptr<ObjectStore>(std::move(store));
}

namespace internal {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS buckets(
  name TEXT PRIMARY KEY, owner TEXT NOT NULL, region TEXT NOT NULL, created INTEGER NOT NULL,
  versioning TEXT NOT NULL DEFAULT '', enc_algorithm TEXT NOT NULL DEFAULT 'AES256',
  enc_key TEXT NOT NULL DEFAULT '', enc_bucket_key INTEGER NOT NULL DEFAULT 0, policy TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS bucket_config(
  bucket TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(bucket, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions(
  seq INTEGER PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,
  delete_marker INTEGER NOT NULL, latest INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  modified INTEGER NOT NULL, owner TEXT NOT NULL, meta TEXT NOT NULL, checksum TEXT NOT NULL,
  sse TEXT NOT NULL, wrapped_key BLOB, data BLOB, parts TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_key ON versions(bucket, key, seq DESC);
CREATE INDEX IF NOT EXISTS versions_current ON versions(bucket, key) WHERE latest = 1 AND delete_marker = 0;
CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS staged(data_id INTEGER PRIMARY KEY, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS uploads(
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL,
  owner TEXT NOT NULL, initiator TEXT NOT NULL, meta TEXT NOT NULL, sse TEXT NOT NULL, wrapped_key BLOB,
  checksum_algorithm TEXT NOT NULL, checksum_type TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_key ON uploads(bucket, key, initiated);
CREATE TABLE IF NOT EXISTS parts(
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, data_id INTEGER NOT NULL, uuid BLOB NOT NULL,
  size INTEGER NOT NULL, etag TEXT NOT NULL, modified INTEGER NOT NULL, checksum TEXT NOT NULL,
  PRIMARY KEY(upload_id, part_number)) WITHOUT ROWID;
)sql";

BucketRecord DecodeBucket(SQLite::Statement& s) {
  BucketRecord b;
  b.name = s.getColumn(0).getString();
  b.owner_account = s.getColumn(1).getString();
  b.region = s.getColumn(2).getString();
  b.created_millis = s.getColumn(3).getInt64();
  b.versioning = s.getColumn(4).getString();
  b.encryption.sse_algorithm = s.getColumn(5).getString();
  b.encryption.kms_master_key_id = s.getColumn(6).getString();
  b.encryption.bucket_key_enabled = s.getColumn(7).getInt() != 0;
  b.policy = s.getColumn(8).getString();
  return b;
}

}  // namespace

SqliteObjectStore::SqliteObjectStore(StoreOptions options)
    : options_(std::move(options)), keyring_(options_.master_key) {}

int64_t SqliteObjectStore::NowMillis() const {
  return options_.clock != nullptr ? options_.clock->NowMillis() : common::util::RealNowMillis();
}

Status SqliteObjectStore::Init() {
  if (options_.master_key.size() != 32) return Internal("master key must be 32 bytes");
  return Guarded([&]() -> Status {
    pool_ = std::make_unique<Pool>(options_.db_path, options_.reader_connections);
    committer_ = std::make_unique<GroupCommitter>(pool_.get());
    {
      Lease w = pool_->Writer();
      w.db().raw().exec(kSchema);
      StmtScope s(w.Stmt("SELECT name, owner, region, created, versioning, enc_algorithm, enc_key, "
                         "enc_bucket_key, policy FROM buckets"));
      while (s->executeStep()) {
        BucketRecord b = DecodeBucket(*s);
        buckets_[b.name] = b;
      }
      // Data ids are allocated in memory (one process owns s3.db): continue above every id in use.
      int64_t max_id = 0;
      for (const char* sql : {"SELECT COALESCE(MAX(id), 0) >> 16 FROM chunks",
                              "SELECT COALESCE(MAX(data_id), 0) FROM staged",
                              "SELECT COALESCE(MAX(data_id), 0) FROM parts"}) {
        StmtScope q(w.Stmt(sql));
        if (q->executeStep()) max_id = std::max(max_id, q->getColumn(0).getInt64());
      }
      next_data_id_ = max_id + 1;
    }
    auto swept = SweepStaged();
    if (!swept.ok()) return swept.error();
    if (*swept > 0) std::fprintf(stderr, "s3lab-s3: removed %lld uncommitted upload(s) left by a previous run\n",
                                 static_cast<long long>(*swept));
    return common::Ok{};
  });
}

Result<int64_t> SqliteObjectStore::SweepStaged() {
  return Guarded([&]() -> Result<int64_t> {
    Lease w = pool_->Writer();
    std::vector<int64_t> ids;
    {
      StmtScope s(w.Stmt("SELECT data_id FROM staged"));
      while (s->executeStep()) ids.push_back(s->getColumn(0).getInt64());
    }
    for (int64_t id : ids) {
      SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
      DeleteDataLocked(w, id);
      StmtScope d(w.Stmt("DELETE FROM staged WHERE data_id = ?"));
      d->bind(1, static_cast<int64_t>(id));
      d->exec();
      tx.commit();
    }
    return static_cast<int64_t>(ids.size());
  });
}

Result<int64_t> SqliteObjectStore::CountStaged() {
  return Guarded([&]() -> Result<int64_t> {
    Lease r = pool_->Reader();
    StmtScope s(r.Stmt("SELECT COUNT(*) FROM staged"));
    s->executeStep();
    return s->getColumn(0).getInt64();
  });
}

void SqliteObjectStore::DeleteDataLocked(Lease& w, int64_t data_id) {
  StmtScope d(w.Stmt("DELETE FROM chunks WHERE id >= ? AND id < ?"));
  d->bind(1, static_cast<int64_t>(ChunkRowId(data_id, 0)));
  d->bind(2, static_cast<int64_t>(ChunkRowId(data_id + 1, 0)));
  d->exec();
}

void SqliteObjectStore::DeleteSegmentsLocked(Lease& w, const std::string& segments_blob) {
  for (const Segment& seg : UnpackSegments(segments_blob)) DeleteDataLocked(w, seg.data_id);
}

Result<BucketRecord> SqliteObjectStore::CreateBucket(BucketRecord bucket) {
  return Guarded([&]() -> Result<BucketRecord> {
    Lease w = pool_->Writer();
    {
      std::shared_lock<std::shared_mutex> lock(buckets_mu_);
      auto it = buckets_.find(bucket.name);
      if (it != buckets_.end()) {
        if (it->second.owner_account == bucket.owner_account) {
          return common::MakeError("BucketAlreadyOwnedByYou",
                                   "Your previous request to create the named bucket succeeded and you already "
                                   "own it.", 409)
              .With("BucketName", bucket.name);
        }
        return common::MakeError("BucketAlreadyExists",
                                 "The requested bucket name is not available. The bucket namespace is shared by "
                                 "all users of the system. Please select a different name and try again.", 409)
            .With("BucketName", bucket.name);
      }
    }
    if (bucket.created_millis == 0) bucket.created_millis = NowMillis();
    StmtScope s(w.Stmt("INSERT INTO buckets(name, owner, region, created, versioning, enc_algorithm, enc_key, "
                       "enc_bucket_key, policy) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->bind(1, bucket.name);
    s->bind(2, bucket.owner_account);
    s->bind(3, bucket.region);
    s->bind(4, static_cast<int64_t>(bucket.created_millis));
    s->bind(5, bucket.versioning);
    s->bind(6, bucket.encryption.sse_algorithm);
    s->bind(7, bucket.encryption.kms_master_key_id);
    s->bind(8, bucket.encryption.bucket_key_enabled ? 1 : 0);
    s->bind(9, bucket.policy);
    s->exec();
    std::unique_lock<std::shared_mutex> lock(buckets_mu_);
    buckets_[bucket.name] = bucket;
    return bucket;
  });
}

Result<BucketRecord> SqliteObjectStore::GetBucket(const std::string& name) {
  std::shared_lock<std::shared_mutex> lock(buckets_mu_);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) return NoSuchBucketError(name);
  return it->second;
}

std::optional<std::string> SqliteObjectStore::BucketVersioningLocked(const std::string& bucket) {
  std::shared_lock<std::shared_mutex> lock(buckets_mu_);
  auto it = buckets_.find(bucket);
  if (it == buckets_.end()) return std::nullopt;
  return it->second.versioning;
}

Status SqliteObjectStore::DeleteBucket(const std::string& name) {
  return Guarded([&]() -> Status {
    Lease w = pool_->Writer();
    std::optional<std::string> versioning = BucketVersioningLocked(name);
    if (!versioning) return NoSuchBucketError(name);
    {
      StmtScope s(w.Stmt("SELECT 1 FROM versions WHERE bucket = ? LIMIT 1"));
      s->bind(1, name);
      if (s->executeStep()) {
        bool versioned = !versioning->empty();
        return common::MakeError("BucketNotEmpty",
                                 versioned ? "The bucket you tried to delete is not empty. You must delete all "
                                             "versions in the bucket."
                                           : "The bucket you tried to delete is not empty",
                                 409)
            .With("BucketName", name);
      }
    }
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    {
      StmtScope parts(w.Stmt("SELECT p.data_id FROM parts p JOIN uploads u ON u.upload_id = p.upload_id "
                             "WHERE u.bucket = ?"));
      parts->bind(1, name);
      std::vector<int64_t> ids;
      while (parts->executeStep()) ids.push_back(parts->getColumn(0).getInt64());
      parts->reset();
      for (int64_t id : ids) DeleteDataLocked(w, id);
    }
    for (const char* sql : {"DELETE FROM parts WHERE upload_id IN (SELECT upload_id FROM uploads WHERE bucket = ?)",
                            "DELETE FROM uploads WHERE bucket = ?", "DELETE FROM bucket_config WHERE bucket = ?",
                            "DELETE FROM buckets WHERE name = ?"}) {
      StmtScope d(w.Stmt(sql));
      d->bind(1, name);
      d->exec();
    }
    tx.commit();
    std::unique_lock<std::shared_mutex> lock(buckets_mu_);
    buckets_.erase(name);
    return common::Ok{};
  });
}

Result<std::vector<BucketRecord>> SqliteObjectStore::ListBuckets(const std::string& owner_account) {
  std::shared_lock<std::shared_mutex> lock(buckets_mu_);
  std::vector<BucketRecord> out;
  for (const auto& [name, b] : buckets_)
    if (b.owner_account == owner_account) out.push_back(b);
  return out;
}

Status SqliteObjectStore::UpdateBucketLocked(const std::string& bucket,
                                             const std::function<void(BucketRecord&)>& change) {
  return Guarded([&]() -> Status {
    Lease w = pool_->Writer();
    BucketRecord b;
    {
      std::shared_lock<std::shared_mutex> lock(buckets_mu_);
      auto it = buckets_.find(bucket);
      if (it == buckets_.end()) return NoSuchBucketError(bucket);
      b = it->second;
    }
    change(b);
    StmtScope s(w.Stmt("UPDATE buckets SET versioning = ?, enc_algorithm = ?, enc_key = ?, enc_bucket_key = ?, "
                       "policy = ? WHERE name = ?"));
    s->bind(1, b.versioning);
    s->bind(2, b.encryption.sse_algorithm);
    s->bind(3, b.encryption.kms_master_key_id);
    s->bind(4, b.encryption.bucket_key_enabled ? 1 : 0);
    s->bind(5, b.policy);
    s->bind(6, bucket);
    s->exec();
    std::unique_lock<std::shared_mutex> lock(buckets_mu_);
    buckets_[bucket] = b;
    return common::Ok{};
  });
}

Status SqliteObjectStore::SetVersioning(const std::string& bucket, const std::string& state) {
  return UpdateBucketLocked(bucket, [&](BucketRecord& b) { b.versioning = state; });
}
Status SqliteObjectStore::SetEncryption(const std::string& bucket, const EncryptionConfig& config) {
  return UpdateBucketLocked(bucket, [&](BucketRecord& b) { b.encryption = config; });
}
Status SqliteObjectStore::SetPolicy(const std::string& bucket, const std::string& policy_json) {
  return UpdateBucketLocked(bucket, [&](BucketRecord& b) { b.policy = policy_json; });
}

Result<std::optional<std::string>> SqliteObjectStore::GetBucketConfig(const std::string& bucket,
                                                                     const std::string& name) {
  if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
  return Guarded([&]() -> Result<std::optional<std::string>> {
    Lease r = pool_->Reader();
    StmtScope s(r.Stmt("SELECT value FROM bucket_config WHERE bucket = ? AND name = ?"));
    s->bind(1, bucket);
    s->bind(2, name);
    if (!s->executeStep()) return std::optional<std::string>();
    return std::optional<std::string>(s->getColumn(0).getString());
  });
}

Status SqliteObjectStore::PutBucketConfig(const std::string& bucket, const std::string& name,
                                          const std::string& value) {
  return Guarded([&]() -> Status {
    Lease w = pool_->Writer();
    if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
    StmtScope s(w.Stmt("INSERT OR REPLACE INTO bucket_config(bucket, name, value) VALUES(?, ?, ?)"));
    s->bind(1, bucket);
    s->bind(2, name);
    s->bind(3, value);
    s->exec();
    return common::Ok{};
  });
}

Status SqliteObjectStore::DeleteBucketConfig(const std::string& bucket, const std::string& name) {
  return Guarded([&]() -> Status {
    Lease w = pool_->Writer();
    if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
    StmtScope s(w.Stmt("DELETE FROM bucket_config WHERE bucket = ? AND name = ?"));
    s->bind(1, bucket);
    s->bind(2, name);
    s->exec();
    return common::Ok{};
  });
}

}  // namespace internal
}  // namespace emulator::store
