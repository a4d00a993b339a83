// IAM and STS query API: parameter parsing, authorization, rendering and the action table (see
// iam_api.h). The actions themselves are in iam_actions.cc.
#include "emulator/iam/iam_api.h"

#include <algorithm>
#include <map>

#include "common/audit/record.h"
#include "common/audit/trail.h"
#include "common/identity/identity_store.h"
#include "common/policy/policy.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/cloudtrail/s3_events.h"
#include "emulator/iam/iam_internal.h"
#include "emulator/protocol/authorize.h"
#include "emulator/protocol/xml.h"

namespace emulator::iam {
namespace {

const char* Namespace(const std::string& service) {
  return service == "sts" ? "https://sts.amazonaws.com/doc/2011-06-15/"
                          : "https://iam.amazonaws.com/doc/2010-05-08/";
}

std::map<std::string, std::string> ParseForm(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& pair : common::util::Split(text, '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string k = eq == std::string::npos ? pair : pair.substr(0, eq);
    std::string v = eq == std::string::npos ? "" : pair.substr(eq + 1);
    auto dk = common::util::FormDecode(k);
    auto dv = common::util::FormDecode(v);
    if (dk && dv) out[*dk] = *dv;
  }
  return out;
}

// Auth errors come from common::sigv4 in S3 spelling; IAM/STS use their own codes for two of them.
common::AwsError ToIamAuthError(const common::AwsError& e) {
  if (e.code == "InvalidAccessKeyId")
    return common::MakeError("InvalidClientTokenId", "The security token included in the request is invalid.",
                             403);
  if (e.code == "SignatureDoesNotMatch")
    return common::MakeError("SignatureDoesNotMatch",
                             "The request signature we calculated does not match the signature you provided. "
                             "Check your AWS Secret Access Key and signing method. Consult the service "
                             "documentation for details.",
                             403);
  return common::MakeError(e.code, e.message, e.http_status);
}

std::string RenderError(const common::AwsError& e, const std::string& service,
                        const std::string& request_id) {
  XmlWriter w;
  w.Open("ErrorResponse", Namespace(service));
  w.Open("Error");
  w.Element("Type", e.http_status >= 500 ? "Receiver" : "Sender");
  w.Element("Code", e.code);
  w.Element("Message", e.message);
  w.Close("Error");
  w.Element("RequestId", request_id);
  w.Close("ErrorResponse");
  return w.Finish();
}

}  // namespace

common::Status Authorize(const IamRequest& r, const std::string& action, const std::string& resource) {
  auto decision = AuthorizeIdentity(*r.http, r.principal, r.policy_docs, r.services->clock->NowMillis(), action,
                                    resource, &r.decision);
  if (decision.allowed()) return common::Ok{};
  return common::MakeError(
      "AccessDenied", common::policy::NotAuthorizedMessage(r.principal.arn, action, resource, decision), 403);
}

std::string UserArn(const IamRequest& r, const std::string& user_name) {
  // An existing user's ARN includes its path (arn:aws:iam::<acct>:user/eng/alice).
  if (auto user = r.services->identity->GetUser(r.principal.account_id, user_name); user.ok())
    return user->arn;
  return "arn:aws:iam::" + r.principal.account_id + ":user/" + user_name;
}

std::string Tag(const std::string& name, const std::string& text) {
  return "<" + name + ">" + XmlEscape(text) + "</" + name + ">";
}

std::string Date(int64_t millis) { return common::util::FormatIso8601Seconds(millis); }

common::Result<std::string> PageList(const IamRequest& r, const std::string& list_element,
                                     const std::vector<std::string>& members) {
  size_t max_items = 100;
  if (std::string max = Param(r, "MaxItems"); !max.empty()) {
    bool digits = max.size() <= 5 && max.find_first_not_of("0123456789") == std::string::npos;
    long n = digits ? std::stol(max) : 0;
    if (n < 1 || n > 1000)
      return common::MakeError("ValidationError",
                               "1 validation error detected: Value '" + max +
                                   "' at 'maxItems' failed to satisfy constraint: Member must have value "
                                   "between 1 and 1000",
                               400);
    max_items = static_cast<size_t>(n);
  }
  size_t start = 0;
  if (std::string marker = Param(r, "Marker"); !marker.empty()) {
    auto decoded = common::util::Base64Decode(marker);
    bool digits = decoded && !decoded->empty() && decoded->size() <= 9 &&
                  decoded->find_first_not_of("0123456789") == std::string::npos;
    // NOTE: AWS's text for a marker it did not hand out is unverified.
    if (!digits || std::stoul(*decoded) > members.size())
      return common::MakeError("InvalidInput", "Invalid Marker.", 400);
    start = std::stoul(*decoded);
  }
  size_t end = std::min(members.size(), start + max_items);
  std::string out = "<" + list_element + ">";
  for (size_t i = start; i < end; ++i) out += members[i];
  out += "</" + list_element + ">";
  if (end < members.size())
    return out + "<IsTruncated>true</IsTruncated>" + Tag("Marker", common::util::Base64Encode(std::to_string(end)));
  return out + "<IsTruncated>false</IsTruncated>";
}

std::string Param(const IamRequest& r, const std::string& name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

common::Result<std::string> Required(const IamRequest& r, const std::string& name) {
  auto it = r.params.find(name);
  if (it == r.params.end() || it->second.empty()) {
    std::string member = name;
    member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
    return common::MakeError("ValidationError",
                             "1 validation error detected: Value null at '" + member +
                                 "' failed to satisfy constraint: Member must not be null",
                             400);
  }
  return it->second;
}

std::string Envelope(const IamRequest& r, const std::string& result_xml) {
  XmlWriter w;
  w.Open(r.action + "Response", Namespace(r.service));
  if (!result_xml.empty()) {
    w.Open(r.action + "Result");
    w.Raw(result_xml);
    w.Close(r.action + "Result");
  }
  w.Open("ResponseMetadata");
  w.Element("RequestId", r.request_id);
  w.Close("ResponseMetadata");
  w.Close(r.action + "Response");
  return w.Finish();
}

Response HandleQuery(Services& services, const common::http::Request& request, const std::string& body,
                     const std::string& service, const std::string& request_id,
                     common::Result<Caller> caller) {
  // IAM/STS request ids are UUIDs, not S3's 16 hex characters.
  std::string rid = common::util::NewUuid();
  (void)request_id;
  auto fail = [&](const common::AwsError& e) {
    Response res = Response::Xml(RenderError(e, service, rid), e.http_status);
    res.content_type = "text/xml";
    res.Header("x-amzn-RequestId", rid);
    return res;
  };
  if (!caller.ok()) return fail(ToIamAuthError(caller.error()));
  if (caller->principal.anonymous())
    return fail(
        common::MakeError("MissingAuthenticationToken", "Request is missing Authentication Token", 403));

  IamRequest r;
  r.services = &services;
  r.http = &request;
  r.service = service;
  r.request_id = rid;
  r.principal = caller->principal;
  r.policy_docs = caller->policy_docs;
  r.params = ParseForm(body);
  for (const auto& [k, v] : request.QueryParams()) r.params.emplace(k, v);
  r.action = Param(r, "Action");
  const ActionFn* fn = FindAction(service, r.action);
  if (r.action.empty() || !fn) {
    std::string version = service == "sts" ? "2011-06-15" : "2010-05-08";
    return fail(common::MakeError("InvalidAction",
                                  "Could not find operation " + r.action + " for version " + version, 400));
  }
  common::Result<std::string> result = (*fn)(r);
  if (services.trail != nullptr) {
    // The call's CloudTrail record, committed before the reply (emulator/cloudtrail/s3_events.h).
    auto event = cloudtrail::MakeIamEvent(service, r.action, r.principal, r.params, request, rid,
                                          services.clock->NowMillis(), result.ok() ? "" : result.error().code,
                                          result.ok() ? "" : result.error().message);
    event.decision = r.decision;
    auto stored = services.trail->Append(std::move(event));
    if (!stored.ok()) return fail(common::MakeError("ServiceFailure", stored.error().message, 500));
  }
  if (!result.ok()) return fail(result.error());
  Response res = Response::Xml(Envelope(r, result.value()));
  res.content_type = "text/xml";
  res.Header("x-amzn-RequestId", rid);
  return res;
}

}  // namespace emulator::iam
