// ListKeys: https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html
// Keys of the caller's account in the request's region (customer and AWS managed), ordered by key id.
// The marker is the key id to start from.
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<ListInput> ListKeys::Parse(const Json& body) { return ParseListInput(body, false); }

Result<AccountPlan> ListKeys::Prepare(RequestContext& /*ctx*/, const Input& /*in*/) {
  AccountPlan plan;
  plan.auth.push_back(AuthTarget{"kms:ListKeys", nullptr, "*", nullptr});
  return plan;
}

Result<ListKeysOutput> ListKeys::Run(RequestContext& ctx, const Input& in, const Plan& /*plan*/) {
  ctx.service->SweepDeletions();
  ListKeysOutput out;
  for (const auto& key : ctx.service->registry().ListKeys(ctx.account_id, ctx.region)) {
    if (!in.marker.empty() && key->key_id < in.marker) continue;
    if (out.keys.size() == in.limit) {
      out.next_marker = key->key_id;
      break;
    }
    out.keys.push_back(key);
  }
  return out;
}

Json ListKeys::Render(const ListKeysOutput& out) {
  Json keys = Json::array();
  for (const auto& key : out.keys) keys.push_back(Json{{"KeyId", key->key_id}, {"KeyArn", key->arn}});
  Json body = {{"Keys", keys}, {"Truncated", !out.next_marker.empty()}};
  if (!out.next_marker.empty()) body["NextMarker"] = out.next_marker;
  return body;
}

}  // namespace kms::ops
