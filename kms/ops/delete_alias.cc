// DeleteAlias: https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteAlias.html
// Needs kms:DeleteAlias on the alias (IAM policy) and on its key (key policy).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<AliasInput> DeleteAlias::Parse(const Json& body) {
  auto name = protocol::RequiredString(body, "AliasName", 1, 256);
  if (!name.ok()) return name.error();
  S3LAB_TRY(ValidateAliasName(*name));
  return AliasInput{std::move(*name), ""};
}

Result<KeyPlan> DeleteAlias::Prepare(RequestContext& ctx, const Input& in) {
  std::string alias_arn = AliasArn(ctx, in.alias_name);
  auto alias = ctx.service->registry().FindAlias(ctx.account_id, ctx.region, in.alias_name);
  if (!alias) return errors::AliasNotFound(alias_arn);
  KeyPlan plan;
  plan.key = ctx.service->registry().FindKey(ctx.account_id, ctx.region, alias->target_key_id);
  if (plan.key) plan.auth.push_back(AuthTarget{"kms:DeleteAlias", plan.key, "", nullptr});
  plan.auth.push_back(AuthTarget{"kms:DeleteAlias", nullptr, alias_arn, nullptr});
  return plan;
}

Result<NoOutput> DeleteAlias::Run(RequestContext& ctx, const Input& in, const Plan& /*plan*/) {
  S3LAB_TRY(ctx.service->registry().DeleteAlias(ctx.account_id, ctx.region, in.alias_name));
  return NoOutput{};
}

Json DeleteAlias::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
