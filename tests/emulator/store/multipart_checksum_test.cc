#include <doctest/doctest.h>

#include "common/util/encoding.h"
#include "emulator/ops/multipart.h"

using common::crypto::Algorithm;
using common::crypto::Digest;
using emulator::ops::multipart::CrcCombine;
using emulator::ops::multipart::ObjectChecksum;

namespace {

uint64_t AsUint(const std::string& b) {
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

std::string B64(const std::string& s) { return common::util::Base64Encode(s); }

}  // namespace

TEST_CASE("CrcCombine gives the CRC of the concatenation for CRC32, CRC32C and CRC64NVME") {
  std::string a(1000, 'a'), b = "the quick brown fox jumps over the lazy dog";
  for (Algorithm alg : {Algorithm::kCrc32, Algorithm::kCrc32c, Algorithm::kCrc64Nvme}) {
    uint64_t whole = AsUint(Digest(alg, a + b));
    uint64_t combined = CrcCombine(alg, AsUint(Digest(alg, a)), AsUint(Digest(alg, b)), static_cast<int64_t>(b.size()));
    CHECK(whole == combined);
  }
}

TEST_CASE("A COMPOSITE multipart checksum is the checksum of the binary part checksums plus -N") {
  emulator::store::UploadRecord up;
  up.checksum_algorithm = "CRC32";
  up.checksum_type = "COMPOSITE";
  std::string p1 = Digest(Algorithm::kCrc32, "part one"), p2 = Digest(Algorithm::kCrc32, "part two");
  auto c = ObjectChecksum(up, {B64(p1), B64(p2)}, {8, 8});
  REQUIRE(c.ok());
  CHECK(c->value_b64 == B64(Digest(Algorithm::kCrc32, p1 + p2)) + "-2");
  CHECK(c->type == "COMPOSITE");
  up.checksum_algorithm = "SHA256";
  std::string s1 = Digest(Algorithm::kSha256, "x");
  CHECK(ObjectChecksum(up, {B64(s1)}, {1})->value_b64 == B64(Digest(Algorithm::kSha256, s1)) + "-1");
}

TEST_CASE("A FULL_OBJECT multipart CRC equals the CRC of the whole object") {
  emulator::store::UploadRecord up;
  up.checksum_algorithm = "CRC32C";
  up.checksum_type = "FULL_OBJECT";
  std::string p1(5000, 'x'), p2 = "tail", p3(77, 'z');
  auto c = ObjectChecksum(up,
                          {B64(Digest(Algorithm::kCrc32c, p1)), B64(Digest(Algorithm::kCrc32c, p2)),
                           B64(Digest(Algorithm::kCrc32c, p3))},
                          {5000, 4, 77});
  REQUIRE(c.ok());
  CHECK(c->value_b64 == B64(Digest(Algorithm::kCrc32c, p1 + p2 + p3)));
  CHECK(c->type == "FULL_OBJECT");
}

TEST_CASE("No object checksum when the upload named no algorithm or a part has none") {
  emulator::store::UploadRecord up;
  CHECK(ObjectChecksum(up, {"AAAAAA=="}, {1})->algorithm.empty());
  up.checksum_algorithm = "CRC32";
  CHECK(ObjectChecksum(up, {"AAAAAA==", ""}, {1, 1})->algorithm.empty());
}
