// Canonical forms (SigV4 canonical request and query, SigV2 string to sign), the signing key derivation
// (the cached SigningKey() is in key_cache.cc), and the error factories. S3 rules: the canonical URI is
// the path exactly as sent (no normalisation, no second encoding); query parameters are decoded and
// re-encoded so clients that encode differently ('~', '%7e') agree with us.
#include <algorithm>
#include <vector>

#include "common/sigv4/auth.h"
#include "common/sigv4/internal.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"

namespace common::sigv4 {
namespace internal {

std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature) {
  std::vector<std::pair<std::string, std::string>> params;
  for (auto& [key, value] : util::ParseQuery(raw_query)) {
    if (exclude_signature && key == "X-Amz-Signature") continue;
    params.emplace_back(util::UriEncode(key), util::UriEncode(value));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

namespace {
// Sub-resources that belong to the SigV2 canonical resource (botocore's HmacV1Auth.QSAOfInterest).
constexpr const char* kSubResources[] = {"accelerate",
                                         "acl",
                                         "analytics",
                                         "cors",
                                         "defaultObjectAcl",
                                         "delete",
                                         "inventory",
                                         "lifecycle",
                                         "location",
                                         "logging",
                                         "metrics",
                                         "notification",
                                         "object-lock",
                                         "partNumber",
                                         "policy",
                                         "replication",
                                         "requestPayment",
                                         "response-cache-control",
                                         "response-content-disposition",
                                         "response-content-encoding",
                                         "response-content-language",
                                         "response-content-type",
                                         "response-expires",
                                         "restore",
                                         "select",
                                         "select-type",
                                         "storageClass",
                                         "tagging",
                                         "torrent",
                                         "uploadId",
                                         "uploads",
                                         "versionId",
                                         "versioning",
                                         "versions",
                                         "website"};

bool IsSubResource(std::string_view key) {
  for (const char* s : kSubResources)
    if (key == s) return true;
  return false;
}
}  // namespace

std::string StringToSignV2(const http::Request& request, const std::string& date_or_expires, bool presigned) {
  std::string content_type = request.HeaderOr("content-type");
  if (content_type.empty()) content_type = request.Query("Content-Type").value_or("");
  // x-amz-* from headers and (presigned) from the query, lower-cased, sorted, values joined with ','.
  std::vector<std::pair<std::string, std::string>> amz;
  for (const auto& [name, value] : request.headers)
    if (util::StartsWith(name, "x-amz-")) amz.emplace_back(name, util::Trim(value));
  std::vector<std::pair<std::string, std::string>> subs;
  for (auto& [k, v] : request.QueryParams()) {
    std::string lk = util::ToLower(k);
    if (presigned && util::StartsWith(lk, "x-amz-")) amz.emplace_back(lk, v);
    if (IsSubResource(k)) subs.emplace_back(k, v);
  }
  std::stable_sort(amz.begin(), amz.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string out = request.method + "\n" + request.HeaderOr("content-md5") + "\n" + content_type + "\n" +
                    date_or_expires + "\n";
  for (size_t i = 0; i < amz.size(); ++i) {
    if (i > 0 && amz[i].first == amz[i - 1].first) {
      out.back() = ',';
      out += amz[i].second + "\n";
    } else {
      out += amz[i].first + ":" + amz[i].second + "\n";
    }
  }
  out += request.raw_path.empty() ? "/" : request.raw_path;
  std::stable_sort(subs.begin(), subs.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < subs.size(); ++i) {
    out += i == 0 ? "?" : "&";
    out += subs[i].first;
    if (!subs[i].second.empty() || request.raw_query.find(subs[i].first + "=") != std::string::npos)
      out += "=" + subs[i].second;
  }
  return out;
}

std::string SpacedHex(std::string_view bytes) {
  std::string hex = util::HexEncode(bytes);
  std::string out;
  out.reserve(bytes.size() * 3);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i) out.push_back(' ');
    out.append(hex, i, 2);
  }
  return out;
}

AwsError SignatureDoesNotMatch(const std::string& akid, const std::string& string_to_sign,
                               const std::string& provided, const std::string* canonical_request) {
  AwsError e = MakeError("SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you provided. "
                         "Check your key and signing method.",
                         403);
  e.With("AWSAccessKeyId", akid).With("StringToSign", string_to_sign).With("SignatureProvided", provided);
  e.With("StringToSignBytes", SpacedHex(string_to_sign));
  if (canonical_request) {
    e.With("CanonicalRequest", *canonical_request)
        .With("CanonicalRequestBytes", SpacedHex(*canonical_request));
  }
  return e;
}

int64_t SkewNow(const Options& options) {
  const util::Clock* c = options.skew_clock ? options.skew_clock : options.clock;
  return c ? c->NowMillis() : util::RealNowMillis();
}

AwsError InvalidAccessKeyId(const std::string& akid) {
  return MakeError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                   403)
      .With("AWSAccessKeyId", akid);
}

AwsError HeaderMalformed(const std::string& detail) {
  return MakeError("AuthorizationHeaderMalformed", "The authorization header is malformed; " + detail, 400);
}

AwsError QueryParametersError(const std::string& message) {
  return MakeError("AuthorizationQueryParametersError", message, 400);
}

AwsError AccessDenied(const std::string& message) { return MakeError("AccessDenied", message, 403); }

AwsError Expired(int64_t expires_millis, int64_t now_millis) {
  return AccessDenied("Request has expired")
      .With("Expires", util::FormatIso8601Seconds(expires_millis))
      .With("ServerTime", util::FormatIso8601Seconds(now_millis));
}

AwsError TimeTooSkewed(const std::string& request_time, int64_t now_millis, int64_t max_skew_ms) {
  return MakeError("RequestTimeTooSkewed",
                   "The difference between the request time and the current time is too large.", 403)
      .With("RequestTime", request_time)
      .With("ServerTime", util::FormatIso8601Seconds(now_millis))
      .With("MaxAllowedSkewMilliseconds", std::to_string(max_skew_ms));
}

AwsError InvalidArgument(const std::string& message, const std::string& name, const std::string& value) {
  return MakeError("InvalidArgument", message, 400).With("ArgumentName", name).With("ArgumentValue", value);
}

AwsError InvalidRequest(const std::string& message) { return MakeError("InvalidRequest", message, 400); }

}  // namespace internal

std::string CanonicalRequest(const http::Request& request, const std::string& signed_headers,
                             const std::string& payload_hash, bool query_auth) {
  std::string out;
  out.reserve(512);
  out += request.method;
  out += '\n';
  out += request.raw_path.empty() ? "/" : request.raw_path;
  out += '\n';
  out += internal::CanonicalQuery(request.raw_query, query_auth);
  out += '\n';
  for (const auto& name : util::Split(signed_headers, ';')) {
    out += name;
    out += ':';
    auto range = request.headers.equal_range(name);
    bool first = true;
    for (auto it = range.first; it != range.second; ++it) {
      if (!first) out += ',';
      out += util::CollapseSpaces(it->second);
      first = false;
    }
    out += '\n';
  }
  out += '\n';
  out += signed_headers;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string StringToSign(const std::string& amz_date, const std::string& scope,
                         const std::string& canonical_request) {
  return std::string(internal::kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
         crypto::Sha256Hex(canonical_request);
}

crypto::SecretBytes DeriveSigningKey(const std::string& secret, const std::string& date,
                                     const std::string& region, const std::string& service) {
  crypto::SecretBytes k_secret("AWS4" + secret);
  crypto::SecretBytes k_date(crypto::HmacSha256(k_secret.view(), date));
  crypto::SecretBytes k_region(crypto::HmacSha256(k_date.view(), region));
  crypto::SecretBytes k_service(crypto::HmacSha256(k_region.view(), service));
  return crypto::SecretBytes(crypto::HmacSha256(k_service.view(), "aws4_request"));
}

}  // namespace common::sigv4
