// ScheduleKeyDeletion: https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
// PendingWindowInDays 7..30 (default 30). The key is deleted, with its aliases and material, once the
// lab clock passes DeletionDate (`s3lab clock +30d` makes that happen now).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

namespace {
constexpr int64_t kDayMillis = 24LL * 3600 * 1000;
}

Result<ScheduleKeyDeletionInput> ScheduleKeyDeletion::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  ScheduleKeyDeletionInput in{std::move(*key_id), 30};
  auto days = protocol::OptionalInt(body, "PendingWindowInDays");
  if (!days.ok()) return days.error();
  if (days->has_value()) {
    S3LAB_TRY(protocol::CheckRange(**days, "PendingWindowInDays", 1, 365));
    if (**days < 7 || **days > 30)
      return errors::Validation("PendingWindowInDays should be between 7 and 30, but it is " +
                                std::to_string(**days));
    in.pending_window_days = static_cast<int>(**days);
  }
  return in;
}

Result<KeyPlan> ScheduleKeyDeletion::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:ScheduleKeyDeletion", /*allow_alias=*/false);
}

Result<KeyPtr> ScheduleKeyDeletion::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  int64_t now = ctx.service->NowMillis();
  return ctx.service->Update(*plan.key, [&](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kManage));
    k.state = model::KeyState::kPendingDeletion;
    k.pending_window_days = in.pending_window_days;
    k.deletion_millis = now + in.pending_window_days * kDayMillis;
    return common::Ok{};
  });
}

Json ScheduleKeyDeletion::Render(const KeyPtr& key) {
  return Json{{"KeyId", key->arn},
              {"DeletionDate", EpochSeconds(key->deletion_millis)},
              {"KeyState", "PendingDeletion"},
              {"PendingWindowInDays", key->pending_window_days}};
}

}  // namespace kms::ops
