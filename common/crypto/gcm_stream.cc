// Streaming AES-256-GCM over one EVP_CIPHER_CTX. See gcm_stream.h.
#include "common/crypto/gcm_stream.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

namespace common::crypto {

GcmStream::GcmStream() : ctx_(EVP_CIPHER_CTX_new()) {}

GcmStream::~GcmStream() { EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(ctx_)); }

bool GcmStream::Init(bool encrypt, std::string_view key, std::string_view iv) {
  ready_ = false;
  encrypt_ = encrypt;
  auto* ctx = static_cast<EVP_CIPHER_CTX*>(ctx_);
  if (ctx == nullptr || key.size() != 32 || iv.size() != kIvSize) return false;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* v = reinterpret_cast<const unsigned char*>(iv.data());
  int ok = encrypt ? EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr)
                   : EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
  if (ok != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1) return false;
  ok = encrypt ? EVP_EncryptInit_ex(ctx, nullptr, nullptr, k, v) : EVP_DecryptInit_ex(ctx, nullptr, nullptr, k, v);
  ready_ = ok == 1;
  return ready_;
}

bool GcmStream::Update(std::string_view in, std::string* out) {
  if (!ready_) return false;
  auto* ctx = static_cast<EVP_CIPHER_CTX*>(ctx_);
  out->resize(in.size());
  auto* o = reinterpret_cast<unsigned char*>(out->data());
  const auto* i = reinterpret_cast<const unsigned char*>(in.data());
  size_t done = 0;
  while (done < in.size()) {  // EVP takes int lengths
    int n = static_cast<int>(std::min<size_t>(in.size() - done, size_t{1} << 30));
    int len = 0;
    int ok = encrypt_ ? EVP_EncryptUpdate(ctx, o + done, &len, i + done, n)
                      : EVP_DecryptUpdate(ctx, o + done, &len, i + done, n);
    if (ok != 1 || len != n) {  // GCM is a stream mode: output length always equals input length
      ready_ = false;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string GcmStream::FinishEncrypt() {
  if (!ready_ || !encrypt_) return {};
  ready_ = false;
  auto* ctx = static_cast<EVP_CIPHER_CTX*>(ctx_);
  unsigned char final_buf[16];
  int len = 0;
  if (EVP_EncryptFinal_ex(ctx, final_buf, &len) != 1) return {};
  std::string tag(kTagSize, '\0');
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagSize, tag.data()) != 1) return {};
  return tag;
}

bool GcmStream::FinishDecrypt(std::string_view tag) {
  if (!ready_ || encrypt_ || tag.size() != kTagSize) return false;
  ready_ = false;
  auto* ctx = static_cast<EVP_CIPHER_CTX*>(ctx_);
  std::string copy(tag);
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagSize, copy.data()) != 1) return false;
  unsigned char final_buf[16];
  int len = 0;
  return EVP_DecryptFinal_ex(ctx, final_buf, &len) == 1;
}

void WipeString(std::string* s) {
  if (!s->empty()) OPENSSL_cleanse(s->data(), s->size());
  s->clear();
}

}  // namespace common::crypto
