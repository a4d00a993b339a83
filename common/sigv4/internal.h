// Internals shared by auth, chunked and signer (not part of the public contract): the canonical query,
// SigV2 string-to-sign, and the AwsError factories with AWS's exact codes, texts and extra elements
// (../shared/AWS-REFERENCE.md §7).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "common/http/request.h"
#include "common/sigv4/auth.h"

namespace common::sigv4::internal {

inline constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// SigV4 canonical query: every parameter decoded, re-encoded with UriEncode, sorted by key then value;
// X-Amz-Signature dropped when exclude_signature.
std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature);

// SigV2 (S3 HMAC-SHA1) string to sign: METHOD\nContent-MD5\nContent-Type\n<date or Expires>\n
// <x-amz-* headers (and x-amz-* query params when presigned)>resource, resource = raw path + S3
// sub-resources.
std::string StringToSignV2(const http::Request& request, const std::string& date_or_expires, bool presigned);

// "41 57 53 34" (AWS's *Bytes elements).
std::string SpacedHex(std::string_view bytes);

// Now for the clock-skew check (Options::skew_clock, else Options::clock, else real time).
int64_t SkewNow(const Options& options);

// Error factories.
AwsError SignatureDoesNotMatch(const std::string& akid, const std::string& string_to_sign,
                               const std::string& provided, const std::string* canonical_request);
AwsError InvalidAccessKeyId(const std::string& akid);
AwsError HeaderMalformed(const std::string& detail);        // AuthorizationHeaderMalformed 400
AwsError QueryParametersError(const std::string& message);  // AuthorizationQueryParametersError 400
AwsError AccessDenied(const std::string& message);
AwsError Expired(int64_t expires_millis, int64_t now_millis);  // AccessDenied "Request has expired"
AwsError TimeTooSkewed(const std::string& request_time, int64_t now_millis, int64_t max_skew_ms);
AwsError InvalidArgument(const std::string& message, const std::string& name, const std::string& value);
AwsError InvalidRequest(const std::string& message);

}  // namespace common::sigv4::internal
