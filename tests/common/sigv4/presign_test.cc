// Presigned URLs: the S3 documentation's SigV4 example, signer round trips for SigV4 and SigV2 (boto3's
// default presign in us-east-1), and the expiry and parameter errors of AWS-REFERENCE §7.2.
#include <doctest/doctest.h>

#include "common/sigv4/auth.h"
#include "common/sigv4/signer.h"
#include "common/util/encoding.h"
#include "sigv4_test_util.h"

using namespace sigv4_test;
using namespace common::sigv4;
using common::http::Request;

namespace {

constexpr const char* kDocQuery =
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%"
    "2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

Request Get(const std::string& path, const std::string& query, const std::string& host) {
  Request r;
  r.method = "GET";
  r.raw_path = path;
  r.raw_query = query;
  r.target = path + (query.empty() ? "" : "?" + query);
  r.headers.emplace("host", host);
  return r;
}

Env AtDocTime(int64_t plus_ms = 0) {
  Env env;
  env.clock.Set(kS3DocTime + plus_ms);
  return env;
}

SignInput PresignInput() {
  SignInput in;
  in.method = "GET";
  in.host = "examplebucket.s3.amazonaws.com";
  in.raw_path = "/test.txt";
  in.region = "us-east-1";
  in.service = "s3";
  in.now_millis = kS3DocTime;
  return in;
}

}  // namespace

TEST_CASE("PresignV4Query reproduces the S3 documentation's presigned URL and Authenticate accepts it") {
  std::string q = PresignV4Query(PresignInput(), Credentials{kS3Akid, kS3Secret, ""}, 86400);
  CHECK(q == kDocQuery);
  auto r = AtDocTime(3600 * 1000).Auth(Get("/test.txt", kDocQuery, "examplebucket.s3.amazonaws.com"));
  REQUIRE(r.ok());
  CHECK(r->kind == AuthKind::kQueryV4);
  CHECK(r->payload_mode == PayloadMode::kUnsigned);
  CHECK(r->region == "us-east-1");
}

TEST_CASE("A presigned SigV4 URL past X-Amz-Expires yields AccessDenied Request has expired") {
  auto r = AtDocTime(86401 * 1000LL).Auth(Get("/test.txt", kDocQuery, "examplebucket.s3.amazonaws.com"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "AccessDenied");
  CHECK(r.error().http_status == 403);
  CHECK(r.error().message == "Request has expired");
  REQUIRE(r.error().extra.size() == 3);
  CHECK(r.error().extra[0] == std::pair<std::string, std::string>{"X-Amz-Expires", "86400"});
  CHECK(r.error().extra[1] == std::pair<std::string, std::string>{"Expires", "2013-05-25T00:00:00Z"});
  CHECK(r.error().extra[2] == std::pair<std::string, std::string>{"ServerTime", "2013-05-25T00:00:01Z"});
}

TEST_CASE("A presigned SigV4 URL signed in the future is not valid yet") {
  auto r = AtDocTime(-3600 * 1000).Auth(Get("/test.txt", kDocQuery, "examplebucket.s3.amazonaws.com"));
  CHECK(r.error().code == "AccessDenied");
  CHECK(r.error().message == "Request is not valid yet");
}

TEST_CASE("X-Amz-Expires accepts 604800 and rejects more, negatives and non-numbers") {
  Credentials c{kS3Akid, kS3Secret, ""};
  CHECK(
      AtDocTime()
          .Auth(Get("/test.txt", PresignV4Query(PresignInput(), c, 604800), "examplebucket.s3.amazonaws.com"))
          .ok());
  auto r = AtDocTime().Auth(
      Get("/test.txt", PresignV4Query(PresignInput(), c, 604801), "examplebucket.s3.amazonaws.com"));
  CHECK(r.error().code == "AuthorizationQueryParametersError");
  CHECK(r.error().http_status == 400);
  CHECK(r.error().message ==
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less "
        "than "
        "604800 seconds");
  std::string q = kDocQuery;
  std::string neg = q;
  neg.replace(neg.find("86400"), 5, "-5");
  CHECK(AtDocTime().Auth(Get("/test.txt", neg, "examplebucket.s3.amazonaws.com")).error().message ==
        "X-Amz-Expires must be non-negative");
  std::string nan = q;
  nan.replace(nan.find("86400"), 5, "soon");
  CHECK(AtDocTime().Auth(Get("/test.txt", nan, "examplebucket.s3.amazonaws.com")).error().message ==
        "X-Amz-Expires should be a number");
}

TEST_CASE("Missing or malformed SigV4 query parameters yield AuthorizationQueryParametersError") {
  Env env = AtDocTime();
  auto r = env.Auth(Get("/test.txt", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20130524T000000Z", "h"));
  CHECK(r.error().code == "AuthorizationQueryParametersError");
  CHECK(r.error().message ==
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, "
        "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  std::string q = kDocQuery;
  std::string algo = q;
  algo.replace(algo.find("AWS4-HMAC-SHA256"), 16, "AWS4-HMAC-SHA1");
  CHECK(env.Auth(Get("/test.txt", algo, "h")).error().message ==
        "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
  std::string cred = q;
  cred.replace(cred.find("%2Faws4_request"), 15, "");
  CHECK(env.Auth(Get("/test.txt", cred, "h")).error().message ==
        "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
}

TEST_CASE("A presigned SigV4 URL with a changed path or an unknown key fails") {
  Env env = AtDocTime();
  CHECK(env.Auth(Get("/other.txt", kDocQuery, "examplebucket.s3.amazonaws.com")).error().code ==
        "SignatureDoesNotMatch");
  env.keys.clear();
  CHECK(env.Auth(Get("/test.txt", kDocQuery, "examplebucket.s3.amazonaws.com")).error().code ==
        "InvalidAccessKeyId");
}

TEST_CASE("PresignV4Query keeps existing parameters, signs extra headers and carries the session token") {
  SignInput in = PresignInput();
  in.method = "PUT";
  in.raw_query = "partNumber=1&uploadId=abc";
  in.headers = {{"x-amz-server-side-encryption", "aws:kms"}};
  std::string q = PresignV4Query(in, Credentials{kS3Akid, kS3Secret, "tok/en+1"}, 300);
  CHECK(q.rfind("partNumber=1&uploadId=abc&X-Amz-Algorithm=", 0) == 0);
  CHECK(q.find("X-Amz-SignedHeaders=host%3Bx-amz-server-side-encryption") != std::string::npos);
  CHECK(q.find("X-Amz-Security-Token=tok%2Fen%2B1") != std::string::npos);
  Request r = Get("/test.txt", q, "examplebucket.s3.amazonaws.com");
  r.method = "PUT";
  r.headers.emplace("x-amz-server-side-encryption", "aws:kms");
  auto res = AtDocTime().Auth(r);
  REQUIRE(res.ok());
  CHECK(res->session_token == "tok/en+1");
  r.headers.emplace("x-amz-acl", "public-read");
  auto unsigned_hdr = AtDocTime().Auth(r);
  CHECK(unsigned_hdr.error().message == "There were headers present in the request which were not signed");
  CHECK(unsigned_hdr.error().Extra("HeadersNotSigned") == "x-amz-acl");
}

TEST_CASE("SigV2 presigned URLs round-trip and expire at the absolute Expires time") {
  Credentials c{kS3Akid, kS3Secret, ""};
  int64_t expires = kS3DocTime / 1000 + 3600;
  std::string q =
      PresignV2Query("GET", "/bkt/a%20b.txt", "versionId=3&response-content-type=text%2Fplain", c, expires);
  CHECK(q.find("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=") != std::string::npos);
  auto r = AtDocTime().Auth(Get("/bkt/a%20b.txt", q, "127.0.0.1:4580"));
  REQUIRE(r.ok());
  CHECK(r->kind == AuthKind::kQueryV2);
  CHECK(r->access_key_id == kS3Akid);
  CHECK(r->service == "s3");

  auto late = AtDocTime(3601 * 1000).Auth(Get("/bkt/a%20b.txt", q, "127.0.0.1:4580"));
  CHECK(late.error().code == "AccessDenied");
  CHECK(late.error().message == "Request has expired");
  CHECK(late.error().Extra("Expires") == "2013-05-24T01:00:00Z");
  CHECK(late.error().Extra("ServerTime") == "2013-05-24T01:00:01Z");

  auto tampered = AtDocTime().Auth(Get("/bkt/other.txt", q, "127.0.0.1:4580"));
  CHECK(tampered.error().code == "SignatureDoesNotMatch");
  CHECK(tampered.error().Extra("StringToSign") ==
        "GET\n\n\n" + std::to_string(expires) +
            "\n/bkt/other.txt?response-content-type=text/plain&versionId=3");
  CHECK(tampered.error().Extra("CanonicalRequest").empty());

  auto missing = AtDocTime().Auth(Get("/bkt/k", "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1", "h"));
  CHECK(missing.error().code == "AccessDenied");
  CHECK(missing.error().message ==
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
}

TEST_CASE("SigV2 presigned URLs with a session token sign it as an x-amz header") {
  Credentials c{kS3Akid, kS3Secret, "FQoGZXIvYXdzE"};
  std::string q = PresignV2Query("GET", "/bkt/k", "", c, kS3DocTime / 1000 + 60);
  auto r = AtDocTime().Auth(Get("/bkt/k", q, "h"));
  REQUIRE(r.ok());
  CHECK(r->session_token == "FQoGZXIvYXdzE");
}

TEST_CASE("SigV2 Authorization headers are verified against the Date header") {
  Request r;
  r.method = "PUT";
  r.raw_path = "/bkt/photo.jpg";
  r.headers = {{"host", "h"},
               {"date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"content-type", "image/jpeg"},
               {"x-amz-meta-a", "1"}};
  std::string sts = "PUT\n\nimage/jpeg\nFri, 24 May 2013 00:00:00 GMT\nx-amz-meta-a:1\n/bkt/photo.jpg";
  std::string sig = common::util::Base64Encode(common::crypto::HmacSha1(kS3Secret, sts));
  r.headers.emplace("authorization", std::string("AWS ") + kS3Akid + ":" + sig);
  auto res = AtDocTime().Auth(r);
  REQUIRE(res.ok());
  CHECK(res->kind == AuthKind::kHeaderV2);
  CHECK(AtDocTime(20 * 60 * 1000).Auth(r).error().code == "RequestTimeTooSkewed");
}
