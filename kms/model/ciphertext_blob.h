// The symmetric ciphertext blob that Encrypt / GenerateDataKey* return and Decrypt / ReEncrypt take.
// Self-describing and versioned, so Decrypt needs no KeyId (as on AWS):
//
//   offset  size  field
//   0       5     magic 01 02 02 00 78 — the first bytes of real AWS symmetric blobs ("AQICAHg" in base64)
//   5       1     format version (1)
//   6       1+n   account id (length-prefixed)
//   .       1+n   region (length-prefixed)
//   .       1+n   key id (length-prefixed, the uuid)
//   .       4     key material version, big-endian (rotation keeps older versions for Decrypt)
//   .       12    AES-GCM IV (random per blob)
//   .       n+16  AES-256-GCM ciphertext || tag
//
// AAD = every header byte before the IV || the canonical encryption context (EncryptionContextAad), so
// a changed key id, version, context or any flipped bit fails the tag: InvalidCiphertextException with
// an empty message, as AWS answers. A 32-byte data key seals to ~160 bytes (AWS: 184).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kms::model {

using EncryptionContext = std::map<std::string, std::string>;  // sorted by key: canonical order

// Length-prefixed, key-sorted serialisation of the context; "" for an empty context.
std::string EncryptionContextAad(const EncryptionContext& context);

struct BlobHeader {
  std::string account_id;
  std::string region;
  std::string key_id;
  uint32_t material_version = 1;
};

struct ParsedBlob {
  BlobHeader header;
  std::string header_bytes;        // AAD prefix
  std::string iv;                  // 12 bytes
  std::string ciphertext_and_tag;  // >= 16 bytes
};

inline constexpr unsigned char kBlobMagic[5] = {0x01, 0x02, 0x02, 0x00, 0x78};
inline constexpr uint8_t kBlobFormatVersion = 1;

// Encrypts plaintext under key (32 bytes) with a fresh random IV.
std::string SealBlob(const BlobHeader& header, std::string_view key, std::string_view plaintext,
                     const EncryptionContext& context);
// The same with a caller-supplied 12-byte IV (GenerateDataKey draws key and IV in one RAND_bytes call).
std::string SealBlobWithIv(const BlobHeader& header, std::string_view key, std::string_view iv,
                           std::string_view plaintext, const EncryptionContext& context);
// Splits a blob; InvalidCiphertextException when it is not one of ours.
common::Result<ParsedBlob> ParseBlob(std::string_view blob);
// Decrypts a parsed blob; InvalidCiphertextException when the tag (key, context, bytes) does not verify.
common::Result<std::string> OpenBlob(const ParsedBlob& blob, std::string_view key,
                                     const EncryptionContext& context);

}  // namespace kms::model
