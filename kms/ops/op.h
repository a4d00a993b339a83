// The contract between the KMS pipeline (protocol/pipeline.h) and the operations (one file each here).
// Every operation is a struct with four static stages that the pipeline runs in order:
//
//   Parse(body)            JSON -> typed Input, with AWS's validation texts (no HTTP, no state)
//   Prepare(ctx, in)       resolve the keys it names; say what to authorize (Plan::auth)
//   -- the pipeline authorizes every AuthTarget, then calls the quota hook for crypto operations --
//   Run(ctx, in, plan)     key-state rules, DryRun, the work itself -> typed Output
//   Render(out)            typed Output -> JSON
//
// Operations never see HTTP, credentials or policies; they see a RequestContext.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/identity/principal.h"
#include "common/policy/policy.h"
#include "kms/model/ciphertext_blob.h"
#include "kms/service.h"

namespace kms::ops {

using Json = nlohmann::json;
using common::Result;
using common::Status;

// Who is calling, from where, in which account and region (the SigV4 credential scope's region).
struct RequestContext {
  KmsService* service = nullptr;
  common::identity::Principal principal;
  std::shared_ptr<const std::vector<common::policy::NamedPolicy>> identity_policies;
  std::string account_id;  // the caller's account
  std::string region;
  int64_t now_millis = 0;
  bool secure_transport = false;
  std::string source_ip;
  std::string via_service;  // "s3.us-east-1.amazonaws.com" when an AWS service calls for the principal
  std::string request_id;
  // Keys the call resolved (the record's resources, protocol/audit.h); filled after Prepare.
  std::vector<KeyPtr> audit_keys;
  // What decided an AccessDeniedException (common::audit::DecisionText), set by the pipeline's authorize
  // stage on a denial only; the trail stores it next to the record (protocol/audit.h).
  std::string decision;
};

// One authorization the pipeline must grant before Run.
struct AuthTarget {
  std::string action;  // "kms:Encrypt"
  // The key acted on (key policy + identity policies, AuthorizeKms). Null: an account-level action
  // (CreateKey, ListKeys, ...) or an alias, checked against identity policies only on resource_arn.
  KeyPtr key;
  std::string resource_arn;  // when key is null; "*" for account-level actions
  const model::EncryptionContext* encryption_context = nullptr;  // kms:EncryptionContext* condition keys
};

// The plan most operations need: one key and what to authorize.
struct KeyPlan {
  KeyPtr key;
  std::vector<AuthTarget> auth;
};

// KeyPlan for an operation on one key named by member KeyId (alias forms allowed or not).
Result<KeyPlan> PlanForKey(RequestContext& ctx, const std::string& key_id, const std::string& action,
                           bool allow_alias, const model::EncryptionContext* context = nullptr);

// Timestamps on the wire: epoch seconds, fractional.
inline double EpochSeconds(int64_t millis) { return static_cast<double>(millis) / 1000.0; }

}  // namespace kms::ops
