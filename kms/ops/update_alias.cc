// UpdateAlias: https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html
// Points an existing alias at another key. Needs kms:UpdateAlias on the alias (IAM policy), on the
// current key and on the new key (key policies).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<AliasInput> UpdateAlias::Parse(const Json& body) {
  auto name = protocol::RequiredString(body, "AliasName", 1, 256);
  if (!name.ok()) return name.error();
  auto target = protocol::RequiredString(body, "TargetKeyId", 1, 2048);
  if (!target.ok()) return target.error();
  S3LAB_TRY(ValidateAliasName(*name));
  return AliasInput{std::move(*name), std::move(*target)};
}

Result<KeyPlan> UpdateAlias::Prepare(RequestContext& ctx, const Input& in) {
  std::string alias_arn = "arn:aws:kms:" + ctx.region + ":" + ctx.account_id + ":" + in.alias_name;
  auto alias = ctx.service->registry().FindAlias(ctx.account_id, ctx.region, in.alias_name);
  if (!alias) return errors::AliasNotFound(alias_arn);
  if (in.target_key_id.rfind("alias/", 0) == 0 || in.target_key_id.find(":alias/") != std::string::npos)
    return errors::Validation("Aliases must refer to keys. Not aliases");
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
    return errors::AliasNotFound("arn:aws:kms:" + ctx.region + ":" + ctx.account_id + ":" + in.alias_name);
  alias->target_key_id = plan.key->key_id;
  alias->updated_millis = ctx.now_millis;
  S3LAB_TRY(registry.PutAlias(*alias));
  return NoOutput{};
}

Json UpdateAlias::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
