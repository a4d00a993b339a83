// S3 authorization: condition keys and the call into the policy engine (see authorize.h).
#include "emulator/protocol/authorize.h"

#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/audit/record.h"
#include "common/util/clock.h"
#include "common/util/strings.h"
#include "emulator/protocol/errors.h"

namespace emulator {
namespace {

using common::policy::NamedPolicy;
using common::policy::Policy;
using common::policy::PolicyType;

// Parsed policies by (type, text). Bounded: cleared when it grows past kMaxEntries.
class PolicyCache {
 public:
  std::shared_ptr<const Policy> Get(const std::string& json, PolicyType type) {
    std::string key = (type == PolicyType::kIdentity ? "I" : "R") + json;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(key);
      if (it != map_.end()) return it->second;
    }
    auto parsed = common::policy::Parse(json, type);
    if (!parsed.ok()) return nullptr;
    auto policy = std::make_shared<const Policy>(std::move(parsed.value()));
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() > kMaxEntries) map_.clear();
    map_[key] = policy;
    return policy;
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Policy>> map_;
};

PolicyCache& Cache() {
  static PolicyCache cache;
  return cache;
}

// "arn:aws:s3:::bkt/key" -> "bkt"; "" for other ARNs.
std::string BucketOfArn(const std::string& arn) {
  const std::string prefix = "arn:aws:s3:::";
  if (!common::util::StartsWith(arn, prefix)) return {};
  std::string rest = arn.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

}  // namespace

std::vector<NamedPolicy> IdentityPolicies(const std::vector<std::pair<std::string, std::string>>& docs) {
  std::vector<NamedPolicy> out;
  for (const auto& [name, json] : docs) {
    auto policy = Cache().Get(json, PolicyType::kIdentity);
    if (policy) out.push_back(NamedPolicy{name, *policy});
  }
  return out;
}

std::optional<NamedPolicy> ResourcePolicy(const std::string& name, const std::string& json) {
  auto policy = Cache().Get(json, PolicyType::kResource);
  if (!policy) return std::nullopt;
  return NamedPolicy{name, *policy};
}

common::policy::Context BuildContext(const RequestContext& ctx, const std::string& action,
                                     const std::string& resource) {
  common::policy::Context c;
  c.action = action;
  c.resource = resource;
  c.principal = ctx.principal;
  const common::http::Request& req = *ctx.http;
  c.Set("aws:securetransport", req.tls ? "true" : "false");
  if (!req.remote_addr.empty()) c.Set("aws:sourceip", req.remote_addr);
  c.Set("aws:currenttime", common::util::FormatIso8601Seconds(ctx.now_millis));
  c.Set("aws:epochtime", std::to_string(ctx.now_millis / 1000));
  if (auto ua = req.Header("user-agent")) c.Set("aws:useragent", *ua);
  if (auto ref = req.Header("referer")) c.Set("aws:referer", *ref);
  c.Set("aws:requestedregion", ctx.auth.region.empty() ? ctx.services->region : ctx.auth.region);
  const auto& p = ctx.principal;
  switch (p.type) {
    case common::identity::PrincipalType::kAnonymous:
      c.Set("aws:principaltype", "Anonymous");
      c.Set("aws:userid", "anonymous");
      break;
    case common::identity::PrincipalType::kRoot:
      c.Set("aws:principaltype", "Account");
      break;
    case common::identity::PrincipalType::kUser:
      c.Set("aws:principaltype", "User");
      c.Set("aws:username", p.user_name);
      break;
    case common::identity::PrincipalType::kService:
      c.Set("aws:principaltype", "AWSService");
      break;
  }
  if (!p.anonymous()) {
    c.Set("aws:principalarn", p.arn);
    c.Set("aws:principalaccount", p.account_id);
    if (!p.user_id.empty()) c.Set("aws:userid", p.user_id);
  }
  // Every x-amz-* header as sent is an s3: condition key (s3:x-amz-server-side-encryption, ...).
  for (const auto& [name, value] : req.headers) {
    if (common::util::StartsWith(name, "x-amz-") && name != "x-amz-date" && name != "x-amz-security-token")
      c.Add("s3:" + name, value);
  }
  for (const char* q : {"prefix", "delimiter", "max-keys"}) {
    if (auto v = req.Query(q)) c.Set(std::string("s3:") + q, *v);
  }
  if (auto v = req.Query("versionId")) c.Set("s3:versionid", *v);
  using common::sigv4::AuthKind;
  switch (ctx.auth.kind) {
    case AuthKind::kHeaderV4:
      c.Set("s3:authtype", "REST-HEADER");
      c.Set("s3:signatureversion", "AWS4-HMAC-SHA256");
      break;
    case AuthKind::kQueryV4:
      c.Set("s3:authtype", "REST-QUERY-STRING");
      c.Set("s3:signatureversion", "AWS4-HMAC-SHA256");
      break;
    case AuthKind::kQueryV2:
      c.Set("s3:authtype", "REST-QUERY-STRING");
      c.Set("s3:signatureversion", "AWS");
      break;
    case AuthKind::kHeaderV2:
      c.Set("s3:authtype", "REST-HEADER");
      c.Set("s3:signatureversion", "AWS");
      break;
    case AuthKind::kAnonymous:
      break;
  }
  if (req.tls) c.Set("s3:tlsversion", "1.3");
  return c;
}

common::policy::Decision AuthorizeIdentity(const common::http::Request& request,
                                           const common::identity::Principal& principal,
                                           const std::vector<std::pair<std::string, std::string>>& policy_docs,
                                           int64_t now_millis, const std::string& action,
                                           const std::string& resource, std::string* decision) {
  common::policy::Context c;
  c.action = action;
  c.resource = resource;
  c.resource_account = principal.account_id;
  c.principal = principal;
  c.Set("aws:securetransport", request.tls ? "true" : "false");
  c.Set("aws:sourceip", request.remote_addr);
  c.Set("aws:currenttime", common::util::FormatIso8601Seconds(now_millis));
  auto identity = IdentityPolicies(policy_docs);
  common::policy::Decision d = common::policy::Authorize(c, identity, nullptr);
  if (!d.allowed() && decision != nullptr)
    *decision = common::audit::DecisionText(common::policy::Explain(d, c, identity, nullptr));
  return d;
}

common::Status AuthorizeS3(const RequestContext& ctx, const std::vector<NamedPolicy>& identity,
                           const std::string& action, const std::string& resource, std::string* decision) {
  common::policy::Context c = BuildContext(ctx, action, resource);
  std::optional<NamedPolicy> bucket_policy;
  std::string bucket = BucketOfArn(resource);
  // CreateBucket is judged on the caller alone; other bucket/object actions include the bucket policy
  // and the bucket owner's account (cross-account access needs both sides).
  if (!bucket.empty() && bucket != "*" && action != "s3:CreateBucket") {
    std::optional<BucketAuthInfo> info;
    if (ctx.bucket_record && ctx.bucket_record->name == bucket) {
      info = BucketAuthInfo{ctx.bucket_record->owner_account, ctx.bucket_record->region,
                            ctx.bucket_record->policy};
    } else {
      info = LookupBucketForAuth(*ctx.services, bucket);
    }
    if (info) {
      c.resource_account = info->owner_account_id;
      if (!info->policy_json.empty()) bucket_policy = ResourcePolicy("bucket policy", info->policy_json);
      if (bucket_policy) bucket_policy->attached_to = bucket;
    }
  }
  if (c.resource_account.empty()) c.resource_account = ctx.principal.account_id;
  common::policy::Decision d =
      common::policy::Authorize(c, identity, bucket_policy ? &*bucket_policy : nullptr);
  // AWS (PutBucketPolicy doc): the bucket owner's root may always Get/Put/DeleteBucketPolicy, even when
  // the bucket policy denies it, so an owner cannot lock itself out (e.g. with a TLS-only deny over HTTP).
  if (!d.allowed() && ctx.principal.type == common::identity::PrincipalType::kRoot &&
      ctx.principal.account_id == c.resource_account &&
      (action == "s3:GetBucketPolicy" || action == "s3:PutBucketPolicy" || action == "s3:DeleteBucketPolicy"))
    return common::Ok{};
  if (d.allowed()) return common::Ok{};
  if (decision != nullptr)
    *decision = common::audit::DecisionText(
        common::policy::Explain(d, c, identity, bucket_policy ? &*bucket_policy : nullptr));
  return errors::AccessDenied();
}

}  // namespace emulator
