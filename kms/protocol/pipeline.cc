#include "kms/protocol/pipeline.h"

#include <cstdio>
#include <optional>

#include "common/sigv4/auth.h"
#include "common/util/strings.h"
#include "kms/authz/authorizer.h"
#include "kms/model/errors.h"

namespace kms::protocol {

namespace {

constexpr int64_t kSkewMillis = 15 * 60 * 1000;
constexpr std::string_view kTargetPrefix = "TrentService.";

// True when the SigV4 Authorization header lists `name` in SignedHeaders.
bool IsSignedHeader(const common::http::Request& request, const std::string& name) {
  std::string auth = request.HeaderOr("authorization");
  auto pos = auth.find("SignedHeaders=");
  if (pos == std::string::npos) return false;
  std::string list = auth.substr(pos + 14, auth.find(',', pos) - (pos + 14));
  for (const auto& h : common::util::Split(list, ';'))
    if (h == name) return true;
  return false;
}

}  // namespace

Pipeline::Pipeline(KmsService* service, common::identity::IdentityStore* identity,
                   const common::util::Clock* clock, quota::QuotaGate* quota, const ServiceCallers* callers,
                   common::audit::Trail* trail)
    : service_(service), identity_(identity), clock_(clock), quota_(quota), callers_(callers), trail_(trail) {
  stages_.authorize = [](ops::RequestContext& ctx, const ops::AuthTarget& target) {
    return authz::Authorize(ctx, target, &ctx.decision);
  };
  stages_.admit = [this](const ops::RequestContext& ctx, const Operation& op) {
    return quota_->Admit(ctx.principal.account_id, ctx.region, op.name);
  };
}

common::AwsError Pipeline::MapAuthError(const common::AwsError& error, const common::http::Request& request,
                                        int64_t now_millis) {
  const std::string& code = error.code;
  if (code == "InvalidAccessKeyId") return errors::UnrecognizedClient();
  if (code == "SignatureDoesNotMatch" || code == "XAmzContentSHA256Mismatch")
    return errors::InvalidSignature(
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret "
        "Access Key and signing method. Consult the service documentation for details.");
  if (code == "RequestTimeTooSkewed") {
    std::string amz_date = request.HeaderOr("x-amz-date");
    auto when = common::util::ParseAmzDate(amz_date);
    if (when && *when > now_millis)
      return errors::InvalidSignature("Signature not yet current: " + amz_date + " is still later than " +
                                      common::util::FormatAmzDate(now_millis + kSkewMillis) + " (" +
                                      common::util::FormatAmzDate(now_millis) + " + 15 min.)");
    return errors::InvalidSignature("Signature expired: " + amz_date + " is now earlier than " +
                                    common::util::FormatAmzDate(now_millis - kSkewMillis) + " (" +
                                    common::util::FormatAmzDate(now_millis) + " - 15 min.)");
  }
  if (code == "AccessDenied") return errors::InvalidSignature(error.message);
  return errors::IncompleteSignature(error.message);
}

Reply Pipeline::ErrorReply(const common::AwsError& error, const std::string& request_id) {
  nlohmann::json body = {{"__type", error.code}, {"message", error.message}};
  return Reply{error.http_status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
               request_id};
}

Reply Pipeline::Handle(const common::http::Request& request, const std::string& body) const {
  std::string request_id = common::util::NewFastUuid();  // x-amzn-RequestId
  CallFacts facts;
  facts.ctx.request_id = request_id;
  auto result = Dispatch(request, body, request_id, facts);
  if (trail_ != nullptr) {
    if (facts.op == nullptr) {  // authentication failed before routing
      std::string target = request.HeaderOr("x-amz-target");
      if (common::util::StartsWith(target, kTargetPrefix)) facts.op = FindOperation(target.substr(kTargetPrefix.size()));
    }
    if (HasRecord(facts)) {
      // The reply waits until the record is in the journal: no answered call without its record. A call
      // on another account's key has a copy for the key owner too, written in the same journal write.
      common::audit::Event event = MakeKmsEvent(facts, request, result, clock_->NowMillis());
      std::vector<std::string> owners = KeyOwnerRecipients(facts, result);
      auto stored = owners.empty() ? trail_->Append(std::move(event))
                                   : trail_->AppendAll(common::audit::SharedCopies(std::move(event), owners));
      if (!stored.ok()) return ErrorReply(errors::Internal("the audit trail is unavailable"), request_id);
    }
  }
  if (!result.ok()) return ErrorReply(result.error(), request_id);
  return Reply{200, result->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), request_id};
}

common::Result<nlohmann::json> Pipeline::Dispatch(const common::http::Request& request,
                                                  const std::string& body,
                                                  const std::string& request_id, CallFacts& facts) const {
  int64_t now = clock_->NowMillis();
  // Authenticate. The key lookup happens once: the secret for SigV4, the principal for the policies.
  std::optional<common::identity::KeyInfo> key_info;
  const ServiceCredential* service_caller = nullptr;
  common::sigv4::Options options;
  options.clock = &real_clock_;
  options.max_skew_ms = kSkewMillis;
  options.buffered_body = &body;
  options.lookup_secret = [&](const std::string& access_key_id) -> std::optional<std::string> {
    if (callers_ != nullptr)
      if ((service_caller = callers_->Find(access_key_id)) != nullptr)
        return service_caller->secret_access_key;
    key_info = identity_->LookupAccessKey(access_key_id);
    if (!key_info) return std::nullopt;
    return key_info->secret_access_key;
  };
  auto auth = common::sigv4::Authenticate(request, options);
  if (!auth.ok()) {
    if (key_info) facts.ctx.principal = key_info->principal;  // a known key, a bad signature: recorded
    return MapAuthError(auth.error(), request, real_clock_.NowMillis());
  }
  if (auth->kind == common::sigv4::AuthKind::kAnonymous) return errors::MissingAuthenticationToken();

  ops::RequestContext& ctx = facts.ctx;
  ctx.service = service_;
  ctx.region = auth->region.empty() ? "us-east-1" : auth->region;
  ctx.now_millis = now;
  ctx.secure_transport = request.tls;
  ctx.source_ip = request.remote_addr;
  ctx.request_id = request_id;
  if (service_caller != nullptr) {
    // An AWS service acting for a principal: authorize the principal, via the service.
    auto caller_key = request.Header(kCallerAccessKeyHeader);
    if (!caller_key || !IsSignedHeader(request, kCallerAccessKeyHeader)) return errors::UnrecognizedClient();
    key_info = identity_->LookupAccessKey(*caller_key);
    if (!key_info) return errors::UnrecognizedClient();
    ctx.via_service = service_caller->service + "." + ctx.region + ".amazonaws.com";
    auto ip = request.Header(kCallerSourceIpHeader);
    if (ip && IsSignedHeader(request, kCallerSourceIpHeader)) ctx.source_ip = *ip;
    auto tls = request.Header(kCallerSecureTransportHeader);
    if (tls && IsSignedHeader(request, kCallerSecureTransportHeader)) ctx.secure_transport = *tls == "true";
  }
  if (!key_info) return errors::UnrecognizedClient();
  ctx.principal = key_info->principal;
  ctx.identity_policies = key_info->parsed_policies;
  ctx.account_id = ctx.principal.account_id;

  // Route.
  std::string target = request.HeaderOr("x-amz-target");
  const Operation*& op = facts.op;
  if (common::util::StartsWith(target, kTargetPrefix))
    op = FindOperation(target.substr(kTargetPrefix.size()));
  if (op == nullptr) return errors::UnknownOperation();

  // Parse the JSON body ("" means {}).
  nlohmann::json& json = facts.body;
  json = nlohmann::json::object();
  if (!body.empty()) {
    json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
      return errors::Serialization("Start of structure or map found where not expected.");
    if (!json.is_object())
      return errors::Serialization("Start of structure or map found where not expected.");
  }
  try {
    return op->handler(stages_, ctx, json);
  } catch (const std::exception& e) {
    return errors::Internal(std::string("internal error: ") + e.what());
  }
}

}  // namespace kms::protocol
