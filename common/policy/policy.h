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
// A resource-policy Allow that names only the caller's account ("<acct>" or its root ARN, while the
// caller is an IAM user of it) delegates to that account: it counts only together with an identity
// Allow. Naming the user's ARN, "*", or the account for its root user allows directly.
// KMS is different: the key policy is the gate. Access is allowed when the key policy allows the caller
// directly, or allows the account root ("arn:aws:iam::<acct>:root" / "<acct>") *and* an identity policy
// of a caller in that account allows it; a caller from another account always needs both the key
// policy and its own identity policy (its root: none). See Authorize() and AuthorizeKms().
// Decision.policy_kind + DenialReason() give AWS's AccessDenied suffixes; Explain() (called only after a
// denial) names the deciding statement for the audit trail and the console.
//
// Condition operators: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike},
// Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals},
// Date{...same six...}, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn{Equals,NotEquals,Like,NotLike},
// Null, each with an ...IfExists form, and ForAnyValue:/ForAllValues: set prefixes. Keys are
// case-insensitive, values case-sensitive (except *IgnoreCase). A negated operator matches when the key
// is absent (that is why StringNotEquals on s3:x-amz-server-side-encryption denies header-less PUTs).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
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
  bool any = false;                         // "*" or {"AWS":"*"}
  std::vector<std::string> aws;             // account ids, root ARNs, user ARNs (as written)
  std::vector<std::string> service;         // "s3.amazonaws.com"
  std::vector<std::string> canonical_user;  // S3 canonical user ids (64 hex) of accounts
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
  std::vector<std::string> resources;  // never empty after Parse: Resource/NotResource is required
  std::vector<Condition> conditions;
  std::string text;  // the statement's JSON as written (compact, members in document order), for Explain
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
// "Policy has invalid resource", "Invalid effect: <x>", "Missing required field Effect",
// "The policy must contain a valid version string", "Unknown field <x>"); identity policies with a
// Principal: IAM's "Policy document should not specify a principal.". Version defaults to
// "2008-10-17" when absent (policy variables like ${aws:username} only work in "2012-10-17").
// Services re-code the error (IAM MalformedPolicyDocument, KMS MalformedPolicyDocumentException).
Result<Policy> Parse(const std::string& json_text, PolicyType type);

// S3 PutBucketPolicy's extra checks on a parsed bucket policy (MalformedPolicy, 400): every action is
// "*" or an "s3:" action ("Policy has invalid action"), and every resource names the bucket or objects
// in it ("Policy has invalid resource"). Resource patterns that can match the bucket ARN ("*",
// "arn:aws:s3:::bkt*") are accepted.
Status CheckBucketPolicy(const Policy& policy, const std::string& bucket);

// Parse with a process-wide cache keyed by (type, text), for documents parsed on every request (key
// policies, bucket policies). Thread-safe; nullptr when the text does not parse (call Parse for the
// error). Bounded: the cache is emptied when it reaches 4096 entries.
std::shared_ptr<const Policy> ParseCached(const std::string& json_text, PolicyType type);

struct Context {
  std::string action;            // "s3:GetObject", "kms:Decrypt"
  std::string resource;          // "arn:aws:s3:::bkt/key"
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
  std::string policy_name;  // which policy decided ("" when none matched)
  std::string statement_sid;
  int statement_index = -1;
  // "identity-based" or "resource-based": for kExplicitDeny the kind of policy that denied, for
  // kImplicitDeny the kind whose Allow was missing, for kAllow the kind that allowed ("" for the root
  // user's implicit allow). Feeds AccessDenied messages; see DenialReason().
  std::string policy_kind;
  bool allowed() const { return effect == Effect::kAllow; }
};

// AWS's suffix for AccessDenied messages: "because no identity-based policy allows the kms:Decrypt
// action" / "with an explicit deny in a resource-based policy"; "" for kAllow.
std::string DenialReason(const Decision& decision, const std::string& action);

// AWS's AccessDenied text for JSON/query APIs: "User: <arn> is not authorized to perform: <action> on
// resource: <resource> <DenialReason>" (" on resource: ..." left out when resource is empty).
std::string NotAuthorizedMessage(const std::string& principal_arn, const std::string& action,
                                 const std::string& resource, const Decision& decision);

struct NamedPolicy {
  std::string name;  // policy name/ARN, "bucket policy", "key policy"
  Policy policy;
  // What a resource policy is attached to, as Explain names it ("notes" for a bucket policy); "" = the
  // request's resource (a key policy: the key ARN).
  std::string attached_to;
};

// Evaluates one policy: explicit deny, allow, or implicit deny with the deciding statement.
Decision Evaluate(const NamedPolicy& policy, const Context& context, PolicyType type);

// Full decision for S3/IAM-style resources (identity policies + optional resource policy).
Decision Authorize(const Context& context, const std::vector<NamedPolicy>& identity_policies,
                   const NamedPolicy* resource_policy);

// KMS: key policy as the gate (see header note).
Decision AuthorizeKms(const Context& context, const std::vector<NamedPolicy>& identity_policies,
                      const NamedPolicy& key_policy, const std::string& key_account_id);

// What decided a denial, in words, for the audit trail and the console. Built by Explain() only after a
// denial (callers on hot paths never build it for an allowed request).
//   explicit deny: the Deny statement that matched: its policy, Sid, index and JSON text;
//   implicit deny: which kind of policy lacked an Allow, and every policy that was evaluated.
// Policies are named "identity policy <name> of user <user>", "<name> of <attached_to or resource>"
// ("key policy of arn:aws:kms:...", "bucket policy of notes").
struct Explanation {
  Effect effect = Effect::kImplicitDeny;
  std::string policy_kind;  // as Decision::policy_kind
  // One sentence: "explicit Deny in statement "DenyAlice" (Statement[1]) of key policy of arn:..." /
  // "no statement allows kms:Decrypt" / "no identity-based policy allows kms:Decrypt; the Allow in
  // statement ... of key policy of arn:... counts only together with one".
  std::string reason;
  std::string policy;  // explicit deny: the policy of the Deny statement
  std::string sid;
  int statement_index = -1;
  std::string statement;                // explicit deny: Statement::text ("" when unknown)
  std::vector<std::string> considered;  // implicit deny: every policy evaluated, named as `policy`
};

// Explains a decision of Authorize or AuthorizeKms made on the same context and policies (for KMS the
// key policy is resource_policy). For kAllow: effect kAllow and nothing else.
Explanation Explain(const Decision& decision, const Context& context,
                    const std::vector<NamedPolicy>& identity_policies, const NamedPolicy* resource_policy);

// Wildcard match as IAM does it ('*' any run, '?' one char); case-insensitive when asked (actions).
bool WildcardMatch(std::string_view pattern, std::string_view value, bool case_insensitive);

}  // namespace common::policy
