// GetKeyPolicy: https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html
// The only policy name is "default" (PolicyName optional).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<KeyPolicyInput> GetKeyPolicy::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  KeyPolicyInput in;
  in.key_id = std::move(*key_id);
  auto name = protocol::OptionalString(body, "PolicyName");
  if (!name.ok()) return name.error();
  if (name->has_value()) {
    S3LAB_TRY(protocol::CheckLength(**name, "PolicyName", 1, 128));
    in.policy_name = **name;
  }
  return in;
}

Result<KeyPlan> GetKeyPolicy::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:GetKeyPolicy", /*allow_alias=*/false);
}

Result<KeyPtr> GetKeyPolicy::Run(RequestContext& /*ctx*/, const Input& in, const Plan& plan) {
  if (in.policy_name != "default") return errors::NotFound("No such policy exists");
  return plan.key;
}

Json GetKeyPolicy::Render(const KeyPtr& key) {
  return Json{{"Policy", key->policy_text}, {"PolicyName", "default"}};
}

}  // namespace kms::ops
