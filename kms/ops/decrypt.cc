// Decrypt: https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
// The blob names its key (KeyId optional); a wrong context or any altered byte gives
// InvalidCiphertextException with an empty message, a KeyId naming another key IncorrectKeyException.
#include "common/util/encoding.h"
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<Decrypt::Input> Decrypt::Parse(const Json& body) {
  Input in;
  auto blob = ParseCiphertextBlob(body);
  if (!blob.ok()) return blob.error();
  in.ciphertext_blob = std::move(*blob);
  auto key_id = protocol::OptionalString(body, "KeyId");
  if (!key_id.ok()) return key_id.error();
  if (key_id->has_value()) S3LAB_TRY(protocol::CheckLength(**key_id, "KeyId", 1, 2048));
  in.key_id = std::move(*key_id);
  auto context = ParseContext(body, "EncryptionContext");
  if (!context.ok()) return context.error();
  in.context = std::move(*context);
  S3LAB_TRY(ParseAlgorithm(body, "EncryptionAlgorithm"));
  auto dry_run = protocol::OptionalBool(body, "DryRun");
  if (!dry_run.ok()) return dry_run.error();
  in.dry_run = dry_run->value_or(false);
  return in;
}

Result<Decrypt::Plan> Decrypt::Prepare(RequestContext& ctx, const Input& in) {
  auto blob = model::ParseBlob(in.ciphertext_blob);
  if (!blob.ok()) return blob.error();
  auto key = KeyForBlob(ctx, *blob, in.key_id);
  if (!key.ok()) return key.error();
  Plan plan{*key, std::move(*blob), {}};
  plan.auth.push_back(AuthTarget{"kms:Decrypt", plan.key, "", &in.context});
  return plan;
}

Result<Decrypt::Output> Decrypt::Run(RequestContext& /*ctx*/, const Input& in, const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.key, KeyUse::kCrypto));
  if (in.dry_run) return errors::DryRun();
  const model::KeyMaterial* material = plan.key->material(plan.blob.header.material_version);
  if (material == nullptr) return errors::InvalidCiphertext();
  auto plain = model::OpenBlob(plan.blob, material->key.view(), in.context);
  if (!plain.ok()) return plain.error();
  return Output{common::crypto::SecretBytes(std::move(*plain)), plan.key->arn, material->material_id};
}

Json Decrypt::Render(const Output& out) {
  return Json{{"KeyId", out.key_arn},
              {"Plaintext", common::util::Base64Encode(out.plaintext.view())},
              {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"},
              {"KeyMaterialId", out.material_id}};
}

}  // namespace kms::ops
