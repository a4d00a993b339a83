// Digests, HMAC, randomness, constant-time compare and AES-256-GCM over OpenSSL 3 EVP. Every function
// here is total: OpenSSL failures that cannot happen with valid inputs (allocation, bad key length)
// abort loudly in debug and yield empty output in release rather than throwing.
//
// Speed (SigV4 runs five HMACs and a SHA-256 per request): OpenSSL 3's one-shot HMAC() and EVP_Digest()
// with the legacy EVP_sha256() look the algorithm up in the provider store on every call, which costs
// more than the hashing itself for short inputs. So the digests are fetched once per process
// (FetchedMd), and each thread keeps one EVP_MAC_CTX per HMAC digest and one EVP_MD_CTX (thread_local,
// freed at thread exit) that are re-initialised per call. After every HMAC the context is re-keyed
// with a fixed public dummy key, so no key-derived state stays behind in a thread's context (the
// one-shot HMAC() freed and cleansed its context; this keeps that property); after every digest the
// context is re-initialised, wiping the hash state.
#include "common/crypto/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
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

// The provider implementation of a digest, fetched once (thread-safe static init). Falls back to the
// legacy object (implicit fetch per use) if the fetch fails.
const EVP_MD* FetchedMd(const char* name, const EVP_MD* legacy) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md ? md : legacy;
}
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = FetchedMd("SHA256", EVP_sha256());
  return md;
}
const EVP_MD* Sha1Md() {
  static const EVP_MD* md = FetchedMd("SHA1", EVP_sha1());
  return md;
}
const EVP_MD* Md5Md() {
  static const EVP_MD* md = FetchedMd("MD5", EVP_md5());
  return md;
}

struct ThreadMdCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadMdCtx() { EVP_MD_CTX_free(ctx); }
};

std::string EvpDigest(const EVP_MD* md, std::string_view data) {
  thread_local ThreadMdCtx t;
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!t.ctx || EVP_DigestInit_ex2(t.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(t.ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(t.ctx, buf, &len) != 1 ||
      EVP_DigestInit_ex2(t.ctx, md, nullptr) != 1)
    std::abort();
  return std::string(reinterpret_cast<char*>(buf), len);
}

constexpr unsigned char kWipeKey[1] = {0};

// One thread's HMAC context for one digest, keyed per call.
class ThreadMac {
 public:
  explicit ThreadMac(const char* digest) {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end()};
    if (!ctx_ || EVP_MAC_CTX_set_params(ctx_, params) != 1) std::abort();
  }
  ~ThreadMac() { EVP_MAC_CTX_free(ctx_); }
  ThreadMac(const ThreadMac&) = delete;
  ThreadMac& operator=(const ThreadMac&) = delete;

  std::string Mac(std::string_view key, std::string_view data) {
    unsigned char buf[EVP_MAX_MD_SIZE];
    size_t len = 0;
    // key is never empty here (HmacSha256/HmacSha1 send that to OneShotHmac): a null key would mean
    // "keep the previous key".
    if (EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
        EVP_MAC_final(ctx_, buf, &len, sizeof buf) != 1 ||
        EVP_MAC_init(ctx_, kWipeKey, sizeof kWipeKey, nullptr) != 1)
      std::abort();
    return std::string(reinterpret_cast<char*>(buf), len);
  }

 private:
  EVP_MAC_CTX* ctx_;
};

// The original one-shot path, kept for the empty key (OpenSSL 3.0 providers differ on zero-length HMAC
// keys through EVP_MAC_init; HMAC() handles them).
std::string OneShotHmac(const EVP_MD* md, std::string_view key, std::string_view data) {
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
    if (!ctx_ || EVP_DigestInit_ex2(ctx_, md, nullptr) != 1) std::abort();
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

std::string Sha256(std::string_view data) { return EvpDigest(Sha256Md(), data); }
std::string Sha1(std::string_view data) { return EvpDigest(Sha1Md(), data); }
std::string Md5(std::string_view data) { return EvpDigest(Md5Md(), data); }
std::string HmacSha256(std::string_view key, std::string_view data) {
  if (key.empty()) return OneShotHmac(EVP_sha256(), key, data);
  thread_local ThreadMac mac("SHA256");
  return mac.Mac(key, data);
}
std::string HmacSha1(std::string_view key, std::string_view data) {
  if (key.empty()) return OneShotHmac(EVP_sha1(), key, data);
  thread_local ThreadMac mac("SHA1");
  return mac.Mac(key, data);
}
std::string Sha256Hex(std::string_view data) { return util::HexEncode(Sha256(data)); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::unique_ptr<Hasher> Hasher::Create(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kMd5:
      return std::make_unique<EvpHasher>(Md5Md());
    case Algorithm::kSha1:
      return std::make_unique<EvpHasher>(Sha1Md());
    case Algorithm::kSha256:
      return std::make_unique<EvpHasher>(Sha256Md());
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
