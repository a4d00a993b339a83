// SSE-KMS write/open, the bucket-key blob and the bucket-key cache (design in sse_kms.h).
#include "emulator/sse/sse_kms.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/util/encoding.h"
#include "emulator/protocol/errors.h"

namespace emulator::sse {
namespace {

constexpr char kBlobVersion = 0x01;
constexpr size_t kIvSize = 12;
constexpr size_t kSealedKeySize = 32 + 16;
constexpr std::string_view kBlobAad = "s3lab sse-kms bucket-key v1";
constexpr size_t kMaxCacheEntries = 10000;

common::AwsError BlobError(const std::string& why) {
  return common::MakeError("InternalError",
                           "We encountered an internal error. Please try again. (" + why + ")", 500);
}

std::string ContextKey(const EncryptionContext& context) {
  std::string out;
  for (const auto& [k, v] : context)
    out += std::to_string(k.size()) + ":" + k + "=" + std::to_string(v.size()) + ":" + v + ";";
  return out;
}

std::string ObjectArn(const KmsTarget& t) { return "arn:aws:s3:::" + t.bucket + "/" + t.object_key; }
std::string BucketArn(const KmsTarget& t) { return "arn:aws:s3:::" + t.bucket; }

// The caller's pairs of a stored version (validated when it was written).
common::Result<EncryptionContext> StoredPairs(const store::SseInfo& sse) {
  if (sse.kms_context.empty()) return EncryptionContext{};
  return ParseEncryptionContext(sse.kms_context);
}

// A bucket key for writes: from the cache or a fresh GenerateDataKey with the bucket ARN context.
common::Result<BucketKeyCache::Entry> WriteBucketKey(KmsClient* kms, BucketKeyCache* cache,
                                                     const KmsTarget& t, const std::string& key_id,
                                                     const EncryptionContext& pairs) {
  std::string cache_key =
      "w\n" + t.principal_arn + "\n" + t.region + "\n" + t.bucket + "\n" + key_id + "\n" + ContextKey(pairs);
  if (auto hit = cache->Find(cache_key)) return std::move(*hit);
  auto generated = kms->GenerateDataKey(t.caller, t.region, key_id, S3Context(pairs, BucketArn(t)));
  if (!generated.ok()) return generated.error();
  cache->Put(cache_key, generated->key_arn, generated->ciphertext_blob, generated->plaintext);
  return BucketKeyCache::Entry{generated->key_arn, generated->ciphertext_blob,
                               std::string(generated->plaintext.view())};
}

}  // namespace

common::Result<EncryptionContext> ParseEncryptionContext(const std::string& header_value) {
  auto invalid = [&] {
    return errors::InvalidArgument(
        "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON "
        "which represents a string-string map",
        kContextHeader, header_value);
  };
  auto decoded = common::util::Base64Decode(header_value);
  if (!decoded) return invalid();
  nlohmann::json j = nlohmann::json::parse(*decoded, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalid();
  EncryptionContext out;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return invalid();
    out[k] = v.get<std::string>();
  }
  return out;
}

EncryptionContext S3Context(const EncryptionContext& caller_pairs, const std::string& arn) {
  EncryptionContext out = caller_pairs;
  // NOTE: a caller's own aws:s3:arn pair is replaced by S3's (AWS's behaviour here is unverified).
  out["aws:s3:arn"] = arn;
  return out;
}

std::string SealBucketKeyBlob(const std::string& bucket_key_ciphertext, const SecretBytes& bucket_key,
                              const SecretBytes& data_key, const std::string& object_arn) {
  std::string iv = common::crypto::RandomBytes(kIvSize);
  std::string aad = std::string(kBlobAad) + object_arn;
  std::string sealed = common::crypto::AesGcmEncrypt(bucket_key.view(), iv, data_key.view(), aad);
  std::string blob;
  blob.reserve(3 + bucket_key_ciphertext.size() + iv.size() + sealed.size());
  blob.push_back(kBlobVersion);
  blob.push_back(static_cast<char>((bucket_key_ciphertext.size() >> 8) & 0xff));
  blob.push_back(static_cast<char>(bucket_key_ciphertext.size() & 0xff));
  blob += bucket_key_ciphertext;
  blob += iv;
  blob += sealed;
  return blob;
}

common::Result<BucketKeyBlob> ParseBucketKeyBlob(const std::string& blob) {
  if (blob.size() < 3 || blob[0] != kBlobVersion) return BlobError("bad SSE-KMS bucket-key blob");
  size_t len = (static_cast<size_t>(static_cast<uint8_t>(blob[1])) << 8) | static_cast<uint8_t>(blob[2]);
  if (len == 0 || blob.size() != 3 + len + kIvSize + kSealedKeySize)
    return BlobError("bad SSE-KMS bucket-key blob");
  return BucketKeyBlob{blob.substr(3, len), blob.substr(3 + len)};
}

common::Result<SecretBytes> OpenBucketKeyBlob(const BucketKeyBlob& blob, const SecretBytes& bucket_key,
                                              const std::string& object_arn) {
  std::string_view sealed = blob.sealed_data_key;
  auto plain = common::crypto::AesGcmDecrypt(bucket_key.view(), sealed.substr(0, kIvSize),
                                             sealed.substr(kIvSize), std::string(kBlobAad) + object_arn);
  if (!plain.ok()) return BlobError("SSE-KMS object key does not authenticate under its bucket key");
  return SecretBytes(std::move(plain.value()));
}

// ---- BucketKeyCache ---------------------------------------------------------------------------

BucketKeyCache::BucketKeyCache(int64_t ttl_millis, std::function<int64_t()> now_millis)
    : ttl_millis_(ttl_millis), now_millis_(std::move(now_millis)) {
  if (!now_millis_) {
    now_millis_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

BucketKeyCache::~BucketKeyCache() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [k, v] : entries_) SecretBytes wipe(std::move(v.entry.plaintext));
}

void BucketKeyCache::Erase(std::unordered_map<std::string, Stored>::iterator it) {
  SecretBytes wipe(std::move(it->second.entry.plaintext));
  entries_.erase(it);
}

std::optional<BucketKeyCache::Entry> BucketKeyCache::Find(const std::string& cache_key) {
  if (ttl_millis_ <= 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(cache_key);
  if (it == entries_.end()) return std::nullopt;
  if (now_millis_() >= it->second.expires_at) {
    Erase(it);
    return std::nullopt;
  }
  return it->second.entry;
}

void BucketKeyCache::Put(const std::string& cache_key, const std::string& key_arn,
                         const std::string& ciphertext, const SecretBytes& plaintext) {
  if (ttl_millis_ <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = now_millis_();
  if (entries_.size() >= kMaxCacheEntries) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      auto next = std::next(it);
      if (now >= it->second.expires_at) Erase(it);
      it = next;
    }
    while (entries_.size() >= kMaxCacheEntries) Erase(entries_.begin());
  }
  if (auto it = entries_.find(cache_key); it != entries_.end()) Erase(it);
  entries_[cache_key] = Stored{Entry{key_arn, ciphertext, std::string(plaintext.view())}, now + ttl_millis_};
}

// ---- write / open -----------------------------------------------------------------------------

common::Result<WriteKey> SealKms(KmsClient* kms, BucketKeyCache* cache, const KmsTarget& target,
                                 const KmsWriteParams& params) {
  if (kms == nullptr) return KmsUnavailable("no --kms-endpoint configured");
  EncryptionContext pairs;
  if (!params.context_b64.empty()) {
    auto parsed = ParseEncryptionContext(params.context_b64);
    if (!parsed.ok()) return parsed.error();
    pairs = std::move(*parsed);
  }
  std::string key_id = params.key_id.empty() ? kAwsManagedS3Key : params.key_id;
  WriteKey out;
  out.sse.mode = params.dsse ? store::SseMode::kSseKmsDsse : store::SseMode::kSseKms;
  out.sse.kms_context = params.context_b64;
  bool bucket_key = params.bucket_key && !params.dsse && cache != nullptr;
  if (bucket_key) {
    auto bk = WriteBucketKey(kms, cache, target, key_id, pairs);
    if (!bk.ok()) return bk.error();
    SecretBytes bucket_key_plain(std::move(bk->plaintext));
    out.data_key = common::crypto::RandomKey(32);
    out.sse.kms_key_arn = bk->key_arn;
    out.sse.bucket_key_enabled = true;
    out.sse.wrapped_key =
        SealBucketKeyBlob(bk->ciphertext, bucket_key_plain, out.data_key, ObjectArn(target));
    return out;
  }
  auto generated =
      kms->GenerateDataKey(target.caller, target.region, key_id, S3Context(pairs, ObjectArn(target)));
  if (!generated.ok()) return generated.error();
  out.sse.kms_key_arn = generated->key_arn;
  out.sse.wrapped_key = std::move(generated->ciphertext_blob);
  out.data_key = std::move(generated->plaintext);
  return out;
}

common::Result<SecretBytes> OpenKms(KmsClient* kms, BucketKeyCache* cache, const KmsTarget& target,
                                    const store::SseInfo& sse) {
  if (kms == nullptr) return KmsUnavailable("no --kms-endpoint configured");
  auto pairs = StoredPairs(sse);
  if (!pairs.ok()) return BlobError("stored SSE-KMS context does not parse");
  if (!sse.bucket_key_enabled) {
    auto decrypted =
        kms->Decrypt(target.caller, target.region, sse.wrapped_key, S3Context(*pairs, ObjectArn(target)));
    if (!decrypted.ok()) return decrypted.error();
    if (decrypted->plaintext.size() != 32) return BlobError("SSE-KMS data key of the wrong size");
    return std::move(decrypted->plaintext);
  }
  auto blob = ParseBucketKeyBlob(sse.wrapped_key);
  if (!blob.ok()) return blob.error();
  std::string cache_key = "r\n" + target.principal_arn + "\n" + target.region + "\n" +
                          blob->bucket_key_ciphertext + "\n" + ContextKey(*pairs);
  SecretBytes bucket_key;
  if (auto hit = cache != nullptr ? cache->Find(cache_key) : std::nullopt) {
    bucket_key = SecretBytes(std::move(hit->plaintext));
  } else {
    auto decrypted = kms->Decrypt(target.caller, target.region, blob->bucket_key_ciphertext,
                                  S3Context(*pairs, BucketArn(target)));
    if (!decrypted.ok()) return decrypted.error();
    bucket_key = std::move(decrypted->plaintext);
    if (cache != nullptr) cache->Put(cache_key, decrypted->key_arn, blob->bucket_key_ciphertext, bucket_key);
  }
  return OpenBucketKeyBlob(*blob, bucket_key, ObjectArn(target));
}

}  // namespace emulator::sse
