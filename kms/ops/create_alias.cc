// CreateAlias: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
// Needs kms:CreateAlias on the alias (IAM policy) and on the key (key policy). The target must be a key
// ID or key ARN of the caller's account and region, never an alias.
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<AliasInput> CreateAlias::Parse(const Json& body) {
  return ParseAliasAndTarget(body);
}

Result<KeyPlan> CreateAlias::Prepare(RequestContext& ctx, const Input& in) {
  S3LAB_TRY(CheckTargetIsKey(in.target_key_id));
  auto plan = PlanForKey(ctx, in.target_key_id, "kms:CreateAlias", /*allow_alias=*/false);
  if (!plan.ok()) return plan.error();
  std::string alias_arn = AliasArn(ctx, in.alias_name);
  plan->auth.push_back(AuthTarget{"kms:CreateAlias", nullptr, alias_arn, nullptr});
  return plan;
}

Result<NoOutput> CreateAlias::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.key, KeyUse::kManage));
  if (plan.key->account_id != ctx.account_id) return errors::KeyDoesNotExist(plan.key->arn);
  auto& registry = ctx.service->registry();
  auto lock = registry.WriteLock();
  model::Alias alias{ctx.account_id,   ctx.region,     in.alias_name,
                     plan.key->key_id, ctx.now_millis, ctx.now_millis};
  if (registry.FindAlias(ctx.account_id, ctx.region, in.alias_name))
    return errors::AlreadyExists("An alias with the name " + alias.arn() + " already exists");
  S3LAB_TRY(registry.PutAlias(alias));
  return NoOutput{};
}

Json CreateAlias::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
