#include "kms/authz/authorizer.h"

#include "common/audit/record.h"
#include "common/util/clock.h"
#include "common/util/strings.h"
#include "kms/model/errors.h"

namespace kms::authz {

namespace {

const std::vector<common::policy::NamedPolicy>& IdentityPolicies(const ops::RequestContext& ctx) {
  static const std::vector<common::policy::NamedPolicy> kNone;
  return ctx.identity_policies ? *ctx.identity_policies : kNone;
}

std::string ResourceOf(const ops::AuthTarget& target) {
  return target.key ? target.key->arn : (target.resource_arn.empty() ? "*" : target.resource_arn);
}

// The key policy that decides for target (none for account-level actions and aliases).
const common::policy::NamedPolicy* KeyPolicy(const ops::AuthTarget& target,
                                             const common::policy::NamedPolicy* override_policy) {
  if (!target.key) return nullptr;
  static const common::policy::NamedPolicy kEmpty{"key policy", {}};
  const common::policy::NamedPolicy* policy = override_policy ? override_policy : target.key->policy.get();
  return policy ? policy : &kEmpty;
}

}  // namespace

common::policy::Context BuildContext(const ops::RequestContext& ctx, const ops::AuthTarget& target) {
  common::policy::Context c;
  c.action = target.action;
  c.resource = ResourceOf(target);
  c.resource_account = target.key ? target.key->account_id : ctx.account_id;
  c.principal = ctx.principal;
  c.Set("aws:currenttime", common::util::FormatIso8601Seconds(ctx.now_millis));
  c.Set("aws:securetransport", ctx.secure_transport ? "true" : "false");
  if (!ctx.source_ip.empty()) c.Set("aws:sourceip", ctx.source_ip);
  c.Set("aws:principalarn", ctx.principal.arn);
  c.Set("aws:principalaccount", ctx.principal.account_id);
  c.Set("aws:principaltype",
        ctx.principal.type == common::identity::PrincipalType::kRoot ? "Account" : "User");
  if (!ctx.principal.user_name.empty()) c.Set("aws:username", ctx.principal.user_name);
  if (!ctx.principal.user_id.empty()) c.Set("aws:userid", ctx.principal.user_id);
  c.Set("kms:calleraccount", ctx.principal.account_id);
  if (!ctx.via_service.empty()) c.Set("kms:viaservice", ctx.via_service);
  if (target.encryption_context != nullptr) {
    for (const auto& [k, v] : *target.encryption_context) {
      c.Set("kms:encryptioncontext:" + common::util::ToLower(k), v);
      c.Add("kms:encryptioncontextkeys", k);
    }
  }
  return c;
}

common::policy::Decision Decide(const ops::RequestContext& ctx, const ops::AuthTarget& target,
                                const common::policy::NamedPolicy* key_policy) {
  common::policy::Context c = BuildContext(ctx, target);
  if (const common::policy::NamedPolicy* policy = KeyPolicy(target, key_policy))
    return common::policy::AuthorizeKms(c, IdentityPolicies(ctx), *policy, target.key->account_id);
  return common::policy::Authorize(c, IdentityPolicies(ctx), nullptr);
}

common::Status Authorize(const ops::RequestContext& ctx, const ops::AuthTarget& target, std::string* decision) {
  common::policy::Decision d = Decide(ctx, target);
  if (d.allowed()) return common::Ok{};
  if (decision != nullptr) {
    // Denials only: the context is built once more rather than kept from Decide on every request.
    *decision = common::audit::DecisionText(
        common::policy::Explain(d, BuildContext(ctx, target), IdentityPolicies(ctx), KeyPolicy(target, nullptr)));
  }
  return errors::AccessDenied(DenialMessage(ctx, target, d));
}

std::string DenialMessage(const ops::RequestContext& ctx, const ops::AuthTarget& target,
                          const common::policy::Decision& decision) {
  return common::policy::NotAuthorizedMessage(ctx.principal.arn, target.action, ResourceOf(target), decision);
}

}  // namespace kms::authz
