// Helpers shared by the key management operations (see key_ops.h).
#include "kms/authz/authorizer.h"
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<KeyIdInput> ParseKeyIdInput(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  return KeyIdInput{std::move(*key_id)};
}

Json KeyMetadataJson(const model::Key& key) {
  Json m = {{"AWSAccountId", key.account_id},
            {"KeyId", key.key_id},
            {"Arn", key.arn},
            {"CreationDate", EpochSeconds(key.creation_millis)},
            {"Enabled", key.enabled()},
            {"Description", key.description},
            {"KeyUsage", key.key_usage},
            {"KeyState", model::KeyStateName(key.state)},
            {"Origin", key.origin},
            {"KeyManager", key.key_manager},
            {"CustomerMasterKeySpec", key.key_spec},
            {"KeySpec", key.key_spec},
            {"EncryptionAlgorithms", Json::array({"SYMMETRIC_DEFAULT"})},
            {"MultiRegion", key.multi_region}};
  if (key.state == model::KeyState::kPendingDeletion) {
    m["DeletionDate"] = EpochSeconds(key.deletion_millis);
    m["PendingDeletionWindowInDays"] = key.pending_window_days;
  }
  if (const model::KeyMaterial* material = key.current_material())
    m["CurrentKeyMaterialId"] = material->material_id;
  return m;
}

Status CheckPolicyLockout(const RequestContext& ctx, const std::string& key_account,
                          const common::policy::NamedPolicy& policy) {
  // Evaluate PutKeyPolicy for the caller on a stand-in key that carries the new policy.
  auto probe = std::make_shared<model::Key>();
  probe->account_id = key_account;
  probe->region = ctx.region;
  probe->arn = model::KeyArn(ctx.region, key_account, "00000000-0000-0000-0000-000000000000");
  AuthTarget target{"kms:PutKeyPolicy", probe, "", nullptr};
  if (authz::Decide(ctx, target, &policy).allowed()) return common::Ok{};
  return errors::MalformedPolicyDocument(
      "The new key policy will not allow you to update the key policy in the future.");
}

Result<ListInput> ParseListInput(const Json& body, bool with_key_id) {
  ListInput in;
  if (with_key_id) {
    auto key_id = protocol::OptionalString(body, "KeyId");
    if (!key_id.ok()) return key_id.error();
    if (key_id->has_value()) S3LAB_TRY(protocol::CheckLength(**key_id, "KeyId", 1, 2048));
    in.key_id = std::move(*key_id);
  }
  auto limit = protocol::OptionalInt(body, "Limit");
  if (!limit.ok()) return limit.error();
  if (limit->has_value()) {
    S3LAB_TRY(protocol::CheckRange(**limit, "Limit", 1, 1000));
    in.limit = static_cast<size_t>(**limit);
  }
  auto marker = protocol::OptionalString(body, "Marker");
  if (!marker.ok()) return marker.error();
  if (marker->has_value()) {
    S3LAB_TRY(protocol::CheckLength(**marker, "Marker", 1, 1024));
    in.marker = **marker;
  }
  return in;
}

}  // namespace kms::ops
