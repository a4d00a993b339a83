// CancelKeyDeletion: https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html
// PendingDeletion -> Disabled (not Enabled: the key must be re-enabled with EnableKey).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<KeyIdInput> CancelKeyDeletion::Parse(const Json& body) { return ParseKeyIdInput(body); }

Result<KeyPlan> CancelKeyDeletion::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:CancelKeyDeletion", /*allow_alias=*/false);
}

Result<KeyPtr> CancelKeyDeletion::Run(RequestContext& ctx, const Input& /*in*/, const Plan& plan) {
  return ctx.service->Update(*plan.key, [](model::Key& k) -> Status {
    if (k.state != model::KeyState::kPendingDeletion)
      return errors::InvalidState(k.arn + " is not pending deletion.");
    k.state = model::KeyState::kDisabled;
    k.deletion_millis = 0;
    k.pending_window_days = 0;
    return common::Ok{};
  });
}

Json CancelKeyDeletion::Render(const KeyPtr& key) { return Json{{"KeyId", key->arn}}; }

}  // namespace kms::ops
