// Internal to emulator/store: the SQLite implementation of ObjectStore, shared by the store_*.cc
// files. Schema (created in store_open.cc):
//   buckets(name PK, owner, region, created, versioning, enc_algorithm, enc_key, enc_bucket_key, policy)
//   bucket_config(bucket, name, value)                       -- generic sub-resource documents
//   versions(seq INTEGER PK, bucket, key, version_id, delete_marker, latest, size, etag, modified,
//            owner, meta JSON, checksum JSON, sse JSON, wrapped_key BLOB, data BLOB, parts JSON)
//     index (bucket, key, seq DESC); partial index (bucket, key) WHERE latest=1 AND delete_marker=0
//   chunks(id INTEGER PK = data_id << 16 | chunk index, body BLOB = IV(12) || ciphertext || tag(16))
//   staged(data_id PK, created)                              -- data of writers not yet committed
//   uploads(upload_id PK, bucket, key, initiated, owner, initiator, meta, sse, wrapped_key, ...)
//   parts(upload_id, part_number, data_id, uuid, size, etag, modified, checksum)
// versions.data lists the version's data segments (one per single PUT, one per part): packed
// 32-byte records data_id (8, big-endian) || uuid (16, the AAD prefix) || plaintext size (8).
#pragma once

#include <atomic>
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "emulator/sse/sse_s3.h"
#include "emulator/store/db.h"
#include "emulator/store/group_commit.h"
#include "emulator/store/object_store.h"

namespace emulator::store::internal {

inline constexpr int kMaxChunksPerSegment = 1 << 16;

struct Segment {
  int64_t data_id = 0;
  std::string uuid;  // 16 random bytes
  int64_t size = 0;
};
std::string PackSegments(const std::vector<Segment>& segments);
std::vector<Segment> UnpackSegments(const std::string& blob);
inline int64_t ChunkRowId(int64_t data_id, int64_t index) { return (data_id << 16) | index; }
// AAD of one chunk: uuid || index (8 bytes big-endian).
std::string ChunkAad(const std::string& uuid, int64_t index);

// Codecs of the JSON columns.
std::string MetaToJson(const ObjectMeta& meta);
ObjectMeta MetaFromJson(const std::string& json);
std::string SseToJson(const SseInfo& sse);  // everything but wrapped_key
SseInfo SseFromJson(const std::string& json, std::string wrapped_key);
std::string ChecksumToJson(const Checksum& c);
Checksum ChecksumFromJson(const std::string& json);
std::string PartsToJson(const std::vector<int64_t>& sizes, const std::vector<std::string>& checksums);
void PartsFromJson(const std::string& json, std::vector<int64_t>* sizes, std::vector<std::string>* checksums);
// Random identifiers from [A-Za-z0-9._] (version ids, upload ids).
std::string RandomId(size_t length);

// SELECT list matching DecodeVersion.
inline constexpr const char* kVersionColumns =
    "seq, bucket, key, version_id, delete_marker, latest, size, etag, modified, owner, meta, checksum, sse, "
    "wrapped_key, parts";
ObjectVersion DecodeVersion(SQLite::Statement& s);
// Bytes of a TEXT or BLOB column (binary-safe).
std::string ColumnBytes(SQLite::Statement& s, int column);

common::AwsError Internal(const std::string& what);
common::AwsError NoSuchBucketError(const std::string& bucket);
common::AwsError NoSuchUploadError(const std::string& upload_id);

// Runs fn, turning SQLite exceptions into InternalError.
template <class Fn>
auto Guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

class SqliteObjectStore : public ObjectStore {
 public:
  explicit SqliteObjectStore(StoreOptions options);
  Status Init();  // schema, bucket cache, id counter, sweep

  Result<BucketRecord> CreateBucket(BucketRecord bucket) override;
  Result<BucketRecord> GetBucket(const std::string& name) override;
  Status DeleteBucket(const std::string& name) override;
  Result<std::vector<BucketRecord>> ListBuckets(const std::string& owner_account) override;
  Status SetVersioning(const std::string& bucket, const std::string& state) override;
  Status SetEncryption(const std::string& bucket, const EncryptionConfig& config) override;
  Status SetPolicy(const std::string& bucket, const std::string& policy_json) override;
  Result<std::optional<std::string>> GetBucketConfig(const std::string& bucket, const std::string& name) override;
  Status PutBucketConfig(const std::string& bucket, const std::string& name, const std::string& value) override;
  Status DeleteBucketConfig(const std::string& bucket, const std::string& name) override;

  Result<std::unique_ptr<ObjectWriter>> NewWriter(const std::string& bucket, const std::string& key, SseInfo sse,
                                                  SecretBytes data_key) override;
  Result<ObjectVersion> GetObject(const std::string& bucket, const std::string& key,
                                  const std::string& version_id) override;
  Result<std::unique_ptr<ObjectReader>> OpenReader(const ObjectVersion& version,
                                                   const SecretBytes* data_key) override;
  Result<DeleteResult> DeleteObject(const std::string& bucket, const std::string& key,
                                    const std::string& version_id) override;
  Result<ListResult> ListObjects(const std::string& bucket, const ListQuery& query) override;
  Result<ListResult> ListObjectVersions(const std::string& bucket, const ListQuery& query) override;
  Status UpdateVersionExtra(const std::string& bucket, const std::string& key, const std::string& version_id,
                            const std::map<std::string, std::string>& extra) override;

  Result<UploadRecord> CreateUpload(UploadRecord upload) override;
  Result<UploadRecord> GetUpload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id) override;
  Result<std::unique_ptr<ObjectWriter>> NewPartWriter(const UploadRecord& upload, int part_number,
                                                      SecretBytes data_key) override;
  Result<PartList> ListParts(const UploadRecord& upload, int part_number_marker, int max_parts) override;
  Result<std::vector<PartRecord>> GetParts(const UploadRecord& upload) override;
  Result<ObjectVersion> CompleteUpload(const UploadRecord& upload, const std::vector<int>& part_numbers,
                                       NewVersion version) override;
  Status AbortUpload(const UploadRecord& upload) override;
  Result<UploadList> ListUploads(const std::string& bucket, const ListQuery& query) override;

  Result<int64_t> SweepStaged() override;
  Result<int64_t> CountStaged() override;

  // ---- used by object_io.cc --------------------------------------------------------------------
  Pool& pool() { return *pool_; }
  // Small write transactions (object commits, deletes) share commits with concurrent ones.
  GroupCommitter& committer() { return *committer_; }
  int64_t NextDataId() { return next_data_id_.fetch_add(1); }
  int64_t NowMillis() const;
  // Inside a writer transaction: the bucket's versioning state, or nullopt when it does not exist.
  std::optional<std::string> BucketVersioningLocked(const std::string& bucket);
  // Inside a writer transaction: inserts `version` as the newest of its key, applying versioning
  // (replacing the null version, unsetting latest). Fills version_id, is_latest, seq.
  void InsertVersionLocked(Lease& w, ObjectVersion& version, const std::string& segments_blob,
                           const std::string& versioning);
  // Inside a writer transaction, for a bucket that never had versioning: replaces the key's only
  // version in place when its body is one chunk and the new one is `sealed_chunk` (one chunk, AAD
  // built on `uuid`). The chunk row, the version row and their index entries keep their places, so
  // an overwrite rewrites two pages instead of deleting and inserting rows (~8 pages of WAL). Fills
  // version_id, is_latest, seq. False (nothing changed) when it does not apply.
  bool OverwriteInPlaceLocked(Lease& w, ObjectVersion& version, const std::string& sealed_chunk,
                              const std::string& uuid);
  // Inside a writer transaction: deletes the chunks of packed segments.
  static void DeleteSegmentsLocked(Lease& w, const std::string& segments_blob);
  static void DeleteDataLocked(Lease& w, int64_t data_id);
  const sse::SseS3Keyring& keyring() const { return keyring_; }
  // Plaintext data key of a version or upload: unwrapped for SSE-S3, `given` otherwise.
  Result<SecretBytes> DataKeyFor(const SseInfo& sse, const SecretBytes* given) const;

 private:
  Result<ListResult> ListVersionsImpl(const std::string& bucket, const ListQuery& query, bool all_versions);
  Status UpdateBucketLocked(const std::string& bucket, const std::function<void(BucketRecord&)>& change);

  StoreOptions options_;
  sse::SseS3Keyring keyring_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<GroupCommitter> committer_;
  std::atomic<int64_t> next_data_id_{1};
  std::shared_mutex buckets_mu_;          // guards buckets_ (writes also hold the writer lease)
  std::map<std::string, BucketRecord> buckets_;
};

}  // namespace emulator::store::internal
