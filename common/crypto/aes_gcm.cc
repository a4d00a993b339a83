// AES-256-GCM (12-byte IV, 16-byte tag) over EVP. The one-shot functions use a thread-local context;
// AesGcmContext owns one EVP_CIPHER_CTX and re-keys it per call, avoiding an allocation per chunk.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

#include "common/crypto/crypto.h"

namespace common::crypto {
namespace {

constexpr size_t kTagSize = 16;

bool Run(EVP_CIPHER_CTX* ctx, bool encrypt, std::string_view key, std::string_view iv, std::string_view aad,
         std::string_view in, char* out, std::string* tag_out, std::string_view tag_in) {
  if (key.size() != 32 || iv.empty()) return false;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* v = reinterpret_cast<const unsigned char*>(iv.data());
  int ok = encrypt ? EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr)
                   : EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
  if (ok != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1)
    return false;
  ok = encrypt ? EVP_EncryptInit_ex(ctx, nullptr, nullptr, k, v)
               : EVP_DecryptInit_ex(ctx, nullptr, nullptr, k, v);
  if (ok != 1) return false;
  int len = 0;
  if (!aad.empty()) {
    const auto* a = reinterpret_cast<const unsigned char*>(aad.data());
    ok = encrypt ? EVP_EncryptUpdate(ctx, nullptr, &len, a, static_cast<int>(aad.size()))
                 : EVP_DecryptUpdate(ctx, nullptr, &len, a, static_cast<int>(aad.size()));
    if (ok != 1) return false;
  }
  auto* o = reinterpret_cast<unsigned char*>(out);
  const auto* i = reinterpret_cast<const unsigned char*>(in.data());
  size_t done = 0;
  while (done < in.size()) {  // EVP takes int lengths: feed at most 1 GiB at a time
    int n = static_cast<int>(std::min<size_t>(in.size() - done, size_t{1} << 30));
    ok = encrypt ? EVP_EncryptUpdate(ctx, o + done, &len, i + done, n)
                 : EVP_DecryptUpdate(ctx, o + done, &len, i + done, n);
    if (ok != 1) return false;
    done += static_cast<size_t>(n);
  }
  unsigned char final_buf[16];
  if (encrypt) {
    if (EVP_EncryptFinal_ex(ctx, final_buf, &len) != 1) return false;
    tag_out->assign(kTagSize, '\0');
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagSize, tag_out->data()) == 1;
  }
  if (tag_in.size() != kTagSize) return false;
  std::string tag(tag_in);
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1) return false;
  return EVP_DecryptFinal_ex(ctx, final_buf, &len) == 1;
}

struct CtxHolder {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CtxHolder() { EVP_CIPHER_CTX_free(ctx); }
};
EVP_CIPHER_CTX* ThreadCtx() {
  thread_local CtxHolder holder;
  return holder.ctx;
}

}  // namespace

std::string AesGcmEncrypt(std::string_view key, std::string_view iv, std::string_view plaintext,
                          std::string_view aad) {
  std::string out(plaintext.size(), '\0');
  std::string tag;
  if (!Run(ThreadCtx(), true, key, iv, aad, plaintext, out.data(), &tag, {})) return {};
  out += tag;
  return out;
}

Result<std::string> AesGcmDecrypt(std::string_view key, std::string_view iv,
                                  std::string_view ciphertext_and_tag, std::string_view aad) {
  auto invalid = MakeError("InvalidCiphertext", "The ciphertext failed authentication.", 400);
  if (ciphertext_and_tag.size() < kTagSize) return invalid;
  size_t n = ciphertext_and_tag.size() - kTagSize;
  std::string out(n, '\0');
  if (!Run(ThreadCtx(), false, key, iv, aad, ciphertext_and_tag.substr(0, n), out.data(), nullptr,
           ciphertext_and_tag.substr(n))) {
    OPENSSL_cleanse(out.data(), out.size());
    return invalid;
  }
  return out;
}

AesGcmContext::AesGcmContext() : ctx_(EVP_CIPHER_CTX_new()) {}
AesGcmContext::~AesGcmContext() { EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(ctx_)); }

std::string AesGcmContext::Encrypt(std::string_view key, std::string_view iv, std::string_view aad,
                                   std::string_view in, char* out) {
  std::string tag;
  if (!Run(static_cast<EVP_CIPHER_CTX*>(ctx_), true, key, iv, aad, in, out, &tag, {})) return {};
  return tag;
}

bool AesGcmContext::Decrypt(std::string_view key, std::string_view iv, std::string_view aad,
                            std::string_view in, std::string_view tag, char* out) {
  return Run(static_cast<EVP_CIPHER_CTX*>(ctx_), false, key, iv, aad, in, out, nullptr, tag);
}

}  // namespace common::crypto
