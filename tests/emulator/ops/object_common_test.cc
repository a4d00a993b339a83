// Range parsing and bucket name rules (emulator/ops/object_common.h, bucket_common.h).
#include "emulator/ops/object_common.h"

#include <doctest/doctest.h>

#include "emulator/ops/bucket_common.h"

namespace emulator::ops {
namespace {

ByteRange R(const std::string& header, int64_t size) {
  auto r = ParseRange(header, size);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

TEST_CASE("Range forms: closed, open-ended, suffix, clamped") {
  CHECK(R("bytes=0-9", 100).last == 9);
  CHECK(R("bytes=90-", 100).first == 90);
  CHECK(R("bytes=90-", 100).last == 99);
  CHECK(R("bytes=-10", 100).first == 90);
  CHECK(R("bytes=-1000", 100).first == 0);
  CHECK(R("bytes=50-5000", 100).last == 99);
}

TEST_CASE("unsatisfiable ranges are InvalidRange 416 with the object size") {
  auto r = ParseRange("bytes=100-", 100);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "InvalidRange");
  CHECK(r.error().http_status == 416);
  CHECK(r.error().Extra("ActualObjectSize") == "100");
  CHECK(r.error().Extra("RangeRequested") == "bytes=100-");
  CHECK_FALSE(ParseRange("bytes=0-", 0).ok());
  CHECK_FALSE(ParseRange("bytes=-0", 10).ok());
}

TEST_CASE("malformed and multi-range headers are ignored (whole object)") {
  for (const char* h : {"bytes=abc", "items=0-1", "bytes=5-1", "bytes=0-1,3-4", "bytes"}) {
    auto r = ParseRange(h, 100);
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
}

TEST_CASE("bucket names follow S3's rules") {
  for (const std::string ok : {"abc", "my-bucket.2", "a1b"}) CHECK(ValidBucketName(ok));
  CHECK(ValidBucketName(std::string(63, 'a')));
  for (const char* bad : {"ab", "My_Bucket", "UPPER", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc",
                          "sthree-x", "abc-s3alias", "abc--ol-s3", "amzn-s3-demo-x", "a b"})
    CHECK_FALSE(ValidBucketName(bad));
  CHECK_FALSE(ValidBucketName(std::string(64, 'a')));
}

TEST_CASE("known regions include the legacy EU name") {
  CHECK(KnownRegion("eu-west-1"));
  CHECK(KnownRegion("EU"));
  CHECK_FALSE(KnownRegion("mars-north-1"));
}

}  // namespace
}  // namespace emulator::ops
