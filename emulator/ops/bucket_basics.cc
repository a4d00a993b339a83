// HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
#include "common/util/clock.h"
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

// NOTE: ListBuckets answers every bucket of the caller's account in one page (no ContinuationToken).
Result<Response> ListBuckets(RequestContext& ctx) {
  auto buckets = Store(ctx).ListBuckets(ctx.principal.account_id);
  if (!buckets.ok()) return buckets.error();
  std::string prefix = ctx.Query("prefix").value_or("");
  std::string region = ctx.Query("bucket-region").value_or("");
  XmlWriter w;
  w.Open("ListAllMyBucketsResult", kS3Namespace);
  w.Open("Buckets");
  for (const auto& b : *buckets) {
    if (!prefix.empty() && b.name.rfind(prefix, 0) != 0) continue;
    if (!region.empty() && b.region != region) continue;
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
