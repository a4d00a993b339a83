// EnableKeyRotation: https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html
// RotationPeriodInDays 90..2560 (default 365). When the lab clock passes NextRotationDate the key gets
// new material on its next use; older material stays for Decrypt (see service.h).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

namespace {
constexpr int64_t kDayMillis = 24LL * 3600 * 1000;
}

Result<EnableKeyRotationInput> EnableKeyRotation::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  EnableKeyRotationInput in{std::move(*key_id), 365};
  auto days = protocol::OptionalInt(body, "RotationPeriodInDays");
  if (!days.ok()) return days.error();
  if (days->has_value()) {
    S3LAB_TRY(protocol::CheckRange(**days, "RotationPeriodInDays", 90, 2560));
    in.rotation_period_days = static_cast<int>(**days);
  }
  return in;
}

Result<KeyPlan> EnableKeyRotation::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:EnableKeyRotation", /*allow_alias=*/false);
}

Result<NoOutput> EnableKeyRotation::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  int64_t now = ctx.service->NowMillis();
  auto updated = ctx.service->Update(*plan.key, [&](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kCrypto));
    k.rotation_enabled = true;
    k.rotation_period_days = in.rotation_period_days;
    k.next_rotation_millis = now + in.rotation_period_days * kDayMillis;
    return common::Ok{};
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json EnableKeyRotation::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
