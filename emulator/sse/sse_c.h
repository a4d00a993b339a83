// SSE-C: server-side encryption with a customer-provided key (AWS-REFERENCE §5).
// The customer sends the 256-bit key with every request (HTTPS only); S3 uses it as the object's data
// key and keeps only a randomly salted HMAC-SHA256 of it (SseInfo::sse_c_salt / sse_c_key_hmac) plus the
// base64 MD5 it echoes. Nothing here ever writes the key anywhere: it lives in SecretBytes.
#pragma once

#include <optional>
#include <string>

#include "common/crypto/crypto.h"
#include "common/error.h"
#include "common/http/request.h"
#include "emulator/sse/sse_request.h"
#include "emulator/store/types.h"

namespace emulator::sse {

struct CustomerKey {
  SecretBytes key;          // 32 raw bytes
  std::string key_md5_b64;  // base64 MD5 of the key, as sent and as echoed on responses
};

// Reads the three headers of `headers` (x-amz-server-side-encryption-customer-{algorithm,key,key-MD5} or
// the x-amz-copy-source- variants). nullopt when none of the three is present. Errors, in AWS's order and
// texts (AWS-REFERENCE §5.1, §5.2): plain HTTP -> InvalidRequest "Requests specifying Server Side Encryption
// with Customer provided keys must be made over a secure connection."; algorithm != AES256 ->
// InvalidEncryptionAlgorithmError; missing algorithm / key / MD5, wrong key size, MD5 mismatch ->
// InvalidArgument with the table's texts. For kTarget, SSE-C together with x-amz-server-side-encryption
// -> InvalidArgument "...incompatible with the encryption method specified".
common::Result<std::optional<CustomerKey>> ParseCustomerKey(const common::http::Request& request,
                                                            HeaderSet headers);

// SseInfo for a new SSE-C version: mode kSseC, fresh random salt, HMAC, MD5.
store::SseInfo SealCustomerKey(const CustomerKey& key);

// True when `key` is the one `stored` was written with (constant-time HMAC comparison).
bool CustomerKeyMatches(const store::SseInfo& stored, const CustomerKey& key);

// The customer key for a stored SSE-C version (or upload) from the request's headers (kCopySource reads
// the copy-source headers), with AWS's error for each purpose: GET/HEAD/copy source without headers ->
// 400 InvalidRequest "The object was stored using a form of Server Side Encryption. The correct
// parameters must be provided to retrieve the object."; wrong key -> 403 AccessDenied "Requests
// specifying Server Side Encryption with Customer provided keys must provide the correct secret key.";
// kUploadPart without headers -> InvalidRequest "The multipart upload initiate requested encryption.
// Subsequent part requests must include the appropriate encryption parameters."; kUploadPart with
// another key -> InvalidRequest "The provided encryption parameters did not match the ones used
// originally." (HEAD bodies are dropped by the pipeline.)
common::Result<SecretBytes> OpenCustomerKey(const common::http::Request& request, const store::SseInfo& stored,
                                            Purpose purpose);

// For a stored object (or upload) that is NOT SSE-C: an error when SSE-C headers of `headers` were sent
// anyway (AWS: 400 InvalidRequest "The encryption parameters are not applicable to this object."; verify).
common::Status RejectCustomerKey(const common::http::Request& request, HeaderSet headers);

}  // namespace emulator::sse
