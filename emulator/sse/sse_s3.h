// SSE-S3: the envelope that protects every object version's data key when S3 manages the keys.
//
// Envelope scheme:
//   master.key (32 random bytes, 0600, the emulator's root of trust)
//     -> wrapping key K = HKDF-SHA256(master, info "s3lab sse-s3")  (common::crypto::DeriveKey; never stored)
//       -> per version (or per multipart upload) data key D = 32 random bytes   (never stored)
//         -> object chunks sealed with AES-256-GCM under D (emulator/store/object_store.h)
//   Only wrap(D) is stored, in the version row (SseInfo::wrapped_key).
//
// Wrapped blob layout (61 bytes):
//   byte 0      format version, 0x01
//   bytes 1-12  random IV
//   bytes 13-44 AES-256-GCM ciphertext of D under K
//   bytes 45-60 GCM tag
//   AAD = "s3lab sse-s3 v1"
// Plaintext keys live only in common::crypto::SecretBytes (wiped on destruction).
//
// SSE-KMS (next issue) replaces K by a KMS key: D comes from GenerateDataKey and the stored blob is
// the KMS CiphertextBlob; SSE-C uses the customer's key as D and stores only a salted HMAC of it.
#pragma once

#include <string>
#include <string_view>

#include "common/crypto/crypto.h"
#include "common/error.h"

namespace emulator::sse {

using common::crypto::SecretBytes;

// A fresh data key: the plaintext (for sealing chunks now) and its wrapped form (to store).
struct DataKey {
  SecretBytes plaintext;
  std::string wrapped;
};

class SseS3Keyring {
 public:
  // master_key: the 32-byte root of trust (common::crypto::LoadOrCreateMasterKey).
  explicit SseS3Keyring(const SecretBytes& master_key);
  // A new random 32-byte data key and its envelope.
  DataKey NewDataKey() const;
  // Wraps a given data key (tests; re-wrapping).
  std::string Wrap(const SecretBytes& data_key) const;
  // The data key inside an envelope. InternalError when the blob is malformed or does not
  // authenticate under this master key (e.g. master.key was replaced).
  common::Result<SecretBytes> Unwrap(std::string_view wrapped) const;

 private:
  SecretBytes wrapping_key_;
};

}  // namespace emulator::sse
