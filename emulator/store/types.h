// Typed records of the S3 object store: buckets, object versions, multipart uploads and parts, and
// the server-side-encryption facts kept with each version. Plain structs, no I/O; the store
// (object_store.h) reads and writes them. Wire names (header values, XML) appear only as documented
// string values so ops can copy them onto the wire unchanged.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace emulator::store {

// The version id of objects written while versioning was never enabled or is suspended.
inline constexpr const char* kNullVersionId = "null";
// Plaintext size of one stored chunk (the last chunk of an object or part may be shorter).
inline constexpr int64_t kChunkSize = 1 << 20;

// Bucket default encryption (PutBucketEncryption). A new bucket has the SSE-S3 default (AWS since
// 2023): sse_algorithm "AES256", no key, bucket key off. DeleteBucketEncryption resets to it.
struct EncryptionConfig {
  std::string sse_algorithm = "AES256";  // "AES256" | "aws:kms" | "aws:kms:dsse"
  std::string kms_master_key_id;         // as the user gave it (key id, alias or ARN); "" = aws/s3
  bool bucket_key_enabled = false;
  bool operator==(const EncryptionConfig&) const = default;
};

struct BucketRecord {
  std::string name;
  std::string owner_account;   // 12-digit account id of the owner
  std::string region;          // "us-east-1", ...
  int64_t created_millis = 0;
  std::string versioning;      // "" (never enabled) | "Enabled" | "Suspended"
  EncryptionConfig encryption;
  std::string policy;          // bucket policy JSON text as stored, "" = none
};

// How one version's data key is protected. SSE-S3 today; SSE-KMS and SSE-C fields are ready for the
// next issue (the store never calls KMS: for those modes the op passes the plaintext data key in).
enum class SseMode { kSseS3, kSseKms, kSseKmsDsse, kSseC };
// Wire value of x-amz-server-side-encryption: "AES256", "aws:kms", "aws:kms:dsse"; "" for SSE-C
// (which answers x-amz-server-side-encryption-customer-algorithm: AES256 instead).
const char* SseModeHeaderValue(SseMode mode);

struct SseInfo {
  SseMode mode = SseMode::kSseS3;
  std::string kms_key_arn;        // SSE-KMS: full key ARN (x-amz-server-side-encryption-aws-kms-key-id)
  bool bucket_key_enabled = false;
  std::string kms_context;        // SSE-KMS: base64 JSON encryption context as echoed on the wire
  // The data key, wrapped: SSE-S3 = sse::SseS3Keyring blob, SSE-KMS = the KMS CiphertextBlob,
  // SSE-C = empty (the customer key is the data key and is never stored).
  std::string wrapped_key;
  std::string sse_c_key_hmac;     // SSE-C: HMAC-SHA256(salt, customer key), raw bytes
  std::string sse_c_salt;         // SSE-C: random salt, raw bytes
  std::string sse_c_key_md5;      // SSE-C: base64 MD5 of the customer key, as echoed on responses
};

// Object checksum as S3 reports it (x-amz-checksum-<alg>, x-amz-checksum-type).
struct Checksum {
  std::string algorithm;  // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" or "" (none)
  std::string value_b64;  // base64 value; for COMPOSITE multipart objects it ends in "-N"
  std::string type;       // "FULL_OBJECT" | "COMPOSITE" | ""
};

// Metadata the client sets with the body (PutObject / CreateMultipartUpload / CopyObject REPLACE).
struct ObjectMeta {
  std::string content_type;         // "" = not given (the op decides what GET answers)
  std::string content_encoding;
  std::string content_disposition;
  std::string content_language;
  std::string cache_control;
  std::string expires;              // as sent (HTTP date text)
  std::string website_redirect_location;
  std::string storage_class = "STANDARD";
  // x-amz-meta-* without the prefix, names lower-case as S3 returns them, in sorted order.
  std::map<std::string, std::string> user_metadata;
  // Later sub-resources kept with the version (tagging, object lock retention, legal hold, ...):
  // name -> opaque text owned by the op that sets it. Stored as JSON.
  std::map<std::string, std::string> extra;
};

struct ObjectVersion {
  std::string bucket;
  std::string key;
  std::string version_id;       // kNullVersionId for unversioned writes
  bool is_delete_marker = false;
  bool is_latest = false;
  int64_t size = 0;
  std::string etag;             // unquoted: 32 hex chars, or "<hex>-N" for multipart objects
  int64_t last_modified_millis = 0;
  std::string owner_account;
  ObjectMeta meta;
  Checksum checksum;
  SseInfo sse;
  // Multipart objects: size and checksum (base64, "" when none) of each part in order, for GET/HEAD
  // ?partNumber= and x-amz-mp-parts-count. Empty for single-PUT objects.
  std::vector<int64_t> part_sizes;
  std::vector<std::string> part_checksums;
  int64_t seq = 0;              // store-internal ordering (newest = highest), stable per version
};

// What the op supplies when committing a written body as a new version. The store fills bucket, key,
// version_id, is_latest, size, last_modified and sse.
struct NewVersion {
  std::string etag;             // unquoted hex MD5 of the body (BodyDigests::md5 in hex)
  std::string owner_account;
  ObjectMeta meta;
  Checksum checksum;
};

struct UploadRecord {
  std::string upload_id;
  std::string bucket;
  std::string key;
  int64_t initiated_millis = 0;
  std::string owner_account;    // initiator and owner
  std::string initiator_arn;    // ARN of the principal that created it (ListParts <Initiator>)
  ObjectMeta meta;
  SseInfo sse;                  // one data key for the whole upload, wrapped
  std::string checksum_algorithm;  // from x-amz-checksum-algorithm at create, "" = none
  std::string checksum_type;       // "COMPOSITE" (default when an algorithm is set) | "FULL_OBJECT" | ""
};

struct PartRecord {
  int part_number = 0;
  int64_t size = 0;
  std::string etag;             // unquoted hex MD5 of the part body
  int64_t last_modified_millis = 0;
  std::string checksum_b64;     // checksum of the part in the upload's algorithm, "" = none
};

}  // namespace emulator::store
