// Request authentication as AWS does it: SigV4 in the Authorization header, SigV4 presigned query,
// SigV2 presigned query (boto3's default presign in us-east-1) and anonymous requests. Errors come back
// as S3-flavoured AwsErrors (codes and texts of ../shared/AWS-REFERENCE.md §7: SignatureDoesNotMatch,
// InvalidAccessKeyId, RequestTimeTooSkewed, AccessDenied "Request has expired",
// AuthorizationQueryParametersError, AuthorizationHeaderMalformed, "There were headers present in the
// request which were not signed"); the KMS service maps them to its own JSON codes.
// Signatures are compared in constant time. The payload hash is only *declared* here: a hex hash is
// checked by the caller after streaming the body (PayloadVerifier below), streaming modes by
// AwsChunkedDecoder (chunked.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/crypto/crypto.h"
#include "common/error.h"
#include "common/http/request.h"
#include "common/util/clock.h"

namespace common::sigv4 {

enum class AuthKind { kAnonymous, kHeaderV4, kQueryV4, kQueryV2, kHeaderV2 };  // kHeaderV2: "AWS AKID:sig"

enum class PayloadMode {
  kUnsigned,                  // UNSIGNED-PAYLOAD (and every query-auth request)
  kSha256,                    // hex SHA-256 in x-amz-content-sha256 (or absent: KMS signs the body hash)
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

struct AuthResult {
  AuthKind kind = AuthKind::kAnonymous;
  std::string access_key_id;  // "" when anonymous
  std::string region;         // from the credential scope ("" for SigV2/anonymous)
  std::string service;        // from the credential scope
  // x-amz-security-token (header, or X-Amz-Security-Token / x-amz-security-token query); "" when absent.
  // The caller checks it against the temporary credentials of access_key_id.
  std::string session_token;
  PayloadMode payload_mode = PayloadMode::kUnsigned;
  std::string payload_sha256_hex;  // declared hash when payload_mode == kSha256
  // What chunk-signature verification needs (streaming signed modes only).
  std::string amz_date;         // yyyyMMddTHHmmssZ
  std::string scope;            // 20261127/us-east-1/s3/aws4_request
  std::string seed_signature;   // the request signature (hex)
  crypto::SecretBytes signing_key;
};

struct Options {
  const util::Clock* clock = nullptr;
  int64_t max_skew_ms = 15 * 60 * 1000;
  // Optional clock for the RequestTimeTooSkewed check of header-signed requests. Clients sign with real
  // time, so a lab that advances the lab clock (`s3lab clock +2d`, to expire presigned URLs) passes a
  // real-time clock here and keeps `clock` (lab time) for presigned expiry. Null: use `clock`.
  const util::Clock* skew_clock = nullptr;
  // Returns the secret access key for an access key id, or nullopt when unknown.
  std::function<std::optional<std::string>(const std::string& access_key_id)> lookup_secret;
  // When the body is fully buffered (KMS, small S3 control calls) pass it so kSha256 is checked here;
  // when it is streamed, leave null and use PayloadVerifier.
  const std::string* buffered_body = nullptr;
};

// Authenticates one request. Anonymous when it carries neither Authorization nor query credentials.
Result<AuthResult> Authenticate(const http::Request& request, const Options& options);

// Building blocks, exposed for tests with AWS's published vectors and for the signer.
std::string CanonicalRequest(const http::Request& request, const std::string& signed_headers,
                             const std::string& payload_hash, bool query_auth);
std::string StringToSign(const std::string& amz_date, const std::string& scope,
                         const std::string& canonical_request);
// The signing key: served from a bounded process-wide cache (key_cache.h); DeriveSigningKey always runs
// the four HMACs. Both return the same bytes.
crypto::SecretBytes SigningKey(const std::string& secret, const std::string& date, const std::string& region,
                               const std::string& service);
crypto::SecretBytes DeriveSigningKey(const std::string& secret, const std::string& date,
                                     const std::string& region, const std::string& service);

// The region check belongs to the caller (it knows the bucket's region): AuthorizationHeaderMalformed
// "the region 'eu-west-1' is wrong; expecting 'us-east-1'" + Region for header auth,
// AuthorizationQueryParametersError for presigned URLs.
AwsError WrongRegion(const AuthResult& auth, const std::string& expected_region);

// Checks a streamed body against the declared hex SHA-256 (x-amz-content-sha256). Error:
// XAmzContentSHA256Mismatch 400.
class PayloadVerifier {
 public:
  explicit PayloadVerifier(std::string expected_hex);
  void Update(std::string_view data);
  Status Finish();

 private:
  std::string expected_;
  std::unique_ptr<crypto::Hasher> hasher_;
};

}  // namespace common::sigv4
