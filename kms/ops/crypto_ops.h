// The symmetric cryptographic operations (they share the request quota): Encrypt, Decrypt,
// GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncrypt, GenerateRandom. See op.h for the stages.
// Plaintext data keys live in SecretBytes until they are rendered.
#pragma once

#include <optional>
#include <string>

#include "common/crypto/crypto.h"
#include "kms/ops/op.h"

namespace kms::ops {

// Seals plaintext under the key's current material: returns the ciphertext blob. iv: 12 bytes, or empty
// for a fresh random one.
std::string SealWithKey(const model::Key& key, std::string_view plaintext,
                        const model::EncryptionContext& context, std::string_view iv = {});
// Parses EncryptionContext-like members and EncryptionAlgorithm (only SYMMETRIC_DEFAULT works).
Result<model::EncryptionContext> ParseContext(const Json& body, const char* member);
Status ParseAlgorithm(const Json& body, const char* member);
// The required CiphertextBlob member (1..6144 bytes, base64 in the JSON) of Decrypt and ReEncrypt.
Result<std::string> ParseCiphertextBlob(const Json& body);
// The blob's key: KeyId given -> it must be the blob's key (IncorrectKeyException), else the blob names it.
Result<KeyPtr> KeyForBlob(RequestContext& ctx, const model::ParsedBlob& blob,
                          const std::optional<std::string>& key_id);

struct Encrypt {
  static constexpr const char* kName = "Encrypt";
  struct Input {
    std::string key_id;
    common::crypto::SecretBytes plaintext;
    model::EncryptionContext context;
    bool dry_run = false;
  };
  struct Output {
    std::string ciphertext_blob;
    std::string key_arn;
  };
  using Plan = KeyPlan;
  static Result<Input> Parse(const Json& body);
  static Result<Plan> Prepare(RequestContext& ctx, const Input& in);
  static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan);
  static Json Render(const Output& out);
};

struct Decrypt {
  static constexpr const char* kName = "Decrypt";
  struct Input {
    std::string ciphertext_blob;
    std::optional<std::string> key_id;
    model::EncryptionContext context;
    bool dry_run = false;
  };
  struct Output {
    common::crypto::SecretBytes plaintext;
    std::string key_arn;
    std::string material_id;
  };
  struct Plan {
    KeyPtr key;
    model::ParsedBlob blob;
    std::vector<AuthTarget> auth;
  };
  static Result<Input> Parse(const Json& body);
  static Result<Plan> Prepare(RequestContext& ctx, const Input& in);
  static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan);
  static Json Render(const Output& out);
};

// Shared by both GenerateDataKey operations.
struct DataKeyInput {
  std::string key_id;
  size_t number_of_bytes = 32;
  model::EncryptionContext context;
  bool dry_run = false;
};
Result<DataKeyInput> ParseDataKeyInput(const Json& body);

struct GenerateDataKey {
  static constexpr const char* kName = "GenerateDataKey";
  using Input = DataKeyInput;
  struct Output {
    std::string ciphertext_blob;
    common::crypto::SecretBytes plaintext;
    std::string key_arn;
    std::string material_id;
  };
  using Plan = KeyPlan;
  static Result<Input> Parse(const Json& body) { return ParseDataKeyInput(body); }
  static Result<Plan> Prepare(RequestContext& ctx, const Input& in);
  static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan);
  static Json Render(const Output& out);
};

struct GenerateDataKeyWithoutPlaintext {
  static constexpr const char* kName = "GenerateDataKeyWithoutPlaintext";
  using Input = DataKeyInput;
  struct Output {
    std::string ciphertext_blob;
    std::string key_arn;
    std::string material_id;
  };
  using Plan = KeyPlan;
  static Result<Input> Parse(const Json& body) { return ParseDataKeyInput(body); }
  static Result<Plan> Prepare(RequestContext& ctx, const Input& in);
  static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan);
  static Json Render(const Output& out);
};

struct ReEncrypt {
  static constexpr const char* kName = "ReEncrypt";
  struct Input {
    std::string ciphertext_blob;
    std::optional<std::string> source_key_id;
    model::EncryptionContext source_context;
    std::string destination_key_id;
    model::EncryptionContext destination_context;
    bool dry_run = false;
  };
  struct Output {
    std::string ciphertext_blob;
    std::string source_key_arn;
    std::string key_arn;
    std::string source_material_id;
    std::string destination_material_id;
  };
  struct Plan {
    KeyPtr source;
    KeyPtr destination;
    model::ParsedBlob blob;
    std::vector<AuthTarget> auth;
  };
  static Result<Input> Parse(const Json& body);
  static Result<Plan> Prepare(RequestContext& ctx, const Input& in);
  static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan);
  static Json Render(const Output& out);
};

struct GenerateRandom {
  static constexpr const char* kName = "GenerateRandom";
  struct Input {
    size_t number_of_bytes = 0;
  };
  struct Output {
    common::crypto::SecretBytes plaintext;
  };
  struct Plan {
    std::vector<AuthTarget> auth;
  };
  static Result<Input> Parse(const Json& body);
  static Result<Plan> Prepare(RequestContext& ctx, const Input& in);
  static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan);
  static Json Render(const Output& out);
};

}  // namespace kms::ops
