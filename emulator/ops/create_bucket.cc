// CreateBucket — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
// Region rules, with the endpoint's region taken from the SigV4 credential scope (as boto3 signs for
// AWS_DEFAULT_REGION), or --region for unsigned requests:
//   us-east-1: no LocationConstraint -> us-east-1; a LocationConstraint of another region creates the
//              bucket there (the global endpoint accepts it); "us-east-1" itself is
//              InvalidLocationConstraint.
//   region R:  LocationConstraint must be R, otherwise IllegalLocationConstraintException.
// Re-creating your own bucket answers BucketAlreadyOwnedByYou, except in us-east-1 where AWS keeps the
// legacy 200 OK. Another account's name: BucketAlreadyExists.
// Object ownership is always BucketOwnerEnforced (AWS's default since 2023).
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {

Result<Response> CreateBucket(RequestContext& ctx) {
  if (!ValidBucketName(ctx.bucket)) return errors::InvalidBucketName(ctx.bucket);
  auto body = ctx.body->ReadAll(64 * 1024);
  if (!body.ok()) return body.error();
  std::string constraint;
  if (!common::util::Trim(*body).empty()) {
    auto doc = ParseXml(*body, "CreateBucketConfiguration");
    if (!doc.ok()) return doc.error();
    pugi::xml_node root = (*doc)->document_element();
    constraint = ChildText(root, "LocationConstraint");
  }
  std::string endpoint_region = ctx.auth.region.empty() ? ctx.services->region : ctx.auth.region;
  std::string region;
  if (constraint.empty()) {
    if (endpoint_region != "us-east-1") return errors::IllegalLocationConstraintException("unspecified");
    region = "us-east-1";
  } else {
    if (!KnownRegion(constraint) || constraint == "us-east-1")
      return errors::InvalidLocationConstraint(constraint);
    region = constraint == "EU" ? "eu-west-1" : constraint;
    if (endpoint_region != "us-east-1" && region != endpoint_region)
      return errors::IllegalLocationConstraintException(constraint);
  }
  // ACLs: only "private" (the default) and bucket-owner-full-control are compatible with BucketOwnerEnforced.
  if (auto acl = ctx.Header("x-amz-acl"); acl && *acl != "private" && *acl != "bucket-owner-full-control") {
    return errors::Make("InvalidBucketAclWithObjectOwnership",
                        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
  }
  if (auto ownership = ctx.Header("x-amz-object-ownership");
      ownership && *ownership != "BucketOwnerEnforced") {
    // NOTE: only BucketOwnerEnforced is modelled; ACL-based ownership modes are not.
    return errors::NotImplemented("A header you provided implies functionality that is not implemented",
                                  "x-amz-object-ownership");
  }
  if (ctx.HeaderOr("x-amz-bucket-object-lock-enabled") == "true") {
    // NOTE: Object Lock arrives with a later issue.
    return errors::NotImplemented("A header you provided implies functionality that is not implemented",
                                  "x-amz-bucket-object-lock-enabled");
  }
  store::BucketRecord record;
  record.name = ctx.bucket;
  record.owner_account = ctx.principal.account_id;
  record.region = region;
  record.created_millis = ctx.now_millis;
  auto created = Store(ctx).CreateBucket(record);
  if (!created.ok()) {
    if (created.error().code == "BucketAlreadyOwnedByYou" && region == "us-east-1") {
      auto existing = Store(ctx).GetBucket(ctx.bucket);
      if (existing.ok() && existing->region == "us-east-1") {
        return Response::Empty().Header("Location", "/" + ctx.bucket);
      }
    }
    return created.error();
  }
  return Response::Empty().Header("Location", "/" + ctx.bucket);
}

}  // namespace emulator::ops
