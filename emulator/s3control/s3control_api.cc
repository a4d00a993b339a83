// S3 Control access point operations, routing, rendering and CloudTrail records (see s3control_api.h).
#include "emulator/s3control/s3control_api.h"

#include <vector>

#include "common/audit/trail.h"
#include "common/crypto/crypto.h"
#include "common/policy/policy.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/cloudtrail/s3_events.h"
#include "emulator/protocol/authorize.h"
#include "emulator/protocol/xml.h"
#include "emulator/s3control/access_point_store.h"

namespace emulator::s3control {
namespace {

constexpr const char* kNamespace = "http://awss3control.amazonaws.com/doc/2018-08-20/";
constexpr const char* kPrefix = "/v20180820/accesspoint";

struct Call {
  Services* services = nullptr;
  const common::http::Request* http = nullptr;
  const std::string* body = nullptr;
  Caller caller;
  std::string op, name, account_id, region;
  std::string decision;
  common::audit::OrderedJson request_parameters = common::audit::OrderedJson::object();
};

common::AwsError Error(const std::string& code, const std::string& message, int status) {
  return common::MakeError(code, message, status);
}
common::AwsError NoSuchAccessPoint() {
  return Error("NoSuchAccessPoint", "The specified accesspoint does not exist", 404);
}

std::string Arn(const Call& c, const std::string& name) {
  return "arn:aws:s3:" + c.region + ":" + c.account_id + ":accesspoint/" + name;
}

// AWS's naming rules (S3 user guide, "Access points naming rules"). NOTE: AWS's error text unverified.
bool ValidName(const std::string& n) {
  return n.size() >= 3 && n.size() <= 50 && n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
                                                 std::string::npos &&
         n.front() != '-' && n.back() != '-' && !common::util::EndsWith(n, "-s3alias");
}

std::string NewAlias(const std::string& name) {
  const std::string letters = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string random;
  for (unsigned char b : common::crypto::RandomBytes(34)) random += letters[b % letters.size()];
  return name + "-" + random + "-s3alias";
}

common::Status Authorize(Call& c) {
  if (c.account_id != c.caller.principal.account_id) return Error("AccessDenied", "Access Denied", 403);
  auto d = AuthorizeIdentity(*c.http, c.caller.principal, c.caller.policy_docs, c.services->clock->NowMillis(),
                             "s3:" + c.op, c.name.empty() ? Arn(c, "*") : Arn(c, c.name), &c.decision);
  if (d.allowed()) return common::Ok{};
  return Error("AccessDenied", "Access Denied", 403);
}

void WriteVpcAndBlock(XmlWriter& w, const AccessPoint& ap, bool block) {
  if (!ap.vpc_id.empty()) w.Open("VpcConfiguration").Element("VpcId", ap.vpc_id).Close("VpcConfiguration");
  if (!block) return;
  w.Open("PublicAccessBlockConfiguration")
      .Bool("BlockPublicAcls", ap.block_public_acls)
      .Bool("IgnorePublicAcls", ap.ignore_public_acls)
      .Bool("BlockPublicPolicy", ap.block_public_policy)
      .Bool("RestrictPublicBuckets", ap.restrict_public_buckets)
      .Close("PublicAccessBlockConfiguration");
}

Response XmlResponse(XmlWriter& w) { return Response::Xml(w.Finish()); }

common::Result<Response> CreateAccessPoint(Call& c) {
  auto doc = ParseXml(*c.body, "CreateAccessPointRequest");
  if (!doc.ok()) return doc.error();
  pugi::xml_node root = (*doc)->document_element();
  AccessPoint ap;
  ap.account_id = c.account_id;
  ap.region = c.region;
  ap.name = c.name;
  ap.bucket = ChildText(root, "Bucket");
  ap.vpc_id = ChildText(Child(root, "VpcConfiguration"), "VpcId");
  if (pugi::xml_node b = Child(root, "PublicAccessBlockConfiguration")) {
    ap.block_public_acls = ChildText(b, "BlockPublicAcls") != "false";
    ap.ignore_public_acls = ChildText(b, "IgnorePublicAcls") != "false";
    ap.block_public_policy = ChildText(b, "BlockPublicPolicy") != "false";
    ap.restrict_public_buckets = ChildText(b, "RestrictPublicBuckets") != "false";
  }
  c.request_parameters["CreateAccessPointRequest"] = {{"Bucket", ap.bucket}};
  if (!ap.vpc_id.empty()) c.request_parameters["CreateAccessPointRequest"]["VpcConfiguration"] = {{"VpcId", ap.vpc_id}};
  if (!ValidName(c.name)) return Error("InvalidURI", "Couldn't parse the specified URI.", 400);  // NOTE
  auto bucket = LookupBucketForAuth(*c.services, ap.bucket);
  if (!bucket || bucket->region != c.region)
    return Error("NoSuchBucket", "The specified bucket does not exist", 404);
  ap.bucket_account_id = bucket->owner_account_id;
  const std::string expected_owner = ChildText(root, "BucketAccountId");
  if (!expected_owner.empty() && expected_owner != ap.bucket_account_id) return Error("AccessDenied", "Access Denied", 403);
  ap.alias = NewAlias(c.name);
  ap.created_millis = c.services->clock->NowMillis();
  auto created = c.services->access_points->Create(ap);
  if (!created.ok()) return created.error();
  if (!*created)
    return Error("AccessPointAlreadyOwnedByYou",
                 "Your previous request to create the named accesspoint succeeded and you already own it.", 409);
  XmlWriter w;
  w.Open("CreateAccessPointResult", kNamespace).Element("AccessPointArn", Arn(c, c.name)).Element("Alias", ap.alias);
  w.Close("CreateAccessPointResult");
  return XmlResponse(w);
}

common::Result<AccessPoint> Existing(Call& c) {
  auto ap = c.services->access_points->Get(c.account_id, c.region, c.name);
  if (!ap) return NoSuchAccessPoint();
  return *ap;
}

common::Result<Response> GetAccessPoint(Call& c) {
  auto ap = Existing(c);
  if (!ap.ok()) return ap.error();
  XmlWriter w;
  w.Open("GetAccessPointResult", kNamespace).Element("Name", ap->name).Element("Bucket", ap->bucket);
  w.Element("NetworkOrigin", ap->vpc_id.empty() ? "Internet" : "VPC");
  WriteVpcAndBlock(w, *ap, true);
  w.Element("CreationDate", common::util::FormatIso8601(ap->created_millis)).Element("Alias", ap->alias);
  w.Element("AccessPointArn", Arn(c, ap->name));
  w.Open("Endpoints");
  for (const char* kind : {"ipv4", "dualstack"}) {
    std::string host = std::string("s3-accesspoint.") + (std::string(kind) == "dualstack" ? "dualstack." : "") +
                       c.region + ".amazonaws.com";
    w.Open("entry").Element("key", kind).Element("value", host).Close("entry");
  }
  w.Close("Endpoints").Element("BucketAccountId", ap->bucket_account_id).Close("GetAccessPointResult");
  return XmlResponse(w);
}

common::Result<Response> ListAccessPoints(Call& c) {
  int limit = 1000;
  if (auto v = c.http->Query("maxResults")) {
    bool digits = !v->empty() && v->size() <= 4 && v->find_first_not_of("0123456789") == std::string::npos;
    limit = digits ? std::stoi(*v) : -1;
    if (limit < 0 || limit > 1000) return Error("InvalidArgument", "Invalid maxResults: " + *v, 400);  // NOTE
    if (limit == 0) limit = 1000;
  }
  std::string after;
  if (auto token = c.http->Query("nextToken")) {
    auto decoded = common::util::Base64Decode(*token);
    if (!decoded) return Error("InvalidArgument", "The continuation token provided is incorrect", 400);  // NOTE
    after = *decoded;
  }
  const std::string bucket = c.http->Query("bucket").value_or("");
  auto aps = c.services->access_points->List(c.account_id, c.region, bucket, after, limit);
  XmlWriter w;
  w.Open("ListAccessPointsResult", kNamespace).Open("AccessPointList");
  for (size_t i = 0; i < aps.size() && static_cast<int>(i) < limit; ++i) {
    const AccessPoint& ap = aps[i];
    w.Open("AccessPoint").Element("Name", ap.name).Element("NetworkOrigin", ap.vpc_id.empty() ? "Internet" : "VPC");
    WriteVpcAndBlock(w, ap, false);
    w.Element("Bucket", ap.bucket).Element("AccessPointArn", Arn(c, ap.name)).Element("Alias", ap.alias);
    w.Element("BucketAccountId", ap.bucket_account_id).Close("AccessPoint");
  }
  w.Close("AccessPointList");
  if (static_cast<int>(aps.size()) > limit) w.Element("NextToken", common::util::Base64Encode(aps[limit - 1].name));
  w.Close("ListAccessPointsResult");
  return XmlResponse(w);
}

common::Result<Response> DeleteAccessPoint(Call& c) {
  auto ap = Existing(c);
  if (!ap.ok()) return ap.error();
  S3LAB_TRY(c.services->access_points->Delete(c.account_id, c.region, c.name));
  return Response::Empty(204);
}

common::Result<Response> PutAccessPointPolicy(Call& c) {
  auto ap = Existing(c);
  if (!ap.ok()) return ap.error();
  auto doc = ParseXml(*c.body, "PutAccessPointPolicyRequest");
  if (!doc.ok()) return doc.error();
  const std::string policy = ChildText((*doc)->document_element(), "Policy");
  auto parsed = common::policy::Parse(policy, common::policy::PolicyType::kResource);
  if (!parsed.ok()) return Error("MalformedPolicy", parsed.error().message, 400);
  c.request_parameters["PutAccessPointPolicyRequest"] = {{"Policy", policy}};
  S3LAB_TRY(c.services->access_points->SetPolicy(c.account_id, c.region, c.name, policy));
  return Response::Empty(200);
}

common::Result<Response> GetAccessPointPolicy(Call& c) {
  auto ap = Existing(c);
  if (!ap.ok()) return ap.error();
  if (ap->policy.empty())
    return Error("NoSuchAccessPointPolicy", "The specified accesspoint policy does not exist", 404);  // NOTE
  XmlWriter w;
  w.Open("GetAccessPointPolicyResult", kNamespace).Element("Policy", ap->policy).Close("GetAccessPointPolicyResult");
  return XmlResponse(w);
}

common::Result<Response> DeleteAccessPointPolicy(Call& c) {
  auto ap = Existing(c);
  if (!ap.ok()) return ap.error();
  S3LAB_TRY(c.services->access_points->SetPolicy(c.account_id, c.region, c.name, ""));
  return Response::Empty(204);
}

using Handler = common::Result<Response> (*)(Call&);

// Names the call's operation and returns its handler.
Handler Op(Call& c, const char* name, Handler handler) {
  c.op = name;
  return handler;
}

Handler Route(Call& c) {
  const std::string& path = c.http->raw_path;
  const std::string& m = c.http->method;
  if (path == kPrefix) return m == "GET" ? Op(c, "ListAccessPoints", &ListAccessPoints) : nullptr;
  const std::string base = std::string(kPrefix) + "/";
  if (!common::util::StartsWith(path, base)) return nullptr;
  std::vector<std::string> rest = common::util::Split(path.substr(base.size()), '/');
  c.name = common::util::PercentDecode(rest[0]).value_or(rest[0]);
  if (rest.size() == 1) {
    if (m == "PUT") return Op(c, "CreateAccessPoint", &CreateAccessPoint);
    if (m == "GET") return Op(c, "GetAccessPoint", &GetAccessPoint);
    if (m == "DELETE") return Op(c, "DeleteAccessPoint", &DeleteAccessPoint);
  }
  if (rest.size() == 2 && rest[1] == "policy") {
    if (m == "PUT") return Op(c, "PutAccessPointPolicy", &PutAccessPointPolicy);
    if (m == "GET") return Op(c, "GetAccessPointPolicy", &GetAccessPointPolicy);
    if (m == "DELETE") return Op(c, "DeleteAccessPointPolicy", &DeleteAccessPointPolicy);
  }
  return nullptr;
}

Response RenderError(const common::AwsError& e, const std::string& request_id, const std::string& host_id) {
  XmlWriter w;
  w.Open("ErrorResponse").Open("Error").Element("Code", e.code).Element("Message", e.message).Close("Error");
  w.Element("RequestId", request_id).Element("HostId", host_id).Close("ErrorResponse");
  return Response::Xml(w.Finish(), e.http_status);
}

}  // namespace

bool IsS3ControlRequest(const common::http::Request& request) {
  // Every S3 Control operation carries x-amz-account-id: a bucket named "v20180820" stays S3's.
  return common::util::StartsWith(request.raw_path, "/v20180820/") && request.HasHeader("x-amz-account-id");
}

Response Handle(Services& services, const common::http::Request& request, const std::string& body,
                const std::string& request_id, const std::string& host_id, common::Result<Caller> caller) {
  if (!caller.ok()) return RenderError(caller.error(), request_id, host_id);
  if (caller->principal.anonymous()) return RenderError(Error("AccessDenied", "Access Denied", 403), request_id, host_id);
  Call c;
  c.services = &services;
  c.http = &request;
  c.body = &body;
  c.caller = std::move(*caller);
  c.account_id = request.HeaderOr("x-amz-account-id");
  c.region = c.caller.auth.region.empty() ? services.region : c.caller.auth.region;
  Handler handler = services.access_points != nullptr ? Route(c) : nullptr;
  if (handler == nullptr)
    return RenderError(Error("NotImplemented", "s3lab does not implement this S3 Control operation yet: " +
                                                   request.method + " " + request.raw_path, 501),
                       request_id, host_id);
  common::Status allowed = Authorize(c);
  common::Result<Response> result = allowed.ok() ? handler(c) : common::Result<Response>(allowed.error());
  if (services.trail != nullptr) {
    common::audit::Event e = cloudtrail::BaseEvent(c.caller.principal, request, request_id,
                                                   services.clock->NowMillis(), result.ok() ? "" : result.error().code,
                                                   result.ok() ? "" : result.error().message);
    e.event_source = "s3.amazonaws.com";
    e.event_name = c.op;
    e.region = c.region;
    e.read_only = common::util::StartsWith(c.op, "Get") || common::util::StartsWith(c.op, "List");
    c.request_parameters["Host"] = request.HeaderOr("host");
    c.request_parameters["x-amz-account-id"] = c.account_id;
    if (!c.name.empty()) c.request_parameters["name"] = c.name;
    e.request_parameters = std::move(c.request_parameters);
    if (!c.name.empty()) e.resources.push_back({c.account_id, "AWS::S3::AccessPoint", Arn(c, c.name)});
    e.decision = c.decision;
    if (!services.trail->Append(std::move(e)).ok())
      return RenderError(Error("InternalError", "audit trail write failed", 500), request_id, host_id);
  }
  if (!result.ok()) return RenderError(result.error(), request_id, host_id);
  return std::move(*result);
}

}  // namespace emulator::s3control
