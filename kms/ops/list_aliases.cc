// ListAliases: https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html
// Aliases of the caller's account in the request's region, ordered by name, including the predefined
// alias/aws/<service> names whose AWS managed key does not exist yet (no TargetKeyId), as AWS lists them.
// With KeyId: only the aliases of that key. The marker is the alias name to start from.
#include "kms/model/errors.h"
#include "kms/ops/key_ops.h"

namespace kms::ops {

Result<ListInput> ListAliases::Parse(const Json& body) { return ParseListInput(body, true); }

Result<AccountPlan> ListAliases::Prepare(RequestContext& /*ctx*/, const Input& /*in*/) {
  AccountPlan plan;
  plan.auth.push_back(AuthTarget{"kms:ListAliases", nullptr, "*", nullptr});
  return plan;
}

Result<ListAliasesOutput> ListAliases::Run(RequestContext& ctx, const Input& in, const Plan& /*plan*/) {
  ctx.service->SweepDeletions();
  std::map<std::string, model::Alias> all;
  std::string filter_key_id;
  if (in.key_id) {
    auto key = ctx.service->Resolve(*in.key_id, ctx.account_id, ctx.region, /*allow_alias=*/false);
    if (!key.ok()) return key.error();
    filter_key_id = (*key)->key_id;
  } else {
    for (const auto& name : PredefinedAwsAliases())
      all[name] = model::Alias{ctx.account_id, ctx.region, name, "", 0, 0};
  }
  for (auto& alias : ctx.service->registry().ListAliases(ctx.account_id, ctx.region))
    if (filter_key_id.empty() || alias.target_key_id == filter_key_id) all[alias.name] = alias;
  ListAliasesOutput out;
  for (auto& [name, alias] : all) {
    if (!in.marker.empty() && name < in.marker) continue;
    if (out.aliases.size() == in.limit) {
      out.next_marker = name;
      break;
    }
    out.aliases.push_back(alias);
  }
  return out;
}

Json ListAliases::Render(const ListAliasesOutput& out) {
  Json aliases = Json::array();
  for (const auto& a : out.aliases) {
    Json entry = {{"AliasName", a.name}, {"AliasArn", a.arn()}};
    if (!a.target_key_id.empty()) {
      entry["TargetKeyId"] = a.target_key_id;
      entry["CreationDate"] = EpochSeconds(a.creation_millis);
      entry["LastUpdatedDate"] = EpochSeconds(a.updated_millis);
    }
    aliases.push_back(entry);
  }
  Json body = {{"Aliases", aliases}, {"Truncated", !out.next_marker.empty()}};
  if (!out.next_marker.empty()) body["NextMarker"] = out.next_marker;
  return body;
}

}  // namespace kms::ops
