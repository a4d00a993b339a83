// CloudTrail JSON 1.1 dispatch: authentication errors in JSON shape, routing by X-Amz-Target,
// authorization of cloudtrail:<Operation>, rendering (see cloudtrail_api.h).
#include "emulator/cloudtrail/cloudtrail_api.h"

#include <string_view>
#include <utility>

#include "common/policy/policy.h"
#include "common/util/clock.h"
#include "common/util/strings.h"
#include "emulator/protocol/authorize.h"

namespace emulator::cloudtrail {
namespace {

constexpr const char* kJsonType = "application/x-amz-json-1.1";

struct OperationRow {
  std::string_view name;
  Operation handler;
};

constexpr OperationRow kOperations[] = {
    {"LookupEvents", &LookupEvents},
};

const OperationRow* FindOperation(std::string_view name) {
  for (const auto& row : kOperations)
    if (row.name == name) return &row;
  return nullptr;
}

// common::sigv4 speaks S3's codes; JSON services answer with their own.
common::AwsError ToJsonAuthError(const common::AwsError& e) {
  if (e.code == "InvalidAccessKeyId")
    return common::MakeError("UnrecognizedClientException",
                             "The security token included in the request is invalid.", 400);
  if (e.code == "SignatureDoesNotMatch")
    return common::MakeError("InvalidSignatureException",
                             "The request signature we calculated does not match the signature you provided. "
                             "Check your AWS Secret Access Key and signing method. Consult the service "
                             "documentation for details.",
                             400);
  if (e.code == "RequestTimeTooSkewed") return common::MakeError("InvalidSignatureException", e.message, 400);
  return common::MakeError("IncompleteSignatureException", e.message, 400);
}

Response Render(int status, const nlohmann::json& body, const std::string& request_id) {
  Response res;
  res.status = status;
  res.content_type = kJsonType;
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.Header("x-amzn-RequestId", request_id);
  return res;
}

Response RenderError(const common::AwsError& e, const std::string& request_id) {
  return Render(e.http_status, nlohmann::json{{"__type", e.code}, {"message", e.message}}, request_id);
}

common::Status Authorize(const Caller& caller, const common::http::Request& request, Services& services,
                         const std::string& action) {
  auto decision = AuthorizeIdentity(request, caller.principal, caller.policy_docs, services.clock->NowMillis(),
                                    action, "*");
  if (decision.allowed()) return common::Ok{};
  return common::MakeError("AccessDeniedException",
                           common::policy::NotAuthorizedMessage(caller.principal.arn, action, "", decision), 400);
}

}  // namespace

Response HandleJson(Services& services, const common::http::Request& request, const std::string& body,
                    common::Result<Caller> caller) {
  const std::string rid = common::util::NewUuid();
  if (!caller.ok()) return RenderError(ToJsonAuthError(caller.error()), rid);
  if (caller->principal.anonymous())
    return RenderError(common::MakeError("MissingAuthenticationTokenException", "Missing Authentication Token",
                                         403),
                       rid);
  const std::string target = request.HeaderOr("x-amz-target");
  const std::string_view prefix = kTargetPrefix;
  const OperationRow* op = nullptr;
  if (common::util::StartsWith(target, prefix)) op = FindOperation(std::string_view(target).substr(prefix.size()));
  if (op == nullptr)
    return RenderError(common::MakeError("UnknownOperationException", "", 400), rid);

  nlohmann::json json = nlohmann::json::object();
  if (!body.empty()) {
    json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object())
      return RenderError(common::MakeError("SerializationException",
                                           "Start of structure or map found where not expected.", 400),
                         rid);
  }
  if (auto allowed = Authorize(*caller, request, services, "cloudtrail:" + std::string(op->name));
      !allowed.ok())
    return RenderError(allowed.error(), rid);

  CloudTrailRequest r;
  r.services = &services;
  r.trail = services.trail;
  r.principal = caller->principal;
  r.region = caller->auth.region.empty() ? services.region : caller->auth.region;
  r.now_millis = services.clock->NowMillis();
  auto result = op->handler(r, json);
  if (!result.ok()) return RenderError(result.error(), rid);
  return Render(200, *result, rid);
}

}  // namespace emulator::cloudtrail
