// Service-specific checks layered on Parse: what S3 refuses in a bucket policy even though the
// document is a valid policy (actions of other services, resources outside the bucket).
#include "common/policy/policy.h"

namespace common::policy {

Status CheckBucketPolicy(const Policy& policy, const std::string& bucket) {
  const std::string bucket_arn = "arn:aws:s3:::" + bucket;
  for (const auto& st : policy.statements) {
    for (const auto& action : st.actions) {
      if (action != "*" && !WildcardMatch("s3:*", action, true))
        return MakeError("MalformedPolicy", "Policy has invalid action", 400).With("Value", action);
    }
    for (const auto& resource : st.resources) {
      const bool in_bucket =
          resource.rfind(bucket_arn + "/", 0) == 0 || WildcardMatch(resource, bucket_arn, false);
      if (!in_bucket)
        return MakeError("MalformedPolicy", "Policy has invalid resource", 400).With("Value", resource);
    }
  }
  return Ok{};
}

}  // namespace common::policy
