// SSE-KMS: object data keys that come from the KMS service (AWS-REFERENCE §3).
//
// Without S3 Bucket Keys (one KMS call per object write and per read):
//   write  GenerateDataKey(KeyId = requested key or "alias/aws/s3", KeySpec AES_256,
//                          EncryptionContext = caller's pairs + {"aws:s3:arn": "arn:aws:s3:::bucket/key"})
//          -> the plaintext D seals the chunks; SseInfo::wrapped_key = KMS CiphertextBlob (stored as is)
//   read   Decrypt(CiphertextBlob, the same context) -> D
// With S3 Bucket Keys (x-amz-server-side-encryption-bucket-key-enabled: true, or the bucket default):
//   a bucket-level key BK from GenerateDataKey with context caller's pairs + {"aws:s3:arn":
//   "arn:aws:s3:::bucket"} (what CloudTrail shows on AWS); each object gets its own random D, wrapped
//   under BK with AES-256-GCM. SseInfo::wrapped_key then holds the bucket-key blob:
//     byte 0          format version 0x01
//     bytes 1-2       L = length of BK's KMS CiphertextBlob, big-endian
//     bytes 3..3+L    BK's KMS CiphertextBlob
//     next 12 bytes   random IV
//     next 48 bytes   AES-256-GCM(BK, D) = 32 bytes of ciphertext || 16-byte tag
//     AAD             "s3lab sse-kms bucket-key v1" || object ARN (a blob cannot be moved to another key)
// Plaintext bucket keys are cached in memory only (BucketKeyCache), with a time limit (default 5 min of
// real time): writes per (principal ARN, region, bucket, requested key id, context), reads per
// (principal ARN, region, BK blob, context), so KMS sees far fewer calls. As on AWS, a key disabled (or
// a permission removed) meanwhile keeps working for a cached bucket key until the entry expires.
// NOTE: write entries are keyed by the key id as requested (an alias is not re-resolved before expiry).
// NOTE: the caller's context is part of the bucket key's context (AWS does not document this case).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/error.h"
#include "emulator/sse/kms_client.h"
#include "emulator/sse/sse_request.h"
#include "emulator/store/types.h"

namespace emulator::sse {

inline constexpr const char* kAwsManagedS3Key = "alias/aws/s3";
inline constexpr const char* kContextHeader = "x-amz-server-side-encryption-context";

// x-amz-server-side-encryption-context: base64 of a UTF-8 JSON object of string -> string pairs.
// Anything else -> 400 InvalidArgument "The header 'x-amz-server-side-encryption-context' shall be
// Base64-encoded UTF-8 string holding JSON which represents a string-string map" (ArgumentName = the
// header, ArgumentValue = the value sent).
common::Result<EncryptionContext> ParseEncryptionContext(const std::string& header_value);

// The caller's pairs plus aws:s3:arn = arn (S3's own pair wins over a caller's aws:s3:arn).
EncryptionContext S3Context(const EncryptionContext& caller_pairs, const std::string& arn);

// Bucket-key blob (layout above).
std::string SealBucketKeyBlob(const std::string& bucket_key_ciphertext, const SecretBytes& bucket_key,
                              const SecretBytes& data_key, const std::string& object_arn);
struct BucketKeyBlob {
  std::string bucket_key_ciphertext;  // BK's KMS CiphertextBlob
  std::string sealed_data_key;        // IV || ciphertext || tag
};
// InternalError when the blob is malformed.
common::Result<BucketKeyBlob> ParseBucketKeyBlob(const std::string& blob);
// D from a parsed blob; InternalError when it does not authenticate under BK for this object.
common::Result<SecretBytes> OpenBucketKeyBlob(const BucketKeyBlob& blob, const SecretBytes& bucket_key,
                                              const std::string& object_arn);

// In-memory cache of plaintext bucket keys with a time limit. Thread-safe.
class BucketKeyCache {
 public:
  struct Entry {
    std::string key_arn;
    std::string ciphertext;  // BK's KMS CiphertextBlob
    std::string plaintext;   // wiped when the entry goes
  };
  // now_millis: a monotonic clock (tests inject one); default std::chrono::steady_clock.
  explicit BucketKeyCache(int64_t ttl_millis = 5 * 60 * 1000, std::function<int64_t()> now_millis = nullptr);
  ~BucketKeyCache();
  std::optional<Entry> Find(const std::string& cache_key);
  void Put(const std::string& cache_key, const std::string& key_arn, const std::string& ciphertext,
           const SecretBytes& plaintext);
  int64_t ttl_millis() const { return ttl_millis_; }

 private:
  struct Stored {
    Entry entry;
    int64_t expires_at = 0;
  };
  void Erase(std::unordered_map<std::string, Stored>::iterator it);
  int64_t ttl_millis_;
  std::function<int64_t()> now_millis_;
  std::mutex mu_;
  std::unordered_map<std::string, Stored> entries_;
};

// Who asks and for which object.
struct KmsTarget {
  KmsCaller caller;
  std::string principal_arn;  // cache partition (a bucket key per requester principal, as AWS)
  std::string region;         // the bucket's region: KMS is called there
  std::string bucket;
  std::string object_key;
};

struct KmsWriteParams {
  std::string key_id;       // as requested; "" = alias/aws/s3
  std::string context_b64;  // x-amz-server-side-encryption-context as sent (validated), "" = none
  bool bucket_key = false;
  bool dsse = false;  // aws:kms:dsse (NOTE: one layer of encryption here; no bucket keys, as AWS)
};

// A data key for a new version or upload: SseInfo (mode, key ARN, context, bucket-key flag, wrapped key).
common::Result<WriteKey> SealKms(KmsClient* kms, BucketKeyCache* cache, const KmsTarget& target,
                                 const KmsWriteParams& params);
// The data key of a stored SSE-KMS version or upload (Decrypt as the caller, or a cached bucket key).
common::Result<SecretBytes> OpenKms(KmsClient* kms, BucketKeyCache* cache, const KmsTarget& target,
                                    const store::SseInfo& sse);

}  // namespace emulator::sse
