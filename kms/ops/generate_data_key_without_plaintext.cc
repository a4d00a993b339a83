// GenerateDataKeyWithoutPlaintext:
// https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyWithoutPlaintext.html
// Same as GenerateDataKey, but only the sealed copy leaves KMS.
#include "common/util/encoding.h"
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"

namespace kms::ops {

Result<GenerateDataKeyWithoutPlaintext::Plan> GenerateDataKeyWithoutPlaintext::Prepare(RequestContext& ctx,
                                                                                       const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:GenerateDataKeyWithoutPlaintext", /*allow_alias=*/true, &in.context);
}

Result<GenerateDataKeyWithoutPlaintext::Output> GenerateDataKeyWithoutPlaintext::Run(RequestContext& /*ctx*/,
                                                                                     const Input& in,
                                                                                     const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.key, KeyUse::kCrypto));
  if (in.dry_run) return errors::DryRun();
  common::crypto::SecretBytes data_key = common::crypto::RandomKey(in.number_of_bytes);
  return Output{SealWithKey(*plan.key, data_key.view(), in.context), plan.key->arn,
                plan.key->current_material()->material_id};
}

Json GenerateDataKeyWithoutPlaintext::Render(const Output& out) {
  return Json{{"CiphertextBlob", common::util::Base64Encode(out.ciphertext_blob)},
              {"KeyId", out.key_arn},
              {"KeyMaterialId", out.material_id}};
}

}  // namespace kms::ops
