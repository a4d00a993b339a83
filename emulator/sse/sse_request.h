// Which server-side encryption a request gets, and the data key behind it: the one place where the
// object operations meet SSE-S3, SSE-KMS (emulator/sse/sse_kms.h, KMS over HTTP) and SSE-C
// (emulator/sse/sse_c.h).
//
// Write side (PutObject, CopyObject target, CreateMultipartUpload): PrepareWrite reads the request's
// SSE headers (validated with AWS's codes and texts), else the bucket's default encryption, and returns
// the SseInfo to store plus the plaintext data key:
//   SSE-S3  data_key empty: the store makes and wraps one (emulator/sse/sse_s3.h);
//   SSE-KMS KMS GenerateDataKey as the caller (or a bucket key, sse_kms.h); wrapped_key = what decrypts it;
//   SSE-C   the customer key itself; only a salted HMAC of it is stored.
// Read side (GetObject, HeadObject, CopyObject / UploadPartCopy source, UploadPart of an upload):
// OpenKey checks that the request may use the stored key and returns the plaintext data key (empty for
// SSE-S3: the store unwraps it). Plaintext keys live only in SecretBytes.
// The bucket policy has already been evaluated on the request as sent (policy before default encryption).
#pragma once

#include <string>

#include "common/crypto/crypto.h"
#include "common/error.h"
#include "emulator/protocol/op.h"
#include "emulator/store/types.h"

namespace emulator::sse {

using common::crypto::SecretBytes;

// Which SSE-C headers to read: the request's own (x-amz-server-side-encryption-customer-*) or the copy
// source's (x-amz-copy-source-server-side-encryption-customer-*).
enum class HeaderSet { kTarget, kCopySource };

// What the key is opened for; decides error texts and whether KMS is called.
enum class Purpose {
  kGet,         // GetObject: SSE-KMS -> Decrypt; SSE-C -> key checked
  kHead,        // HeadObject: SSE-KMS -> no KMS call (returns empty key); SSE-C -> key checked
  kCopySource,  // CopyObject / UploadPartCopy source (SSE-C from the copy-source headers)
  kUploadPart,  // UploadPart / UploadPartCopy target: the upload's key (SSE-KMS -> Decrypt, as AWS)
};

struct WriteKey {
  store::SseInfo sse;     // mode, key ARN, context, bucket-key flag, wrapped key, SSE-C HMAC/salt/MD5
  SecretBytes data_key;   // empty for SSE-S3
};

// The encryption of a new object version or multipart upload of bucket/object_key.
common::Result<WriteKey> PrepareWrite(RequestContext& ctx, const store::BucketRecord& bucket,
                                      const std::string& object_key);

// The plaintext data key of a stored version or upload whose SseInfo is `sse`, for this request.
// Empty SecretBytes for SSE-S3 (and for SSE-KMS with Purpose::kHead). Errors as AWS answers them
// (SSE-C: InvalidRequest / AccessDenied / InvalidArgument; SSE-KMS: AccessDenied, KMS.* codes).
common::Result<SecretBytes> OpenKey(RequestContext& ctx, const store::SseInfo& sse, const std::string& bucket,
                                    const std::string& object_key, Purpose purpose);

// SSE-C headers sent for an object that is not SSE-C (GET/HEAD/copy source): AWS refuses them.
// Included in OpenKey; exposed for ops that check before opening.
common::Status RejectUnneededCustomerKey(const RequestContext& ctx, const store::SseInfo& sse, HeaderSet headers);

}  // namespace emulator::sse
