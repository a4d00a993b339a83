// HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
#include <algorithm>
#include <cstdint>

#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {

Result<Response> HeadBucket(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  return Response::Empty()
      .Header("x-amz-bucket-region", bucket->region)
      .Header("x-amz-access-point-alias", "false");
}

Result<Response> DeleteBucket(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto deleted = Store(ctx).DeleteBucket(ctx.bucket);
  if (!deleted.ok()) {
    if (deleted.error().code == "BucketNotEmpty")
      return errors::BucketNotEmpty(ctx.bucket, !bucket->versioning.empty());
    return deleted.error();
  }
  return Response::Empty(204);
}

// Buckets of the caller's account in name order. Pagination as AWS: max-buckets (1..10000); with
// max-buckets, prefix, bucket-region or continuation-token and no max-buckets the page is 10,000.
// ContinuationToken is opaque (base64 of the last name returned). Without any of them: every bucket.
Result<Response> ListBuckets(RequestContext& ctx) {
  auto buckets = Store(ctx).ListBuckets(ctx.principal.account_id);
  if (!buckets.ok()) return buckets.error();
  std::string prefix = ctx.Query("prefix").value_or("");
  std::string region = ctx.Query("bucket-region").value_or("");
  auto token = ctx.Query("continuation-token");
  auto max_param = ctx.Query("max-buckets");
  size_t page = (max_param || token || ctx.HasQuery("prefix") || ctx.HasQuery("bucket-region")) ? 10000 : SIZE_MAX;
  if (max_param) {
    bool digits = !max_param->empty() && max_param->size() <= 5 &&
                  max_param->find_first_not_of("0123456789") == std::string::npos;
    int n = digits ? std::stoi(*max_param) : 0;
    // NOTE: AWS's text for a bad max-buckets is unverified.
    if (n < 1 || n > 10000)
      return errors::InvalidArgument("Argument max-buckets must be an integer between 1 and 10000", "max-buckets",
                                     *max_param);
    page = static_cast<size_t>(n);
  }
  std::string after;
  if (token) {
    auto decoded = common::util::Base64Decode(*token);
    if (!decoded || token->empty())
      return errors::InvalidArgument("The continuation token provided is incorrect", "continuation-token", *token);
    after = *decoded;
  }
  std::sort(buckets->begin(), buckets->end(),
            [](const store::BucketRecord& a, const store::BucketRecord& b) { return a.name < b.name; });
  XmlWriter w;
  w.Open("ListAllMyBucketsResult", kS3Namespace);
  w.Open("Buckets");
  size_t listed = 0;
  std::string next_token;
  for (const auto& b : *buckets) {
    if (!prefix.empty() && b.name.rfind(prefix, 0) != 0) continue;
    if (!region.empty() && b.region != region) continue;
    if (!after.empty() && b.name <= after) continue;
    if (listed == page) {
      next_token = common::util::Base64Encode(after);
      break;
    }
    after = b.name;
    ++listed;
    w.Open("Bucket");
    w.Element("Name", b.name);
    w.Element("CreationDate", common::util::FormatIso8601(b.created_millis));
    w.Element("BucketRegion", b.region);
    w.Close("Bucket");
  }
  w.Close("Buckets");
  w.Open("Owner");
  w.Element("ID", OwnerId(ctx, ctx.principal.account_id));
  w.Close("Owner");
  if (!next_token.empty()) w.Element("ContinuationToken", next_token);
  if (!prefix.empty()) w.Element("Prefix", prefix);
  w.Close("ListAllMyBucketsResult");
  return Response::Xml(w.Finish());
}

Result<Response> GetBucketLocation(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  XmlWriter w;
  // us-east-1 buckets answer an empty LocationConstraint (AWS's legacy null region).
  if (bucket->region == "us-east-1") {
    w.Raw("<LocationConstraint xmlns=\"" + std::string(kS3Namespace) + "\"/>");
  } else {
    w.Open("LocationConstraint", kS3Namespace).Raw(XmlEscape(bucket->region)).Close("LocationConstraint");
  }
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
