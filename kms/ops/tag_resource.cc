// TagResource: https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html
// Adds or overwrites tags (key 1..128, value 0..256, at most 50 per key, no "aws:" prefix).
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<TagInput> TagResource::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  if (body.find("Tags") == body.end())
    return errors::Validation(
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be "
        "null");
  auto tags = protocol::TagList(body, "Tags");
  if (!tags.ok()) return tags.error();
  TagInput in;
  in.key_id = std::move(*key_id);
  in.tags = std::move(*tags);
  for (const auto& [k, v] : in.tags)
    if (k.rfind("aws:", 0) == 0) return errors::Tag("Tags beginning with aws: are reserved.");
  return in;
}

Result<KeyPlan> TagResource::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:TagResource", /*allow_alias=*/false);
}

Result<NoOutput> TagResource::Run(RequestContext& ctx, const Input& in, const Plan& plan) {
  auto updated = ctx.service->Update(*plan.key, [&](model::Key& k) -> Status {
    S3LAB_TRY(KmsService::CheckState(k, KeyUse::kManage));
    for (const auto& [tag, value] : in.tags) k.tags[tag] = value;
    if (k.tags.size() > 50) return errors::LimitExceeded("A key cannot have more than 50 tags.");
    return common::Ok{};
  });
  if (!updated.ok()) return updated.error();
  return NoOutput{};
}

Json TagResource::Render(const NoOutput& /*out*/) { return Json::object(); }

}  // namespace kms::ops
