// GetKeyRotationStatus: https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<KeyIdInput> GetKeyRotationStatus::Parse(const Json& body) { return ParseKeyIdInput(body); }

Result<KeyPlan> GetKeyRotationStatus::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:GetKeyRotationStatus", /*allow_alias=*/false);
}

Result<KeyPtr> GetKeyRotationStatus::Run(RequestContext& /*ctx*/, const Input& /*in*/, const Plan& plan) {
  return plan.key;
}

Json GetKeyRotationStatus::Render(const KeyPtr& key) {
  Json body = {{"KeyRotationEnabled", key->rotation_enabled}, {"KeyId", key->arn}};
  if (key->rotation_enabled) {
    body["RotationPeriodInDays"] = key->rotation_period_days;
    body["NextRotationDate"] = EpochSeconds(key->next_rotation_millis);
  }
  return body;
}

}  // namespace kms::ops
