// SigV2 (HMAC-SHA1) for S3: the presigned-query form boto3 1.43 still produces by default in us-east-1
// (`generate_presigned_url`, `aws s3 presign`), and the legacy header form. The string to sign is
// internal::StringToSignV2; the signature is base64 and compared in constant time.
#include <cctype>
#include <cstdlib>

#include "common/sigv4/auth_internal.h"
#include "common/sigv4/internal.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"

namespace common::sigv4 {
namespace internal {
namespace {

int64_t Now(const Options& options) {
  return options.clock ? options.clock->NowMillis() : util::RealNowMillis();
}

Status CheckSignature(const std::string& secret, const std::string& akid, const std::string& string_to_sign,
                      const std::string& provided) {
  std::string expected = util::Base64Encode(crypto::HmacSha1(secret, string_to_sign));
  if (crypto::ConstantTimeEquals(expected, provided)) return Ok{};
  return SignatureDoesNotMatch(akid, string_to_sign, provided, nullptr);
}

AuthResult V2Result(AuthKind kind, const std::string& akid, const http::Request& request) {
  AuthResult result;
  result.kind = kind;
  result.access_key_id = akid;
  result.service = "s3";
  result.payload_mode = PayloadMode::kUnsigned;
  if (auto declared = request.Header("x-amz-content-sha256")) {
    bool hex = declared->size() == 64;
    for (char c : *declared) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
    if (hex) {
      result.payload_mode = PayloadMode::kSha256;
      result.payload_sha256_hex = util::ToLower(*declared);
    }
  }
  return result;
}

}  // namespace

Result<AuthResult> HeaderV2(const http::Request& request, const Options& options, const std::string& header) {
  std::string rest = header.substr(4);
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
    return InvalidArgument("AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
                           "Authorization", header);
  std::string akid = rest.substr(0, colon), signature = rest.substr(colon + 1);
  std::string date_text, date_line;
  std::optional<int64_t> when;
  if (auto amz = request.Header("x-amz-date")) {
    date_text = *amz;
    when = util::ParseHttpDate(*amz);
    if (!when) when = util::ParseAmzDate(*amz);
  } else if (auto date = request.Header("date")) {
    date_text = date_line = *date;
    when = util::ParseHttpDate(*date);
  }
  if (!when) return AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
  auto secret = options.lookup_secret ? options.lookup_secret(akid) : std::nullopt;
  if (!secret) return InvalidAccessKeyId(akid);
  if (std::llabs(SkewNow(options) - *when) > options.max_skew_ms)
    return TimeTooSkewed(date_text, SkewNow(options), options.max_skew_ms);
  std::string sts = StringToSignV2(request, date_line, false);
  S3LAB_TRY(CheckSignature(*secret, akid, sts, signature));
  AuthResult result = V2Result(AuthKind::kHeaderV2, akid, request);
  result.session_token = request.HeaderOr("x-amz-security-token");
  return result;
}

Result<AuthResult> QueryV2(const http::Request& request, const Options& options) {
  auto akid = request.Query("AWSAccessKeyId");
  auto signature = request.Query("Signature");
  auto expires = request.Query("Expires");
  if (!akid || !signature || !expires)
    return AccessDenied(
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
  char* end = nullptr;
  long long expires_epoch = std::strtoll(expires->c_str(), &end, 10);
  if (expires->empty() || *end != '\0')
    return AccessDenied(
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
  auto secret = options.lookup_secret ? options.lookup_secret(*akid) : std::nullopt;
  if (!secret) return InvalidAccessKeyId(*akid);
  int64_t now = Now(options);
  if (now / 1000 > expires_epoch) return Expired(expires_epoch * 1000, now);
  std::string sts = StringToSignV2(request, *expires, true);
  S3LAB_TRY(CheckSignature(*secret, *akid, sts, *signature));
  AuthResult result = V2Result(AuthKind::kQueryV2, *akid, request);
  result.session_token =
      request.Query("x-amz-security-token").value_or(request.HeaderOr("x-amz-security-token"));
  return result;
}

}  // namespace internal

AwsError WrongRegion(const AuthResult& auth, const std::string& expected_region) {
  std::string detail = "the region '" + auth.region + "' is wrong; expecting '" + expected_region + "'";
  if (auth.kind == AuthKind::kQueryV4)
    return internal::QueryParametersError("Error parsing the X-Amz-Credential parameter; " + detail)
        .With("Region", expected_region);
  return internal::HeaderMalformed(detail).With("Region", expected_region);
}

}  // namespace common::sigv4
