// ListResourceTags: https://docs.aws.amazon.com/kms/latest/APIReference/API_ListResourceTags.html
// Tags ordered by key; Limit 1..50 (default 50); the marker is the tag key to start from.
#include "kms/ops/key_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<TagInput> ListResourceTags::Parse(const Json& body) {
  auto key_id = protocol::RequiredString(body, "KeyId", 1, 2048);
  if (!key_id.ok()) return key_id.error();
  TagInput in;
  in.key_id = std::move(*key_id);
  auto limit = protocol::OptionalInt(body, "Limit");
  if (!limit.ok()) return limit.error();
  if (limit->has_value()) {
    S3LAB_TRY(protocol::CheckRange(**limit, "Limit", 1, 50));
    in.limit = static_cast<size_t>(**limit);
  }
  auto marker = protocol::OptionalString(body, "Marker");
  if (!marker.ok()) return marker.error();
  if (marker->has_value()) in.marker = **marker;
  return in;
}

Result<KeyPlan> ListResourceTags::Prepare(RequestContext& ctx, const Input& in) {
  return PlanForKey(ctx, in.key_id, "kms:ListResourceTags", /*allow_alias=*/false);
}

Result<ListResourceTagsOutput> ListResourceTags::Run(RequestContext& /*ctx*/, const Input& in,
                                                     const Plan& plan) {
  ListResourceTagsOutput out;
  for (const auto& [k, v] : plan.key->tags) {
    if (!in.marker.empty() && k < in.marker) continue;
    if (out.tags.size() == in.limit) {
      out.next_marker = k;
      break;
    }
    out.tags.emplace_back(k, v);
  }
  return out;
}

Json ListResourceTags::Render(const ListResourceTagsOutput& out) {
  Json tags = Json::array();
  for (const auto& [k, v] : out.tags) tags.push_back(Json{{"TagKey", k}, {"TagValue", v}});
  Json body = {{"Tags", tags}, {"Truncated", !out.next_marker.empty()}};
  if (!out.next_marker.empty()) body["NextMarker"] = out.next_marker;
  return body;
}

}  // namespace kms::ops
