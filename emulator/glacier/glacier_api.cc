// Glacier REST routing, authorization, rendering and the CloudTrail record (see glacier_api.h).
#include "emulator/glacier/glacier_api.h"

#include <vector>

#include "common/audit/trail.h"
#include "common/policy/policy.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/cloudtrail/s3_events.h"
#include "emulator/glacier/glacier_internal.h"
#include "emulator/protocol/authorize.h"

namespace emulator::glacier {
namespace {

using OrderedJson = common::audit::OrderedJson;
using Handler = common::Result<Response> (*)(Call&);

// AWS's Glacier request ids: 47 URL-safe characters.
std::string NewRequestId() { return RandomUrlSafeId(35); }

Response RenderError(const common::AwsError& e, const std::string& request_id) {
  OrderedJson body = {{"code", e.code}, {"message", e.message}, {"type", e.http_status >= 500 ? "Server" : "Client"}};
  Response r = Json(e.http_status, body);
  r.Header("x-amzn-RequestId", request_id);
  return r;
}

// Names the call's operation and returns its handler.
Handler Op(Call& c, const char* name, Handler handler) {
  c.op = name;
  return handler;
}

// Maps method + path segments (after the account) to an operation; sets the call's names.
Handler Route(Call& c, const std::vector<std::string>& seg) {
  const std::string& m = c.http->method;
  const size_t n = seg.size();  // seg[0] == "vaults"
  if (n == 1 && m == "GET") return Op(c, "ListVaults", &ListVaults);
  if (n < 2) return nullptr;
  c.ref.name = seg[1];
  if (n == 2) {
    if (m == "PUT") return Op(c, "CreateVault", &CreateVault);
    if (m == "GET") return Op(c, "DescribeVault", &DescribeVault);
    if (m == "DELETE") return Op(c, "DeleteVault", &DeleteVault);
    return nullptr;
  }
  if (seg[2] == "access-policy" && n == 3) {
    if (m == "PUT") return Op(c, "SetVaultAccessPolicy", &SetVaultAccessPolicy);
    if (m == "GET") return Op(c, "GetVaultAccessPolicy", &GetVaultAccessPolicy);
    if (m == "DELETE") return Op(c, "DeleteVaultAccessPolicy", &DeleteVaultAccessPolicy);
  }
  if (seg[2] == "lock-policy" && n == 3) {
    if (m == "POST") return Op(c, "InitiateVaultLock", &InitiateVaultLock);
    if (m == "GET") return Op(c, "GetVaultLock", &GetVaultLock);
    if (m == "DELETE") return Op(c, "AbortVaultLock", &AbortVaultLock);
  }
  if (seg[2] == "lock-policy" && n == 4 && m == "POST") {
    c.lock_id = seg[3];
    return Op(c, "CompleteVaultLock", &CompleteVaultLock);
  }
  if (seg[2] == "archives" && n == 3 && m == "POST") return Op(c, "UploadArchive", &UploadArchive);
  if (seg[2] == "archives" && n == 4 && m == "DELETE") {
    c.archive_id = seg[3];
    return Op(c, "DeleteArchive", &DeleteArchive);
  }
  return nullptr;
}

bool ReadOnly(const std::string& op) {
  return common::util::StartsWith(op, "Get") || common::util::StartsWith(op, "List") ||
         common::util::StartsWith(op, "Describe");
}

}  // namespace

std::string VaultArn(const VaultRef& ref) {
  return "arn:aws:glacier:" + ref.region + ":" + ref.account_id + ":vaults/" + ref.name;
}

common::AwsError VaultNotFound(const VaultRef& ref) {
  return common::MakeError("ResourceNotFoundException", "Vault not found for ARN: " + VaultArn(ref), 404);
}

common::AwsError Invalid(const std::string& message) {
  return common::MakeError("InvalidParameterValueException", message, 400);
}

Response Json(int status, const OrderedJson& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump();
  return r;
}

Response Empty(int status) {
  Response r;
  r.status = status;
  return r;
}

common::Status Authorize(Call& c, const std::string& action, const std::string& resource, const Vault* vault,
                         int64_t archive_age_days) {
  RequestContext rc;
  rc.http = c.http;
  rc.principal = c.caller.principal;
  rc.auth.kind = c.caller.auth.kind;  // what BuildContext reads (AuthResult holds a key: not copied)
  rc.auth.region = c.caller.auth.region;
  rc.services = c.services;
  rc.now_millis = c.now_millis;
  common::policy::Context ctx = BuildContext(rc, action, resource);
  ctx.resource_account = c.ref.account_id;
  if (archive_age_days >= 0) ctx.Set("glacier:archiveageindays", std::to_string(archive_age_days));
  auto identity = IdentityPolicies(c.caller.policy_docs);
  std::optional<common::policy::NamedPolicy> access, lock;
  if (vault != nullptr && !vault->access_policy.empty()) access = ResourcePolicy("vault access policy", vault->access_policy);
  if (vault != nullptr && !vault->lock_policy.empty()) lock = ResourcePolicy("vault lock policy", vault->lock_policy);
  for (auto* p : {&access, &lock})
    if (*p) (*p)->attached_to = vault->ref.name;
  common::policy::Decision d = common::policy::Authorize(ctx, identity, access ? &*access : nullptr);
  const common::policy::NamedPolicy* decider = access ? &*access : nullptr;
  if (lock) {
    // The lock policy sits beside the access policy: its Deny wins (root included), its Allow counts
    // as a resource-policy Allow.
    common::policy::Decision locked = common::policy::Evaluate(*lock, ctx, common::policy::PolicyType::kResource);
    if (locked.effect == common::policy::Effect::kExplicitDeny ||
        (!d.allowed() && d.effect != common::policy::Effect::kExplicitDeny)) {
      common::policy::Decision with_lock = common::policy::Authorize(ctx, identity, &*lock);
      if (locked.effect == common::policy::Effect::kExplicitDeny || with_lock.allowed()) {
        d = with_lock;
        decider = &*lock;
      }
    }
  }
  if (d.allowed()) return common::Ok{};
  c.decision = common::audit::DecisionText(common::policy::Explain(d, ctx, identity, decider));
  return common::MakeError("AccessDeniedException",
                           common::policy::NotAuthorizedMessage(c.caller.principal.arn, action, resource, d), 403);
}

common::Result<Vault> AuthorizedVault(Call& c) {
  auto vault = c.services->glacier->GetVault(c.ref, c.now_millis);
  // Authorized before the lookup answers, so a caller without access learns nothing about the vault.
  S3LAB_TRY(Authorize(c, "glacier:" + c.op, VaultArn(c.ref), vault ? &*vault : nullptr));
  if (!vault) return VaultNotFound(c.ref);
  return *vault;
}

Response Handle(Services& services, const common::http::Request& request, const std::string& body,
                bool body_too_large, common::Result<Caller> caller) {
  const std::string request_id = NewRequestId();
  if (!caller.ok()) return RenderError(caller.error(), request_id);
  if (caller->principal.anonymous())
    return RenderError(common::MakeError("MissingAuthenticationTokenException",
                                         "Missing Authentication Token", 403), request_id);
  Call c;
  c.services = &services;
  c.http = &request;
  c.body = &body;
  c.caller = std::move(*caller);
  c.request_id = request_id;
  c.now_millis = services.clock->NowMillis();
  std::vector<std::string> seg;
  for (const auto& part : common::util::Split(request.raw_path.substr(request.raw_path.empty() ? 0 : 1), '/'))
    seg.push_back(common::util::PercentDecode(part).value_or(part));
  Handler handler = nullptr;
  if (seg.size() >= 2 && seg[1] == "vaults") {
    c.account_param = seg[0];
    seg.erase(seg.begin());
    handler = Route(c, seg);
  }
  if (handler == nullptr || services.glacier == nullptr)
    return RenderError(common::MakeError("NotImplemented", "s3lab does not implement this Glacier operation yet: " +
                                                               request.method + " " + request.raw_path, 501),
                       request_id);
  c.ref.account_id = c.account_param == "-" ? c.caller.principal.account_id : c.account_param;
  c.ref.region = c.caller.auth.region.empty() ? services.region : c.caller.auth.region;
  c.request_parameters["accountId"] = c.account_param;
  if (!c.ref.name.empty()) c.request_parameters["vaultName"] = c.ref.name;
  common::Result<Response> result =
      body_too_large ? common::Result<Response>(Invalid("s3lab keeps archives of up to 64 MiB (UploadArchive)"))
      : c.account_param != "-" && (c.account_param.size() != 12 ||
                                   c.account_param.find_first_not_of("0123456789") != std::string::npos)
          ? common::Result<Response>(common::MakeError(
                "AccessDeniedException", "Access denied for account ID: " + c.account_param, 403))
          : handler(c);
  if (services.trail != nullptr) {
    common::audit::Event e = cloudtrail::BaseEvent(c.caller.principal, request, request_id, c.now_millis,
                                                   result.ok() ? "" : result.error().code,
                                                   result.ok() ? "" : result.error().message);
    e.event_source = "glacier.amazonaws.com";
    e.event_name = c.op;
    e.region = c.ref.region;
    e.read_only = ReadOnly(c.op);
    e.request_parameters = std::move(c.request_parameters);
    if (result.ok()) e.response_elements = std::move(c.response_elements);
    e.decision = c.decision;
    if (!services.trail->Append(std::move(e)).ok())
      return RenderError(common::MakeError("ServiceUnavailableException", "audit trail write failed", 500),
                         request_id);
  }
  if (!result.ok()) return RenderError(result.error(), request_id);
  result->Header("x-amzn-RequestId", request_id);
  return std::move(*result);
}

}  // namespace emulator::glacier
