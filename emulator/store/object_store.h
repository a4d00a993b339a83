// The S3 object store: buckets, versions, object data and multipart uploads in <data>/s3.db.
//
// Design (DESIGN.md "Objects at rest", "State"):
// - SQLite in WAL mode, synchronous=NORMAL, 8 KiB pages. A write is acknowledged after its transaction
//   commits to the WAL; that survives kill -9 of the process (the WAL is in the OS page cache and is
//   replayed on open), not a power loss of the machine — enough for a lab emulator.
// - One writer connection behind a mutex (SQLite allows one writer; we never wait on SQLITE_BUSY), a
//   small pool of reader connections, and a background thread that checkpoints the WAL (PASSIVE) so
//   no request waits for the fsync; every statement is prepared once per connection and reused.
// - Buckets are cached in memory (few, read on every request); the cache changes only under the
//   writer lock, after the database did.
// - Object bytes are never stored in the clear: each version (or multipart upload) has a random
//   32-byte data key; the body is cut into kChunkSize plaintext chunks, each sealed with AES-256-GCM
//   (random 12-byte IV, AAD = data-id (16 bytes) || chunk index (8 bytes big-endian)). Only the
//   wrapped data key is stored (SseInfo::wrapped_key; SSE-S3 wrapping in emulator/sse/).
// - Visibility: an ObjectWriter stages chunks under a fresh data id (each chunk in its own short
//   transaction, invisible to readers); Commit() inserts the version and marks the data committed in
//   ONE transaction. A writer destroyed without Commit deletes its staged chunks; chunks left by a
//   killed process are swept at Open(). Bodies that fit in one chunk skip staging (one transaction).
// - Commits and deletes of concurrent requests share transactions (group commit, group_commit.h), and
//   in a bucket that never had versioning a one-chunk object overwriting a one-chunk object rewrites
//   its rows in place: a small PUT appends ~3 pages to the WAL instead of ~9.
// - Versioning on commit: bucket state "" or "Suspended" replaces the key's "null" version; "Enabled"
//   adds a version with a fresh id. The newest version of a key is the latest (is_latest).
// - Multipart: parts are written like objects under the upload's single data key, each part its own
//   data id; Complete stitches the chosen parts' data into one version in one transaction.
// Thread-safe. Errors are S3 AwsErrors (NoSuchBucket, NoSuchKey, NoSuchVersion, NoSuchUpload,
// BucketNotEmpty, BucketAlreadyOwnedByYou, BucketAlreadyExists, InternalError for SQLite failures).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/error.h"
#include "common/util/clock.h"
#include "emulator/store/object_io.h"
#include "emulator/store/types.h"

namespace emulator::store {

using common::Result;
using common::Status;
using common::crypto::SecretBytes;

struct StoreOptions {
  std::string db_path;                 // "<data>/s3.db" (":memory:" is not supported: use a temp dir)
  SecretBytes master_key;              // root of trust; the SSE-S3 wrapping key is derived from it
  const common::util::Clock* clock = nullptr;  // LastModified / Initiated; nullptr = real time
  int reader_connections = 4;
};

// Listing parameters shared by ListObjects (V1/V2), ListObjectVersions and ListMultipartUploads.
struct ListQuery {
  std::string prefix;
  std::string delimiter;               // "" = none
  std::string marker;                  // V1 marker / V2 start-after or continuation key / key-marker
  std::string version_id_marker;       // ListObjectVersions / upload-id-marker of ListMultipartUploads
  int max_keys = 1000;                 // counts contents + common prefixes; 0 answers nothing
};

struct ListResult {
  std::vector<ObjectVersion> contents; // ListObjects: latest non-delete-marker versions, key order.
                                       // ListObjectVersions: versions and delete markers, key asc then
                                       // newest first.
  std::vector<std::string> common_prefixes;  // in key order, each ends with the delimiter
  bool is_truncated = false;
  std::string next_marker;             // last key or common prefix returned (when truncated)
  std::string next_version_id_marker;  // ListObjectVersions only
};

struct DeleteResult {
  bool deleted_delete_marker = false;  // the removed version was a delete marker / a marker was added
  std::string version_id;              // version removed or marker created ("" = nothing versioned)
  bool marker_created = false;
};

struct UploadList {
  std::vector<UploadRecord> uploads;   // key asc, then initiation order
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

struct PartList {
  std::vector<PartRecord> parts;
  bool is_truncated = false;
  int next_part_number_marker = 0;
};

class ObjectStore {
 public:
  // Opens (creating when absent) the database, applies the schema and sweeps staged chunks left by
  // writers of a previous process that never committed.
  static Result<std::unique_ptr<ObjectStore>> Open(StoreOptions options);
  virtual ~ObjectStore() = default;

  // ---- Buckets -------------------------------------------------------------------------------
  // BucketAlreadyOwnedByYou (same owner) / BucketAlreadyExists (other owner) when the name is taken.
  virtual Result<BucketRecord> CreateBucket(BucketRecord bucket) = 0;
  virtual Result<BucketRecord> GetBucket(const std::string& name) = 0;   // NoSuchBucket
  // BucketNotEmpty when any version or delete marker exists; aborts incomplete multipart uploads.
  virtual Status DeleteBucket(const std::string& name) = 0;
  virtual Result<std::vector<BucketRecord>> ListBuckets(const std::string& owner_account) = 0;
  virtual Status SetVersioning(const std::string& bucket, const std::string& state) = 0;
  virtual Status SetEncryption(const std::string& bucket, const EncryptionConfig& config) = 0;
  virtual Status SetPolicy(const std::string& bucket, const std::string& policy_json) = 0;  // "" deletes
  // Generic per-bucket configuration documents (cors, tagging, logging, lifecycle, ...), opaque text.
  virtual Result<std::optional<std::string>> GetBucketConfig(const std::string& bucket,
                                                             const std::string& name) = 0;
  virtual Status PutBucketConfig(const std::string& bucket, const std::string& name,
                                 const std::string& value) = 0;
  virtual Status DeleteBucketConfig(const std::string& bucket, const std::string& name) = 0;

  // ---- Objects -------------------------------------------------------------------------------
  // Starts writing a new version of bucket/key. For SseMode::kSseS3 a fresh data key is made and
  // wrapped here (sse.wrapped_key is filled); for other modes the op passes the plaintext data key
  // (from KMS GenerateDataKey, or the SSE-C customer key) and the matching SseInfo. NoSuchBucket.
  virtual Result<std::unique_ptr<ObjectWriter>> NewWriter(const std::string& bucket, const std::string& key,
                                                          SseInfo sse, SecretBytes data_key = {}) = 0;
  // The latest version (version_id "") or one version. A delete marker is returned as a value with
  // is_delete_marker set: the op answers NoSuchKey/MethodNotAllowed with x-amz-delete-marker.
  // NoSuchBucket; NoSuchKey when the key has no version; NoSuchVersion when that id does not exist.
  virtual Result<ObjectVersion> GetObject(const std::string& bucket, const std::string& key,
                                          const std::string& version_id = "") = 0;
  // Reader over a version's plaintext. SSE-S3 keys are unwrapped here; other modes pass data_key.
  virtual Result<std::unique_ptr<ObjectReader>> OpenReader(const ObjectVersion& version,
                                                           const SecretBytes* data_key = nullptr) = 0;
  // Without version_id: "" bucket state deletes the null version; Enabled adds a delete marker;
  // Suspended replaces the null version by a null delete marker. With version_id: removes exactly
  // that version (NoSuchVersion is NOT an error in S3: deleting a missing version succeeds — the
  // result then has an empty version_id); the next newest becomes latest. NoSuchBucket.
  virtual Result<DeleteResult> DeleteObject(const std::string& bucket, const std::string& key,
                                            const std::string& version_id = "") = 0;
  // Latest, non-delete-marker versions. NoSuchBucket.
  virtual Result<ListResult> ListObjects(const std::string& bucket, const ListQuery& query) = 0;
  // marker = key-marker, version_id_marker = version-id-marker. NoSuchBucket.
  virtual Result<ListResult> ListObjectVersions(const std::string& bucket, const ListQuery& query) = 0;
  // Replaces the `extra` metadata of one version (object tagging, retention, legal hold, ...).
  virtual Status UpdateVersionExtra(const std::string& bucket, const std::string& key,
                                    const std::string& version_id,
                                    const std::map<std::string, std::string>& extra) = 0;

  // ---- Multipart uploads ---------------------------------------------------------------------
  // Creates an upload (fills upload_id, initiated_millis, and for SSE-S3 the wrapped key). For other
  // modes upload.sse.wrapped_key must already be set by the op. NoSuchBucket.
  virtual Result<UploadRecord> CreateUpload(UploadRecord upload) = 0;
  // NoSuchUpload when absent or not for this bucket/key.
  virtual Result<UploadRecord> GetUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id) = 0;
  // Writer of one part (1..10000, validated by the op). SSE-S3 key unwrapped here; others pass it.
  // Commit it with ObjectWriter::CommitPart; a part number uploaded again replaces the old part.
  virtual Result<std::unique_ptr<ObjectWriter>> NewPartWriter(const UploadRecord& upload, int part_number,
                                                              SecretBytes data_key = {}) = 0;
  // Parts with part_number > marker, ascending, at most max_parts. NoSuchUpload.
  virtual Result<PartList> ListParts(const UploadRecord& upload, int part_number_marker, int max_parts) = 0;
  // All parts of an upload (for Complete's validation). NoSuchUpload.
  virtual Result<std::vector<PartRecord>> GetParts(const UploadRecord& upload) = 0;
  // Makes the listed parts (validated by the op, ascending) one version in ONE transaction, drops the
  // other parts and the upload. version.etag / checksum are computed by the op. NoSuchUpload.
  virtual Result<ObjectVersion> CompleteUpload(const UploadRecord& upload, const std::vector<int>& part_numbers,
                                               NewVersion version) = 0;
  virtual Status AbortUpload(const UploadRecord& upload) = 0;  // NoSuchUpload
  // prefix/delimiter/marker (= key-marker)/version_id_marker (= upload-id-marker)/max_keys (max-uploads).
  virtual Result<UploadList> ListUploads(const std::string& bucket, const ListQuery& query) = 0;

  // ---- Maintenance ---------------------------------------------------------------------------
  // Deletes staged chunks of writers that never committed. Run by Open(); exposed for tests.
  virtual Result<int64_t> SweepStaged() = 0;
  // Number of staged (uncommitted) data ids, for tests.
  virtual Result<int64_t> CountStaged() = 0;
};

}  // namespace emulator::store
