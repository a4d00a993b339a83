// UpdateAlias: https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html
// Points an existing alias at another key. Needs kms:UpdateAlias on the alias (IAM policy), on the
// current key and on the new key (key policies).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<AliasInput> UpdateAlias::Parse(const Json& body) {
  return ParseAliasAndTarget(body);
}

Result<KeyPlan> UpdateAlias::Prepare(RequestContext& ctx, const Input& in) {
  std::string alias_arn = AliasArn(ctx, in.alias_name);
  auto alias = ctx.service->registry().FindAlias(ctx.account_id, ctx.region, in.alias_name);
  if (!alias) return errors::AliasNotFound(alias_arn);
  S3LAB_TRY(CheckTargetIsKey(in.target_key_id));
  auto plan = PlanForKey(ctx, in.target_key_id, "kms:UpdateAlias", /*allow_alias=*/false);
  if (!plan.ok()) return plan.error();
  if (KeyPtr current = ctx.service->registry().FindKey(ctx.account_id, ctx.region, alias->target_key_id))
    plan->auth.push_back(AuthTarget{"kms:UpdateAlias", current, "", nullptr});
  plan->auth.push_back(AuthTarget{"kms:UpdateAlias", nullptr, alias_arn, nullptr});
  return plan;
}

Result<NoOutput> UpdateAlias::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  S3LAB_TRY(KmsService::CheckState(*plan.key, KeyUse::kManage));
  if (plan.key->account_id != ctx.account_id) return errors::KeyDoesNotExist(plan.key->arn);
  auto& registry = ctx.service->registry();
  auto lock = registry.WriteLock();
  auto alias = registry.FindAlias(ctx.account_id, ctx.region, in.alias_name);
  if (!alias)
    return errors::AliasNotFound(AliasArn(ctx, in.alias_name));
  alias->target_key_id = plan.key->key_id;
  alias->updated_millis = ctx.now_millis;
  S3LAB_TRY(registry.PutAlias(*alias));
  return NoOutput{};
}

Json UpdateAlias::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
