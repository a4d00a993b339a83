// ACLs under Object Ownership "BucketOwnerEnforced" (AWS's default for new buckets since April 2023):
// ACLs are disabled. Reads answer the owner's FULL_CONTROL; writes succeed only when they express
// exactly that (canned "private" / "bucket-owner-full-control", or an XML grant of FULL_CONTROL to the
// owner), anything else is AccessControlListNotSupported "The bucket does not allow ACLs".
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
//   GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl, GetBucketOwnershipControls.
#include "common/util/strings.h"
#include "emulator/ops/acl_rules.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {
namespace {

std::string OwnerAcl(const std::string& owner_id) {
  XmlWriter w;
  w.Open("AccessControlPolicy", kS3Namespace);
  w.Open("Owner").Element("ID", owner_id).Close("Owner");
  w.Open("AccessControlList").Open("Grant");
  w.Raw("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">");
  w.Element("ID", owner_id);
  w.Close("Grantee");
  w.Element("Permission", "FULL_CONTROL");
  w.Close("Grant").Close("AccessControlList");
  w.Close("AccessControlPolicy");
  return w.Finish();
}

// Body of Put*Acl: only a FULL_CONTROL grant to the owner is acceptable.
common::Status CheckAclBody(RequestContext& ctx, const std::string& owner_id) {
  auto body = ctx.body->ReadAll(64 * 1024);
  if (!body.ok()) return body.error();
  if (common::util::Trim(*body).empty()) return common::Ok{};
  auto doc = ParseXml(*body, "AccessControlPolicy");
  if (!doc.ok())
    return errors::Make("MalformedACLError",
                        "The XML you provided was not well-formed or did not validate against our "
                        "published schema");
  pugi::xml_node list = Child((*doc)->document_element(), "AccessControlList");
  for (pugi::xml_node grant : Children(list, "Grant")) {
    std::string id = ChildText(Child(grant, "Grantee"), "ID");
    if (id != owner_id || ChildText(grant, "Permission") != "FULL_CONTROL")
      return errors::AccessControlListNotSupported();
  }
  return common::Ok{};
}

}  // namespace

common::Status CheckAclHeaders(const RequestContext& ctx) {
  if (auto acl = ctx.Header("x-amz-acl"); acl && *acl != "private" && *acl != "bucket-owner-full-control")
    return errors::AccessControlListNotSupported();
  for (const char* grant : {"x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp",
                            "x-amz-grant-write", "x-amz-grant-write-acp"}) {
    if (ctx.http->HasHeader(grant)) return errors::AccessControlListNotSupported();
  }
  return common::Ok{};
}

Result<Response> GetBucketAcl(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  return Response::Xml(OwnerAcl(OwnerId(ctx, bucket->owner_account)));
}

Result<Response> PutBucketAcl(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  S3LAB_TRY(CheckAclHeaders(ctx));
  S3LAB_TRY(CheckAclBody(ctx, OwnerId(ctx, bucket->owner_account)));
  return Response::Empty();
}

Result<Response> GetObjectAcl(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto version = Store(ctx).GetObject(ctx.bucket, ctx.key, ctx.Query("versionId").value_or(""));
  if (!version.ok()) return version.error();
  if (version->is_delete_marker) {
    if (ctx.HasQuery("versionId")) return errors::MethodNotAllowed("GET", "DeleteMarker");
    return errors::NoSuchKey(ctx.key);
  }
  Response res = Response::Xml(OwnerAcl(OwnerId(ctx, bucket->owner_account)));
  if (!bucket->versioning.empty()) res.Header("x-amz-version-id", version->version_id);
  return res;
}

Result<Response> PutObjectAcl(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto version = Store(ctx).GetObject(ctx.bucket, ctx.key, ctx.Query("versionId").value_or(""));
  if (!version.ok()) return version.error();
  S3LAB_TRY(CheckAclHeaders(ctx));
  S3LAB_TRY(CheckAclBody(ctx, OwnerId(ctx, bucket->owner_account)));
  return Response::Empty();
}

Result<Response> GetBucketOwnershipControls(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  XmlWriter w;
  w.Open("OwnershipControls", kS3Namespace).Open("Rule");
  w.Element("ObjectOwnership", "BucketOwnerEnforced");
  w.Close("Rule").Close("OwnershipControls");
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
