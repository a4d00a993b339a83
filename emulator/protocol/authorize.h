// Authorization of an S3 request through the one policy engine (common::policy::Authorize): the
// caller's identity policies (inline + attached, from the identity store) and the bucket policy, with
// the condition keys of the request AS SENT (before default encryption applies, so a "require
// x-amz-server-side-encryption" bucket policy denies a header-less PUT as on AWS):
//   aws:SecureTransport aws:SourceIp aws:CurrentTime aws:EpochTime aws:UserAgent aws:Referer
//   aws:RequestedRegion aws:PrincipalArn aws:PrincipalAccount aws:PrincipalType aws:username aws:userid
//   s3:<every x-amz-* request header> (s3:x-amz-server-side-encryption, s3:x-amz-acl, ...)
//   s3:prefix s3:delimiter s3:max-keys (listing) s3:VersionId s3:authType s3:signatureversion
//   s3:TlsVersion
// Policies are parsed once and cached by their text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/policy/policy.h"
#include "emulator/protocol/op.h"

namespace emulator {

// What authorization needs to know about the target bucket.
struct BucketAuthInfo {
  std::string owner_account_id;
  std::string region;
  std::string policy_json;  // "" = none
};

// Looks a bucket up for authorization (nullopt when it does not exist). Defined next to the bucket
// operations (emulator/ops/bucket_common.cc).
std::optional<BucketAuthInfo> LookupBucketForAuth(Services& services, const std::string& bucket);

// Identity policies of the caller, parsed (cached). Empty for anonymous callers.
std::vector<common::policy::NamedPolicy> IdentityPolicies(
    const std::vector<std::pair<std::string, std::string>>& docs);

// A parsed resource policy (cached); nullopt when the text does not parse.
std::optional<common::policy::NamedPolicy> ResourcePolicy(const std::string& name, const std::string& json);

// Condition keys of the request.
common::policy::Context BuildContext(const RequestContext& ctx, const std::string& action,
                                     const std::string& resource);

// Identity-only authorization of a call to IAM, STS, CloudTrail or S3 Control: the caller's identity
// policies, on the caller's own account, with aws:SecureTransport, aws:SourceIp and aws:CurrentTime.
// On a denial, decision (when not null) receives what decided (common::audit::DecisionText).
common::policy::Decision AuthorizeIdentity(const common::http::Request& request,
                                           const common::identity::Principal& principal,
                                           const std::vector<std::pair<std::string, std::string>>& policy_docs,
                                           int64_t now_millis, const std::string& action,
                                           const std::string& resource, std::string* decision = nullptr);

// Decides action on resource for the request; AccessDenied when not allowed. On a denial, when decision
// is not null, it receives what decided (common::audit::DecisionText), for the CloudTrail row.
common::Status AuthorizeS3(const RequestContext& ctx,
                           const std::vector<common::policy::NamedPolicy>& identity,
                           const std::string& action, const std::string& resource,
                           std::string* decision = nullptr);

}  // namespace emulator
