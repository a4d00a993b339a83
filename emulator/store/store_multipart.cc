// Multipart uploads in the store: an upload row holds the metadata and the wrapped data key chosen at
// CreateMultipartUpload; each part is written by a part writer under that key with its own data id;
// Complete turns the listed parts' data into the segments of one new version in one transaction and
// drops the rest (S3 discards parts that are not listed).
#include <map>

#include "emulator/store/object_io_impl.h"

namespace emulator::store::internal {

std::pair<int64_t, UploadRecord> DecodeUploadRow(SQLite::Statement& s);  // store_listing.cc

namespace {

struct StoredPart {
  PartRecord record;
  Segment segment;
};

std::vector<StoredPart> LoadParts(Lease& l, const std::string& upload_id) {
  StmtScope s(l.Stmt("SELECT part_number, data_id, uuid, size, etag, modified, checksum FROM parts "
                     "WHERE upload_id = ? ORDER BY part_number"));
  s->bind(1, upload_id);
  std::vector<StoredPart> out;
  while (s->executeStep()) {
    StoredPart p;
    p.record.part_number = s->getColumn(0).getInt();
    p.segment.data_id = s->getColumn(1).getInt64();
    p.segment.uuid = ColumnBytes(*s, 2);
    p.record.size = p.segment.size = s->getColumn(3).getInt64();
    p.record.etag = ColumnBytes(*s, 4);
    p.record.last_modified_millis = s->getColumn(5).getInt64();
    p.record.checksum_b64 = ColumnBytes(*s, 6);
    out.push_back(std::move(p));
  }
  return out;
}

bool UploadExists(Lease& l, const std::string& upload_id) {
  StmtScope s(l.Stmt("SELECT 1 FROM uploads WHERE upload_id = ?"));
  s->bind(1, upload_id);
  return s->executeStep();
}

// Inside a writer transaction: removes an upload, its part rows and (unless kept) their data.
void DropUploadLocked(Lease& w, const std::string& upload_id, const std::vector<StoredPart>& parts,
                      const std::vector<bool>& keep_data) {
  for (size_t i = 0; i < parts.size(); ++i)
    if (i >= keep_data.size() || !keep_data[i]) SqliteObjectStore::DeleteDataLocked(w, parts[i].segment.data_id);
  for (const char* sql : {"DELETE FROM parts WHERE upload_id = ?", "DELETE FROM uploads WHERE upload_id = ?"}) {
    StmtScope d(w.Stmt(sql));
    d->bind(1, upload_id);
    d->exec();
  }
}

}  // namespace

Result<UploadRecord> SqliteObjectStore::CreateUpload(UploadRecord upload) {
  if (upload.sse.mode == SseMode::kSseS3) upload.sse.wrapped_key = keyring_.NewDataKey().wrapped;
  return Guarded([&]() -> Result<UploadRecord> {
    Lease w = pool_->Writer();
    if (!BucketVersioningLocked(upload.bucket)) return NoSuchBucketError(upload.bucket);
    upload.upload_id = RandomId(64);
    upload.initiated_millis = NowMillis();
    StmtScope s(w.Stmt("INSERT INTO uploads(upload_id, bucket, key, initiated, owner, initiator, meta, sse, "
                       "wrapped_key, checksum_algorithm, checksum_type) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->bind(1, upload.upload_id);
    s->bind(2, upload.bucket);
    s->bind(3, upload.key);
    s->bind(4, static_cast<int64_t>(upload.initiated_millis));
    s->bind(5, upload.owner_account);
    s->bind(6, upload.initiator_arn);
    s->bind(7, MetaToJson(upload.meta));
    s->bind(8, SseToJson(upload.sse));
    s->bind(9, upload.sse.wrapped_key.data(), static_cast<int>(upload.sse.wrapped_key.size()));
    s->bind(10, upload.checksum_algorithm);
    s->bind(11, upload.checksum_type);
    s->exec();
    return upload;
  });
}

Result<UploadRecord> SqliteObjectStore::GetUpload(const std::string& bucket, const std::string& key,
                                                  const std::string& upload_id) {
  if (!BucketVersioningLocked(bucket)) return NoSuchBucketError(bucket);
  return Guarded([&]() -> Result<UploadRecord> {
    Lease r = pool_->Reader();
    StmtScope s(r.Stmt("SELECT rowid, upload_id, bucket, key, initiated, owner, initiator, meta, sse, wrapped_key, "
                       "checksum_algorithm, checksum_type FROM uploads WHERE upload_id = ?"));
    s->bind(1, upload_id);
    if (!s->executeStep()) return NoSuchUploadError(upload_id);
    UploadRecord u = DecodeUploadRow(*s).second;
    if (u.bucket != bucket || u.key != key) return NoSuchUploadError(upload_id);
    return u;
  });
}

Result<std::unique_ptr<ObjectWriter>> SqliteObjectStore::NewPartWriter(const UploadRecord& upload, int part_number,
                                                                       SecretBytes data_key) {
  auto key = DataKeyFor(upload.sse, &data_key);
  if (!key.ok()) return key.error();
  return std::unique_ptr<ObjectWriter>(std::make_unique<SqliteObjectWriter>(
      this, upload.bucket, upload.key, upload.sse, std::move(key.value()), upload, part_number));
}

Result<std::vector<PartRecord>> SqliteObjectStore::GetParts(const UploadRecord& upload) {
  return Guarded([&]() -> Result<std::vector<PartRecord>> {
    Lease r = pool_->Reader();
    if (!UploadExists(r, upload.upload_id)) return NoSuchUploadError(upload.upload_id);
    std::vector<PartRecord> out;
    for (auto& p : LoadParts(r, upload.upload_id)) out.push_back(std::move(p.record));
    return out;
  });
}

Result<PartList> SqliteObjectStore::ListParts(const UploadRecord& upload, int part_number_marker, int max_parts) {
  auto all = GetParts(upload);
  if (!all.ok()) return all.error();
  PartList out;
  for (auto& p : *all) {
    if (p.part_number <= part_number_marker) continue;
    if (static_cast<int>(out.parts.size()) >= max_parts) {
      out.is_truncated = true;
      break;
    }
    out.parts.push_back(std::move(p));
  }
  if (out.is_truncated && !out.parts.empty()) out.next_part_number_marker = out.parts.back().part_number;
  return out;
}

Result<ObjectVersion> SqliteObjectStore::CompleteUpload(const UploadRecord& upload,
                                                        const std::vector<int>& part_numbers, NewVersion version) {
  return Guarded([&]() -> Result<ObjectVersion> {
    Lease w = pool_->Writer();
    std::optional<std::string> versioning = BucketVersioningLocked(upload.bucket);
    if (!versioning) return NoSuchBucketError(upload.bucket);
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    if (!UploadExists(w, upload.upload_id)) return NoSuchUploadError(upload.upload_id);
    std::vector<StoredPart> parts = LoadParts(w, upload.upload_id);
    std::vector<bool> keep(parts.size(), false);
    ObjectVersion v;
    v.bucket = upload.bucket;
    v.key = upload.key;
    v.etag = std::move(version.etag);
    v.owner_account = std::move(version.owner_account);
    v.meta = std::move(version.meta);
    v.checksum = std::move(version.checksum);
    v.sse = upload.sse;
    v.last_modified_millis = NowMillis();
    std::vector<Segment> segments;
    std::map<int, size_t> index;
    for (size_t i = 0; i < parts.size(); ++i) index[parts[i].record.part_number] = i;
    for (int number : part_numbers) {
      auto found = index.find(number);
      size_t i = found == index.end() ? parts.size() : found->second;
      if (i == parts.size() || keep[i]) {
        return common::MakeError("InvalidPart",
                                 "One or more of the specified parts could not be found.  The part may not have "
                                 "been uploaded, or the specified entity tag may not match the part's entity tag.",
                                 400)
            .With("UploadId", upload.upload_id)
            .With("PartNumber", std::to_string(number));
      }
      keep[i] = true;
      v.size += parts[i].segment.size;
      v.part_sizes.push_back(parts[i].segment.size);
      v.part_checksums.push_back(parts[i].record.checksum_b64);
      if (parts[i].segment.size > 0) segments.push_back(parts[i].segment);
    }
    DropUploadLocked(w, upload.upload_id, parts, keep);
    InsertVersionLocked(w, v, PackSegments(segments), *versioning);
    tx.commit();
    return v;
  });
}

Status SqliteObjectStore::AbortUpload(const UploadRecord& upload) {
  return Guarded([&]() -> Status {
    Lease w = pool_->Writer();
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    if (!UploadExists(w, upload.upload_id)) return NoSuchUploadError(upload.upload_id);
    DropUploadLocked(w, upload.upload_id, LoadParts(w, upload.upload_id), {});
    tx.commit();
    return common::Ok{};
  });
}

}  // namespace emulator::store::internal
