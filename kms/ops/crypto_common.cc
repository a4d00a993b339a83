// Helpers shared by the symmetric cryptographic operations (see crypto_ops.h).
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

std::string SealWithKey(const model::Key& key, std::string_view plaintext,
                        const model::EncryptionContext& context, std::string_view iv) {
  const model::KeyMaterial* material = key.current_material();
  model::BlobHeader header{key.account_id, key.region, key.key_id, material->version};
  if (iv.empty()) return model::SealBlob(header, material->key.view(), plaintext, context);
  return model::SealBlobWithIv(header, material->key.view(), iv, plaintext, context);
}

Result<model::EncryptionContext> ParseContext(const Json& body, const char* member) {
  return protocol::StringMap(body, member);
}

Result<std::string> ParseCiphertextBlob(const Json& body) {
  auto blob = protocol::OptionalBlob(body, "CiphertextBlob", 1, 6144);
  if (!blob.ok()) return blob.error();
  if (!blob->has_value())
    return errors::Validation(
        "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy "
        "constraint: Member must not be null");
  return std::move(**blob);
}

Status ParseAlgorithm(const Json& body, const char* member) {
  auto algorithm = protocol::OptionalString(body, member);
  if (!algorithm.ok()) return algorithm.error();
  if (!algorithm->has_value() || **algorithm == "SYMMETRIC_DEFAULT") return common::Ok{};
  S3LAB_TRY(protocol::CheckEnum(**algorithm, member,
                                {"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"}));
  return errors::InvalidKeyUsage("Algorithm " + **algorithm +
                                 " is incompatible with key spec SYMMETRIC_DEFAULT.");
}

Result<KeyPtr> KeyForBlob(RequestContext& ctx, const model::ParsedBlob& blob,
                          const std::optional<std::string>& key_id) {
  const model::BlobHeader& h = blob.header;
  if (key_id) {
    auto key = ctx.service->Resolve(*key_id, ctx.account_id, ctx.region, /*allow_alias=*/true);
    if (!key.ok()) return key.error();
    if ((*key)->key_id != h.key_id || (*key)->account_id != h.account_id || (*key)->region != h.region)
      return errors::IncorrectKey();
    return key;
  }
  // NOTE: a blob made in another region cannot be decrypted here (it names a key of that region).
  if (h.region != ctx.region || !model::IsWellFormedKeyId(h.key_id)) return errors::InvalidCiphertext();
  model::KeyRef ref;
  ref.kind = model::KeyRefKind::kKeyArn;
  ref.account_id = h.account_id;
  ref.region = h.region;
  ref.key_id = h.key_id;
  return ctx.service->Resolve(ref);
}

}  // namespace kms::ops
