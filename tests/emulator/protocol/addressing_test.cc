// Path-style and virtual-host addressing from the raw target and Host (emulator/protocol/addressing.h).
#include "emulator/protocol/addressing.h"

#include <doctest/doctest.h>

namespace emulator {
namespace {

common::http::Request Req(const std::string& host, const std::string& raw_path) {
  common::http::Request r;
  r.method = "GET";
  r.raw_path = raw_path;
  r.target = raw_path;
  r.headers.emplace("host", host);
  return r;
}

TEST_CASE("path style: bucket and percent-decoded key from the raw path") {
  auto a = ParseAddressing(Req("127.0.0.1:4580", "/notes/dir/a%20b%2Bc"));
  REQUIRE(a.ok());
  CHECK(a->bucket == "notes");
  CHECK(a->key == "dir/a b+c");
  CHECK_FALSE(a->virtual_host);
}

TEST_CASE("path style: service root, bucket with and without trailing slash") {
  CHECK(ParseAddressing(Req("localhost:4580", "/"))->bucket.empty());
  CHECK(ParseAddressing(Req("localhost:4580", "/bkt"))->bucket == "bkt");
  auto a = ParseAddressing(Req("localhost:4580", "/bkt/"));
  CHECK(a->bucket == "bkt");
  CHECK(a->key.empty());
}

TEST_CASE("keys keep empty segments and encoded newlines") {
  CHECK(ParseAddressing(Req("127.0.0.1", "/bkt//x"))->key == "/x");
  CHECK(ParseAddressing(Req("127.0.0.1", "/bkt/a%0Ab"))->key == "a\nb");
}

TEST_CASE("virtual-host style from bucket.localhost with a port") {
  auto a = ParseAddressing(Req("notes.localhost:4580", "/dir/k"));
  REQUIRE(a.ok());
  CHECK(a->bucket == "notes");
  CHECK(a->key == "dir/k");
  CHECK(a->virtual_host);
  CHECK(ParseAddressing(Req("my.dotted.bucket.localhost", "/"))->bucket == "my.dotted.bucket");
}

TEST_CASE("virtual-host style from AWS host names") {
  CHECK(BucketFromHost("bkt.s3.amazonaws.com") == "bkt");
  CHECK(BucketFromHost("bkt.s3.eu-west-1.amazonaws.com") == "bkt");
  CHECK(BucketFromHost("localhost:4580").empty());
  CHECK(BucketFromHost("127.0.0.1:4580").empty());
  CHECK(BucketFromHost("[::1]:4580").empty());
}

TEST_CASE("a malformed escape is InvalidURI, a key over 1024 bytes KeyTooLongError") {
  auto bad = ParseAddressing(Req("127.0.0.1", "/bkt/a%zz"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "InvalidURI");
  auto long_key = ParseAddressing(Req("127.0.0.1", "/bkt/" + std::string(1025, 'k')));
  REQUIRE_FALSE(long_key.ok());
  CHECK(long_key.error().code == "KeyTooLongError");
  CHECK(ParseAddressing(Req("127.0.0.1", "/bkt/" + std::string(1024, 'k'))).ok());
}

}  // namespace
}  // namespace emulator
