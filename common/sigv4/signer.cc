// Client-side signing with the server's own canonicalisation (CanonicalRequest/StringToSign/SigningKey
// from auth.h), so a signer/auth round trip tests both halves against AWS's published vectors.
#include "common/sigv4/signer.h"

#include "common/sigv4/auth.h"
#include "common/sigv4/internal.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"

namespace common::sigv4 {
namespace {

std::string PayloadHash(const SignInput& input, bool presign) {
  if (!input.payload_hash.empty()) return input.payload_hash;
  if (presign && input.service == "s3") return "UNSIGNED-PAYLOAD";
  return crypto::Sha256Hex(input.payload);
}

std::string JoinSigned(const http::Request& request) {
  std::string out, last;
  for (const auto& [name, value] : request.headers) {  // multimap: sorted, lower-case
    if (name == last) continue;
    if (!out.empty()) out += ';';
    out += name;
    last = name;
  }
  return out;
}

std::string Sign(const SignInput& input, const Credentials& credentials, const std::string& amz_date,
                 const std::string& scope, const http::Request& request, const std::string& signed_headers,
                 const std::string& payload_hash, bool query_auth) {
  std::string creq = CanonicalRequest(request, signed_headers, payload_hash, query_auth);
  std::string sts = StringToSign(amz_date, scope, creq);
  crypto::SecretBytes key =
      SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), input.region, input.service);
  return util::HexEncode(crypto::HmacSha256(key.view(), sts));
}

}  // namespace

std::map<std::string, std::string> SignHeaders(const SignInput& input, const Credentials& credentials) {
  const std::string amz_date = util::FormatAmzDate(input.now_millis);
  const std::string scope =
      amz_date.substr(0, 8) + "/" + input.region + "/" + input.service + "/aws4_request";
  const std::string payload_hash = PayloadHash(input, false);
  std::map<std::string, std::string> added;
  added["host"] = input.host;
  added["x-amz-date"] = amz_date;
  if (input.add_content_sha256_header) added["x-amz-content-sha256"] = payload_hash;
  if (!credentials.session_token.empty()) added["x-amz-security-token"] = credentials.session_token;

  http::Request request;
  request.method = input.method;
  request.raw_path = input.raw_path;
  request.raw_query = input.raw_query;
  for (const auto& [name, value] : input.headers) request.headers.emplace(util::ToLower(name), value);
  for (const auto& [name, value] : added) request.headers.emplace(name, value);
  const std::string signed_headers = JoinSigned(request);
  const std::string signature =
      Sign(input, credentials, amz_date, scope, request, signed_headers, payload_hash, false);
  added["authorization"] = std::string(internal::kAlgorithm) + " Credential=" + credentials.access_key_id +
                           "/" + scope + ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
  return added;
}

std::string PresignV4Query(const SignInput& input, const Credentials& credentials, int64_t expires_seconds) {
  const std::string amz_date = util::FormatAmzDate(input.now_millis);
  const std::string scope =
      amz_date.substr(0, 8) + "/" + input.region + "/" + input.service + "/aws4_request";
  http::Request request;
  request.method = input.method;
  request.raw_path = input.raw_path;
  request.headers.emplace("host", input.host);
  for (const auto& [name, value] : input.headers) request.headers.emplace(util::ToLower(name), value);
  const std::string signed_headers = JoinSigned(request);

  std::string query = input.raw_query;
  auto add = [&query](const std::string& k, const std::string& v) {
    if (!query.empty()) query += '&';
    query += k + "=" + util::UriEncode(v);
  };
  add("X-Amz-Algorithm", internal::kAlgorithm);
  add("X-Amz-Credential", credentials.access_key_id + "/" + scope);
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires_seconds));
  add("X-Amz-SignedHeaders", signed_headers);
  if (!credentials.session_token.empty()) add("X-Amz-Security-Token", credentials.session_token);
  request.raw_query = query;
  const std::string signature =
      Sign(input, credentials, amz_date, scope, request, signed_headers, PayloadHash(input, true), true);
  add("X-Amz-Signature", signature);
  return query;
}

std::string PresignV2Query(const std::string& method, const std::string& raw_path,
                           const std::string& raw_query, const Credentials& credentials,
                           int64_t expires_epoch_seconds) {
  std::string query = raw_query;
  auto add = [&query](const std::string& k, const std::string& v) {
    if (!query.empty()) query += '&';
    query += k + "=" + util::UriEncode(v);
  };
  if (!credentials.session_token.empty()) add("x-amz-security-token", credentials.session_token);
  http::Request request;
  request.method = method;
  request.raw_path = raw_path;
  request.raw_query = query;
  const std::string expires = std::to_string(expires_epoch_seconds);
  const std::string sts = internal::StringToSignV2(request, expires, true);
  add("AWSAccessKeyId", credentials.access_key_id);
  add("Expires", expires);
  add("Signature", util::Base64Encode(crypto::HmacSha1(credentials.secret_access_key, sts)));
  return query;
}

}  // namespace common::sigv4
