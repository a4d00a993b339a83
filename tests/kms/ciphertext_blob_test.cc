// The ciphertext blob: layout, round trip, and every way a blob can fail to open.
#include "kms/model/ciphertext_blob.h"

#include <doctest/doctest.h>

#include "common/crypto/crypto.h"
#include "common/util/encoding.h"

namespace kms::model {
namespace {

const std::string kKey(32, 'k');
const BlobHeader kHeader{"111122223333", "us-east-1", "1234abcd-12ab-34cd-56ef-1234567890ab", 1};

TEST_CASE("A sealed blob starts like an AWS symmetric ciphertext (AQICAH...)") {
  std::string blob = SealBlob(kHeader, kKey, "secret", {});
  CHECK(blob.substr(0, 5) == std::string("\x01\x02\x02\x00\x78", 5));
  CHECK(common::util::Base64Encode(blob).rfind("AQICAH", 0) == 0);
}

TEST_CASE("A blob opens with the same key and encryption context") {
  EncryptionContext context{{"purpose", "test"}, {"aws:s3:arn", "arn:aws:s3:::bkt/k"}};
  std::string blob = SealBlob(kHeader, kKey, "hello world", context);
  auto parsed = ParseBlob(blob);
  REQUIRE(parsed.ok());
  CHECK(parsed->header.account_id == kHeader.account_id);
  CHECK(parsed->header.region == kHeader.region);
  CHECK(parsed->header.key_id == kHeader.key_id);
  CHECK(parsed->header.material_version == 1);
  auto plain = OpenBlob(*parsed, kKey, context);
  REQUIRE(plain.ok());
  CHECK(*plain == "hello world");
}

TEST_CASE("A 32-byte data key seals to fewer than 184 bytes") {
  std::string blob = SealBlob(kHeader, kKey, std::string(32, 'd'), {});
  CHECK(blob.size() < 184);
}

TEST_CASE("Two seals of the same plaintext differ (fresh IV)") {
  CHECK(SealBlob(kHeader, kKey, "x", {}) != SealBlob(kHeader, kKey, "x", {}));
}

TEST_CASE("A wrong or missing encryption context gives InvalidCiphertextException with an empty message") {
  std::string blob = SealBlob(kHeader, kKey, "hello", {{"a", "1"}});
  auto parsed = ParseBlob(blob);
  REQUIRE(parsed.ok());
  for (const EncryptionContext& wrong :
       {EncryptionContext{}, EncryptionContext{{"a", "2"}}, EncryptionContext{{"A", "1"}},
        EncryptionContext{{"a", "1"}, {"b", "2"}}}) {
    auto plain = OpenBlob(*parsed, kKey, wrong);
    REQUIRE_FALSE(plain.ok());
    CHECK(plain.error().code == "InvalidCiphertextException");
    CHECK(plain.error().message.empty());
  }
}

TEST_CASE("Context order does not matter: the context is canonicalised") {
  EncryptionContext a{{"x", "1"}, {"y", "2"}};
  EncryptionContext b;
  b.emplace("y", "2");
  b.emplace("x", "1");
  CHECK(EncryptionContextAad(a) == EncryptionContextAad(b));
  // Length prefixes keep ("ab","c") apart from ("a","bc").
  CHECK(EncryptionContextAad({{"ab", "c"}}) != EncryptionContextAad({{"a", "bc"}}));
}

TEST_CASE("Flipping any byte of a blob makes it fail") {
  std::string blob = SealBlob(kHeader, kKey, "tamper me", {});
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto parsed = ParseBlob(bad);
    if (!parsed.ok()) {
      CHECK(parsed.error().code == "InvalidCiphertextException");
      continue;
    }
    auto plain = OpenBlob(*parsed, kKey, {});
    CHECK_FALSE(plain.ok());
  }
}

TEST_CASE("Truncated and foreign blobs are InvalidCiphertextException") {
  std::string blob = SealBlob(kHeader, kKey, "abc", {});
  for (size_t n : {size_t{0}, size_t{3}, size_t{6}, size_t{20}, blob.size() - 17}) {
    auto parsed = ParseBlob(blob.substr(0, n));
    CHECK_FALSE(parsed.ok());
  }
  CHECK_FALSE(ParseBlob("AQIDBAUG").ok());
  CHECK_FALSE(ParseBlob(std::string(200, '\x01')).ok());
}

TEST_CASE("Another key does not open the blob") {
  auto parsed = ParseBlob(SealBlob(kHeader, kKey, "abc", {}));
  REQUIRE(parsed.ok());
  CHECK_FALSE(OpenBlob(*parsed, std::string(32, 'j'), {}).ok());
}

}  // namespace
}  // namespace kms::model
