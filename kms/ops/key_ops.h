// Key management operations: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, GetKeyPolicy, PutKeyPolicy, Enable/DisableKeyRotation,
// GetKeyRotationStatus. See op.h for the stages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kms/ops/op.h"

namespace kms::ops {

// Input of the operations that take only KeyId.
struct KeyIdInput {
  std::string key_id;
};
Result<KeyIdInput> ParseKeyIdInput(const Json& body);
struct NoOutput {};
Json KeyMetadataJson(const model::Key& key);
// The policy lockout safety check of CreateKey / PutKeyPolicy: the caller must remain able to call
// PutKeyPolicy under the new policy. MalformedPolicyDocumentException otherwise.
Status CheckPolicyLockout(const RequestContext& ctx, const std::string& key_account,
                          const common::policy::NamedPolicy& policy);

// Declares struct Name with the stage functions; Input/Output/Plan given.
#define KMS_DECLARE_OP(Name, InputT, OutputT, PlanT)                                   \
  struct Name {                                                                        \
    static constexpr const char* kName = #Name;                                        \
    using Input = InputT;                                                              \
    using Output = OutputT;                                                            \
    using Plan = PlanT;                                                                \
    static Result<Input> Parse(const Json& body);                                      \
    static Result<Plan> Prepare(RequestContext& ctx, const Input& in);                 \
    static Result<Output> Run(RequestContext& ctx, const Input& in, const Plan& plan); \
    static Json Render(const Output& out);                                             \
  }

struct CreateKeyInput {
  std::optional<std::string> policy;
  std::string description;
  std::vector<std::pair<std::string, std::string>> tags;
  bool bypass_lockout_check = false;
};
struct CreateKeyPlan {
  std::vector<AuthTarget> auth;
};
KMS_DECLARE_OP(CreateKey, CreateKeyInput, KeyPtr, CreateKeyPlan);

KMS_DECLARE_OP(DescribeKey, KeyIdInput, KeyPtr, KeyPlan);

struct ListInput {
  std::optional<std::string> key_id;  // ListAliases filter
  size_t limit = 100;
  std::string marker;
};
Result<ListInput> ParseListInput(const Json& body, bool with_key_id);
struct ListKeysOutput {
  std::vector<KeyPtr> keys;
  std::string next_marker;
};
struct AccountPlan {
  std::vector<AuthTarget> auth;
};
KMS_DECLARE_OP(ListKeys, ListInput, ListKeysOutput, AccountPlan);

KMS_DECLARE_OP(EnableKey, KeyIdInput, NoOutput, KeyPlan);
KMS_DECLARE_OP(DisableKey, KeyIdInput, NoOutput, KeyPlan);

struct ScheduleKeyDeletionInput {
  std::string key_id;
  int pending_window_days = 30;
};
KMS_DECLARE_OP(ScheduleKeyDeletion, ScheduleKeyDeletionInput, KeyPtr, KeyPlan);
KMS_DECLARE_OP(CancelKeyDeletion, KeyIdInput, KeyPtr, KeyPlan);

struct KeyPolicyInput {
  std::string key_id;
  std::string policy_name = "default";
  std::string policy;  // PutKeyPolicy
  bool bypass_lockout_check = false;
};
KMS_DECLARE_OP(GetKeyPolicy, KeyPolicyInput, KeyPtr, KeyPlan);
KMS_DECLARE_OP(PutKeyPolicy, KeyPolicyInput, NoOutput, KeyPlan);

struct EnableKeyRotationInput {
  std::string key_id;
  int rotation_period_days = 365;
};
KMS_DECLARE_OP(EnableKeyRotation, EnableKeyRotationInput, NoOutput, KeyPlan);
KMS_DECLARE_OP(DisableKeyRotation, KeyIdInput, NoOutput, KeyPlan);
KMS_DECLARE_OP(GetKeyRotationStatus, KeyIdInput, KeyPtr, KeyPlan);

// Aliases (alias_ops.cc files).
struct AliasInput {
  std::string alias_name;
  std::string target_key_id;  // CreateAlias / UpdateAlias
};
Status ValidateAliasName(const std::string& alias_name);
// AliasName + TargetKeyId of CreateAlias and UpdateAlias, validated.
Result<AliasInput> ParseAliasAndTarget(const Json& body);
// A target must name a key (ID or ARN), never an alias.
Status CheckTargetIsKey(const std::string& target_key_id);
// arn:aws:kms:<region>:<account>:alias/<name> of the caller's account and region.
std::string AliasArn(const RequestContext& ctx, const std::string& alias_name);
KMS_DECLARE_OP(CreateAlias, AliasInput, NoOutput, KeyPlan);
KMS_DECLARE_OP(UpdateAlias, AliasInput, NoOutput, KeyPlan);
KMS_DECLARE_OP(DeleteAlias, AliasInput, NoOutput, KeyPlan);
struct ListAliasesOutput {
  std::vector<model::Alias> aliases;
  std::string next_marker;
};
KMS_DECLARE_OP(ListAliases, ListInput, ListAliasesOutput, AccountPlan);

// Tags.
struct TagInput {
  std::string key_id;
  std::vector<std::pair<std::string, std::string>> tags;  // TagResource
  std::vector<std::string> tag_keys;                      // UntagResource
  size_t limit = 50;                                      // ListResourceTags
  std::string marker;
};
KMS_DECLARE_OP(TagResource, TagInput, NoOutput, KeyPlan);
KMS_DECLARE_OP(UntagResource, TagInput, NoOutput, KeyPlan);
struct ListResourceTagsOutput {
  std::vector<std::pair<std::string, std::string>> tags;
  std::string next_marker;
};
KMS_DECLARE_OP(ListResourceTags, TagInput, ListResourceTagsOutput, KeyPlan);

#undef KMS_DECLARE_OP

}  // namespace kms::ops
