// Management events of the S3 process (see s3_events.h).
#include "emulator/cloudtrail/s3_events.h"

#include <cctype>
#include <set>

#include "common/util/strings.h"

namespace emulator::cloudtrail {
namespace {

using common::audit::OrderedJson;

bool ReadOnlyName(const std::string& name) {
  return common::util::StartsWith(name, "Get") || common::util::StartsWith(name, "List") ||
         common::util::StartsWith(name, "Head");
}

common::audit::Event Base(const common::identity::Principal& principal, const common::http::Request& request,
                          const std::string& request_id, int64_t now_millis, const std::string& error_code,
                          const std::string& error_message) {
  common::audit::Event e;
  e.principal = principal;
  e.event_time_millis = now_millis;
  e.source_ip = request.remote_addr;
  e.user_agent = request.HeaderOr("user-agent");
  e.error_code = error_code;
  e.error_message = error_message;
  e.request_id = request_id;
  e.recipient_account_id = principal.account_id;
  e.tls = request.tls;
  e.tls_version = request.tls_version;
  e.tls_cipher = request.tls_cipher;
  e.tls_host = request.HeaderOr("host");
  return e;
}

}  // namespace

bool IsS3ManagementEvent(const S3CallFacts& f) {
  static const std::set<std::string> kDataEvents = {"ListObjects", "ListObjectsV2", "ListObjectVersions",
                                                    "ListMultipartUploads", "DeleteObjects"};
  if (!f.routed || f.principal.anonymous() || !f.key.empty()) return false;
  return kDataEvents.count(f.operation) == 0;
}

common::audit::Event MakeS3Event(const S3CallFacts& f, const common::http::Request& request,
                                 const std::string& request_id, int64_t now_millis, const std::string& error_code,
                                 const std::string& error_message) {
  common::audit::Event e = Base(f.principal, request, request_id, now_millis, error_code, error_message);
  e.event_source = "s3.amazonaws.com";
  e.event_name = f.operation;
  e.region = f.region;
  OrderedJson params = OrderedJson::object();
  if (!f.bucket.empty()) params["bucketName"] = f.bucket;
  params["Host"] = request.HeaderOr("host");
  for (const auto& [name, value] : request.QueryParams())
    if (!common::util::StartsWith(name, "X-Amz-")) params[name] = value;
  e.request_parameters = std::move(params);
  e.read_only = ReadOnlyName(f.operation);
  e.decision = f.decision;  // trail.db's decision column, not the record
  if (!f.bucket.empty())
    e.resources.push_back({f.bucket_owner.empty() ? f.principal.account_id : f.bucket_owner, "AWS::S3::Bucket",
                           "arn:aws:s3:::" + f.bucket});
  return e;
}

common::audit::Event MakeIamEvent(const std::string& service, const std::string& action,
                                  const common::identity::Principal& principal,
                                  const std::map<std::string, std::string>& params,
                                  const common::http::Request& request, const std::string& request_id,
                                  int64_t now_millis, const std::string& error_code,
                                  const std::string& error_message) {
  common::audit::Event e = Base(principal, request, request_id, now_millis, error_code, error_message);
  e.event_source = service + ".amazonaws.com";
  e.event_name = action;
  e.region = "us-east-1";  // NOTE: IAM is global; AWS records its events in us-east-1
  OrderedJson rp = OrderedJson::object();
  for (const auto& [name, value] : params) {
    if (name == "Action" || name == "Version" || name.empty()) continue;
    if (name == "Password" || name == "OldPassword" || name == "NewPassword" ||
        common::util::StartsWith(name, "AuthenticationCode"))
      continue;  // never secrets in a record
    std::string member = name;
    member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
    rp[member] = value;
  }
  e.request_parameters = rp.empty() ? OrderedJson(nullptr) : std::move(rp);
  e.read_only = ReadOnlyName(action);
  return e;
}

}  // namespace emulator::cloudtrail
