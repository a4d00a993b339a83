// CloudTrail events of the S3 process (see s3_events.h).
#include "emulator/cloudtrail/s3_events.h"

#include <strings.h>

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

// Query parameters that sign a request (SigV4 and SigV2 presigned URLs): never request parameters.
bool SigningParam(const std::string& name) {
  return common::util::StartsWith(name, "X-Amz-") || name == "AWSAccessKeyId" || name == "Signature" ||
         name == "Expires";
}

// Request headers a data event shows in requestParameters (NOTE: AWS's exact list is not documented;
// these are the ones its examples show). The SSE-C key itself never: only its algorithm and MD5.
// Request header names are lower-case (common/http/request.h); the member keeps AWS's spelling.
constexpr std::pair<const char*, const char*> kRequestHeaders[] = {
    {"x-amz-server-side-encryption", "x-amz-server-side-encryption"},
    {"x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-aws-kms-key-id"},
    {"x-amz-server-side-encryption-context", "x-amz-server-side-encryption-context"},
    {"x-amz-server-side-encryption-bucket-key-enabled", "x-amz-server-side-encryption-bucket-key-enabled"},
    {"x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-algorithm"},
    {"x-amz-server-side-encryption-customer-key-md5", "x-amz-server-side-encryption-customer-key-MD5"},
    {"x-amz-copy-source", "x-amz-copy-source"},
    {"x-amz-storage-class", "x-amz-storage-class"},
    {"x-amz-acl", "x-amz-acl"}};
// Response headers of a write shown in responseElements.
constexpr const char* kResponseHeaders[] = {
    "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-version-id"};

const std::string* Find(const std::vector<std::pair<std::string, std::string>>& headers, const char* name) {
  for (const auto& [n, v] : headers)
    if (::strcasecmp(n.c_str(), name) == 0) return &v;
  return nullptr;
}

bool IsWrite(const std::string& op) {
  return op == "PutObject" || op == "CopyObject" || op == "CreateMultipartUpload" || op == "UploadPart" ||
         op == "UploadPartCopy" || op == "CompleteMultipartUpload";
}

// SSEApplied of a successful PutObject / CopyObject / CreateMultipartUpload ("" for other calls).
std::string SseApplied(const std::string& op, const common::http::Request& request,
                       const std::vector<std::pair<std::string, std::string>>& response) {
  if (op != "PutObject" && op != "CopyObject" && op != "CreateMultipartUpload") return "";
  if (Find(response, "x-amz-server-side-encryption-customer-algorithm") != nullptr) return "SSE_C";
  const std::string* sse = Find(response, "x-amz-server-side-encryption");
  if (sse == nullptr) return "";
  const std::string kind = *sse == "aws:kms" ? "SSE_KMS" : *sse == "aws:kms:dsse" ? "DSSE_KMS" : "SSE_S3";
  return request.HasHeader("x-amz-server-side-encryption") ? kind : "Default_" + kind;
}

int64_t BytesIn(const common::http::Request& request) {
  std::string n = request.HeaderOr("x-amz-decoded-content-length", request.HeaderOr("content-length", "0"));
  try {
    return std::stoll(n);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

common::audit::Event BaseEvent(const common::identity::Principal& principal, const common::http::Request& request,
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

bool IsS3DataEvent(const S3CallFacts& f) {
  return f.routed && !f.principal.anonymous() && !f.bucket.empty() && !IsS3ManagementEvent(f);
}

std::vector<std::string> DataEventAlsoTo(const S3CallFacts& f) {
  if (f.bucket_owner.empty() || f.bucket_owner == f.principal.account_id) return {};
  return {f.bucket_owner};
}

common::audit::Event MakeS3DataEvent(const S3CallFacts& f, const common::http::Request& request,
                                     const std::string& request_id, int64_t now_millis, const S3Outcome& out) {
  common::audit::Event e = BaseEvent(f.principal, request, request_id, now_millis, out.error_code, out.error_message);
  e.event_source = "s3.amazonaws.com";
  e.event_name = f.operation;
  e.region = f.region;
  e.management_event = false;
  e.event_category = "Data";
  e.read_only = ReadOnlyName(f.operation);
  e.decision = f.decision;
  OrderedJson params = OrderedJson::object();
  params["bucketName"] = f.bucket;
  params["Host"] = request.HeaderOr("host");
  if (!f.key.empty()) params["key"] = f.key;
  for (const auto& [name, value] : request.QueryParams())
    if (!SigningParam(name)) params[name] = value;
  for (const auto& [header, member] : kRequestHeaders)
    if (auto v = request.Header(header)) params[member] = *v;
  e.request_parameters = std::move(params);
  if (out.headers != nullptr && IsWrite(f.operation)) {
    OrderedJson elements = OrderedJson::object();
    for (const char* name : kResponseHeaders)
      if (const std::string* v = Find(*out.headers, name)) elements[name] = *v;
    if (!elements.empty()) e.response_elements = std::move(elements);
  }
  OrderedJson extra = OrderedJson::object();
  const bool v2 = f.auth == common::sigv4::AuthKind::kQueryV2 || f.auth == common::sigv4::AuthKind::kHeaderV2;
  extra["SignatureVersion"] = v2 ? "SigV2" : "SigV4";
  if (request.tls && !request.tls_cipher.empty()) extra["CipherSuite"] = request.tls_cipher;
  extra["bytesTransferredIn"] = BytesIn(request);
  if (out.headers != nullptr) {
    if (std::string applied = SseApplied(f.operation, request, *out.headers); !applied.empty())
      extra["SSEApplied"] = applied;
  }
  const bool query = f.auth == common::sigv4::AuthKind::kQueryV2 || f.auth == common::sigv4::AuthKind::kQueryV4;
  extra["AuthenticationMethod"] = query ? "QueryString" : "AuthHeader";
  extra["x-amz-id-2"] = out.host_id;
  extra["bytesTransferredOut"] = out.bytes_out;
  e.additional_event_data = std::move(extra);
  const std::string owner = f.bucket_owner.empty() ? f.principal.account_id : f.bucket_owner;
  if (!f.key.empty()) e.resources.push_back({"", "AWS::S3::Object", "arn:aws:s3:::" + f.bucket + "/" + f.key});
  e.resources.push_back({owner, "AWS::S3::Bucket", "arn:aws:s3:::" + f.bucket});
  return e;
}

bool IsS3ManagementEvent(const S3CallFacts& f) {
  static const std::set<std::string> kDataEvents = {"ListObjects", "ListObjectsV2", "ListObjectVersions",
                                                    "ListMultipartUploads", "DeleteObjects"};
  if (!f.routed || f.principal.anonymous() || !f.key.empty()) return false;
  return kDataEvents.count(f.operation) == 0;
}

common::audit::Event MakeS3Event(const S3CallFacts& f, const common::http::Request& request,
                                 const std::string& request_id, int64_t now_millis, const std::string& error_code,
                                 const std::string& error_message) {
  common::audit::Event e = BaseEvent(f.principal, request, request_id, now_millis, error_code, error_message);
  e.event_source = "s3.amazonaws.com";
  e.event_name = f.operation;
  e.region = f.region;
  OrderedJson params = OrderedJson::object();
  if (!f.bucket.empty()) params["bucketName"] = f.bucket;
  params["Host"] = request.HeaderOr("host");
  for (const auto& [name, value] : request.QueryParams())
    if (!SigningParam(name)) params[name] = value;
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
  common::audit::Event e = BaseEvent(principal, request, request_id, now_millis, error_code, error_message);
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
