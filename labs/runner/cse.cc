// `s3lab cse put|get`: argument parsing, the put and get flows and what the learner reads. See cse.h.
#include "labs/runner/cse.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "common/crypto/crypto.h"
#include "common/crypto/gcm_stream.h"
#include "common/util/encoding.h"
#include "labs/runner/cse_client.h"
#include "labs/runner/cse_format.h"

namespace runner {
namespace {

namespace fs = std::filesystem;
using cse::Context;
using common::crypto::GcmStream;
using common::crypto::SecretBytes;

constexpr size_t kChunk = size_t{1} << 20;
constexpr uint64_t kMaxPut = (uint64_t{5} << 30) - GcmStream::kTagSize;  // S3 single PUT: 5 GiB

struct Args {
  std::vector<std::string> positional;
  std::string key_id;
  std::vector<std::string> context;
};

int Usage() {
  std::cerr << "usage: s3lab cse put FILE s3://BUCKET/KEY --key-id KEY [--context k=v ...]\n"
               "       s3lab cse get s3://BUCKET/KEY FILE [--context k=v ...] [--key-id KEY]\n"
               "  client-side encryption in the Amazon S3 Encryption Client v2 format (KMS data key,\n"
               "  AES-256-GCM); credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the root user\n";
  return 2;
}

int Fail(const std::string& op, const std::string& reason) {
  std::cout.flush();
  std::cerr << "s3lab cse " << op << ": " << reason << "\n";
  return 1;
}

std::string KmsFailure(const std::string& operation, const common::AwsError& e) {
  return "KMS " + operation + " failed: " + e.code + ": " + e.message;
}

// Takes a base64 field of a KMS reply as raw bytes, wiping the JSON copy.
std::optional<std::string> TakeBase64(nlohmann::json& reply, const char* field) {
  if (!reply.contains(field) || !reply[field].is_string()) return std::nullopt;
  auto& text = reply[field].get_ref<std::string&>();
  auto raw = common::util::Base64Decode(text);
  common::crypto::WipeString(&text);
  return raw;
}

int Put(const InstanceConfig& config, const Args& a) {
  if (a.positional.size() != 2 || a.key_id.empty()) return Usage();
  const std::string& file = a.positional[0];
  auto target = cse::ParseS3Url(a.positional[1]);
  if (!target) return Fail("put", "the destination must look like s3://bucket/key, got " + a.positional[1]);
  auto user_context = cse::ParseContextArgs(a.context);
  if (!user_context.ok()) return Fail("put", user_context.error().message);
  std::error_code ec;
  const uint64_t size = fs::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) return Fail("put", "cannot read " + file);
  if (size > kMaxPut) return Fail("put", file + " is larger than a single PutObject allows (5 GiB)");
  auto settings = cse::ResolveClientSettings(config);
  if (!settings.ok()) return Fail("put", settings.error().message);

  const Context kms_context = cse::KmsContext(*user_context);
  const std::string matdesc = cse::MatdescJson(kms_context);
  std::cout << "Client-side encryption of " << file << " (" << size << " bytes) -> s3://" << target->first << "/"
            << target->second << "\n"
            << "  caller: " << settings->credentials_source << "\n"
            << "1. KMS GenerateDataKey (" << settings->kms.Url() << ")\n"
            << "     KeyId " << a.key_id << ", KeySpec AES_256\n"
            << "     EncryptionContext " << matdesc << std::endl;
  nlohmann::json request = {{"KeyId", a.key_id}, {"KeySpec", "AES_256"}, {"EncryptionContext", kms_context}};
  auto reply = cse::KmsCall(*settings, "GenerateDataKey", request);
  if (!reply.ok()) return Fail("put", KmsFailure("GenerateDataKey", reply.error()));
  auto plaintext_key = TakeBase64(*reply, "Plaintext");
  auto blob = TakeBase64(*reply, "CiphertextBlob");
  if (!plaintext_key || plaintext_key->size() != 32 || !blob)
    return Fail("put", "KMS GenerateDataKey answered without a 32-byte Plaintext and a CiphertextBlob");
  SecretBytes data_key(std::move(*plaintext_key));
  const std::string key_arn = reply->value("KeyId", std::string());
  std::cout << "     -> key " << key_arn << "\n"
            << "     -> the data key twice: in plaintext (kept in this process's memory only) and encrypted\n"
            << "        under the KMS key (CiphertextBlob, " << blob->size() << " bytes)" << std::endl;

  const std::string iv = common::crypto::RandomBytes(GcmStream::kIvSize);
  GcmStream gcm;
  if (!gcm.Init(true, data_key.view(), iv)) return Fail("put", "AES-256-GCM initialisation failed");
  std::map<std::string, std::string> headers;
  const auto metadata = cse::EnvelopeMetadata(*blob, iv, kms_context, size);
  for (const auto& [k, v] : metadata) headers["x-amz-meta-" + k] = v;

  std::cout << "2. AES-256-GCM with the data key, on this machine: " << size << " bytes of plaintext -> "
            << size + GcmStream::kTagSize << " bytes (ciphertext + 16-byte tag), random 12-byte IV\n"
            << "3. S3 PutObject (" << settings->s3.Url() << "), streaming the ciphertext as it is produced"
            << std::endl;
  uint64_t read_total = 0;
  bool tag_sent = false;
  std::string local_error, plain(kChunk, '\0');
  auto next_chunk = [&](std::string* chunk) {
    if (read_total < size) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, size - read_total));
      in.read(plain.data(), static_cast<std::streamsize>(want));
      if (static_cast<size_t>(in.gcount()) != want) {
        local_error = file + " changed or could not be read while uploading";
        return false;
      }
      read_total += want;
      if (!gcm.Update(std::string_view(plain.data(), want), chunk)) {
        local_error = "AES-256-GCM encryption failed";
        return false;
      }
      return true;
    }
    if (tag_sent) return false;
    *chunk = gcm.FinishEncrypt();
    tag_sent = true;
    return chunk->size() == GcmStream::kTagSize;
  };
  auto put = cse::S3PutStream(*settings, target->first, target->second, headers, size + GcmStream::kTagSize,
                              next_chunk);
  common::crypto::WipeString(&plain);
  if (!local_error.empty()) return Fail("put", local_error);
  if (!put.ok()) return Fail("put", "S3 PutObject failed: " + put.error().code + ": " + put.error().message);
  std::string etag;
  if (auto it = put->find("etag"); it != put->end()) etag = it->second;
  std::cout << "     S3 received " << size + GcmStream::kTagSize
            << " bytes of ciphertext, never the plaintext nor the plaintext data key; ETag " << etag << "\n"
            << "     envelope stored as user metadata:\n";
  for (const auto& [k, v] : metadata) std::cout << "       x-amz-meta-" << k << ": " << v << "\n";
  std::cout << "The plaintext data key is now wiped from memory. Reading the object back needs s3:GetObject\n"
            << "and kms:Decrypt on " << (key_arn.empty() ? a.key_id : key_arn)
            << " with this encryption context: s3lab cse get s3://" << target->first << "/" << target->second
            << " FILE" << std::endl;
  return 0;
}

}  // namespace

int CmdCse(const InstanceConfig& config, const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "put" && args[0] != "get")) return Usage();
  Args a;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--key-id" || arg == "--context") {
      if (i + 1 >= args.size()) return Usage();
      (arg == "--key-id" ? a.key_id : a.context.emplace_back()) = args[++i];
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "s3lab cse: unknown option " << arg << "\n";
      return Usage();
    } else {
      a.positional.push_back(arg);
    }
  }
  if (args[0] == "put") return Put(config, a);
  return CseGet(config, a.positional, a.key_id, a.context);
}

}  // namespace runner
