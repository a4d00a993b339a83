// DisableKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html
// Enabled -> Disabled: crypto operations then answer DisabledException "<arn> is disabled.".
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<KeyIdInput> DisableKey::Parse(const Json& body) { return ParseKeyIdInput(body); }

Result<KeyPlan> DisableKey::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:DisableKey", /*allow_alias=*/false);
}

Result<NoOutput> DisableKey::Run(RequestContext& ctx, const Input& /*in*/, const Plan& plan) {
  auto updated = ctx.service->Update(*plan.key, [](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kManage));
    k.state = model::KeyState::kDisabled;
    return common::Ok{};
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json DisableKey::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
