// DeleteObjects — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
// POST /bucket?delete with <Delete><Quiet/><Object><Key/><VersionId/></Object>...</Delete> (1..1000
// objects). The body must carry an integrity checksum: Content-MD5 or, as botocore sends today,
// x-amz-checksum-<alg> (verified by the body reader). Each key is authorized on its own
// (s3:DeleteObject, or s3:DeleteObjectVersion with a VersionId); failures are <Error> entries, the
// request itself succeeds. Quiet mode lists only the errors.
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/mfa_delete.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {
namespace {

bool HasIntegrityHeader(const RequestContext& ctx) {
  if (ctx.http->HasHeader("content-md5") || ctx.http->HasHeader("x-amz-trailer")) return true;
  for (const auto& [name, value] : ctx.http->headers)
    if (common::util::StartsWith(name, "x-amz-checksum-") && name != "x-amz-checksum-mode") return true;
  return false;
}

}  // namespace

Result<Response> DeleteObjects(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  if (!HasIntegrityHeader(ctx))
    return errors::InvalidRequest("Missing required header for this request: Content-MD5");
  auto body = ctx.body->ReadAll(2 << 20);
  if (!body.ok()) return body.error();
  auto doc = ParseXml(*body, "Delete");
  if (!doc.ok()) return doc.error();
  pugi::xml_node root = (*doc)->document_element();
  bool quiet = common::util::Trim(ChildText(root, "Quiet")) == "true";
  auto objects = Children(root, "Object");
  if (objects.empty() || objects.size() > 1000) return errors::MalformedXML();
  bool removes_versions = false;
  for (auto& o : objects) {
    if (!Child(o, "Key")) return errors::MalformedXML();
    removes_versions = removes_versions || !ChildText(o, "VersionId").empty();
  }
  // MFA Delete: one invalid or missing token fails the whole request (AWS).
  if (removes_versions && MfaDeleteState(ctx, ctx.bucket) == "Enabled") S3LAB_TRY(CheckMfa(ctx, *bucket));

  XmlWriter w;
  w.Open("DeleteResult", kS3Namespace);
  for (auto& o : objects) {
    std::string key = ChildText(o, "Key");
    std::string version_id = ChildText(o, "VersionId");
    std::string action = version_id.empty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
    common::AwsError failure;
    bool failed = false;
    store::DeleteResult result;
    if (auto allowed = ctx.authorize(action, "arn:aws:s3:::" + ctx.bucket + "/" + key); !allowed.ok()) {
      failure = allowed.error();
      failed = true;
    } else if (key.empty() || key.size() > 1024) {
      failure = key.empty() ? errors::Make("UserKeyMustBeSpecified",
                                           "The bucket POST must contain the specified field name. If it is "
                                           "specified, please check the order of the fields.")
                            : errors::KeyTooLongError();
      failed = true;
    } else {
      auto deleted = Store(ctx).DeleteObject(ctx.bucket, key, version_id);
      if (!deleted.ok()) {
        failure = deleted.error();
        failed = true;
      } else {
        result = *deleted;
      }
    }
    if (failed) {
      w.Open("Error").Element("Key", key);
      if (!version_id.empty()) w.Element("VersionId", version_id);
      w.Element("Code", failure.code).Element("Message", failure.message).Close("Error");
      continue;
    }
    if (quiet) continue;
    w.Open("Deleted").Element("Key", key);
    if (!version_id.empty()) w.Element("VersionId", version_id);
    if (result.marker_created || result.deleted_delete_marker) w.Bool("DeleteMarker", true);
    if (result.marker_created) w.Element("DeleteMarkerVersionId", result.version_id);
    w.Close("Deleted");
  }
  w.Close("DeleteResult");
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
