// ObjectWriter / ObjectReader over the chunks table (design in object_store.h, schema in
// sqlite_store.h). A writer seals each full kChunkSize chunk with AES-256-GCM and stages it in its own
// short transaction; the last chunk goes into the commit transaction with the version (or part) row,
// so a body that fits in one chunk costs one transaction. The reader fetches and opens one chunk at a
// time with a pooled connection that it gives back before handing bytes to the client.
#include "emulator/store/object_io_impl.h"

#include <algorithm>

namespace emulator::store::internal {
namespace {

constexpr size_t kIvSize = 12;
constexpr size_t kTagSize = 16;

}  // namespace

SqliteObjectWriter::SqliteObjectWriter(SqliteObjectStore* store, std::string bucket, std::string key, SseInfo sse,
                                       SecretBytes data_key, std::optional<UploadRecord> upload, int part_number)
    : store_(store),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      sse_(std::move(sse)),
      data_key_(std::move(data_key)),
      upload_(std::move(upload)),
      part_number_(part_number),
      data_id_(store->NextDataId()),
      uuid_(common::crypto::RandomBytes(16)),
      open_(store->committer().WriterOpened()) {}

SqliteObjectWriter::~SqliteObjectWriter() { Abort(); }

// Seals buffer_ into sealed_ (IV || ciphertext || tag). Both buffers keep their capacity, so a long
// upload allocates them once.
void SqliteObjectWriter::SealBuffer() {
  std::string iv = common::crypto::RandomBytes(kIvSize);
  sealed_.resize(kIvSize + buffer_.size() + kTagSize);
  std::copy(iv.begin(), iv.end(), sealed_.begin());
  std::string tag = gcm_.Encrypt(data_key_.view(), iv, ChunkAad(uuid_, chunk_count_), buffer_, sealed_.data() + kIvSize);
  std::copy(tag.begin(), tag.end(), sealed_.begin() + static_cast<std::ptrdiff_t>(kIvSize + buffer_.size()));
  buffer_.clear();
}

void SqliteObjectWriter::InsertChunkLocked(Lease& w, const std::string& blob) {
  StmtScope s(w.Stmt("INSERT INTO chunks(id, body) VALUES(?, ?)"));
  s->bind(1, static_cast<int64_t>(ChunkRowId(data_id_, chunk_count_)));
  s->bindNoCopy(2, blob.data(), static_cast<int>(blob.size()));
  s->exec();
  ++chunk_count_;
}

common::Status SqliteObjectWriter::StageFullChunk() {
  if (chunk_count_ + 1 >= kMaxChunksPerSegment) return Internal("object too large for one segment");
  SealBuffer();
  return Guarded([&]() -> common::Status {
    Lease w = store_->pool().Writer();
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    if (!staged_) {
      StmtScope s(w.Stmt("INSERT INTO staged(data_id, created) VALUES(?, ?)"));
      s->bind(1, static_cast<int64_t>(data_id_));
      s->bind(2, static_cast<int64_t>(store_->NowMillis()));
      s->exec();
    }
    InsertChunkLocked(w, sealed_);
    tx.commit();
    staged_ = true;
    return common::Ok{};
  });
}

common::Status SqliteObjectWriter::Write(std::string_view data) {
  if (done_) return Internal("write after commit");
  while (!data.empty()) {
    // No up-front 1 MiB reservation: small objects stay small; big ones grow the buffer once.
    size_t room = static_cast<size_t>(kChunkSize) - buffer_.size();
    size_t n = std::min(room, data.size());
    buffer_.append(data.data(), n);
    data.remove_prefix(n);
    bytes_written_ += static_cast<int64_t>(n);
    if (buffer_.size() == static_cast<size_t>(kChunkSize)) S3LAB_TRY(StageFullChunk());
  }
  return common::Ok{};
}

void SqliteObjectWriter::FinishDataLocked(Lease& w, bool has_last_chunk) {
  if (has_last_chunk) InsertChunkLocked(w, sealed_);
  if (staged_) {
    StmtScope s(w.Stmt("DELETE FROM staged WHERE data_id = ?"));
    s->bind(1, static_cast<int64_t>(data_id_));
    s->exec();
  }
}

common::Result<ObjectVersion> SqliteObjectWriter::Commit(NewVersion version) {
  if (done_ || upload_) return Internal("invalid writer commit");
  bool has_last = !buffer_.empty();
  if (has_last) SealBuffer();
  ObjectVersion v;
  v.bucket = bucket_;
  v.key = key_;
  v.size = bytes_written_;
  v.etag = std::move(version.etag);
  v.owner_account = std::move(version.owner_account);
  v.meta = std::move(version.meta);
  v.checksum = std::move(version.checksum);
  v.sse = sse_;
  std::vector<Segment> segments;
  if (bytes_written_ > 0) segments.push_back({data_id_, uuid_, bytes_written_});
  common::Status status = store_->committer().Run([&](Lease& w) -> common::Status {
    std::optional<std::string> versioning = store_->BucketVersioningLocked(bucket_);
    if (!versioning) return NoSuchBucketError(bucket_);
    v.last_modified_millis = store_->NowMillis();
    if (versioning->empty() && has_last && chunk_count_ == 0 && !staged_ &&
        store_->OverwriteInPlaceLocked(w, v, sealed_, uuid_)) {
      return common::Ok{};
    }
    FinishDataLocked(w, has_last);
    store_->InsertVersionLocked(w, v, PackSegments(segments), *versioning);
    return common::Ok{};
  });
  if (!status.ok()) return status.error();
  done_ = true;
  return v;
}

common::Result<PartRecord> SqliteObjectWriter::CommitPart(PartRecord part) {
  if (done_ || !upload_) return Internal("invalid part commit");
  bool has_last = !buffer_.empty();
  if (has_last) SealBuffer();
  auto result = Guarded([&]() -> common::Result<PartRecord> {
    Lease w = store_->pool().Writer();
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    {
      StmtScope u(w.Stmt("SELECT 1 FROM uploads WHERE upload_id = ?"));
      u->bind(1, upload_->upload_id);
      if (!u->executeStep()) return NoSuchUploadError(upload_->upload_id);
    }
    {
      StmtScope old(w.Stmt("SELECT data_id FROM parts WHERE upload_id = ? AND part_number = ?"));
      old->bind(1, upload_->upload_id);
      old->bind(2, part_number_);
      if (old->executeStep()) {
        int64_t old_id = old->getColumn(0).getInt64();
        old->reset();
        SqliteObjectStore::DeleteDataLocked(w, old_id);
      }
    }
    FinishDataLocked(w, has_last);
    part.part_number = part_number_;
    part.size = bytes_written_;
    part.last_modified_millis = store_->NowMillis();
    StmtScope s(w.Stmt("INSERT OR REPLACE INTO parts(upload_id, part_number, data_id, uuid, size, etag, modified, "
                       "checksum) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    s->bind(1, upload_->upload_id);
    s->bind(2, part_number_);
    s->bind(3, static_cast<int64_t>(data_id_));
    s->bind(4, uuid_.data(), static_cast<int>(uuid_.size()));
    s->bind(5, static_cast<int64_t>(part.size));
    s->bind(6, part.etag);
    s->bind(7, static_cast<int64_t>(part.last_modified_millis));
    s->bind(8, part.checksum_b64);
    s->exec();
    tx.commit();
    return part;
  });
  if (result.ok()) done_ = true;
  return result;
}

void SqliteObjectWriter::Abort() {
  if (done_) return;
  done_ = true;
  buffer_ = std::string();
  sealed_ = std::string();
  if (!staged_) return;
  (void)Guarded([&]() -> common::Status {
    Lease w = store_->pool().Writer();
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    SqliteObjectStore::DeleteDataLocked(w, data_id_);
    StmtScope s(w.Stmt("DELETE FROM staged WHERE data_id = ?"));
    s->bind(1, static_cast<int64_t>(data_id_));
    s->exec();
    tx.commit();
    return common::Ok{};
  });
}

SqliteObjectReader::SqliteObjectReader(SqliteObjectStore* store, std::vector<Segment> segments, SecretBytes key,
                                       int64_t size)
    : store_(store), segments_(std::move(segments)), key_(std::move(key)), size_(size) {}

common::Status SqliteObjectReader::LoadChunk(const Segment& seg, int64_t index) {
  int64_t expected = std::min<int64_t>(kChunkSize, seg.size - index * kChunkSize);
  return Guarded([&]() -> common::Status {
    Lease r = store_->pool().Reader();
    StmtScope s(r.Stmt("SELECT body FROM chunks WHERE id = ?"));
    s->bind(1, static_cast<int64_t>(ChunkRowId(seg.data_id, index)));
    if (!s->executeStep()) return Internal("chunk missing (version deleted while read?)");
    SQLite::Column c = s->getColumn(0);
    const char* p = static_cast<const char*>(c.getBlob());
    size_t n = static_cast<size_t>(c.getBytes());
    if (n != kIvSize + static_cast<size_t>(expected) + kTagSize) return Internal("chunk has the wrong size");
    plain_.resize(static_cast<size_t>(expected));
    std::string_view body(p, n);
    if (!gcm_.Decrypt(key_.view(), body.substr(0, kIvSize), ChunkAad(seg.uuid, index),
                      body.substr(kIvSize, static_cast<size_t>(expected)), body.substr(n - kTagSize), plain_.data())) {
      return Internal("chunk does not authenticate");
    }
    return common::Ok{};
  });
}

common::Status SqliteObjectReader::Read(int64_t offset, int64_t length,
                                        const std::function<bool(std::string_view)>& write) {
  if (offset < 0) offset = 0;
  int64_t end = std::min(size_, length < 0 ? size_ : offset + length);
  int64_t seg_start = 0;
  for (const Segment& seg : segments_) {
    int64_t seg_end = seg_start + seg.size;
    if (seg_end > offset && seg_start < end) {
      for (int64_t idx = (std::max(offset, seg_start) - seg_start) / kChunkSize;
           seg_start + idx * kChunkSize < std::min(end, seg_end); ++idx) {
        S3LAB_TRY(LoadChunk(seg, idx));
        int64_t chunk_start = seg_start + idx * kChunkSize;
        int64_t from = std::max(offset, chunk_start) - chunk_start;
        int64_t to = std::min<int64_t>(end - chunk_start, static_cast<int64_t>(plain_.size()));
        if (!write(std::string_view(plain_).substr(static_cast<size_t>(from), static_cast<size_t>(to - from)))) {
          return common::Ok{};
        }
      }
    }
    seg_start = seg_end;
    if (seg_start >= end) break;
  }
  return common::Ok{};
}

}  // namespace emulator::store::internal
