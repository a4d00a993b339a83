#include "kms/ops/op.h"

namespace kms::ops {

Result<KeyPlan> PlanForKey(RequestContext& ctx, const std::string& key_id, const std::string& action,
                           bool allow_alias, const model::EncryptionContext* context) {
  // An AWS service acting for a principal creates its AWS managed key (alias/aws/<service>) on first use.
  auto key = ctx.service->Resolve(key_id, ctx.account_id, ctx.region, allow_alias,
                                  /*create_aws_managed=*/!ctx.via_service.empty());
  if (!key.ok()) return key.error();
  KeyPlan plan;
  plan.key = *key;
  plan.auth.push_back(AuthTarget{action, plan.key, "", context});
  return plan;
}

}  // namespace kms::ops
