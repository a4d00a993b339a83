#include "kms/protocol/operations.h"

#include <unordered_map>

#include "kms/ops/crypto_ops.h"
#include "kms/ops/key_ops.h"

namespace kms::protocol {

namespace {

// Runs one operation through its stages: Parse, Prepare, authorize every target, quota, Run, Render.
template <class Op>
common::Result<nlohmann::json> Invoke(const Stages& stages, ops::RequestContext& ctx,
                                      const nlohmann::json& body) {
  auto input = Op::Parse(body);
  if (!input.ok()) return input.error();
  auto plan = Op::Prepare(ctx, *input);
  if (!plan.ok()) return plan.error();
  for (const auto& target : plan->auth)
    if (target.key) ctx.audit_keys.push_back(target.key);
  for (const auto& target : plan->auth) S3LAB_TRY(stages.authorize(ctx, target));
  if (const Operation* row = FindOperation(Op::kName); row != nullptr && row->crypto)
    S3LAB_TRY(stages.admit(ctx, *row));
  auto output = Op::Run(ctx, *input, *plan);
  if (!output.ok()) return output.error();
  return Op::Render(*output);
}

template <class Op>
Operation Row(const char* action, bool crypto) {
  return Operation{Op::kName, action, crypto, &Invoke<Op>};
}

}  // namespace

const std::vector<Operation>& Operations() {
  using namespace ops;  // NOLINT(google-build-using-namespace): the table reads better unqualified
  static const std::vector<Operation> kTable = {
      // Symmetric cryptographic operations (request quota).
      Row<Encrypt>("kms:Encrypt", true),
      Row<Decrypt>("kms:Decrypt", true),
      Row<GenerateDataKey>("kms:GenerateDataKey", true),
      Row<GenerateDataKeyWithoutPlaintext>("kms:GenerateDataKeyWithoutPlaintext", true),
      Row<ReEncrypt>("kms:ReEncrypt*", true),
      Row<GenerateRandom>("kms:GenerateRandom", true),
      // Keys.
      Row<CreateKey>("kms:CreateKey", false),
      Row<DescribeKey>("kms:DescribeKey", false),
      Row<ListKeys>("kms:ListKeys", false),
      Row<EnableKey>("kms:EnableKey", false),
      Row<DisableKey>("kms:DisableKey", false),
      Row<ScheduleKeyDeletion>("kms:ScheduleKeyDeletion", false),
      Row<CancelKeyDeletion>("kms:CancelKeyDeletion", false),
      Row<GetKeyPolicy>("kms:GetKeyPolicy", false),
      Row<PutKeyPolicy>("kms:PutKeyPolicy", false),
      Row<EnableKeyRotation>("kms:EnableKeyRotation", false),
      Row<DisableKeyRotation>("kms:DisableKeyRotation", false),
      Row<GetKeyRotationStatus>("kms:GetKeyRotationStatus", false),
      // Aliases.
      Row<CreateAlias>("kms:CreateAlias", false),
      Row<UpdateAlias>("kms:UpdateAlias", false),
      Row<DeleteAlias>("kms:DeleteAlias", false),
      Row<ListAliases>("kms:ListAliases", false),
      // Tags.
      Row<TagResource>("kms:TagResource", false),
      Row<UntagResource>("kms:UntagResource", false),
      Row<ListResourceTags>("kms:ListResourceTags", false),
  };
  return kTable;
}

const Operation* FindOperation(std::string_view name) {
  static const auto* kIndex = [] {
    auto* index = new std::unordered_map<std::string_view, const Operation*>();
    for (const auto& op : Operations()) (*index)[op.name] = &op;
    return index;
  }();
  auto it = kIndex->find(name);
  return it == kIndex->end() ? nullptr : it->second;
}

}  // namespace kms::protocol
