// `s3lab cse get`: GetObject, envelope check and KMS Decrypt from the response headers, then streamed
// AES-256-GCM decryption into a temporary file that becomes FILE only after the tag verified. See cse.h.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/crypto/crypto.h"
#include "common/crypto/gcm_stream.h"
#include "common/util/encoding.h"
#include "labs/runner/cse.h"
#include "labs/runner/cse_client.h"
#include "labs/runner/cse_format.h"

namespace runner {
namespace {

namespace fs = std::filesystem;
using common::crypto::GcmStream;

int Fail(const std::string& reason) {
  std::cout.flush();
  std::cerr << "s3lab cse get: " << reason << "\n";
  return 1;
}

// A temporary file next to the target, removed unless Commit() renamed it.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : target_(target) {
    fs::path dir = fs::path(target).parent_path();
    std::string tmpl = (dir.empty() ? std::string(".") : dir.string()) + "/.s3lab-cse-XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    if (fd >= 0) {
      path_ = tmpl;
      file_ = ::fdopen(fd, "wb");
      if (!file_) ::close(fd);
    }
  }
  ~TempFile() {
    if (file_) std::fclose(file_);
    if (!path_.empty() && !committed_) ::unlink(path_.c_str());
  }
  bool ok() const { return file_ != nullptr; }
  bool Write(const std::string& data) {
    return data.empty() || std::fwrite(data.data(), 1, data.size(), file_) == data.size();
  }
  bool Commit() {
    bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) return false;
    std::error_code ec;
    fs::rename(path_, target_, ec);
    committed_ = !ec;
    return committed_;
  }

 private:
  std::string target_, path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace

int CseGet(const InstanceConfig& config, const std::vector<std::string>& positional, const std::string& key_id,
           const std::vector<std::string>& context_args) {
  if (positional.size() != 2) {
    std::cerr << "usage: s3lab cse get s3://BUCKET/KEY FILE [--context k=v ...] [--key-id KEY]\n";
    return 2;
  }
  auto source = cse::ParseS3Url(positional[0]);
  const std::string& file = positional[1];
  if (!source) return Fail("the source must look like s3://bucket/key, got " + positional[0]);
  auto expected = cse::ParseContextArgs(context_args);
  if (!expected.ok()) return Fail(expected.error().message);
  auto settings = cse::ResolveClientSettings(config);
  if (!settings.ok()) return Fail(settings.error().message);
  TempFile out(file);
  if (!out.ok()) return Fail("cannot create a temporary file next to " + file);

  std::cout << "Client-side decryption of s3://" << source->first << "/" << source->second << " -> " << file
            << "\n  caller: " << settings->credentials_source << "\n"
            << "1. S3 GetObject (" << settings->s3.Url() << ")" << std::endl;
  std::string failure;  // the one-line reason, set by whichever stage refused
  GcmStream gcm;
  uint64_t body_length = 0, received = 0, written = 0;
  bool has_body_length = false;
  std::string pending, plain;  // pending: the last bytes seen, which may be the tag
  auto on_headers = [&](const cse::HeaderMap& headers) -> common::Status {
    std::map<std::string, std::string> metadata;
    for (const auto& [k, v] : headers)
      if (k.rfind("x-amz-meta-", 0) == 0) metadata[k.substr(11)] = v;
    if (auto it = headers.find("content-length"); it != headers.end()) {
      const std::string& v = it->second;
      has_body_length = !v.empty() && v.size() < 20 && v.find_first_not_of("0123456789") == std::string::npos;
      if (has_body_length) body_length = std::stoull(v);
    }
    auto env = cse::ReadEnvelope(metadata);
    if (!env.ok()) {
      failure = "refused: " + env.error().message;
      return env.error();
    }
    std::cout << "     " << (has_body_length ? std::to_string(body_length) + " bytes" : std::string("a body"))
              << " of ciphertext; envelope in the metadata: x-amz-wrap-alg " << cse::kWrapAlg
              << ", x-amz-cek-alg " << cse::kCekAlg << ", x-amz-tag-len 128\n"
              << "     x-amz-matdesc " << env->matdesc << std::endl;
    if (has_body_length && body_length < GcmStream::kTagSize) failure = "refused: the body is shorter than a GCM tag";
    if (failure.empty() && has_body_length && env->has_plaintext_length &&
        env->plaintext_length + GcmStream::kTagSize != body_length)
      failure = "refused: x-amz-unencrypted-content-length (" + std::to_string(env->plaintext_length) +
                ") + 16 does not match the object size (" + std::to_string(body_length) + ")";
    if (failure.empty() && !context_args.empty() && cse::UserPart(env->kms_context) != *expected)
      failure = "refused: the --context given does not match the encryption context stored in x-amz-matdesc " +
                env->matdesc;
    if (!failure.empty()) return common::MakeError("Refused", failure, 0);

    std::cout << "2. KMS Decrypt (" << settings->kms.Url() << ") of the " << env->encrypted_key.size()
              << "-byte CiphertextBlob from x-amz-key-v2,\n     EncryptionContext = x-amz-matdesc"
              << (key_id.empty() ? "" : ", KeyId " + key_id) << std::endl;
    nlohmann::json request = {{"CiphertextBlob", common::util::Base64Encode(env->encrypted_key)},
                              {"EncryptionContext", env->kms_context}};
    if (!key_id.empty()) request["KeyId"] = key_id;
    auto reply = cse::KmsCall(*settings, "Decrypt", request);
    if (!reply.ok()) {
      failure = "KMS Decrypt failed: " + reply.error().code + ": " + reply.error().message;
      return reply.error();
    }
    std::string b64;
    if (reply->contains("Plaintext") && (*reply)["Plaintext"].is_string())
      b64.swap((*reply)["Plaintext"].get_ref<std::string&>());
    auto raw = common::util::Base64Decode(b64);
    common::crypto::WipeString(&b64);
    common::crypto::SecretBytes data_key(raw ? std::move(*raw) : std::string());
    if (data_key.size() != 32 || !gcm.Init(false, data_key.view(), env->iv)) {
      failure = "KMS Decrypt answered without a 32-byte Plaintext data key";
      return common::MakeError("Refused", failure, 0);
    }
    std::cout << "     -> the plaintext data key of " << reply->value("KeyId", std::string("?"))
              << " (kept in memory only)\n"
              << "3. AES-256-GCM decryption on this machine, into a temporary file until the tag verifies"
              << std::endl;
    return common::Ok{};
  };
  auto on_data = [&](const char* data, size_t n) {
    received += n;
    pending.append(data, n);
    if (pending.size() <= GcmStream::kTagSize) return true;
    const size_t ready = pending.size() - GcmStream::kTagSize;
    if (!gcm.Update(std::string_view(pending.data(), ready), &plain) || !out.Write(plain)) {
      failure = "cannot write the temporary file next to " + file;
      return false;
    }
    written += ready;
    pending.erase(0, ready);
    return true;
  };
  auto got = cse::S3GetStream(*settings, source->first, source->second, on_headers, on_data);
  common::crypto::WipeString(&plain);
  if (!failure.empty()) return Fail(failure);
  if (!got.ok()) return Fail("S3 GetObject failed: " + got.error().code + ": " + got.error().message);
  if (has_body_length && received != body_length)
    return Fail("the download stopped after " + std::to_string(received) + " of " + std::to_string(body_length) +
                " bytes");
  if (pending.size() != GcmStream::kTagSize || !gcm.FinishDecrypt(pending))
    return Fail("refused: the AES-GCM authentication tag does not match (the ciphertext, its IV or its data "
                "key was altered); nothing written to " + file);
  if (!out.Commit()) return Fail("cannot write " + file);
  std::cout << "     tag verified: " << written << " bytes of plaintext written to " << file << "\n"
            << "S3 stored and returned only ciphertext; the plaintext exists only here." << std::endl;
  return 0;
}

}  // namespace runner
