// PutKeyPolicy: https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
// Replaces the key policy after the policy lockout safety check (skipped with
// BypassPolicyLockoutSafetyCheck). Malformed documents answer MalformedPolicyDocumentException.
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<KeyPolicyInput> PutKeyPolicy::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  auto policy = protocol::RequiredString(body, "Policy", 1, 131072);
  if (!policy.ok()) return policy.error();
  KeyPolicyInput in;
  in.key_id = std::move(*key_id);
  in.policy = std::move(*policy);
  auto name = protocol::OptionalString(body, "PolicyName");
  if (!name.ok()) return name.error();
  if (name->has_value()) {
    S3LAB_TRY(protocol::CheckLength(**name, "PolicyName", 1, 128));
    in.policy_name = **name;
  }
  auto bypass = protocol::OptionalBool(body, "BypassPolicyLockoutSafetyCheck");
  if (!bypass.ok()) return bypass.error();
  in.bypass_lockout_check = bypass->value_or(false);
  return in;
}

Result<KeyPlan> PutKeyPolicy::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:PutKeyPolicy", /*allow_alias=*/false);
}

Result<NoOutput> PutKeyPolicy::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  if (in.policy_name != "default") return errors::NotFound("No such policy exists");
  auto parsed = common::policy::Parse(in.policy, common::policy::PolicyType::kResource);
  if (!parsed.ok()) return errors::MalformedPolicyDocument(parsed.error().message);
  if (!in.bypass_lockout_check)
    S3LAB_TRY(
        CheckPolicyLockout(ctx, plan.key->account_id, common::policy::NamedPolicy{"key policy", *parsed}));
  auto updated = ctx.service->Update(*plan.key, [&](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kDescribe));
    return KmsService::SetPolicy(k, in.policy);
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json PutKeyPolicy::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
