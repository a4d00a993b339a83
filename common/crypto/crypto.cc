// Digests, HMAC, randomness, constant-time compare and AES-256-GCM over OpenSSL 3 EVP. Every function
// here is total: OpenSSL failures that cannot happen with valid inputs (allocation, bad key length)
// abort loudly in debug and yield empty output in release rather than throwing.
#include "common/crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "common/crypto/crc.h"
#include "common/util/encoding.h"

namespace common::crypto {

SecretBytes::~SecretBytes() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}
SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}
SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    std::abort();
  return out;
}

SecretBytes RandomKey(size_t n) { return SecretBytes(RandomBytes(n)); }

namespace {

std::string EvpDigest(const EVP_MD* md, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), buf, &len))
    std::abort();
  return std::string(reinterpret_cast<char*>(buf), len);
}

class EvpHasher : public Hasher {
 public:
  explicit EvpHasher(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, md, nullptr) != 1) std::abort();
  }
  ~EvpHasher() override { EVP_MD_CTX_free(ctx_); }
  void Update(std::string_view data) override { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  std::string Digest() override {
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, buf, &len);
    return std::string(reinterpret_cast<char*>(buf), len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

class CrcHasher : public Hasher {
 public:
  explicit CrcHasher(Algorithm a) : algorithm_(a) {}
  void Update(std::string_view data) override {
    switch (algorithm_) {
      case Algorithm::kCrc32:
        c32_ = Crc32Update(c32_, data);
        break;
      case Algorithm::kCrc32c:
        c32_ = Crc32cUpdate(c32_, data);
        break;
      default:
        c64_ = Crc64NvmeUpdate(c64_, data);
        break;
    }
  }
  std::string Digest() override {
    if (algorithm_ == Algorithm::kCrc64Nvme) {
      std::string out(8, '\0');
      for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((c64_ >> (56 - 8 * i)) & 0xFF);
      return out;
    }
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((c32_ >> (24 - 8 * i)) & 0xFF);
    return out;
  }

 private:
  Algorithm algorithm_;
  uint32_t c32_ = 0;
  uint64_t c64_ = 0;
};

}  // namespace

std::string Sha256(std::string_view data) { return EvpDigest(EVP_sha256(), data); }
std::string Sha1(std::string_view data) { return EvpDigest(EVP_sha1(), data); }
std::string Md5(std::string_view data) { return EvpDigest(EVP_md5(), data); }
std::string HmacSha256(std::string_view key, std::string_view data) { return Hmac(EVP_sha256(), key, data); }
std::string HmacSha1(std::string_view key, std::string_view data) { return Hmac(EVP_sha1(), key, data); }
std::string Sha256Hex(std::string_view data) { return util::HexEncode(Sha256(data)); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::unique_ptr<Hasher> Hasher::Create(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kMd5:
      return std::make_unique<EvpHasher>(EVP_md5());
    case Algorithm::kSha1:
      return std::make_unique<EvpHasher>(EVP_sha1());
    case Algorithm::kSha256:
      return std::make_unique<EvpHasher>(EVP_sha256());
    default:
      return std::make_unique<CrcHasher>(algorithm);
  }
}

std::string Digest(Algorithm algorithm, std::string_view data) {
  auto h = Hasher::Create(algorithm);
  h->Update(data);
  return h->Digest();
}

}  // namespace common::crypto
