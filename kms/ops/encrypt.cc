// Encrypt: https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
// Up to 4096 bytes under a symmetric key; the encryption context is bound as AAD.
#include "common/util/encoding.h"
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<Encrypt::Input> Encrypt::Parse(const Json& body) {
  Input in;
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  in.key_id = std::move(*key_id);
  auto plaintext = protocol::OptionalBlob(body, "Plaintext", 1, 4096);
  if (!plaintext.ok()) return plaintext.error();
  if (!plaintext->has_value())
    return errors::Validation(
        "1 validation error detected: Value null at 'plaintext' failed to satisfy constraint: Member must "
        "not be null");
  in.plaintext = common::crypto::SecretBytes(std::move(**plaintext));
  auto context = ParseContext(body, "EncryptionContext");
  if (!context.ok()) return context.error();
  in.context = std::move(*context);
  S3LAB_TRY(ParseAlgorithm(body, "EncryptionAlgorithm"));
  auto dry_run = protocol::OptionalBool(body, "DryRun");
  if (!dry_run.ok()) return dry_run.error();
  in.dry_run = dry_run->value_or(false);
  return in;
}

Result<Encrypt::Plan> Encrypt::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:Encrypt", /*allow_alias=*/true, &in.context);
}

Result<Encrypt::Output> Encrypt::Run(RequestContext& /*ctx*/, const Input& in, const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.key, KeyUse::kCrypto));
  if (in.dry_run) return errors::DryRun();
  return Output{SealWithKey(*plan.key, in.plaintext.view(), in.context), plan.key->arn};
}

Json Encrypt::Render(const Output& out) {
  return Json{{"CiphertextBlob", common::util::Base64Encode(out.ciphertext_blob)},
              {"KeyId", out.key_arn},
              {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
}

}  // namespace kms::ops
