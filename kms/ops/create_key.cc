// CreateKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
// A symmetric encryption key with fresh material, the default key policy unless Policy is given (then
// parsed and checked by the lockout safety check unless BypassPolicyLockoutSafetyCheck), and tags.
// NOTE: only SYMMETRIC_DEFAULT / ENCRYPT_DECRYPT / AWS_KMS single-Region keys exist here; other specs,
// usages, origins, custom key stores and multi-Region keys answer UnsupportedOperationException.
#include "kms/model/default_policies.h"
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

namespace {

Status Unsupported(const std::string& what) {
  return errors::UnsupportedOperation(what +
                                      " is not supported by s3lab; only symmetric encryption keys are.");
}

}  // namespace

Result<CreateKeyInput> CreateKey::Parse(const Json& body) {
  CreateKeyInput in;
  auto policy = protocol::OptionalString(body, "Policy");
  if (!policy.ok()) return policy.error();
  if (policy->has_value()) S3LAB_TRY(protocol::CheckLength(**policy, "Policy", 1, 131072));
  in.policy = std::move(*policy);
  auto description = protocol::OptionalString(body, "Description");
  if (!description.ok()) return description.error();
  if (description->has_value()) {
    S3LAB_TRY(protocol::CheckLength(**description, "Description", 0, 8192));
    in.description = **description;
  }
  static const std::vector<std::string> kSpecs = {"RSA_2048",
                                                  "RSA_3072",
                                                  "RSA_4096",
                                                  "ECC_NIST_P256",
                                                  "ECC_NIST_P384",
                                                  "ECC_NIST_P521",
                                                  "ECC_SECG_P256K1",
                                                  "SYMMETRIC_DEFAULT",
                                                  "HMAC_224",
                                                  "HMAC_256",
                                                  "HMAC_384",
                                                  "HMAC_512",
                                                  "SM2"};
  for (const char* member : {"KeySpec", "CustomerMasterKeySpec"}) {
    auto spec = protocol::OptionalString(body, member);
    if (!spec.ok()) return spec.error();
    if (!spec->has_value()) continue;
    S3LAB_TRY(protocol::CheckEnum(**spec, member, kSpecs));
    if (**spec != "SYMMETRIC_DEFAULT") S3LAB_TRY(Unsupported("KeySpec " + **spec));
  }
  auto usage = protocol::OptionalString(body, "KeyUsage");
  if (!usage.ok()) return usage.error();
  if (usage->has_value()) {
    S3LAB_TRY(protocol::CheckEnum(
        **usage, "KeyUsage", {"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"}));
    if (**usage != "ENCRYPT_DECRYPT") S3LAB_TRY(Unsupported("KeyUsage " + **usage));
  }
  auto origin = protocol::OptionalString(body, "Origin");
  if (!origin.ok()) return origin.error();
  if (origin->has_value()) {
    S3LAB_TRY(protocol::CheckEnum(**origin, "Origin",
                                  {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}));
    if (**origin != "AWS_KMS") S3LAB_TRY(Unsupported("Origin " + **origin));
  }
  auto multi_region = protocol::OptionalBool(body, "MultiRegion");
  if (!multi_region.ok()) return multi_region.error();
  if (multi_region->value_or(false)) S3LAB_TRY(Unsupported("MultiRegion"));
  auto store = protocol::OptionalString(body, "CustomKeyStoreId");
  if (!store.ok()) return store.error();
  if (store->has_value()) S3LAB_TRY(Unsupported("CustomKeyStoreId"));
  auto bypass = protocol::OptionalBool(body, "BypassPolicyLockoutSafetyCheck");
  if (!bypass.ok()) return bypass.error();
  in.bypass_lockout_check = bypass->value_or(false);
  auto tags = protocol::TagList(body, "Tags");
  if (!tags.ok()) return tags.error();
  in.tags = std::move(*tags);
  return in;
}

Result<CreateKeyPlan> CreateKey::Prepare(RequestContext& /*ctx*/, const Input& in) {
  CreateKeyPlan plan;
  plan.auth.push_back(AuthTarget{"kms:CreateKey", nullptr, "*", nullptr});
  if (!in.tags.empty()) plan.auth.push_back(AuthTarget{"kms:TagResource", nullptr, "*", nullptr});
  return plan;
}

Result<KeyPtr> CreateKey::Run(RequestContext& ctx, const Input& in, const Plan& /*plan*/) {
  std::string policy_text = in.policy ? *in.policy : model::DefaultKeyPolicy(ctx.account_id);
  if (in.policy) {
    auto parsed = common::policy::Parse(policy_text, common::policy::PolicyType::kResource);
    if (!parsed.ok()) return errors::MalformedPolicyDocument(parsed.error().message);
    if (!in.bypass_lockout_check)
      S3LAB_TRY(CheckPolicyLockout(ctx, ctx.account_id, common::policy::NamedPolicy{"key policy", *parsed}));
  }
  std::map<std::string, std::string> tags;
  for (const auto& [k, v] : in.tags) {
    if (k.rfind("aws:", 0) == 0) return errors::Tag("Tags beginning with aws: are reserved.");
    tags[k] = v;
  }
  if (tags.size() > 50) return errors::LimitExceeded("A key cannot have more than 50 tags.");
  return ctx.service->CreateKey(ctx.account_id, ctx.region, in.description, policy_text, tags, "CUSTOMER");
}

Json CreateKey::Render(const KeyPtr& key) { return Json{{"KeyMetadata", KeyMetadataJson(*key)}}; }

}  // namespace kms::ops
