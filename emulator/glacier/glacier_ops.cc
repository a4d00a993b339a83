// The Glacier operations (see glacier_api.h). Texts marked NOTE are not confirmed against AWS.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/policy/policy.h"
#include "common/util/clock.h"
#include "emulator/glacier/glacier_internal.h"

namespace emulator::glacier {
namespace {

using OrderedJson = common::audit::OrderedJson;
constexpr size_t kMaxPolicyBytes = 20 * 1024;

bool ValidVaultName(const std::string& name) {
  return !name.empty() && name.size() <= 255 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
             std::string::npos;
}

std::string Location(const VaultRef& ref) { return "/" + ref.account_id + "/vaults/" + ref.name; }

OrderedJson Describe(const Vault& v) {
  return {{"CreationDate", common::util::FormatIso8601(v.created_millis)},
          {"LastInventoryDate", nullptr},
          {"NumberOfArchives", v.archives},
          {"SizeInBytes", v.size_bytes},
          {"VaultARN", VaultArn(v.ref)},
          {"VaultName", v.ref.name}};
}

// The "Policy" member of a {"Policy": "<policy JSON>"} body, checked as a resource policy.
common::Result<std::string> PolicyBody(const Call& c) {
  auto body = nlohmann::json::parse(*c.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return Invalid("Invalid JSON in the request body");  // NOTE: AWS's text unverified
  if (!body.contains("Policy") || !body["Policy"].is_string())
    return common::MakeError("MissingParameterValueException", "Required parameter missing: Policy", 400);  // NOTE
  std::string policy = body["Policy"].get<std::string>();
  if (policy.size() > kMaxPolicyBytes) return Invalid("Policy document exceeds the maximum size of 20 KB");  // NOTE
  auto parsed = common::policy::Parse(policy, common::policy::PolicyType::kResource);
  if (!parsed.ok()) return Invalid("Invalid policy: " + parsed.error().message);  // NOTE
  return policy;
}

// A fresh lock id (AWS's are short URL-safe strings).
std::string NewLockId() { return RandomUrlSafeId(18); }

}  // namespace

common::Result<Response> CreateVault(Call& c) {
  if (!ValidVaultName(c.ref.name)) return Invalid("Invalid vault name: " + c.ref.name);  // NOTE
  S3LAB_TRY(Authorize(c, "glacier:CreateVault", VaultArn(c.ref), nullptr));
  auto created = c.services->glacier->CreateVault(c.ref, c.now_millis);  // idempotent, as on AWS
  if (!created.ok()) return created.error();
  c.response_elements = {{"location", Location(c.ref)}};
  Response r = Empty(201);
  r.Header("Location", Location(c.ref));
  return r;
}

common::Result<Response> DescribeVault(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  return Json(200, Describe(*vault));
}

common::Result<Response> ListVaults(Call& c) {
  int limit = 10;  // AWS's default page
  if (auto v = c.http->Query("limit")) {
    bool digits = !v->empty() && v->size() <= 4 && v->find_first_not_of("0123456789") == std::string::npos;
    limit = digits ? std::stoi(*v) : 0;
    if (limit < 1 || limit > 1000) return Invalid("Invalid limit: " + *v);  // NOTE
  }
  std::string after;
  if (auto marker = c.http->Query("marker")) {
    const std::string prefix = VaultArn({c.ref.account_id, c.ref.region, ""});
    if (marker->rfind(prefix, 0) != 0) return Invalid("Invalid marker: " + *marker);  // NOTE
    after = marker->substr(prefix.size());
  }
  const std::string all = VaultArn({c.ref.account_id, c.ref.region, "*"});
  S3LAB_TRY(Authorize(c, "glacier:ListVaults", all, nullptr));
  auto vaults = c.services->glacier->ListVaults(c.ref.account_id, c.ref.region, after, limit, c.now_millis);
  OrderedJson list = OrderedJson::array();
  for (size_t i = 0; i < vaults.size() && static_cast<int>(i) < limit; ++i) list.push_back(Describe(vaults[i]));
  OrderedJson marker = nullptr;
  if (static_cast<int>(vaults.size()) > limit) marker = VaultArn(vaults[limit - 1].ref);
  return Json(200, {{"Marker", marker}, {"VaultList", list}});
}

common::Result<Response> DeleteVault(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  if (vault->archives > 0) return Invalid("Vault not empty or recently written to: " + VaultArn(c.ref));
  S3LAB_TRY(c.services->glacier->DeleteVault(c.ref));
  return Empty(204);
}

common::Result<Response> SetVaultAccessPolicy(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  auto policy = PolicyBody(c);
  if (!policy.ok()) return policy.error();
  c.request_parameters["policy"] = {{"policy", *policy}};
  S3LAB_TRY(c.services->glacier->SetAccessPolicy(c.ref, *policy));
  return Empty(204);
}

common::Result<Response> GetVaultAccessPolicy(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  if (vault->access_policy.empty())
    return common::MakeError("ResourceNotFoundException", "No vault access policy is set for: " + VaultArn(c.ref),
                             404);  // NOTE: AWS's text unverified
  return Json(200, {{"Policy", vault->access_policy}});
}

common::Result<Response> DeleteVaultAccessPolicy(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  S3LAB_TRY(c.services->glacier->SetAccessPolicy(c.ref, ""));  // idempotent, as on AWS
  return Empty(204);
}

common::Result<Response> InitiateVaultLock(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  // NOTE: AWS's texts for these two refusals are unverified (AccessDeniedException per the reference).
  if (vault->lock_state == "Locked")
    return common::MakeError("AccessDeniedException", "The vault lock policy of " + VaultArn(c.ref) +
                                                          " is locked and cannot be replaced", 403);
  if (vault->lock_state == "InProgress")
    return common::MakeError("AccessDeniedException", "A vault lock is already in progress for " +
                                                          VaultArn(c.ref) + ": abort it first (AbortVaultLock)", 403);
  auto policy = PolicyBody(c);
  if (!policy.ok()) return policy.error();
  const std::string lock_id = NewLockId();
  S3LAB_TRY(c.services->glacier->SetLock(c.ref, *policy, "InProgress", lock_id, c.now_millis,
                                         c.now_millis + kLockIdLifetimeMillis));
  c.request_parameters["policy"] = {{"policy", *policy}};
  c.response_elements = {{"lockId", lock_id}};
  Response r = Empty(201);
  r.Header("x-amz-lock-id", lock_id);
  return r;
}

common::Result<Response> GetVaultLock(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  if (vault->lock_state.empty())
    return common::MakeError("ResourceNotFoundException", "No vault lock policy is set for: " + VaultArn(c.ref),
                             404);  // NOTE: AWS's text unverified
  OrderedJson expires = nullptr;
  if (vault->lock_state == "InProgress") expires = common::util::FormatIso8601(vault->lock_expires_millis);
  return Json(200, {{"Policy", vault->lock_policy},
                    {"State", vault->lock_state},
                    {"ExpirationDate", expires},
                    {"CreationDate", common::util::FormatIso8601(vault->lock_created_millis)}});
}

common::Result<Response> CompleteVaultLock(Call& c) {
  c.request_parameters["lockId"] = c.lock_id;
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  if (vault->lock_state == "Locked" && vault->lock_id == c.lock_id) return Empty(204);  // already done
  // An expired lock id reads as no lock at all (glacier_store.h).
  if (vault->lock_state != "InProgress" || vault->lock_id != c.lock_id)
    return Invalid("Invalid lock ID: " + c.lock_id);  // NOTE: AWS's text unverified
  S3LAB_TRY(c.services->glacier->SetLock(c.ref, vault->lock_policy, "Locked", c.lock_id,
                                         vault->lock_created_millis, 0));
  return Empty(204);
}

common::Result<Response> AbortVaultLock(Call& c) {
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  if (vault->lock_state == "Locked")
    return common::MakeError("AccessDeniedException", "The vault lock policy of " + VaultArn(c.ref) +
                                                          " is locked and cannot be removed", 403);  // NOTE
  S3LAB_TRY(c.services->glacier->ClearLock(c.ref));
  return Empty(204);
}

common::Result<Response> UploadArchive(Call& c) {
  const std::string description = c.http->HeaderOr("x-amz-archive-description");
  const std::optional<std::string> checksum = c.http->Header("x-amz-sha256-tree-hash");
  if (!description.empty()) c.request_parameters["archiveDescription"] = description;
  if (checksum) c.request_parameters["checksum"] = *checksum;
  auto vault = AuthorizedVault(c);
  if (!vault.ok()) return vault.error();
  if (description.size() > 1024 ||
      std::any_of(description.begin(), description.end(), [](char ch) { return ch < 0x20 || ch > 0x7e; }))
    return Invalid("Invalid archive description");  // NOTE: AWS's text unverified
  const std::string tree_hash = TreeHashHex(*c.body);
  if (checksum && *checksum != tree_hash)
    return Invalid("Checksum mismatch: expected " + *checksum + " (calculated), got " + tree_hash);  // NOTE
  auto archive = c.services->glacier->PutArchive(c.ref, *c.body, tree_hash, description, c.now_millis);
  if (!archive.ok()) return archive.error();
  const std::string location = Location(c.ref) + "/archives/" + archive->id;
  c.response_elements = {{"archiveId", archive->id}, {"checksum", tree_hash}, {"location", location}};
  Response r = Empty(201);
  r.Header("Location", location);
  r.Header("x-amz-sha256-tree-hash", tree_hash);
  r.Header("x-amz-archive-id", archive->id);
  return r;
}

common::Result<Response> DeleteArchive(Call& c) {
  c.request_parameters["archiveId"] = c.archive_id;
  auto vault = c.services->glacier->GetVault(c.ref, c.now_millis);
  auto archive = vault ? c.services->glacier->GetArchive(c.ref, c.archive_id) : std::nullopt;
  const int64_t age_days = archive ? (c.now_millis - archive->created_millis) / (24LL * 3600 * 1000) : -1;
  S3LAB_TRY(Authorize(c, "glacier:DeleteArchive", VaultArn(c.ref), vault ? &*vault : nullptr, age_days));
  if (!vault) return VaultNotFound(c.ref);
  // An id this vault does not hold (AWS answers an archive of another vault this way).
  if (!archive) return Invalid("Invalid vault name: " + VaultArn(c.ref));
  S3LAB_TRY(c.services->glacier->DeleteArchive(c.ref, c.archive_id));
  return Empty(204);
}

}  // namespace emulator::glacier
