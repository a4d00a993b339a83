// ReEncrypt: https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html
// Decrypts under the source key and encrypts under the destination key without exposing the plaintext.
// Needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key.
#include "common/util/encoding.h"
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<ReEncrypt::Input> ReEncrypt::Parse(const Json& body) {
  Input in;
  auto blob = ParseCiphertextBlob(body);
  if (!blob.ok()) return blob.error();
  in.ciphertext_blob = std::move(*blob);
  auto source = protocol::OptionalString(body, "SourceKeyId");
  if (!source.ok()) return source.error();
  if (source->has_value()) S3LAB_TRY(protocol::CheckLength(**source, "SourceKeyId", 1, 2048));
  in.source_key_id = std::move(*source);
  auto destination = protocol::RequiredString(body, "DestinationKeyId", 1, 2048);
  if (!destination.ok()) return destination.error();
  in.destination_key_id = std::move(*destination);
  auto source_context = ParseContext(body, "SourceEncryptionContext");
  if (!source_context.ok()) return source_context.error();
  in.source_context = std::move(*source_context);
  auto destination_context = ParseContext(body, "DestinationEncryptionContext");
  if (!destination_context.ok()) return destination_context.error();
  in.destination_context = std::move(*destination_context);
  S3LAB_TRY(ParseAlgorithm(body, "SourceEncryptionAlgorithm"));
  S3LAB_TRY(ParseAlgorithm(body, "DestinationEncryptionAlgorithm"));
  auto dry_run = protocol::OptionalBool(body, "DryRun");
  if (!dry_run.ok()) return dry_run.error();
  in.dry_run = dry_run->value_or(false);
  return in;
}

Result<ReEncrypt::Plan> ReEncrypt::Prepare(RequestContext& ctx, const Input& in) {
  auto blob = model::ParseBlob(in.ciphertext_blob);
  if (!blob.ok()) return blob.error();
  auto source = KeyForBlob(ctx, *blob, in.source_key_id);
  if (!source.ok()) return source.error();
  auto destination = ctx.service->Resolve(in.destination_key_id, ctx.account_id, ctx.region, true);
  if (!destination.ok()) return destination.error();
  Plan plan{*source, *destination, std::move(*blob), {}};
  plan.auth.push_back(AuthTarget{"kms:ReEncryptFrom", plan.source, "", &in.source_context});
  plan.auth.push_back(AuthTarget{"kms:ReEncryptTo", plan.destination, "", &in.destination_context});
  return plan;
}

Result<ReEncrypt::Output> ReEncrypt::Run(RequestContext& /*ctx*/, const Input& in, const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.source, KeyUse::kCrypto));
  S3LAB_TRY(KmsService::CheckState(*plan.destination, KeyUse::kCrypto));
  if (in.dry_run) return errors::DryRun();
  const model::KeyMaterial* material = plan.source->material(plan.blob.header.material_version);
  if (material == nullptr) return errors::InvalidCiphertext();
  auto plain = model::OpenBlob(plan.blob, material->key.view(), in.source_context);
  if (!plain.ok()) return plain.error();
  common::crypto::SecretBytes secret(std::move(*plain));
  Output out;
  out.ciphertext_blob = SealWithKey(*plan.destination, secret.view(), in.destination_context);
  out.source_key_arn = plan.source->arn;
  out.key_arn = plan.destination->arn;
  out.source_material_id = material->material_id;
  out.destination_material_id = plan.destination->current_material()->material_id;
  return out;
}

Json ReEncrypt::Render(const Output& out) {
  return Json{{"CiphertextBlob", common::util::Base64Encode(out.ciphertext_blob)},
              {"SourceKeyId", out.source_key_arn},
              {"KeyId", out.key_arn},
              {"SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT"},
              {"DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT"},
              {"SourceKeyMaterialId", out.source_material_id},
              {"DestinationKeyMaterialId", out.destination_material_id}};
}

}  // namespace kms::ops
