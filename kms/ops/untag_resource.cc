// UntagResource: https://docs.aws.amazon.com/kms/latest/APIReference/API_UntagResource.html
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<TagInput> UntagResource::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  if (body.find("TagKeys") == body.end())
    return errors::Validation(
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not "
        "be null");
  auto keys = protocol::StringList(body, "TagKeys");
  if (!keys.ok()) return keys.error();
  TagInput in;
  in.key_id = std::move(*key_id);
  in.tag_keys = std::move(*keys);
  return in;
}

Result<KeyPlan> UntagResource::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:UntagResource", /*allow_alias=*/false);
}

Result<NoOutput> UntagResource::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  auto updated = ctx.service->Update(*plan.key, [&](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kManage));
    for (const auto& tag : in.tag_keys) k.tags.erase(tag);
    return common::Ok{};
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json UntagResource::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
