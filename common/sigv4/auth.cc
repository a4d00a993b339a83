// Authenticate(): chooses the scheme (Authorization header, SigV4 query, SigV2 query, anonymous) and
// runs the SigV4 checks in AWS's order: parse, date, credential scope, access key, clock skew / expiry,
// unsigned x-amz-* headers, signature (constant time), declared payload hash.
#include "common/sigv4/auth.h"

#include <cctype>
#include <cstdlib>
#include <vector>

#include "common/sigv4/auth_internal.h"
#include "common/sigv4/internal.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"

namespace common::sigv4 {
namespace {

using namespace internal;

constexpr const char* kCredentialFormat = "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

struct Credential {
  std::string akid, date, region, service;
  std::string Scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

bool ParseCredential(const std::string& text, Credential* out) {
  // The access key id itself cannot contain '/', so split from the right.
  auto parts = util::Split(text, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty() || parts[1].size() != 8 ||
      parts[2].empty() || parts[3].empty())
    return false;
  for (char c : parts[1])
    if (c < '0' || c > '9') return false;
  *out = Credential{parts[0], parts[1], parts[2], parts[3]};
  return true;
}

Result<PayloadMode> ModeFromHeader(const std::string& value) {
  if (value == "UNSIGNED-PAYLOAD") return PayloadMode::kUnsigned;
  if (value == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") return PayloadMode::kStreamingUnsignedTrailer;
  if (value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") return PayloadMode::kStreamingSigned;
  if (value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") return PayloadMode::kStreamingSignedTrailer;
  bool hex = value.size() == 64;
  for (char c : value)
    if (!std::isxdigit(static_cast<unsigned char>(c))) hex = false;
  if (hex) return PayloadMode::kSha256;
  return InvalidArgument(
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
      "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid "
      "sha256 value.",
      "x-amz-content-sha256", value);
}

// Request headers that must be signed: host and every x-amz-* header.
std::string UnsignedHeaders(const http::Request& request, const std::string& signed_headers) {
  std::vector<std::string> signed_list = util::Split(signed_headers, ';');
  std::string missing;
  std::string last;
  for (const auto& [name, value] : request.headers) {
    if (name != "host" && !util::StartsWith(name, "x-amz-")) continue;
    if (name == last) continue;
    last = name;
    bool found = false;
    for (const auto& s : signed_list) found = found || s == name;
    if (!found) missing += (missing.empty() ? "" : ", ") + name;
  }
  return missing;
}

// The shared tail of header and query SigV4: unsigned headers, then the signature.
Status VerifyV4(const http::Request& request, const std::string& secret, const Credential& cred,
                const std::string& amz_date, const std::string& signed_headers,
                const std::string& payload_hash, const std::string& provided, bool query_auth,
                AuthResult* result) {
  std::string unsigned_headers = UnsignedHeaders(request, signed_headers);
  if (!unsigned_headers.empty()) {
    return AccessDenied("There were headers present in the request which were not signed")
        .With("HeadersNotSigned", unsigned_headers);
  }
  std::string creq = CanonicalRequest(request, signed_headers, payload_hash, query_auth);
  std::string sts = StringToSign(amz_date, cred.Scope(), creq);
  crypto::SecretBytes key = SigningKey(secret, cred.date, cred.region, cred.service);
  std::string expected = util::HexEncode(crypto::HmacSha256(key.view(), sts));
  if (!crypto::ConstantTimeEquals(expected, provided))
    return SignatureDoesNotMatch(cred.akid, sts, provided, &creq);
  result->access_key_id = cred.akid;
  result->region = cred.region;
  result->service = cred.service;
  result->amz_date = amz_date;
  result->scope = cred.Scope();
  result->seed_signature = provided;
  result->signing_key = std::move(key);
  return Ok{};
}

Result<AuthResult> HeaderV4(const http::Request& request, const Options& options, const std::string& header) {
  // AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
  std::string rest = header.substr(std::string(kAlgorithm).size());
  std::string credential, signed_headers, signature;
  for (const auto& part : util::Split(rest, ',')) {
    std::string p = util::Trim(part);
    size_t eq = p.find('=');
    if (eq == std::string::npos)
      return HeaderMalformed("the authorization component \"" + p + "\" is malformed.");
    std::string k = p.substr(0, eq), v = p.substr(eq + 1);
    if (k == "Credential")
      credential = v;
    else if (k == "SignedHeaders")
      signed_headers = v;
    else if (k == "Signature")
      signature = v;
    else
      return HeaderMalformed("the authorization component \"" + p + "\" is malformed.");
  }
  if (credential.empty() || signed_headers.empty() || signature.empty()) {
    return HeaderMalformed(
        "the authorization header requires three components: Credential, SignedHeaders, and Signature.");
  }
  Credential cred;
  if (!ParseCredential(credential, &cred))
    return HeaderMalformed(std::string("the Credential is mal-formed; expecting ") + kCredentialFormat);

  std::string date_text;
  std::optional<int64_t> when;
  if (auto amz = request.Header("x-amz-date")) {
    date_text = *amz;
    when = util::ParseAmzDate(*amz);
  } else if (auto date = request.Header("date")) {
    date_text = *date;
    when = util::ParseHttpDate(*date);
  }
  if (!when) return AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
  std::string amz_date = util::FormatAmzDate(*when);
  if (amz_date.compare(0, 8, cred.date) != 0)
    return HeaderMalformed("Invalid credential date. Date is not the same as X-Amz-Date.");

  AuthResult result;
  result.kind = AuthKind::kHeaderV4;
  std::string payload_hash;
  auto declared = request.Header("x-amz-content-sha256");
  if (declared) {
    auto mode = ModeFromHeader(*declared);
    if (!mode.ok()) return mode.error();
    result.payload_mode = *mode;
    payload_hash = *declared;
    if (*mode == PayloadMode::kSha256) result.payload_sha256_hex = util::ToLower(*declared);
  } else if (options.buffered_body && cred.service != "s3") {  // KMS and IAM sign the body hash
    payload_hash = crypto::Sha256Hex(*options.buffered_body);
    result.payload_mode = PayloadMode::kSha256;
    result.payload_sha256_hex = payload_hash;
  } else {
    return InvalidRequest("Missing required header for this request: x-amz-content-sha256");
  }

  // Key lookup comes first (an unknown key is reported even for a stale request), then the clock.
  auto secret = options.lookup_secret ? options.lookup_secret(cred.akid) : std::nullopt;
  if (!secret) return InvalidAccessKeyId(cred.akid);
  if (std::llabs(SkewNow(options) - *when) > options.max_skew_ms)
    return TimeTooSkewed(date_text, SkewNow(options), options.max_skew_ms);

  S3LAB_TRY(VerifyV4(request, *secret, cred, amz_date, util::ToLower(signed_headers), payload_hash, signature,
                     false, &result));
  result.session_token = request.HeaderOr("x-amz-security-token");
  // A hash we computed from the buffered body needs no second check; a declared one does.
  if (declared && options.buffered_body && result.payload_mode == PayloadMode::kSha256) {
    PayloadVerifier verifier(result.payload_sha256_hex);
    verifier.Update(*options.buffered_body);
    S3LAB_TRY(verifier.Finish());
  }
  return result;
}

Result<AuthResult> QueryV4(const http::Request& request, const Options& options) {
  auto algorithm = request.Query("X-Amz-Algorithm");
  auto credential = request.Query("X-Amz-Credential");
  auto signature = request.Query("X-Amz-Signature");
  auto date = request.Query("X-Amz-Date");
  auto signed_headers = request.Query("X-Amz-SignedHeaders");
  auto expires = request.Query("X-Amz-Expires");
  if (!algorithm || !credential || !signature || !date || !signed_headers || !expires) {
    return QueryParametersError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, "
        "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (*algorithm != kAlgorithm)
    return QueryParametersError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
  Credential cred;
  if (!ParseCredential(*credential, &cred)) {
    return QueryParametersError(
        std::string(
            "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting ") +
        kCredentialFormat);
  }
  auto when = util::ParseAmzDate(*date);
  if (!when) {
    return QueryParametersError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (date->compare(0, 8, cred.date) != 0)
    return QueryParametersError("Invalid credential date. Date is not the same as X-Amz-Date.");
  char* end = nullptr;
  long long secs = std::strtoll(expires->c_str(), &end, 10);
  if (expires->empty() || *end != '\0') return QueryParametersError("X-Amz-Expires should be a number");
  if (secs < 0) return QueryParametersError("X-Amz-Expires must be non-negative");
  if (secs > 604800) {
    return QueryParametersError(
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less "
        "than 604800 seconds");
  }

  auto secret = options.lookup_secret ? options.lookup_secret(cred.akid) : std::nullopt;
  if (!secret) return InvalidAccessKeyId(cred.akid);
  int64_t now = options.clock ? options.clock->NowMillis() : util::RealNowMillis();
  if (*when - now > options.max_skew_ms) return AccessDenied("Request is not valid yet");
  int64_t expires_at = *when + secs * 1000;
  if (now > expires_at) {
    AwsError e = Expired(expires_at, now);
    e.extra.insert(e.extra.begin(), {"X-Amz-Expires", *expires});
    return e;
  }

  AuthResult result;
  result.kind = AuthKind::kQueryV4;
  result.payload_mode = PayloadMode::kUnsigned;
  std::string payload_hash = "UNSIGNED-PAYLOAD";
  if (auto declared = request.Header("x-amz-content-sha256")) {
    auto mode = ModeFromHeader(*declared);
    if (!mode.ok()) return mode.error();
    result.payload_mode = *mode;
    if (*mode == PayloadMode::kSha256) result.payload_sha256_hex = util::ToLower(*declared);
    payload_hash = *declared;
  } else if (cred.service != "s3" && options.buffered_body) {
    payload_hash = crypto::Sha256Hex(*options.buffered_body);
  }
  S3LAB_TRY(VerifyV4(request, *secret, cred, *date, util::ToLower(*signed_headers), payload_hash, *signature,
                     true, &result));
  result.session_token = request.Query("X-Amz-Security-Token").value_or("");
  return result;
}

}  // namespace

Result<AuthResult> Authenticate(const http::Request& request, const Options& options) {
  auto header = request.Header("authorization");
  bool v4_query = false, v2_query = false;
  if (!request.raw_query.empty()) {
    for (const auto& [k, v] : request.QueryParams()) {
      if (k == "X-Amz-Algorithm" || k == "X-Amz-Credential" || k == "X-Amz-Signature") v4_query = true;
      if (k == "AWSAccessKeyId" || k == "Signature") v2_query = true;
    }
    v2_query = v2_query && !v4_query;
  }
  if (header && (v4_query || v2_query)) {
    return InvalidArgument(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
        "parameter or the Authorization header should be specified",
        "Authorization", *header);
  }
  if (header) {
    if (util::StartsWith(*header, std::string(kAlgorithm) + " ")) return HeaderV4(request, options, *header);
    if (util::StartsWith(*header, "AWS ")) return internal::HeaderV2(request, options, *header);
    return InvalidArgument("Unsupported Authorization Type", "Authorization", *header);
  }
  if (v4_query) return QueryV4(request, options);
  if (v2_query) return internal::QueryV2(request, options);

  AuthResult anonymous;
  if (auto declared = request.Header("x-amz-content-sha256")) {
    auto mode = ModeFromHeader(*declared);
    if (!mode.ok()) return mode.error();
    anonymous.payload_mode = *mode;
    if (*mode == PayloadMode::kSha256) anonymous.payload_sha256_hex = util::ToLower(*declared);
  }
  return anonymous;
}

PayloadVerifier::PayloadVerifier(std::string expected_hex)
    : expected_(util::ToLower(expected_hex)), hasher_(crypto::Hasher::Create(crypto::Algorithm::kSha256)) {}

void PayloadVerifier::Update(std::string_view data) { hasher_->Update(data); }

Status PayloadVerifier::Finish() {
  std::string computed = util::HexEncode(hasher_->Digest());
  if (crypto::ConstantTimeEquals(computed, expected_)) return Ok{};
  return MakeError("XAmzContentSHA256Mismatch",
                   "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
      .With("ClientComputedContentSHA256", expected_)
      .With("S3ComputedContentSHA256", computed);
}

}  // namespace common::sigv4
