// Get/Put/DeleteBucketPolicy.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
// The document is checked by the one policy engine's parser (common::policy::Parse, resource policy:
// Principal required) and stored as sent; GetBucketPolicy returns it unchanged as JSON.
// As on AWS, a Resource outside the bucket is refused ("Policy has invalid resource").
#include "common/policy/policy.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops {
namespace {

bool ResourceInBucket(const std::string& resource, const std::string& bucket) {
  const std::string arn = "arn:aws:s3:::" + bucket;
  if (resource == arn) return true;
  if (common::util::StartsWith(resource, arn + "/")) return true;
  // Wildcards that can match this bucket ("arn:aws:s3:::*", "arn:aws:s3:::buck*/x").
  return common::policy::WildcardMatch(resource, arn, false) ||
         common::policy::WildcardMatch(resource.substr(0, resource.find('/')), arn, false);
}

}  // namespace

Result<Response> GetBucketPolicy(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  if (bucket->policy.empty()) return errors::NoSuchBucketPolicy(ctx.bucket);
  Response res = Response::Xml(bucket->policy);
  res.content_type = "application/json";
  return res;
}

Result<Response> PutBucketPolicy(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto body = ctx.body->ReadAll(20 * 1024 + 1);
  if (!body.ok()) return body.error();
  if (body->size() > 20 * 1024) return errors::MalformedPolicy("Policies must be less than 20 KB");
  auto parsed = common::policy::Parse(*body, common::policy::PolicyType::kResource);
  if (!parsed.ok()) return errors::MalformedPolicy(parsed.error().message);
  for (const auto& st : parsed->statements) {
    for (const auto& r : st.resources) {
      if (!ResourceInBucket(r, ctx.bucket)) return errors::MalformedPolicy("Policy has invalid resource");
    }
  }
  S3LAB_TRY(Store(ctx).SetPolicy(ctx.bucket, *body));
  return Response::Empty(204);
}

Result<Response> DeleteBucketPolicy(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  S3LAB_TRY(Store(ctx).SetPolicy(ctx.bucket, ""));
  return Response::Empty(204);
}

}  // namespace emulator::ops
