// Body decoding and verification (emulator/protocol/body_reader.h): plain, hex SHA-256, checksum
// headers and trailers, Content-MD5, aws-chunked framing, lengths.
#include "emulator/protocol/body_reader.h"

#include <doctest/doctest.h>

#include "common/crypto/crypto.h"
#include "common/util/encoding.h"

namespace emulator {
namespace {

using common::sigv4::AuthResult;
using common::sigv4::PayloadMode;

common::http::Request Req(std::initializer_list<std::pair<std::string, std::string>> headers) {
  common::http::Request r;
  r.method = "PUT";
  r.raw_path = "/b/k";
  for (const auto& h : headers) r.headers.emplace(h.first, h.second);
  return r;
}

common::Result<std::string> ReadAllOf(const common::http::Request& req, const AuthResult& auth,
                                      const std::string& raw, BodyDigests* digests = nullptr) {
  auto reader = MakeBodyReader(req, auth, StringSource(raw));
  if (!reader.ok()) return reader.error();
  auto body = (*reader)->ReadAll();
  if (body.ok() && digests) *digests = (*reader)->digests();
  return body;
}

const std::string kHello = "hello world!\n";
const std::string kHelloCrc32 = "AdevtA==";  // captured from botocore (TOOLCHAIN-NOTES §4)

TEST_CASE("a plain body passes through with its MD5 and the requested CRC32 verified") {
  AuthResult auth;
  auth.payload_mode = PayloadMode::kSha256;
  auth.payload_sha256_hex = common::crypto::Sha256Hex(kHello);
  auto req = Req({{"content-length", "13"},
                  {"x-amz-checksum-crc32", kHelloCrc32},
                  {"x-amz-sdk-checksum-algorithm", "CRC32"}});
  BodyDigests d;
  auto body = ReadAllOf(req, auth, kHello, &d);
  REQUIRE(body.ok());
  CHECK(*body == kHello);
  CHECK(d.length == 13);
  CHECK(common::util::HexEncode(d.md5) == common::util::HexEncode(common::crypto::Md5(kHello)));
  CHECK(d.checksum_algorithm == "CRC32");
  CHECK(d.checksum_b64 == kHelloCrc32);
  CHECK(d.checksum_from_client);
}

TEST_CASE("a wrong checksum header is BadDigest with AWS's text") {
  AuthResult auth;
  auto req = Req({{"content-length", "13"}, {"x-amz-checksum-crc32", "AAAAAA=="}});
  auto body = ReadAllOf(req, auth, kHello);
  REQUIRE_FALSE(body.ok());
  CHECK(body.error().code == "BadDigest");
  CHECK(body.error().message == "The CRC32 you specified did not match the calculated checksum.");
}

TEST_CASE("a malformed or doubled checksum header is InvalidRequest before reading") {
  AuthResult auth;
  auto bad = MakeBodyReader(Req({{"x-amz-checksum-crc32", "not-base64!"}}), auth, StringSource(""));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "Value for x-amz-checksum-crc32 header is invalid.");
  auto two = MakeBodyReader(Req({{"x-amz-checksum-crc32", kHelloCrc32}, {"x-amz-checksum-sha1", "AAAA"}}),
                            auth, StringSource(""));
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().message ==
        "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
}

TEST_CASE("Content-MD5: malformed is InvalidDigest, wrong is BadDigest") {
  AuthResult auth;
  auto bad = MakeBodyReader(Req({{"content-md5", "abc"}}), auth, StringSource(""));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "InvalidDigest");
  CHECK(bad.error().message == "The Content-MD5 you specified was invalid.");
  std::string wrong = common::util::Base64Encode(common::crypto::Md5("other"));
  auto body = ReadAllOf(Req({{"content-md5", wrong}, {"content-length", "13"}}), auth, kHello);
  REQUIRE_FALSE(body.ok());
  CHECK(body.error().code == "BadDigest");
  CHECK(body.error().message == "The Content-MD5 you specified did not match what we received.");
  std::string right = common::util::Base64Encode(common::crypto::Md5(kHello));
  CHECK(ReadAllOf(Req({{"content-md5", right}, {"content-length", "13"}}), auth, kHello).ok());
}

TEST_CASE("a hex x-amz-content-sha256 that does not match is XAmzContentSHA256Mismatch") {
  AuthResult auth;
  auth.payload_mode = PayloadMode::kSha256;
  auth.payload_sha256_hex = common::crypto::Sha256Hex("something else");
  auto body = ReadAllOf(Req({{"content-length", "13"}}), auth, kHello);
  REQUIRE_FALSE(body.ok());
  CHECK(body.error().code == "XAmzContentSHA256Mismatch");
}

TEST_CASE("fewer bytes than Content-Length is IncompleteBody") {
  AuthResult auth;
  auto body = ReadAllOf(Req({{"content-length", "20"}}), auth, kHello);
  REQUIRE_FALSE(body.ok());
  CHECK(body.error().code == "IncompleteBody");
}

TEST_CASE("aws-chunked with an unsigned CRC32 trailer, as botocore sends over HTTPS") {
  AuthResult auth;
  auth.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  auto req = Req({{"content-encoding", "aws-chunked"},
                  {"x-amz-decoded-content-length", "13"},
                  {"x-amz-trailer", "x-amz-checksum-crc32"},
                  {"x-amz-sdk-checksum-algorithm", "CRC32"}});
  std::string framed = "d\r\nhello world!\n\r\n0\r\nx-amz-checksum-crc32:" + kHelloCrc32 + "\r\n\r\n";
  BodyDigests d;
  auto body = ReadAllOf(req, auth, framed, &d);
  REQUIRE(body.ok());
  CHECK(*body == kHello);
  CHECK(d.checksum_b64 == kHelloCrc32);
  CHECK(d.checksum_from_client);

  std::string wrong = "d\r\nhello world!\n\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
  auto bad = ReadAllOf(req, auth, wrong);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "BadDigest");
}

TEST_CASE("aws-chunked: truncated framing is an error, never a crash") {
  AuthResult auth;
  auth.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  auto req = Req({{"content-encoding", "aws-chunked"}, {"x-amz-decoded-content-length", "13"}});
  CHECK_FALSE(ReadAllOf(req, auth, "d\r\nhello").ok());
  CHECK_FALSE(ReadAllOf(req, auth, "zz\r\nhello world!\n\r\n0\r\n\r\n").ok());
}

TEST_CASE("ReadAll refuses bodies above its limit") {
  AuthResult auth;
  auto reader = MakeBodyReader(Req({{"content-length", "13"}}), auth, StringSource(kHello));
  REQUIRE(reader.ok());
  auto body = (*reader)->ReadAll(5);
  REQUIRE_FALSE(body.ok());
  CHECK(body.error().code == "MaxMessageLengthExceeded");
}

}  // namespace
}  // namespace emulator
