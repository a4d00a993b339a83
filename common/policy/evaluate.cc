// Statement matching and the decision procedures of policy.h: Evaluate (one policy), Authorize
// (identity policies + resource policy, same-account and cross-account rules) and AuthorizeKms (the key
// policy as the gate). A resource-policy statement can name the caller directly (its user ARN, "*", a
// service, or the account when the caller is that account's root) or only the caller's account
// ("111122223333" / its root ARN while the caller is an IAM user): the second delegates to the account,
// so the caller's identity policies must allow too.
#include <cctype>

#include "common/policy/policy.h"
#include "common/policy/policy_internal.h"

namespace common::policy {
namespace {

using identity::PrincipalType;
enum class PrincipalMatch { kNone, kAccount, kDirect };

bool NamesAccount(const std::string& entry, const std::string& account_id) {
  return !account_id.empty() && (entry == account_id || entry == "arn:aws:iam::" + account_id + ":root");
}

PrincipalMatch MatchPrincipal(const PrincipalSpec& spec, const Context& ctx) {
  if (spec.any) return PrincipalMatch::kDirect;
  if (!ctx.service_principal.empty()) {
    for (const auto& s : spec.service)
      if (internal::Lower(s) == internal::Lower(ctx.service_principal)) return PrincipalMatch::kDirect;
  }
  const identity::Principal& p = ctx.principal;
  if (p.anonymous()) return PrincipalMatch::kNone;
  PrincipalMatch best = PrincipalMatch::kNone;
  const bool root = p.type == PrincipalType::kRoot;
  for (const auto& entry : spec.aws) {
    if (entry == p.arn) return PrincipalMatch::kDirect;
    if (NamesAccount(entry, p.account_id)) best = root ? PrincipalMatch::kDirect : PrincipalMatch::kAccount;
  }
  for (const auto& c : spec.canonical_user) {
    if (!p.canonical_user_id.empty() && c == p.canonical_user_id)
      best = root ? PrincipalMatch::kDirect : PrincipalMatch::kAccount;
  }
  return best;
}

// NotPrincipal exempts a caller only when every identity of the request is listed: a user needs its
// ARN and its account listed (AWS: "you must also include the account ARN"), a root its account.
bool ExemptByNotPrincipal(const PrincipalSpec& spec, const Context& ctx) {
  if (!ctx.service_principal.empty()) {
    for (const auto& s : spec.service)
      if (internal::Lower(s) == internal::Lower(ctx.service_principal)) return true;
  }
  const identity::Principal& p = ctx.principal;
  if (p.anonymous()) return false;
  bool account = false, user = false;
  for (const auto& entry : spec.aws) {
    account = account || NamesAccount(entry, p.account_id);
    user = user || entry == p.arn;
  }
  return p.type == PrincipalType::kRoot ? account : (account && user);
}

bool MatchAction(const Statement& st, const std::string& action) {
  bool any = false;
  for (const auto& a : st.actions) any = any || WildcardMatch(a, action, true);
  return any != st.not_action;
}

bool MatchResource(const Statement& st, const Context& ctx, bool variables) {
  bool any = false;
  for (const auto& r : st.resources) {
    if (!variables) {
      any = WildcardMatch(r, ctx.resource, false);
    } else if (auto pattern = internal::SubstituteVariables(r, ctx)) {
      any = WildcardMatch(*pattern, ctx.resource, false);
    }
    if (any) break;
  }
  return any != st.not_resource;
}

// What one policy says about the request.
struct Outcome {
  Decision deny;   // effect kExplicitDeny when a Deny statement matched
  Decision allow;  // effect kAllow when an Allow statement matched (direct preferred)
  PrincipalMatch allow_match = PrincipalMatch::kNone;
};

Decision Decided(Effect effect, const NamedPolicy& policy, size_t index, PolicyType type) {
  Decision d;
  d.effect = effect;
  d.policy_name = policy.name;
  d.statement_sid = policy.policy.statements[index].sid;
  d.statement_index = static_cast<int>(index);
  d.policy_kind = type == PolicyType::kIdentity ? "identity-based" : "resource-based";
  return d;
}

Outcome Examine(const NamedPolicy& named, const Context& ctx, PolicyType type) {
  Outcome out;
  const bool variables = named.policy.version == "2012-10-17";
  const auto& statements = named.policy.statements;
  for (size_t i = 0; i < statements.size(); ++i) {
    const Statement& st = statements[i];
    PrincipalMatch match = PrincipalMatch::kDirect;
    if (type == PolicyType::kResource) {
      if (!st.has_principal) continue;
      if (st.not_principal) {
        match = ExemptByNotPrincipal(st.principal, ctx) ? PrincipalMatch::kNone : PrincipalMatch::kDirect;
      } else {
        match = MatchPrincipal(st.principal, ctx);
      }
      if (match == PrincipalMatch::kNone) continue;
    }
    if (!MatchAction(st, ctx.action) || !MatchResource(st, ctx, variables)) continue;
    bool conditions = true;
    for (const auto& c : st.conditions) {
      if (!internal::EvaluateCondition(c, ctx, variables)) {
        conditions = false;
        break;
      }
    }
    if (!conditions) continue;
    if (!st.allow) {
      out.deny = Decided(Effect::kExplicitDeny, named, i, type);
      return out;  // an explicit deny ends the evaluation
    }
    if (match > out.allow_match) {
      out.allow = Decided(Effect::kAllow, named, i, type);
      out.allow_match = match;
    }
  }
  return out;
}

Decision ImplicitDeny(const char* missing_kind) {
  Decision d;
  d.policy_kind = missing_kind;
  return d;
}

constexpr const char* kIdentityKind = "identity-based";
constexpr const char* kResourceKind = "resource-based";

}  // namespace

void Context::Set(const std::string& key, std::string value) {
  keys[internal::Lower(key)] = std::vector<std::string>{std::move(value)};
}

void Context::Add(const std::string& key, std::string value) {
  keys[internal::Lower(key)].push_back(std::move(value));
}

bool WildcardMatch(std::string_view pattern, std::string_view value, bool case_insensitive) {
  auto eq = [case_insensitive](char a, char b) {
    if (!case_insensitive) return a == b;
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  size_t p = 0, v = 0, star = std::string_view::npos, resume = 0;
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] != '*' && (pattern[p] == '?' || eq(pattern[p], value[v]))) {
      ++p, ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Decision Evaluate(const NamedPolicy& policy, const Context& context, PolicyType type) {
  Outcome out = Examine(policy, context, type);
  if (out.deny.effect == Effect::kExplicitDeny) return out.deny;
  if (out.allow.effect == Effect::kAllow) return out.allow;
  return ImplicitDeny(type == PolicyType::kIdentity ? kIdentityKind : kResourceKind);
}

Decision Authorize(const Context& context, const std::vector<NamedPolicy>& identity_policies,
                   const NamedPolicy* resource_policy) {
  Decision identity_allow;
  for (const auto& p : identity_policies) {
    Outcome o = Examine(p, context, PolicyType::kIdentity);
    if (o.deny.effect == Effect::kExplicitDeny) return o.deny;
    if (identity_allow.effect != Effect::kAllow && o.allow.effect == Effect::kAllow) identity_allow = o.allow;
  }
  Outcome resource;
  if (resource_policy) {
    resource = Examine(*resource_policy, context, PolicyType::kResource);
    if (resource.deny.effect == Effect::kExplicitDeny) return resource.deny;
  }
  const identity::Principal& p = context.principal;
  const bool resource_direct = resource.allow_match == PrincipalMatch::kDirect;
  if (p.anonymous()) return resource_direct ? resource.allow : ImplicitDeny(kResourceKind);
  if (p.type == PrincipalType::kRoot && identity_allow.effect != Effect::kAllow) {
    identity_allow.effect = Effect::kAllow;  // the root user needs no identity policy
  }
  const bool identity_ok = identity_allow.effect == Effect::kAllow;
  const bool same_account = context.resource_account.empty() || context.resource_account == p.account_id;
  if (same_account) {
    if (identity_ok) return identity_allow;
    if (resource_direct) return resource.allow;
    return ImplicitDeny(kIdentityKind);
  }
  if (!identity_ok) return ImplicitDeny(kIdentityKind);
  if (resource.allow_match == PrincipalMatch::kNone) return ImplicitDeny(kResourceKind);
  return resource.allow;
}

Decision AuthorizeKms(const Context& context, const std::vector<NamedPolicy>& identity_policies,
                      const NamedPolicy& key_policy, const std::string& key_account_id) {
  Outcome key = Examine(key_policy, context, PolicyType::kResource);
  if (key.deny.effect == Effect::kExplicitDeny) return key.deny;
  Decision identity_allow;
  for (const auto& p : identity_policies) {
    Outcome o = Examine(p, context, PolicyType::kIdentity);
    if (o.deny.effect == Effect::kExplicitDeny) return o.deny;
    if (identity_allow.effect != Effect::kAllow && o.allow.effect == Effect::kAllow) identity_allow = o.allow;
  }
  const identity::Principal& p = context.principal;
  if (p.anonymous()) {
    return key.allow_match == PrincipalMatch::kDirect ? key.allow : ImplicitDeny(kResourceKind);
  }
  const bool root = p.type == PrincipalType::kRoot;
  const bool identity_ok = root || identity_allow.effect == Effect::kAllow;
  if (key.allow_match == PrincipalMatch::kNone) return ImplicitDeny(kResourceKind);
  if (p.account_id == key_account_id) {
    if (key.allow_match == PrincipalMatch::kDirect) return key.allow;
    if (!identity_ok) return ImplicitDeny(kIdentityKind);
    return identity_allow.effect == Effect::kAllow ? identity_allow : key.allow;
  }
  // Cross account: the key policy must let the caller (or its account) in and the caller's own
  // account must allow it through an identity policy (its root needs none).
  if (!identity_ok) return ImplicitDeny(kIdentityKind);
  return key.allow;
}

std::string DenialReason(const Decision& decision, const std::string& action) {
  switch (decision.effect) {
    case Effect::kAllow:
      return "";
    case Effect::kExplicitDeny:
      return "with an explicit deny in " + std::string(decision.policy_kind == kIdentityKind ? "an " : "a ") +
             decision.policy_kind + " policy";
    case Effect::kImplicitDeny:
      break;
  }
  return "because no " + (decision.policy_kind.empty() ? std::string(kIdentityKind) : decision.policy_kind) +
         " policy allows the " + action + " action";
}

std::string NotAuthorizedMessage(const std::string& principal_arn, const std::string& action,
                                 const std::string& resource, const Decision& decision) {
  return "User: " + principal_arn + " is not authorized to perform: " + action +
         (resource.empty() ? "" : " on resource: " + resource) + " " + DenialReason(decision, action);
}

}  // namespace common::policy
