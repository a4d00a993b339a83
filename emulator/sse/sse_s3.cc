// SSE-S3 envelope (design and blob layout in sse_s3.h).
#include "emulator/sse/sse_s3.h"

#include "common/crypto/master_key.h"

namespace emulator::sse {
namespace {

constexpr char kFormatVersion = 0x01;
constexpr size_t kIvSize = 12;
constexpr size_t kKeySize = 32;
constexpr size_t kTagSize = 16;
constexpr size_t kBlobSize = 1 + kIvSize + kKeySize + kTagSize;
constexpr std::string_view kAad = "s3lab sse-s3 v1";
constexpr std::string_view kDeriveLabel = "s3lab sse-s3";

common::AwsError EnvelopeError(const std::string& why) {
  return common::MakeError("InternalError", "We encountered an internal error. Please try again. (" + why + ")",
                           500);
}

}  // namespace

SseS3Keyring::SseS3Keyring(const SecretBytes& master_key)
    : wrapping_key_(common::crypto::DeriveKey(master_key, kDeriveLabel)) {}

DataKey SseS3Keyring::NewDataKey() const {
  DataKey key{common::crypto::RandomKey(kKeySize), {}};
  key.wrapped = Wrap(key.plaintext);
  return key;
}

std::string SseS3Keyring::Wrap(const SecretBytes& data_key) const {
  std::string iv = common::crypto::RandomBytes(kIvSize);
  std::string sealed = common::crypto::AesGcmEncrypt(wrapping_key_.view(), iv, data_key.view(), kAad);
  std::string blob;
  blob.reserve(1 + iv.size() + sealed.size());
  blob.push_back(kFormatVersion);
  blob += iv;
  blob += sealed;
  return blob;
}

common::Result<SecretBytes> SseS3Keyring::Unwrap(std::string_view wrapped) const {
  if (wrapped.size() != kBlobSize || wrapped[0] != kFormatVersion) return EnvelopeError("bad SSE-S3 key blob");
  auto plain = common::crypto::AesGcmDecrypt(wrapping_key_.view(), wrapped.substr(1, kIvSize),
                                             wrapped.substr(1 + kIvSize), kAad);
  if (!plain.ok()) return EnvelopeError("SSE-S3 key does not authenticate under master.key");
  return SecretBytes(std::move(plain.value()));
}

}  // namespace emulator::sse
