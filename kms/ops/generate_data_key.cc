// GenerateDataKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
// A fresh random data key, returned in plaintext and sealed under the KMS key. This is the hot path of
// SSE-KMS: no SQL, no JSON beyond the request and the reply.
#include "common/util/encoding.h"
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<DataKeyInput> ParseDataKeyInput(const Json& body) {
  DataKeyInput in;
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  in.key_id = std::move(*key_id);
  auto spec = protocol::OptionalString(body, "KeySpec");
  if (!spec.ok()) return spec.error();
  auto bytes = protocol::OptionalInt(body, "NumberOfBytes");
  if (!bytes.ok()) return bytes.error();
  if (spec->has_value()) S3LAB_TRY(protocol::CheckEnum(**spec, "KeySpec", {"AES_256", "AES_128"}));
  if (bytes->has_value()) S3LAB_TRY(protocol::CheckRange(**bytes, "NumberOfBytes", 1, 1024));
  if (spec->has_value() == bytes->has_value())
    return errors::Validation("Please specify either number of bytes or key spec.");
  in.number_of_bytes = bytes->has_value() ? static_cast<size_t>(**bytes) : (**spec == "AES_128" ? 16 : 32);
  auto context = ParseContext(body, "EncryptionContext");
  if (!context.ok()) return context.error();
  in.context = std::move(*context);
  auto dry_run = protocol::OptionalBool(body, "DryRun");
  if (!dry_run.ok()) return dry_run.error();
  in.dry_run = dry_run->value_or(false);
  return in;
}

Result<GenerateDataKey::Plan> GenerateDataKey::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:GenerateDataKey", /*allow_alias=*/true, &in.context);
}

Result<GenerateDataKey::Output> GenerateDataKey::Run(RequestContext& /*ctx*/, const Input& in,
                                                     const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.key, KeyUse::kCrypto));
  if (in.dry_run) return errors::DryRun();
  Output out;
  // One RAND_bytes call for the data key and the blob's IV.
  common::crypto::SecretBytes random(common::crypto::RandomBytes(in.number_of_bytes + 12));
  out.plaintext = common::crypto::SecretBytes(std::string(random.view().substr(0, in.number_of_bytes)));
  out.ciphertext_blob =
      SealWithKey(*plan.key, out.plaintext.view(), in.context, random.view().substr(in.number_of_bytes));
  out.key_arn = plan.key->arn;
  out.material_id = plan.key->current_material()->material_id;
  return out;
}

Json GenerateDataKey::Render(const Output& out) {
  return Json{{"CiphertextBlob", common::util::Base64Encode(out.ciphertext_blob)},
              {"Plaintext", common::util::Base64Encode(out.plaintext.view())},
              {"KeyId", out.key_arn},
              {"KeyMaterialId", out.material_id}};
}

}  // namespace kms::ops
