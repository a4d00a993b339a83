// Authenticate() against the S3 documentation's example requests and every error AWS-REFERENCE §7 names.
#include "common/sigv4/auth.h"

#include <doctest/doctest.h>

#include "common/sigv4/signer.h"
#include "sigv4_test_util.h"

using namespace sigv4_test;
using namespace common::sigv4;
using common::AwsError;
using common::http::Request;

namespace {

constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// "GET Object" example of the S3 SigV4 documentation (Authorization header, Range, empty payload).
Request S3GetObjectExample() {
  Request r;
  r.method = "GET";
  r.raw_path = "/test.txt";
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"},
               {"range", "bytes=0-9"},
               {"x-amz-content-sha256", kEmptyHash},
               {"x-amz-date", "20130524T000000Z"},
               {"authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}};
  return r;
}

Env S3Env() {
  Env env;
  env.clock.Set(kS3DocTime);
  return env;
}

void SetAuthorization(Request& r, const std::string& value) {
  r.headers.erase("authorization");
  r.headers.emplace("authorization", value);
}

}  // namespace

TEST_CASE("Authenticate accepts the S3 documentation's GET Object example") {
  Env env = S3Env();
  auto r = env.Auth(S3GetObjectExample());
  REQUIRE(r.ok());
  CHECK(r->kind == AuthKind::kHeaderV4);
  CHECK(r->access_key_id == kS3Akid);
  CHECK(r->region == "us-east-1");
  CHECK(r->service == "s3");
  CHECK(r->payload_mode == PayloadMode::kSha256);
  CHECK(r->payload_sha256_hex == kEmptyHash);
  CHECK(r->scope == "20130524/us-east-1/s3/aws4_request");
}

TEST_CASE(
    "Authenticate accepts the S3 documentation's PUT Object example with a Date header and a body hash") {
  Request r;
  r.method = "PUT";
  r.raw_path = "/test%24file.text";
  std::string body = "Welcome to Amazon S3.";
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"},
               {"date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
               {"authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"}};
  Env env = S3Env();
  env.body = &body;
  CHECK(env.Auth(r).ok());
  std::string other = "Welcome to Amazon S4.";
  env.body = &other;
  auto bad = env.Auth(r);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "XAmzContentSHA256Mismatch");
  CHECK(bad.error().http_status == 400);
  CHECK(bad.error().message ==
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  CHECK(bad.error().Extra("ClientComputedContentSHA256") ==
        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CHECK(bad.error().Extra("S3ComputedContentSHA256") == common::crypto::Sha256Hex(other));
}

TEST_CASE("Authenticate accepts the S3 documentation's GET ?lifecycle and list-objects examples") {
  Request r = S3GetObjectExample();
  r.raw_path.assign(1, '/');
  r.raw_query.assign("lifecycle");
  r.headers.erase("range");
  SetAuthorization(r,
                   "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                   "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                   "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  Env env = S3Env();
  CHECK(env.Auth(r).ok());
  r.raw_query = "max-keys=2&prefix=J";
  SetAuthorization(r,
                   "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                   "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                   "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  CHECK(env.Auth(r).ok());
}

TEST_CASE("A tampered signature yields SignatureDoesNotMatch with AWS's diagnostic elements") {
  Request r = S3GetObjectExample();
  r.headers.find("range")->second = "bytes=0-10";
  Env env = S3Env();
  auto res = env.Auth(r);
  REQUIRE_FALSE(res.ok());
  const auto& e = res.error();
  CHECK(e.code == "SignatureDoesNotMatch");
  CHECK(e.http_status == 403);
  CHECK(e.message ==
        "The request signature we calculated does not match the signature you provided. Check your key and "
        "signing method.");
  REQUIRE(e.extra.size() == 6);
  CHECK(e.extra[0].first == "AWSAccessKeyId");
  CHECK(e.extra[0].second == kS3Akid);
  CHECK(e.extra[1].first == "StringToSign");
  CHECK(e.extra[1].second.rfind("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n",
                                0) == 0);
  CHECK(e.extra[2] ==
        std::pair<std::string, std::string>{
            "SignatureProvided", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"});
  CHECK(e.extra[3].first == "StringToSignBytes");
  CHECK(e.extra[3].second.rfind("41 57 53 34 2d", 0) == 0);
  CHECK(e.extra[4].first == "CanonicalRequest");
  CHECK(e.extra[4].second.find("range:bytes=0-10\n") != std::string::npos);
  CHECK(e.extra[5].first == "CanonicalRequestBytes");
}

TEST_CASE("An unknown access key yields InvalidAccessKeyId") {
  Env env = S3Env();
  env.keys.clear();
  auto r = env.Auth(S3GetObjectExample());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "InvalidAccessKeyId");
  CHECK(r.error().http_status == 403);
  CHECK(r.error().message == "The AWS Access Key Id you provided does not exist in our records.");
  CHECK(r.error().Extra("AWSAccessKeyId") == kS3Akid);
}

TEST_CASE("A request more than 15 minutes from the lab clock yields RequestTimeTooSkewed") {
  Env env = S3Env();
  env.clock.Set(kS3DocTime + 14 * 60 * 1000);
  CHECK(env.Auth(S3GetObjectExample()).ok());
  env.clock.Set(kS3DocTime + 16 * 60 * 1000);
  auto r = env.Auth(S3GetObjectExample());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "RequestTimeTooSkewed");
  CHECK(r.error().http_status == 403);
  CHECK(r.error().message == "The difference between the request time and the current time is too large.");
  CHECK(r.error().Extra("RequestTime") == "20130524T000000Z");
  CHECK(r.error().Extra("ServerTime") == "2013-05-24T00:16:00Z");
  CHECK(r.error().Extra("MaxAllowedSkewMilliseconds") == "900000");
  env.clock.Set(kS3DocTime - 16 * 60 * 1000);
  CHECK(env.Auth(S3GetObjectExample()).error().code == "RequestTimeTooSkewed");
}

TEST_CASE("x-amz-* headers that are not signed yield AccessDenied with HeadersNotSigned") {
  Request r = S3GetObjectExample();
  r.headers.emplace("x-amz-meta-color", "blue");
  r.headers.emplace("x-amz-acl", "public-read");
  r.headers.emplace("user-agent", "not checked");
  Env env = S3Env();
  auto res = env.Auth(r);
  REQUIRE_FALSE(res.ok());
  CHECK(res.error().code == "AccessDenied");
  CHECK(res.error().http_status == 403);
  CHECK(res.error().message == "There were headers present in the request which were not signed");
  CHECK(res.error().Extra("HeadersNotSigned") == "x-amz-acl, x-amz-meta-color");
}

TEST_CASE("Malformed Authorization headers yield AuthorizationHeaderMalformed or InvalidArgument") {
  Env env = S3Env();
  Request r = S3GetObjectExample();
  SetAuthorization(r, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request");
  auto res = env.Auth(r);
  CHECK(res.error().code == "AuthorizationHeaderMalformed");
  CHECK(res.error().message ==
        "The authorization header is malformed; the authorization header requires three components: "
        "Credential, "
        "SignedHeaders, and Signature.");
  SetAuthorization(r,
                   "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1, SignedHeaders=host, "
                   "Signature=abc");
  res = env.Auth(r);
  CHECK(res.error().code == "AuthorizationHeaderMalformed");
  CHECK(res.error().message ==
        "The authorization header is malformed; the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  CHECK(res.error().http_status == 400);
  SetAuthorization(r, "Bearer token");
  res = env.Auth(r);
  CHECK(res.error().code == "InvalidArgument");
  CHECK(res.error().message == "Unsupported Authorization Type");
}

TEST_CASE("Header requests need a valid date and, for S3, x-amz-content-sha256") {
  Env env = S3Env();
  Request r = S3GetObjectExample();
  r.headers.erase("x-amz-date");
  auto res = env.Auth(r);
  CHECK(res.error().code == "AccessDenied");
  CHECK(res.error().message == "AWS authentication requires a valid Date or x-amz-date header");
  r = S3GetObjectExample();
  r.headers.erase("x-amz-content-sha256");
  res = env.Auth(r);
  CHECK(res.error().code == "InvalidRequest");
  CHECK(res.error().message == "Missing required header for this request: x-amz-content-sha256");
  std::string body;
  env.body = &body;  // a buffered body does not excuse S3 from sending the header
  CHECK(env.Auth(r).error().code == "InvalidRequest");
  env.body = nullptr;
  r = S3GetObjectExample();
  r.headers.find("x-amz-content-sha256")->second = "not-a-hash";
  res = env.Auth(r);
  CHECK(res.error().code == "InvalidArgument");
  CHECK(res.error().Extra("ArgumentName") == "x-amz-content-sha256");
}

TEST_CASE("x-amz-content-sha256 selects the payload mode") {
  const std::pair<const char*, PayloadMode> cases[] = {
      {"UNSIGNED-PAYLOAD", PayloadMode::kUnsigned},
      {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadMode::kStreamingUnsignedTrailer},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", PayloadMode::kStreamingSigned},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", PayloadMode::kStreamingSignedTrailer},
      {kEmptyHash, PayloadMode::kSha256}};
  for (const auto& [value, mode] : cases) {
    SignInput in{"PUT", "127.0.0.1:4580", "/bkt/k", "", {}, "", value, "us-east-1", "s3", kS3DocTime, true};
    auto h = SignHeaders(in, Credentials{kS3Akid, kS3Secret, ""});
    Request r;
    r.method = "PUT";
    r.raw_path = "/bkt/k";
    for (auto& [k, v] : h) r.headers.emplace(k, v);
    Env env = S3Env();
    auto res = env.Auth(r);
    REQUIRE(res.ok());
    CHECK(res->payload_mode == mode);
    CHECK(res->seed_signature.size() == 64);
  }
}

TEST_CASE("KMS-style requests without x-amz-content-sha256 sign the buffered body") {
  std::string body = R"({"KeyId": "alias/test", "KeySpec": "AES_256"})";
  SignInput in{
      "POST",
      "127.0.0.1:4590",
      "/",
      "",
      {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService.GenerateDataKey"}},
      body,
      "",
      "us-west-2",
      "kms",
      kS3DocTime,
      false};
  auto h = SignHeaders(in, Credentials{kS3Akid, kS3Secret, "session-token"});
  CHECK(h.count("x-amz-content-sha256") == 0);
  Request r;
  r.method = "POST";
  r.raw_path = "/";
  r.headers = {{"content-type", "application/x-amz-json-1.1"},
               {"x-amz-target", "TrentService.GenerateDataKey"}};
  for (auto& [k, v] : h) r.headers.emplace(k, v);
  Env env = S3Env();
  env.body = &body;
  auto res = env.Auth(r);
  REQUIRE(res.ok());
  CHECK(res->region == "us-west-2");
  CHECK(res->service == "kms");
  CHECK(res->session_token == "session-token");
  CHECK(res->payload_mode == PayloadMode::kSha256);
  std::string tampered = R"({"KeyId": "alias/prod", "KeySpec": "AES_256"})";
  env.body = &tampered;
  CHECK(env.Auth(r).error().code == "SignatureDoesNotMatch");
}

TEST_CASE("Requests without credentials are anonymous; two auth mechanisms are refused") {
  Env env = S3Env();
  Request r;
  r.method = "GET";
  r.raw_path = "/bkt/k";
  auto res = env.Auth(r);
  REQUIRE(res.ok());
  CHECK(res->kind == AuthKind::kAnonymous);
  CHECK(res->access_key_id.empty());
  Request both = S3GetObjectExample();
  both.raw_query = "X-Amz-Algorithm=AWS4-HMAC-SHA256";
  res = env.Auth(both);
  CHECK(res.error().code == "InvalidArgument");
  CHECK(res.error().message ==
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
        "parameter or the Authorization header should be specified");
}

TEST_CASE("WrongRegion spells the header and query forms of the region error") {
  AuthResult header;
  header.kind = AuthKind::kHeaderV4;
  header.region = "eu-west-1";
  AwsError e = WrongRegion(header, "us-east-1");
  CHECK(e.code == "AuthorizationHeaderMalformed");
  CHECK(e.message ==
        "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
  CHECK(e.Extra("Region") == "us-east-1");
  header.kind = AuthKind::kQueryV4;
  e = WrongRegion(header, "us-east-1");
  CHECK(e.code == "AuthorizationQueryParametersError");
  CHECK(
      e.message ==
      "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
}

TEST_CASE("skew_clock measures RequestTimeTooSkewed in real time while the lab clock runs ahead") {
  Env env = S3Env();
  env.clock.Set(kS3DocTime + 2 * 86400 * 1000LL);  // `s3lab clock +2d`
  common::util::FixedClock real(kS3DocTime + 60 * 1000);
  common::sigv4::Options o = env.options();
  CHECK(Authenticate(S3GetObjectExample(), o).error().code == "RequestTimeTooSkewed");
  o.skew_clock = &real;
  CHECK(Authenticate(S3GetObjectExample(), o).ok());
}
