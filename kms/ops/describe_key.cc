// DescribeKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
// Works in every key state. On a predefined alias/aws/<service> with no key yet it creates the AWS
// managed key, as AWS documents.
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<KeyIdInput> DescribeKey::Parse(const Json& body) { return ParseKeyIdInput(body); }

Result<KeyPlan> DescribeKey::Prepare(RequestContext& ctx, const Input& in) {
  auto key = ctx.service->Resolve(in.key_id, ctx.account_id, ctx.region, true, /*create_aws_managed=*/true);
  if (!key.ok()) return key.error();
  KeyPlan plan{*key, {}};
  plan.auth.push_back(AuthTarget{"kms:DescribeKey", plan.key, "", nullptr});
  return plan;
}

Result<KeyPtr> DescribeKey::Run(RequestContext& /*ctx*/, const Input& /*in*/, const Plan& plan) {
  return plan.key;
}

Json DescribeKey::Render(const KeyPtr& key) { return Json{{"KeyMetadata", KeyMetadataJson(*key)}}; }

}  // namespace kms::ops
