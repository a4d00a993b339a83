// DisableKeyRotation: https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKeyRotation.html
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<KeyIdInput> DisableKeyRotation::Parse(const Json& body) { return ParseKeyIdInput(body); }

Result<KeyPlan> DisableKeyRotation::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:DisableKeyRotation", /*allow_alias=*/false);
}

Result<NoOutput> DisableKeyRotation::Run(RequestContext& ctx, const Input& /*in*/, const Plan& plan) {
  auto updated = ctx.service->Update(*plan.key, [](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kCrypto));
    k.rotation_enabled = false;
    k.next_rotation_millis = 0;
    return common::Ok{};
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json DisableKeyRotation::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
