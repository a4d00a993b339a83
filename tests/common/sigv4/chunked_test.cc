// aws-chunked decoding: the S3 documentation's signed-chunk example, botocore's unsigned trailer form,
// a signed trailer built here, and every framing error — each also fed one byte at a time.
#include "common/sigv4/chunked.h"

#include <doctest/doctest.h>

#include "common/util/encoding.h"
#include "sigv4_test_util.h"

using namespace sigv4_test;
using namespace common::sigv4;
using common::Status;
using common::http::Request;

namespace {

constexpr const char* kSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The seed request of "Signature Calculations for the Authorization Header: Transferring Payload in
// Multiple Chunks" (S3 API reference).
Request DocSeedRequest() {
  Request r;
  r.method = "PUT";
  r.raw_path = "/examplebucket/chunkObject.txt";
  r.headers = {
      {"host", "s3.amazonaws.com"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
      {"content-encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", "66560"},
      {"content-length", "66824"},
      {"authorization",
       std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                   "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                   "x-amz-decoded-content-length;x-amz-storage-class,Signature=") +
           kSeed}};
  return r;
}

std::string DocBody(char fill = 'a') {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, fill) +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

AuthResult DocAuth() {
  Env env;
  env.clock.Set(kS3DocTime);
  auto r = env.Auth(DocSeedRequest());
  REQUIRE(r.ok());
  return std::move(r).value();
}

AuthResult UnsignedTrailerAuth() {
  AuthResult a;
  a.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  return a;
}

struct Outcome {
  Status status;
  std::string decoded;
  std::map<std::string, std::string> trailers;
};

// Feeds body in pieces of `step` bytes (0 = all at once), then Finish().
Outcome Decode(const AuthResult& auth, int64_t decoded_length, const std::string& body, size_t step = 0) {
  Outcome out;
  AwsChunkedDecoder decoder(auth, decoded_length, [&out](std::string_view d) -> Status {
    out.decoded.append(d);
    return common::Ok{};
  });
  if (step == 0) step = body.size() + 1;
  for (size_t i = 0; i < body.size(); i += step) {
    out.status = decoder.Feed(std::string_view(body).substr(i, step));
    if (!out.status.ok()) return out;
  }
  out.status = decoder.Finish();
  out.trailers = decoder.trailers();
  if (out.status.ok()) CHECK(decoder.decoded_bytes() == static_cast<int64_t>(out.decoded.size()));
  return out;
}

std::string Hmac(const AuthResult& a, const std::string& sts) {
  return common::util::HexEncode(common::crypto::HmacSha256(a.signing_key.view(), sts));
}

}  // namespace

TEST_CASE(
    "The seed request of the S3 chunked-upload example authenticates as STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
  AuthResult a = DocAuth();
  CHECK(a.payload_mode == PayloadMode::kStreamingSigned);
  CHECK(a.seed_signature == kSeed);
  CHECK(a.amz_date == "20130524T000000Z");
  CHECK(a.scope == "20130524/us-east-1/s3/aws4_request");
}

TEST_CASE("The S3 chunked-upload example decodes with every chunk signature verified") {
  AuthResult a = DocAuth();
  for (size_t step : {size_t{0}, size_t{1}, size_t{7}, size_t{4096}}) {
    CAPTURE(step);
    Outcome o = Decode(a, 66560, DocBody(), step);
    REQUIRE(o.status.ok());
    CHECK(o.decoded == std::string(66560, 'a'));
    CHECK(o.trailers.empty());
  }
}

TEST_CASE("A changed byte in a signed chunk yields SignatureDoesNotMatch") {
  Outcome o = Decode(DocAuth(), 66560, DocBody('b'));
  REQUIRE_FALSE(o.status.ok());
  CHECK(o.status.error().code == "SignatureDoesNotMatch");
  CHECK(o.status.error().http_status == 403);
  CHECK(o.status.error().Extra("StringToSign").rfind("AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n", 0) == 0);
}

TEST_CASE("Signed chunks smaller than 8 KiB are only allowed last") {
  AuthResult a = DocAuth();
  std::string c1 = std::string(100, 'x');
  std::string s1 = Hmac(a, std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + a.amz_date + "\n" + a.scope + "\n" +
                               kSeed + "\n" + kEmptyHash + "\n" + common::crypto::Sha256Hex(c1));
  std::string body = "64;chunk-signature=" + s1 + "\r\n" + c1 +
                     "\r\n1;chunk-signature=" + std::string(64, '0') + "\r\nx\r\n";
  Outcome o = Decode(a, -1, body);
  REQUIRE_FALSE(o.status.ok());
  CHECK(o.status.error().code == "InvalidChunkSizeError");
  CHECK(o.status.error().message == "Only the last chunk is allowed to have a size less than 8192 bytes");
  CHECK(o.status.error().Extra("BadChunkSize") == "100");
}

TEST_CASE("botocore's STREAMING-UNSIGNED-PAYLOAD-TRAILER body decodes with its CRC32 trailer") {
  const std::string body = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  for (size_t step : {size_t{0}, size_t{1}, size_t{2}, size_t{5}}) {
    CAPTURE(step);
    Outcome o = Decode(UnsignedTrailerAuth(), 11, body, step);
    REQUIRE(o.status.ok());
    CHECK(o.decoded == "hello world");
    CHECK(o.trailers.at("x-amz-checksum-crc32") == "DUoRhQ==");
  }
  Outcome empty = Decode(UnsignedTrailerAuth(), 0, "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", 1);
  REQUIRE(empty.status.ok());
  CHECK(empty.decoded.empty());
  CHECK(empty.trailers.at("x-amz-checksum-crc32") == "AAAAAA==");
}

TEST_CASE("Large unsigned chunks stream through without being buffered") {
  std::string body = "100000\r\n" + std::string(1 << 20, 'z') + "\r\n3\r\nend\r\n0\r\n\r\n";
  Outcome o = Decode(UnsignedTrailerAuth(), (1 << 20) + 3, body, 65536);
  REQUIRE(o.status.ok());
  CHECK(o.decoded.size() == (1u << 20) + 3);
}

TEST_CASE("A trailer section without its final blank line is accepted at end of body") {
  Outcome o = Decode(UnsignedTrailerAuth(), 11, "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n");
  REQUIRE(o.status.ok());
  CHECK(o.trailers.size() == 1);
}

TEST_CASE("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER verifies chunk and trailer signatures") {
  AuthResult a = DocAuth();
  a.payload_mode = PayloadMode::kStreamingSignedTrailer;
  std::string data(9000, 'q');
  std::string prefix = std::string("\n") + a.amz_date + "\n" + a.scope + "\n";
  std::string s1 = Hmac(a, "AWS4-HMAC-SHA256-PAYLOAD" + prefix + kSeed + "\n" + kEmptyHash + "\n" +
                               common::crypto::Sha256Hex(data));
  std::string s2 = Hmac(a, "AWS4-HMAC-SHA256-PAYLOAD" + prefix + s1 + "\n" + kEmptyHash + "\n" + kEmptyHash);
  std::string trailer = "x-amz-checksum-crc32c:sOO8/Q==\n";
  std::string ts =
      Hmac(a, "AWS4-HMAC-SHA256-TRAILER" + prefix + s2 + "\n" + common::crypto::Sha256Hex(trailer));
  std::string body = "2328;chunk-signature=" + s1 + "\r\n" + data + "\r\n0;chunk-signature=" + s2 +
                     "\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + ts + "\r\n\r\n";
  Outcome o = Decode(a, 9000, body, 3);
  REQUIRE(o.status.ok());
  CHECK(o.decoded == data);
  CHECK(o.trailers.at("x-amz-checksum-crc32c") == "sOO8/Q==");
  CHECK(o.trailers.count("x-amz-trailer-signature") == 0);

  std::string forged = body;
  forged.replace(forged.find("sOO8/Q=="), 8, "AAAAAA==");
  Outcome bad = Decode(a, 9000, forged);
  CHECK(bad.status.error().code == "SignatureDoesNotMatch");
  std::string unsigned_trailer = body.substr(0, body.find("x-amz-trailer-signature")) + "\r\n";
  CHECK_FALSE(Decode(a, 9000, unsigned_trailer).status.ok());
}

TEST_CASE("A decoded length different from x-amz-decoded-content-length yields IncompleteBody") {
  const std::string body = "b\r\nhello world\r\n0\r\n\r\n";
  Outcome shorter = Decode(UnsignedTrailerAuth(), 12, body);
  CHECK(shorter.status.error().code == "IncompleteBody");
  CHECK(shorter.status.error().http_status == 400);
  CHECK(shorter.status.error().message ==
        "You did not provide the number of bytes specified by the Content-Length HTTP header");
  CHECK(Decode(UnsignedTrailerAuth(), 10, body).status.error().code == "IncompleteBody");
  CHECK(Decode(UnsignedTrailerAuth(), -1, body).status.ok());
}

TEST_CASE("A body that stops mid-chunk yields IncompleteBody") {
  for (size_t cut : {size_t{1}, size_t{3}, size_t{8}, size_t{16}, size_t{18}}) {
    CAPTURE(cut);
    Outcome o =
        Decode(UnsignedTrailerAuth(), -1, std::string("b\r\nhello world\r\n0\r\n\r\n").substr(0, cut));
    CHECK(o.status.error().code == "IncompleteBody");
  }
}

TEST_CASE("Malformed framing yields InvalidRequest, never a crash") {
  const char* bodies[] = {
      "zz\r\nhello\r\n0\r\n\r\n",    // not hex
      "\r\n",                        // empty size
      "5\r\nhelloXX0\r\n\r\n",       // data not followed by CRLF
      "fffffffffffffffff\r\n",       // size overflow
      "0\r\nno-colon-here\r\n\r\n",  // bad trailer line
      "0\r\n\r\ngarbage",            // data after the end
  };
  for (const char* b : bodies) {
    CAPTURE(b);
    Outcome o = Decode(UnsignedTrailerAuth(), -1, b, 1);
    REQUIRE_FALSE(o.status.ok());
    CHECK(o.status.error().code == "InvalidRequest");
    CHECK(o.status.error().http_status == 400);
  }
  std::string long_line = std::string(5000, '1');
  Outcome o = Decode(UnsignedTrailerAuth(), -1, long_line, 100);
  CHECK(o.status.error().code == "InvalidRequest");
  CHECK(o.status.error().message == "Malformed aws-chunked body: chunk header line longer than 4096 bytes.");
}

TEST_CASE("Signed modes require a chunk-signature on every chunk") {
  Outcome o = Decode(DocAuth(), -1, "5\r\nhello\r\n0\r\n\r\n");
  CHECK(o.status.error().code == "InvalidRequest");
}

TEST_CASE("A sink error stops decoding and is returned again by later calls") {
  AwsChunkedDecoder decoder(UnsignedTrailerAuth(), -1, [](std::string_view) -> Status {
    return common::MakeError("InternalError", "disk full", 500);
  });
  CHECK(decoder.Feed("5\r\nhello\r\n").error().message == "disk full");
  CHECK(decoder.Feed("0\r\n\r\n").error().message == "disk full");
  CHECK(decoder.Finish().error().message == "disk full");
}
