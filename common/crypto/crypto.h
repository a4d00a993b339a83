// Crypto in one place: every OpenSSL call of s3lab lives under common/crypto. Hashes, HMAC, checksums
// (incremental where bodies stream), AES-256-GCM, randomness, constant-time comparison and a buffer that
// wipes itself. Byte strings are std::string (binary-safe); SecretBytes holds key material.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace common::crypto {

// A byte buffer for secrets (data keys, SSE-C keys, signing keys): zeroed with OPENSSL_cleanse on
// destruction and on reassignment. Move-only.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  const std::string& bytes() const { return bytes_; }
  std::string_view view() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

 private:
  std::string bytes_;
};

// Cryptographically secure random bytes (RAND_bytes).
std::string RandomBytes(size_t n);
SecretBytes RandomKey(size_t n = 32);

// One-shot digests, raw bytes.
std::string Sha256(std::string_view data);
std::string Sha1(std::string_view data);
std::string Md5(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);
std::string Sha256Hex(std::string_view data);

// Constant-time comparison (CRYPTO_memcmp); different lengths compare unequal without early exit on content.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Incremental hash/checksum for streamed bodies. Digest() returns raw bytes (big-endian for CRCs, as S3
// puts them in base64 headers: CRC32 4 bytes, CRC32C 4 bytes, CRC64NVME 8 bytes).
enum class Algorithm { kMd5, kSha1, kSha256, kCrc32, kCrc32c, kCrc64Nvme };
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void Update(std::string_view data) = 0;
  virtual std::string Digest() = 0;  // call once
  static std::unique_ptr<Hasher> Create(Algorithm algorithm);
};
std::string Digest(Algorithm algorithm, std::string_view data);

// AES-256-GCM with a 12-byte IV and 16-byte tag. Encrypt returns ciphertext||tag; Decrypt takes the same
// layout and fails with an AwsError{"InvalidCiphertext"} (caller maps it) when the tag does not verify.
std::string AesGcmEncrypt(std::string_view key, std::string_view iv, std::string_view plaintext,
                          std::string_view aad = {});
Result<std::string> AesGcmDecrypt(std::string_view key, std::string_view iv, std::string_view ciphertext_and_tag,
                                  std::string_view aad = {});

// Streaming AES-256-GCM for large chunks without extra copies: out must hold in.size() bytes.
class AesGcmContext {
 public:
  AesGcmContext();
  ~AesGcmContext();
  AesGcmContext(const AesGcmContext&) = delete;
  AesGcmContext& operator=(const AesGcmContext&) = delete;
  // Encrypts in into out (same length), returns the 16-byte tag.
  std::string Encrypt(std::string_view key, std::string_view iv, std::string_view aad, std::string_view in,
                      char* out);
  // Decrypts in into out; false when the tag does not verify.
  bool Decrypt(std::string_view key, std::string_view iv, std::string_view aad, std::string_view in,
               std::string_view tag, char* out);

 private:
  void* ctx_;  // EVP_CIPHER_CTX, reused across calls
};

}  // namespace common::crypto
