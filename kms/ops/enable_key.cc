// EnableKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKey.html
// Disabled -> Enabled. A key pending deletion must first be cancelled (KMSInvalidStateException).
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<KeyIdInput> EnableKey::Parse(const Json& body) { return ParseKeyIdInput(body); }

Result<KeyPlan> EnableKey::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:EnableKey", /*allow_alias=*/false);
}

Result<NoOutput> EnableKey::Run(RequestContext& ctx, const Input& /*in*/, const Plan& plan) {
  auto updated = ctx.service->Update(*plan.key, [](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kManage));
    k.state = model::KeyState::kEnabled;
    return common::Ok{};
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json EnableKey::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
