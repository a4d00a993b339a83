// Alias name rules and input parsing shared by CreateAlias, UpdateAlias and DeleteAlias
// (AWS-REFERENCE §1.3).
#include "kms/model/errors.h"
#include "kms/model/key_ref.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Status ValidateAliasName(const std::string& alias_name) {
  S3LAB_TRY(protocol::CheckLength(alias_name, "AliasName", 1, 256));
  if (!model::IsValidAliasChars(alias_name))
    return errors::ValidationValue(alias_name, "aliasName",
                                   "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
  if (alias_name.rfind("alias/", 0) != 0)
    return errors::Validation(
        "Alias must start with the prefix \"alias/\". Please see "
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  // NOTE: AWS answers NotAuthorizedException for the reserved prefix (exact text unverified; empty here).
  if (alias_name.rfind("alias/aws/", 0) == 0) return errors::NotAuthorized();
  return common::Ok{};
}

Result<AliasInput> ParseAliasAndTarget(const Json& body) {
  auto name = protocol::RequiredString(body, "AliasName", 1, 256);
  if (!name.ok()) return name.error();
  auto target = protocol::RequiredString(body, "TargetKeyId", 1, 2048);
  if (!target.ok()) return target.error();
  S3LAB_TRY(ValidateAliasName(*name));
  return AliasInput{std::move(*name), std::move(*target)};
}

Status CheckTargetIsKey(const std::string& target_key_id) {
  if (target_key_id.rfind("alias/", 0) == 0 || target_key_id.find(":alias/") != std::string::npos)
    return errors::Validation("Aliases must refer to keys. Not aliases");
  return common::Ok{};
}

std::string AliasArn(const RequestContext& ctx, const std::string& alias_name) {
  return "arn:aws:kms:" + ctx.region + ":" + ctx.account_id + ":" + alias_name;
}

}  // namespace kms::ops
