#include "common/crypto/crypto.h"

#include <doctest/doctest.h>

#include "common/crypto/crc.h"
#include "common/util/encoding.h"

using namespace common::crypto;
using common::util::Base64Encode;
using common::util::HexEncode;

TEST_CASE("Digests match the published test values") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HexEncode(Md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(HexEncode(Sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  // RFC 4231 test case 2.
  CHECK(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST_CASE("CRC32, CRC32C and CRC64NVME give the catalogue check values for 123456789") {
  CHECK(Crc32Update(0, "123456789") == 0xCBF43926u);
  CHECK(Crc32cUpdate(0, "123456789") == 0xE3069283u);
  CHECK(Crc64NvmeUpdate(0, "123456789") == 0xAE8B14860A799888ull);
}

TEST_CASE("Checksums of hello world are what S3 puts in x-amz-checksum-* headers") {
  CHECK(Base64Encode(Digest(Algorithm::kCrc32, "hello world")) == "DUoRhQ==");
  CHECK(HexEncode(Digest(Algorithm::kCrc32c, "hello world")) == "c99465aa");
  CHECK(Base64Encode(Digest(Algorithm::kCrc32, "")) == "AAAAAA==");
  CHECK(Digest(Algorithm::kCrc64Nvme, "hello world").size() == 8);
  CHECK(HexEncode(Digest(Algorithm::kCrc64Nvme, "hello world")) == "8d29d5c3f6ea8ebe");
}

TEST_CASE("Incremental hashing equals one-shot hashing for every split") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7 + 3));
  for (auto a : {Algorithm::kMd5, Algorithm::kSha1, Algorithm::kSha256, Algorithm::kCrc32, Algorithm::kCrc32c,
                 Algorithm::kCrc64Nvme}) {
    for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{500}, size_t{999}}) {
      auto h = Hasher::Create(a);
      h->Update(std::string_view(data).substr(0, cut));
      h->Update(std::string_view(data).substr(cut));
      CHECK(h->Digest() == Digest(a, data));
    }
  }
}

TEST_CASE("ConstantTimeEquals compares content and length") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
  CHECK(ConstantTimeEquals("", ""));
}

TEST_CASE("AES-256-GCM round-trips and detects tampering with ciphertext, tag, IV or AAD") {
  SecretBytes key = RandomKey();
  std::string iv = RandomBytes(12);
  std::string ct = AesGcmEncrypt(key.view(), iv, "attack at dawn", "aad");
  REQUIRE(ct.size() == 14 + 16);
  CHECK(AesGcmDecrypt(key.view(), iv, ct, "aad").value() == "attack at dawn");
  std::string flipped = ct;
  flipped[0] ^= 1;
  CHECK(AesGcmDecrypt(key.view(), iv, flipped, "aad").error().code == "InvalidCiphertext");
  std::string bad_tag = ct;
  bad_tag.back() ^= 1;
  CHECK_FALSE(AesGcmDecrypt(key.view(), iv, bad_tag, "aad").ok());
  CHECK_FALSE(AesGcmDecrypt(key.view(), RandomBytes(12), ct, "aad").ok());
  CHECK_FALSE(AesGcmDecrypt(key.view(), iv, ct, "other").ok());
  CHECK_FALSE(AesGcmDecrypt(key.view(), iv, "short", "aad").ok());
  CHECK(AesGcmDecrypt(key.view(), iv, AesGcmEncrypt(key.view(), iv, "")).value().empty());
}

TEST_CASE("AES-GCM matches the NIST GCM test vector (test case 16 style, 256-bit key)") {
  // NIST SP 800-38D / McGrew-Viega test case 13: zero key, zero IV, empty plaintext.
  std::string key(32, '\0'), iv(12, '\0');
  CHECK(HexEncode(AesGcmEncrypt(key, iv, "")) == "530f8afbc74536b9a963b4f1c4cb738b");
  // Test case 14: one zero block.
  CHECK(HexEncode(AesGcmEncrypt(key, iv, std::string(16, '\0'))) ==
        "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
}

TEST_CASE("AesGcmContext reuses one context across many chunks") {
  AesGcmContext ctx;
  SecretBytes key = RandomKey();
  for (int i = 0; i < 50; ++i) {
    std::string iv = RandomBytes(12);
    std::string plain(1000 + i, static_cast<char>('a' + i % 26));
    std::string out(plain.size(), '\0'), back(plain.size(), '\0');
    std::string tag = ctx.Encrypt(key.view(), iv, "chunk", plain, out.data());
    REQUIRE(tag.size() == 16);
    CHECK(out != plain);
    CHECK(ctx.Decrypt(key.view(), iv, "chunk", out, tag, back.data()));
    CHECK(back == plain);
    out[5] ^= 0x40;
    CHECK_FALSE(ctx.Decrypt(key.view(), iv, "chunk", out, tag, back.data()));
  }
}

TEST_CASE("SecretBytes moves its bytes and leaves the source empty") {
  SecretBytes a(std::string("secret"));
  SecretBytes b(std::move(a));
  CHECK(b.bytes() == "secret");
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move)
  SecretBytes c;
  c = std::move(b);
  CHECK(c.size() == 6);
  CHECK(RandomBytes(32) != RandomBytes(32));
}
