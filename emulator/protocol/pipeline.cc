// The S3 request pipeline (see pipeline.h).
#include "emulator/protocol/pipeline.h"

#include <cstdio>
#include <exception>
#include <optional>

#include "common/identity/identity_store.h"
#include "common/util/clock.h"
#include "common/util/strings.h"
#include "emulator/cloudtrail/cloudtrail_api.h"
#include "emulator/glacier/glacier_api.h"
#include "emulator/iam/iam_api.h"
#include "emulator/protocol/addressing.h"
#include "emulator/protocol/authorize.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/routes.h"
#include "emulator/s3control/s3control_api.h"
#include "emulator/store/object_store.h"

namespace emulator {
namespace {

constexpr size_t kMaxQueryBody = 1 << 20;  // IAM/STS form bodies

bool IsRegionFree(const std::string& operation) {
  // NOTE: AWS answers these for a bucket of any region from any regional endpoint (HeadBucket via a
  // 301 with x-amz-bucket-region); here they simply succeed and carry x-amz-bucket-region.
  return operation == "GetBucketLocation" || operation == "HeadBucket" || operation == "ListBuckets" ||
         operation == "CreateBucket" || operation == "DeleteBucket";
}

std::vector<std::string> QueryNames(const common::http::Request& request) {
  std::vector<std::string> names;
  for (const auto& [k, v] : request.QueryParams()) names.push_back(k);
  return names;
}

// Reads the whole body into *out; true (and stops reading) when it is longer than limit.
bool ReadAll(RawSource& body, size_t limit, std::string* out) {
  bool too_big = false;
  body([&](const char* d, size_t n) {
    if (out->size() + n > limit) {
      too_big = true;
      return false;
    }
    out->append(d, n);
    return true;
  });
  return too_big;
}

// What a data event records of the answer: error, response headers, body bytes (0 for HEAD).
cloudtrail::S3Outcome Outcome(const common::Result<Response>& result, bool is_head, const std::string& host_id) {
  cloudtrail::S3Outcome out;
  out.host_id = host_id;
  if (!result.ok()) {
    out.error_code = result.error().code;
    out.error_message = result.error().message;
    return out;
  }
  out.headers = &result.value().headers;
  if (!is_head)
    out.bytes_out = result.value().stream_length >= 0 ? result.value().stream_length
                                                      : static_cast<int64_t>(result.value().body.size());
  return out;
}

}  // namespace

std::string ScopeService(const common::http::Request& request) {
  std::string credential;
  if (auto auth = request.Header("authorization")) {
    auto pos = auth->find("Credential=");
    if (pos == std::string::npos) return {};
    credential = auth->substr(pos + 11);
    credential = credential.substr(0, credential.find_first_of(", "));
  } else if (auto q = request.Query("X-Amz-Credential")) {
    credential = *q;
  } else {
    return {};
  }
  auto parts = common::util::Split(credential, '/');
  return parts.size() >= 5 ? parts[3] : std::string();
}

common::Result<Caller> AuthenticateRequest(Services& services, const common::http::Request& request,
                                           const std::string* buffered_body) {
  Caller caller;
  std::optional<common::identity::KeyInfo> key_info;
  // Clients sign with real time: the skew check uses it, presigned expiry uses the lab clock.
  static const common::util::LabClock kRealClock;
  common::sigv4::Options options;
  options.clock = services.clock;
  options.skew_clock = &kRealClock;
  options.buffered_body = buffered_body;
  options.lookup_secret = [&](const std::string& access_key_id) -> std::optional<std::string> {
    key_info = services.identity->LookupAccessKey(access_key_id);
    if (!key_info) return std::nullopt;
    return key_info->secret_access_key;
  };
  auto auth = common::sigv4::Authenticate(request, options);
  if (!auth.ok()) return auth.error();
  caller.auth = std::move(auth.value());
  if (caller.auth.kind != common::sigv4::AuthKind::kAnonymous && key_info) {
    caller.principal = key_info->principal;
    caller.policy_docs = key_info->policies;
    caller.policies = key_info->parsed_policies;
  }
  return caller;
}

PipelineResult Pipeline::Handle(const common::http::Request& request, RawSource body) {
  PipelineResult out;
  std::string request_id = common::util::NewRequestId();
  std::string host_id = common::util::NewHostId();
  bool is_head = request.method == "HEAD";
  bool glacier = false;
  try {
    std::string service = ScopeService(request);
    if (service == "glacier") {
      glacier = true;
      std::string buffered;
      bool too_big = ReadAll(body, glacier::kMaxArchiveBytes, &buffered);
      out.body_consumed = !too_big;
      out.response = glacier::Handle(*services_, request, buffered, too_big,
                                     AuthenticateRequest(*services_, request, too_big ? nullptr : &buffered));
    } else if (s3control::IsS3ControlRequest(request)) {
      std::string buffered;
      bool too_big = ReadAll(body, kMaxQueryBody, &buffered);
      out.body_consumed = !too_big;
      out.response = s3control::Handle(
          *services_, request, buffered, request_id, host_id,
          too_big ? common::Result<Caller>(common::MakeError("RequestEntityTooLarge", "Request body too large", 413))
                  : AuthenticateRequest(*services_, request, &buffered));
    } else if (request.method == "POST" && request.raw_path == "/" &&
               (service == "iam" || service == "sts" || service == "cloudtrail")) {
      std::string buffered;
      bool too_big = ReadAll(body, kMaxQueryBody, &buffered);
      common::Result<Caller> caller = too_big ? common::Result<Caller>(common::MakeError(
                                                    "RequestEntityTooLarge", "Request body too large", 413))
                                              : AuthenticateRequest(*services_, request, &buffered);
      if (service == "cloudtrail")
        out.response = cloudtrail::HandleJson(*services_, request, buffered, std::move(caller));
      else
        out.response = iam::HandleQuery(*services_, request, buffered, service, request_id, std::move(caller));
    } else {
      bool consumed = true;
      cloudtrail::S3CallFacts facts;
      auto result = HandleS3(request, body, request_id, &consumed, &facts);
      out.body_consumed = consumed;
      if (services_->trail != nullptr) {
        // Records are committed before the reply leaves (s3_events.h).
        common::Status stored = common::Ok{};
        if (cloudtrail::IsS3ManagementEvent(facts)) {
          stored = services_->trail->Append(cloudtrail::MakeS3Event(
              facts, request, request_id, services_->clock->NowMillis(), result.ok() ? "" : result.error().code,
              result.ok() ? "" : result.error().message));
        } else if (services_->data_events && cloudtrail::IsS3DataEvent(facts)) {
          stored = services_->trail->AppendAll(common::audit::SharedCopies(
              cloudtrail::MakeS3DataEvent(facts, request, request_id, services_->clock->NowMillis(),
                                          Outcome(result, is_head, host_id)),
              cloudtrail::DataEventAlsoTo(facts)));
        }
        if (!stored.ok()) result = errors::InternalError();
      }
      if (result.ok()) {
        out.response = std::move(result.value());
      } else {
        const common::AwsError& e = result.error();
        if (e.http_status >= 500 && e.http_status != 501)
          std::fprintf(stderr, "s3lab-s3: %s %s -> %s %s\n", request.method.c_str(), request.target.c_str(),
                       e.code.c_str(), e.message.c_str());
        out.response.status = e.http_status;
        if (!is_head && e.http_status != 304) {
          out.response.content_type = "application/xml";
          out.response.body = errors::RenderXml(e, request_id, host_id);
        }
        const std::string prefix = errors::kHeaderExtraPrefix;
        for (const auto& [name, value] : e.extra) {
          if (name.rfind(prefix, 0) == 0) out.response.Header(name.substr(prefix.size()), value);
        }
      }
    }
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "s3lab-s3: internal error on %s %s: %s\n", request.method.c_str(),
                 request.target.c_str(), ex.what());
    out.response = Response{};
    out.response.status = 500;
    if (!is_head) {
      out.response.content_type = "application/xml";
      out.response.body = errors::RenderXml(errors::InternalError(), request_id, host_id);
    }
  }
  out.response.Header("Date", common::util::FormatHttpDate(common::util::RealNowMillis()));
  if (glacier) return out;  // Glacier's answers carry x-amzn-RequestId only
  out.response.Header("x-amz-request-id", request_id);
  out.response.Header("x-amz-id-2", host_id);
  out.response.Header("Server", "AmazonS3");
  return out;
}

common::Result<Response> Pipeline::HandleS3(const common::http::Request& request, RawSource& body,
                                            const std::string& request_id, bool* body_consumed,
                                            cloudtrail::S3CallFacts* facts) {
  auto addressing = ParseAddressing(request);
  if (!addressing.ok()) return addressing.error();
  auto caller = AuthenticateRequest(*services_, request, nullptr);
  if (!caller.ok()) return caller.error();

  RequestContext ctx;
  ctx.http = &request;
  ctx.bucket = addressing->bucket;
  ctx.key = addressing->key;
  ctx.virtual_host = addressing->virtual_host;
  ctx.principal = caller->principal;
  ctx.auth = std::move(caller->auth);
  ctx.services = services_;
  ctx.request_id = request_id;
  ctx.now_millis = services_->clock->NowMillis();

  RouteKey key;
  key.method = request.method;
  key.form = FormOf(ctx.bucket, ctx.key);
  key.query_names = QueryNames(request);
  key.request = &request;
  auto route = MatchRoute(RouteTable(), key);
  if (!route.ok()) return route.error();
  ctx.route = *route;
  const Route& row = **route;

  // One lookup of the target bucket serves the region check, authorization and the operation.
  if (!ctx.bucket.empty()) {
    if (auto record = services_->store->GetBucket(ctx.bucket); record.ok())
      ctx.bucket_record = std::move(*record);
  }
  facts->routed = true;
  facts->principal = ctx.principal;
  facts->operation = row.operation;
  facts->bucket = ctx.bucket;
  facts->key = ctx.key;
  facts->region = ctx.bucket_record ? ctx.bucket_record->region : services_->region;
  if (ctx.bucket_record) facts->bucket_owner = ctx.bucket_record->owner_account;
  facts->auth = ctx.auth.kind;
  // A request signed for another region than the bucket's (AWS: AuthorizationHeaderMalformed).
  if (ctx.bucket_record && !ctx.auth.region.empty() && !IsRegionFree(row.operation)) {
    if (const auto* info = &*ctx.bucket_record; info->region != ctx.auth.region) {
      return errors::WithHeader(
          errors::Make("AuthorizationHeaderMalformed", "The authorization header is malformed; the region '" +
                                                           ctx.auth.region + "' is wrong; expecting '" +
                                                           info->region + "'")
              .With("Region", info->region),
          "x-amz-bucket-region", info->region);
    }
  }

  // The caller's parsed identity policies, shared (no copy per request).
  std::shared_ptr<const std::vector<common::policy::NamedPolicy>> identity = caller->policies;
  if (!identity) {
    identity = std::make_shared<const std::vector<common::policy::NamedPolicy>>(
        IdentityPolicies(caller->policy_docs));
  }
  std::string action = row.action;
  if (!row.versioned_action.empty() && request.HasQuery("versionId")) action = row.versioned_action;
  // Rows without an action authorize inside the operation (DeleteObjects: per key).
  if (!action.empty())
    S3LAB_TRY(AuthorizeS3(ctx, *identity, action, ResourceArn(row, ctx.bucket, ctx.key), &facts->decision));
  ctx.authorize = [&ctx, identity](const std::string& extra_action, const std::string& resource) {
    return AuthorizeS3(ctx, *identity, extra_action, resource);
  };

  bool body_read = false;
  RawSource tracked = [&body, &body_read](const std::function<bool(const char*, size_t)>& receive) {
    body_read = true;
    return body(receive);
  };
  auto reader = MakeBodyReader(request, ctx.auth, tracked);
  if (!reader.ok()) {
    *body_consumed = false;
    return reader.error();
  }
  ctx.body = reader->get();
  auto result = row.handler(ctx);
  *body_consumed = body_read;
  return result;
}

}  // namespace emulator
