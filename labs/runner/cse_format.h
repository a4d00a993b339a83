// The Amazon S3 Encryption Client v2 object format with the `kms+context` key wrap, as `s3lab cse`
// writes and reads it (pure functions, unit-tested in tests/labs/cse_format_test.cc).
//
// Object metadata (sent as x-amz-meta-<name>):
//   x-amz-key-v2                      base64 of the KMS CiphertextBlob of the data key
//   x-amz-iv                          base64 of the 12-byte GCM IV
//   x-amz-matdesc                     JSON object = the KMS encryption context, which is the user's
//                                     pairs plus "aws:x-amz-cek-alg": "AES/GCM/NoPadding"
//   x-amz-wrap-alg                    kms+context
//   x-amz-cek-alg                     AES/GCM/NoPadding
//   x-amz-tag-len                     128
//   x-amz-unencrypted-content-length  plaintext length in bytes
// Body: AES-256-GCM ciphertext with the 16-byte tag appended (plaintext length + 16).
// Reading follows the AWS clients: the v1 format (x-amz-key), instruction files, other wrap or
// content algorithms are refused; "aws:x-amz-cek-alg" in the matdesc must equal x-amz-cek-alg (Go v2
// and Java check this). The matdesc is written compact with sorted keys and non-ASCII escaped as
// \uXXXX, so the header stays ASCII (NOTE: Java/Go write raw UTF-8, which S3 then RFC 2047-encodes;
// both decode to the same context).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace runner::cse {

inline constexpr const char* kCekAlg = "AES/GCM/NoPadding";
inline constexpr const char* kWrapAlg = "kms+context";
inline constexpr const char* kCekAlgContextKey = "aws:x-amz-cek-alg";
inline constexpr const char* kTagLenBits = "128";

using Context = std::map<std::string, std::string>;

// "s3://bucket/key" -> (bucket, key); nullopt when either part is empty.
std::optional<std::pair<std::string, std::string>> ParseS3Url(const std::string& url);

// Parses `k=v` arguments (split at the first '='; empty key refused; the reserved key
// aws:x-amz-cek-alg refused as the AWS clients do; a repeated key refused).
common::Result<Context> ParseContextArgs(const std::vector<std::string>& pairs);

// The user's context plus aws:x-amz-cek-alg: what is sent to KMS and stored as the matdesc.
Context KmsContext(const Context& user_context);
std::string MatdescJson(const Context& kms_context);

// Parses a matdesc: a JSON object whose values are all strings.
common::Result<Context> ParseMatdesc(const std::string& json);

// The user metadata of a new object, names without the x-amz-meta- prefix.
std::map<std::string, std::string> EnvelopeMetadata(const std::string& encrypted_key, const std::string& iv,
                                                    const Context& kms_context, uint64_t plaintext_length);

// What `cse get` needs from an object's user metadata.
struct Envelope {
  std::string encrypted_key;  // raw bytes (decoded from base64)
  std::string iv;             // 12 raw bytes
  Context kms_context;        // the parsed matdesc
  std::string matdesc;        // as stored
  bool has_plaintext_length = false;
  uint64_t plaintext_length = 0;
};

// `metadata`: user metadata names (lower case, without x-amz-meta-) -> values. Errors (code
// "NotEncrypted" or "UnsupportedFormat") carry a one-line reason for the learner.
common::Result<Envelope> ReadEnvelope(const std::map<std::string, std::string>& metadata);

// The context without aws:x-amz-cek-alg (and the legacy kms_cmk_id), as compared with a --context
// given to `cse get` (the Java S3 Encryption Client's rule: both must be equal).
Context UserPart(const Context& kms_context);

}  // namespace runner::cse
