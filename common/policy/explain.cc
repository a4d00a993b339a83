// Explain (policy.h): a denial in words, for the audit trail's `decision` column and the console. Runs
// only after a denial, so it may build strings and evaluate policies again: an implicit deny re-runs
// Evaluate on each policy to find an Allow that matched but did not suffice on its own (a key policy
// that delegates to the account, one side of a cross-account grant).
#include "common/policy/policy.h"

namespace common::policy {
namespace {

constexpr const char* kIdentityKind = "identity-based";

std::string Label(const NamedPolicy& policy, PolicyType type, const Context& context) {
  if (type == PolicyType::kIdentity) {
    const identity::Principal& p = context.principal;
    const std::string owner = p.type == identity::PrincipalType::kUser ? "user " + p.user_name : p.arn;
    return "identity policy " + policy.name + " of " + owner;
  }
  return policy.name + " of " + (policy.attached_to.empty() ? context.resource : policy.attached_to);
}

// "DenyAlice" (Statement[1]) / Statement[1]
std::string StatementName(const std::string& sid, int index) {
  const std::string position = "Statement[" + std::to_string(index) + "]";
  return sid.empty() ? position : "\"" + sid + "\" (" + position + ")";
}

}  // namespace

Explanation Explain(const Decision& decision, const Context& context,
                    const std::vector<NamedPolicy>& identity_policies, const NamedPolicy* resource_policy) {
  Explanation why;
  why.effect = decision.effect;
  why.policy_kind = decision.policy_kind;
  if (decision.effect == Effect::kAllow) return why;
  if (decision.effect == Effect::kExplicitDeny) {
    const bool identity = decision.policy_kind == kIdentityKind;
    const NamedPolicy* from = identity ? nullptr : resource_policy;
    for (size_t i = 0; identity && from == nullptr && i < identity_policies.size(); ++i)
      if (identity_policies[i].name == decision.policy_name) from = &identity_policies[i];
    const PolicyType type = identity ? PolicyType::kIdentity : PolicyType::kResource;
    why.policy = from != nullptr ? Label(*from, type, context) : decision.policy_name;
    why.sid = decision.statement_sid;
    why.statement_index = decision.statement_index;
    const int index = decision.statement_index;
    if (from != nullptr && index >= 0 && static_cast<size_t>(index) < from->policy.statements.size())
      why.statement = from->policy.statements[static_cast<size_t>(index)].text;
    why.reason = "explicit Deny in statement " + StatementName(why.sid, index) + " of " + why.policy;
    return why;
  }
  // Implicit deny: every policy evaluated, and an Allow that matched without being enough, if any.
  std::string partial;
  auto consider = [&](const NamedPolicy& policy, PolicyType type) {
    why.considered.push_back(Label(policy, type, context));
    if (!partial.empty()) return;
    const Decision d = Evaluate(policy, context, type);
    if (d.allowed()) partial = StatementName(d.statement_sid, d.statement_index) + " of " + why.considered.back();
  };
  for (const auto& p : identity_policies) consider(p, PolicyType::kIdentity);
  if (resource_policy != nullptr) consider(*resource_policy, PolicyType::kResource);
  if (partial.empty()) {
    why.reason = "no statement allows " + context.action;
  } else {
    const std::string kind = decision.policy_kind.empty() ? kIdentityKind : decision.policy_kind;
    why.reason = "no " + kind + " policy allows " + context.action + "; the Allow in statement " + partial +
                 " counts only together with one";
  }
  return why;
}

}  // namespace common::policy
