// Streaming AES-256-GCM for bodies too large to hold twice in memory (client-side encryption of files
// up to several GiB): Init once with the key and the 12-byte IV, Update chunk by chunk (output has the
// same length as the input), then FinishEncrypt returns the 16-byte tag or FinishDecrypt checks it.
// The EVP context is owned here so every OpenSSL call stays under common/crypto. On decryption the
// output released by Update is NOT yet authenticated: callers keep it away from its final place (a
// temporary file) until FinishDecrypt says the tag matched. WipeString clears a std::string that held
// key material (e.g. a KMS response with a base64 Plaintext) before it is freed.
#pragma once

#include <string>
#include <string_view>

namespace common::crypto {

class GcmStream {
 public:
  static constexpr size_t kTagSize = 16;
  static constexpr size_t kIvSize = 12;

  GcmStream();
  ~GcmStream();
  GcmStream(const GcmStream&) = delete;
  GcmStream& operator=(const GcmStream&) = delete;

  // key: 32 bytes; iv: 12 bytes. False on a wrong size or an OpenSSL failure.
  bool Init(bool encrypt, std::string_view key, std::string_view iv);
  // Processes `in` into `out` (resized to in.size()). False on failure or before Init.
  bool Update(std::string_view in, std::string* out);
  // Encryption: the 16-byte tag ("" on failure).
  std::string FinishEncrypt();
  // Decryption: true when `tag` (16 bytes) authenticates everything passed to Update.
  bool FinishDecrypt(std::string_view tag);

 private:
  void* ctx_ = nullptr;  // EVP_CIPHER_CTX
  bool encrypt_ = true;
  bool ready_ = false;
};

// Overwrites the string's bytes with zeros (OPENSSL_cleanse), then clears it.
void WipeString(std::string* s);

}  // namespace common::crypto
