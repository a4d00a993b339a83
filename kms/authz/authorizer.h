// KMS authorization: turns (RequestContext, AuthTarget) into one decision of the common policy engine.
//   - an action on a key: the key policy is the gate (common::policy::AuthorizeKms): allowed when the key
//     policy allows the caller, or allows the account root and an identity policy of the caller allows it;
//   - an account-level action (CreateKey, ListKeys, ListAliases, GenerateRandom) or an alias ARN: identity
//     policies only (root of the account is allowed).
// Condition keys put in the context: aws:CurrentTime, aws:SecureTransport, aws:SourceIp,
// aws:PrincipalArn, aws:PrincipalAccount, aws:username, aws:userid, kms:CallerAccount, kms:ViaService
// (only when an AWS service calls), kms:EncryptionContext:<k>, kms:EncryptionContextKeys.
// Denials answer AccessDeniedException with the IAM-style text of AWS-REFERENCE §1.5.
#pragma once

#include "common/policy/policy.h"
#include "kms/ops/op.h"

namespace kms::authz {

common::policy::Context BuildContext(const ops::RequestContext& ctx, const ops::AuthTarget& target);

// The engine's decision; key_policy overrides the target key's policy (lockout safety check).
common::policy::Decision Decide(const ops::RequestContext& ctx, const ops::AuthTarget& target,
                                const common::policy::NamedPolicy* key_policy = nullptr);

// Ok, or AccessDeniedException explaining why. On a denial, when decision is not null, it receives what
// decided (common::audit::DecisionText of common::policy::Explain): built only for denials.
common::Status Authorize(const ops::RequestContext& ctx, const ops::AuthTarget& target,
                         std::string* decision = nullptr);

// "User: <arn> is not authorized to perform: <action> on resource: <arn> because no identity-based policy
// allows the <action> action" and its resource-based / explicit-deny variants.
std::string DenialMessage(const ops::RequestContext& ctx, const ops::AuthTarget& target,
                          const common::policy::Decision& decision);

}  // namespace kms::authz
