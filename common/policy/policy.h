// One policy engine for every policy in s3lab: IAM identity policies, S3 bucket policies, KMS key
// policies (later: access point, VPC endpoint and vault policies). Pure: no I/O, no clock; the caller
// puts aws:CurrentTime and every other key into the context.
//
// Evaluation order (AWS IAM policy evaluation logic, single account and cross-account):
//   1. any matching Deny statement in any policy            -> kExplicitDeny (that statement decides)
//   2. same account: an Allow in an identity policy OR the resource policy -> kAllow; root of the
//      resource's account is allowed by identity without policies
//      cross account: an Allow in the caller's identity policy (root: implicit) AND in the resource policy
//   3. otherwise                                             -> kImplicitDeny
// KMS is different: the key policy is the gate. Access is allowed when the key policy allows the caller
// directly, or allows the account root ("arn:aws:iam::<acct>:root" / "<acct>") *and* an identity policy
// of a caller in that account allows it. See Authorize() and AuthorizeKms().
//
// Condition operators: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike},
// Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals},
// Date{...same six...}, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn{Equals,NotEquals,Like,NotLike},
// Null, each with an ...IfExists form, and ForAnyValue:/ForAllValues: set prefixes. Keys are
// case-insensitive, values case-sensitive (except *IgnoreCase). A negated operator matches when the key
// is absent (that is why StringNotEquals on s3:x-amz-server-side-encryption denies header-less PUTs).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/identity/principal.h"

namespace common::policy {

struct Condition {
  std::string op;   // as written, e.g. "ForAnyValue:StringLikeIfExists"
  std::string key;  // as written
  std::vector<std::string> values;
};

struct PrincipalSpec {
  bool any = false;  // "*" or {"AWS":"*"}
  std::vector<std::string> aws;      // account ids, root ARNs, user ARNs (as written)
  std::vector<std::string> service;  // "s3.amazonaws.com"
};

struct Statement {
  std::string sid;
  bool allow = true;
  bool has_principal = false;  // resource policies must name Principal/NotPrincipal
  bool not_principal = false;
  PrincipalSpec principal;
  bool not_action = false;
  std::vector<std::string> actions;
  bool not_resource = false;
  std::vector<std::string> resources;  // empty + !not_resource = statement had no Resource (key policies allow it? no: "*")
  std::vector<Condition> conditions;
};

struct Policy {
  std::string id;
  std::string version;
  std::vector<Statement> statements;
};

enum class PolicyType { kIdentity, kResource };

// Parses a policy document. Errors: AwsError code "MalformedPolicy" with AWS's S3 texts
// ("Policies must be valid JSON and the first byte must be '{'", "Missing required field Statement",
// "Missing required field Principal", "Invalid principal in policy", "Policy has invalid action",
// "Invalid Version ..."); services re-code it (IAM MalformedPolicyDocument, KMS MalformedPolicyDocumentException).
Result<Policy> Parse(const std::string& json_text, PolicyType type);

struct Context {
  std::string action;    // "s3:GetObject", "kms:Decrypt"
  std::string resource;  // "arn:aws:s3:::bkt/key"
  std::string resource_account;  // account owning the resource ("" = same as caller)
  identity::Principal principal;
  std::string service_principal;  // set when an AWS service calls on its own behalf
  // Condition keys, lower-case names ("aws:securetransport", "s3:x-amz-server-side-encryption").
  // Multi-valued keys have several values; absent keys are simply not present.
  std::map<std::string, std::vector<std::string>> keys;

  void Set(const std::string& key, std::string value);
  void Add(const std::string& key, std::string value);
};

enum class Effect { kAllow, kExplicitDeny, kImplicitDeny };

struct Decision {
  Effect effect = Effect::kImplicitDeny;
  std::string policy_name;   // which policy decided ("" when none matched)
  std::string statement_sid;
  int statement_index = -1;
  bool allowed() const { return effect == Effect::kAllow; }
};

struct NamedPolicy {
  std::string name;  // policy name/ARN, "bucket policy", "key policy"
  Policy policy;
};

// Evaluates one policy: explicit deny, allow, or implicit deny with the deciding statement.
Decision Evaluate(const NamedPolicy& policy, const Context& context, PolicyType type);

// Full decision for S3/IAM-style resources (identity policies + optional resource policy).
Decision Authorize(const Context& context, const std::vector<NamedPolicy>& identity_policies,
                   const NamedPolicy* resource_policy);

// KMS: key policy as the gate (see header note).
Decision AuthorizeKms(const Context& context, const std::vector<NamedPolicy>& identity_policies,
                      const NamedPolicy& key_policy, const std::string& key_account_id);

// Wildcard match as IAM does it ('*' any run, '?' one char); case-insensitive when asked (actions).
bool WildcardMatch(std::string_view pattern, std::string_view value, bool case_insensitive);

}  // namespace common::policy
