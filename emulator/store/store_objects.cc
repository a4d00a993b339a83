// Object versions: writers, lookups, readers, deletes, and the versioning rules applied when a new
// version or delete marker is inserted (see object_store.h). Every change runs in one writer
// transaction; the versions row and its chunks appear and disappear together.
#include "emulator/store/object_io_impl.h"

namespace emulator::store::internal {
namespace {

common::AwsError NoSuchKeyError(const std::string& key) {
  return common::MakeError("NoSuchKey", "The specified key does not exist.", 404).With("Key", key);
}
common::AwsError NoSuchVersionError(const std::string& key, const std::string& version_id) {
  return common::MakeError("NoSuchVersion", "The specified version does not exist.", 404)
      .With("Key", key)
      .With("VersionId", version_id);
}

// Inside a writer transaction: makes the newest remaining version of bucket/key the latest.
void PromoteNewestLocked(Lease& w, const std::string& bucket, const std::string& key) {
  StmtScope s(w.Stmt("UPDATE versions SET latest = 1 WHERE seq = (SELECT seq FROM versions WHERE bucket = ? AND "
                     "key = ? ORDER BY seq DESC LIMIT 1)"));
  s->bind(1, bucket);
  s->bind(2, key);
  s->exec();
}

// Inside a writer transaction: deletes one version row (by seq) and its chunks.
void DeleteVersionRowLocked(Lease& w, int64_t seq, const std::string& segments) {
  SqliteObjectStore::DeleteSegmentsLocked(w, segments);
  StmtScope d(w.Stmt("DELETE FROM versions WHERE seq = ?"));
  d->bind(1, static_cast<int64_t>(seq));
  d->exec();
}

}  // namespace

Result<SecretBytes> SqliteObjectStore::DataKeyFor(const SseInfo& sse, const SecretBytes* given) const {
  if (sse.mode == SseMode::kSseS3) return keyring_.Unwrap(sse.wrapped_key);
  if (given == nullptr || given->size() != 32) return Internal("data key required for this encryption mode");
  return SecretBytes(given->bytes());
}

Result<std::unique_ptr<ObjectWriter>> SqliteObjectStore::NewWriter(const std::string& bucket, const std::string& key,
                                                                   SseInfo sse, SecretBytes data_key) {
  if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
  if (sse.mode == SseMode::kSseS3) {
    sse::DataKey k = keyring_.NewDataKey();
    sse.wrapped_key = std::move(k.wrapped);
    data_key = std::move(k.plaintext);
  } else if (data_key.size() != 32) {
    return Internal("data key required for this encryption mode");
  }
  return std::unique_ptr<ObjectWriter>(std::make_unique<SqliteObjectWriter>(
      this, bucket, key, std::move(sse), std::move(data_key), std::nullopt, 0));
}

namespace {

// Binds the columns a version row gets from `v` (same order in the INSERT and the in-place UPDATE).
void BindVersionColumns(SQLite::Statement& s, const ObjectVersion& v, const std::string& segments) {
  s.bind(1, v.bucket);
  s.bind(2, v.key);
  s.bind(3, v.version_id);
  s.bind(4, v.is_delete_marker ? 1 : 0);
  s.bind(5, static_cast<int64_t>(v.size));
  s.bind(6, v.etag);
  s.bind(7, static_cast<int64_t>(v.last_modified_millis));
  s.bind(8, v.owner_account);
  s.bind(9, MetaToJson(v.meta));
  s.bind(10, ChecksumToJson(v.checksum));
  s.bind(11, v.is_delete_marker ? std::string() : SseToJson(v.sse));
  s.bind(12, v.sse.wrapped_key.data(), static_cast<int>(v.sse.wrapped_key.size()));
  s.bind(13, segments.data(), static_cast<int>(segments.size()));
  s.bind(14, PartsToJson(v.part_sizes, v.part_checksums));
}

}  // namespace

void SqliteObjectStore::InsertVersionLocked(Lease& w, ObjectVersion& v, const std::string& segments,
                                            const std::string& versioning) {
  if (versioning == "Enabled") {
    v.version_id = RandomId(32);
  } else {
    v.version_id = kNullVersionId;
    StmtScope old(w.Stmt("SELECT seq, data FROM versions WHERE bucket = ? AND key = ? AND version_id = 'null'"));
    old->bind(1, v.bucket);
    old->bind(2, v.key);
    if (old->executeStep()) {
      int64_t seq = old->getColumn(0).getInt64();
      std::string data = ColumnBytes(*old, 1);
      old->reset();
      DeleteVersionRowLocked(w, seq, data);
    }
  }
  {
    StmtScope u(w.Stmt("UPDATE versions SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1"));
    u->bind(1, v.bucket);
    u->bind(2, v.key);
    u->exec();
  }
  v.is_latest = true;
  StmtScope s(w.Stmt("INSERT INTO versions(bucket, key, version_id, delete_marker, latest, size, etag, modified, "
                     "owner, meta, checksum, sse, wrapped_key, data, parts) "
                     "VALUES(?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
  BindVersionColumns(*s, v, segments);
  s->exec();
  v.seq = w.db().raw().getLastInsertRowid();
}

bool SqliteObjectStore::OverwriteInPlaceLocked(Lease& w, ObjectVersion& v, const std::string& sealed_chunk,
                                               const std::string& uuid) {
  StmtScope old(w.Stmt("SELECT seq, data FROM versions WHERE bucket = ? AND key = ? AND version_id = 'null'"));
  old->bind(1, v.bucket);
  old->bind(2, v.key);
  if (!old->executeStep()) return false;
  int64_t seq = old->getColumn(0).getInt64();
  std::vector<Segment> segments = UnpackSegments(ColumnBytes(*old, 1));
  old->reset();
  if (segments.size() != 1 || segments[0].size > kChunkSize) return false;
  {
    StmtScope c(w.Stmt("UPDATE chunks SET body = ? WHERE id = ?"));
    c->bindNoCopy(1, sealed_chunk.data(), static_cast<int>(sealed_chunk.size()));
    c->bind(2, static_cast<int64_t>(ChunkRowId(segments[0].data_id, 0)));
    if (c->exec() != 1) return false;
  }
  v.version_id = kNullVersionId;
  v.is_latest = true;
  v.seq = seq;
  StmtScope s(w.Stmt("UPDATE versions SET bucket = ?1, key = ?2, version_id = ?3, delete_marker = ?4, latest = 1, "
                     "size = ?5, etag = ?6, modified = ?7, owner = ?8, meta = ?9, checksum = ?10, sse = ?11, "
                     "wrapped_key = ?12, data = ?13, parts = ?14 WHERE seq = ?15"));
  BindVersionColumns(*s, v, PackSegments({{segments[0].data_id, uuid, v.size}}));
  s->bind(15, static_cast<int64_t>(seq));
  s->exec();
  return true;
}

Result<ObjectVersion> SqliteObjectStore::GetObject(const std::string& bucket, const std::string& key,
                                                   const std::string& version_id) {
  if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
  return Guarded([&]() -> Result<ObjectVersion> {
    Lease r = pool_->Reader();
    if (version_id.empty()) {
      StmtScope s(r.Stmt(std::string("SELECT ") + kVersionColumns +
                         " FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1"));
      s->bind(1, bucket);
      s->bind(2, key);
      if (!s->executeStep()) return NoSuchKeyError(key);
      return DecodeVersion(*s);
    }
    StmtScope s(r.Stmt(std::string("SELECT ") + kVersionColumns +
                       " FROM versions WHERE bucket = ? AND key = ? AND version_id = ?"));
    s->bind(1, bucket);
    s->bind(2, key);
    s->bind(3, version_id);
    if (!s->executeStep()) return NoSuchVersionError(key, version_id);
    return DecodeVersion(*s);
  });
}

Result<std::unique_ptr<ObjectReader>> SqliteObjectStore::OpenReader(const ObjectVersion& version,
                                                                    const SecretBytes* data_key) {
  if (version.is_delete_marker) return Internal("a delete marker has no data");
  auto key = DataKeyFor(version.sse, data_key);
  if (!key.ok()) return key.error();
  return Guarded([&]() -> Result<std::unique_ptr<ObjectReader>> {
    Lease r = pool_->Reader();
    // An overwrite in place (OverwriteInPlaceLocked) keeps the seq: a row whose data key or ETag
    // changed since `version` was read is gone for this reader, as a deleted one would be.
    StmtScope s(r.Stmt("SELECT data, wrapped_key, etag FROM versions WHERE seq = ?"));
    s->bind(1, static_cast<int64_t>(version.seq));
    if (!s->executeStep() || ColumnBytes(*s, 1) != version.sse.wrapped_key || ColumnBytes(*s, 2) != version.etag) {
      return NoSuchVersionError(version.key, version.version_id);
    }
    std::string blob = ColumnBytes(*s, 0);
    return std::unique_ptr<ObjectReader>(
        std::make_unique<SqliteObjectReader>(this, UnpackSegments(blob), std::move(key.value()), version.size));
  });
}

Result<DeleteResult> SqliteObjectStore::DeleteObject(const std::string& bucket, const std::string& key,
                                                     const std::string& version_id) {
  DeleteResult result;
  Status status = committer_->Run([&](Lease& w) -> Status {
    result = DeleteResult();
    std::optional<std::string> versioning = BucketVersioningLocked(bucket);
    if (!versioning) return NoSuchBucketError(bucket);
    if (!version_id.empty() || versioning->empty()) {
      // Remove one version (the null version when the bucket was never versioned).
      std::string id = version_id.empty() ? std::string(kNullVersionId) : version_id;
      StmtScope s(w.Stmt("SELECT seq, data, delete_marker, latest FROM versions WHERE bucket = ? AND key = ? AND "
                         "version_id = ?"));
      s->bind(1, bucket);
      s->bind(2, key);
      s->bind(3, id);
      if (!s->executeStep()) return common::Ok{};  // deleting what is not there succeeds in S3
      int64_t seq = s->getColumn(0).getInt64();
      std::string data = ColumnBytes(*s, 1);
      result.deleted_delete_marker = s->getColumn(2).getInt() != 0;
      bool was_latest = s->getColumn(3).getInt() != 0;
      s->reset();
      DeleteVersionRowLocked(w, seq, data);
      if (was_latest) PromoteNewestLocked(w, bucket, key);
      if (!version_id.empty()) result.version_id = version_id;
      return common::Ok{};
    }
    // Versioned bucket, no version id: add a delete marker (null one when suspended).
    ObjectVersion marker;
    marker.bucket = bucket;
    marker.key = key;
    marker.is_delete_marker = true;
    marker.last_modified_millis = NowMillis();
    InsertVersionLocked(w, marker, std::string(), *versioning);
    result.marker_created = true;
    result.deleted_delete_marker = true;
    result.version_id = marker.version_id;
    return common::Ok{};
  });
  if (!status.ok()) return status.error();
  return result;
}

Status SqliteObjectStore::UpdateVersionExtra(const std::string& bucket, const std::string& key,
                                             const std::string& version_id,
                                             const std::map<std::string, std::string>& extra) {
  auto current = GetObject(bucket, key, version_id);
  if (!current.ok()) return current.error();
  return Guarded([&]() -> Status {
    Lease w = pool_->Writer();
    ObjectMeta meta = current->meta;
    meta.extra = extra;
    StmtScope s(w.Stmt("UPDATE versions SET meta = ? WHERE seq = ?"));
    s->bind(1, MetaToJson(meta));
    s->bind(2, static_cast<int64_t>(current->seq));
    s->exec();
    return common::Ok{};
  });
}

}  // namespace emulator::store::internal
