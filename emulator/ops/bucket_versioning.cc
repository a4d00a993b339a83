// GetBucketVersioning / PutBucketVersioning.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
// A bucket that never had versioning answers an empty VersioningConfiguration. Status must be Enabled or
// Suspended (anything else: MalformedXML).
// NOTE: MfaDelete Enabled is refused with NotImplemented until MFA devices arrive (later issue).
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {

Result<Response> GetBucketVersioning(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  XmlWriter w;
  if (bucket->versioning.empty()) {
    w.Raw("<VersioningConfiguration xmlns=\"" + std::string(kS3Namespace) + "\"/>");
  } else {
    w.Open("VersioningConfiguration", kS3Namespace);
    w.Element("Status", bucket->versioning);
    w.Close("VersioningConfiguration");
  }
  return Response::Xml(w.Finish());
}

Result<Response> PutBucketVersioning(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto body = ctx.body->ReadAll(64 * 1024);
  if (!body.ok()) return body.error();
  auto doc = ParseXml(*body, "VersioningConfiguration");
  if (!doc.ok()) return doc.error();
  pugi::xml_node root = (*doc)->document_element();
  std::string status = ChildText(root, "Status");
  std::string mfa = ChildText(root, "MfaDelete");
  if (!mfa.empty() && mfa != "Enabled" && mfa != "Disabled") return errors::MalformedXML();
  if (mfa == "Enabled")
    return errors::NotImplemented("A header you provided implies functionality that is not implemented");
  if (status.empty()) return Response::Empty();  // only MfaDelete Disabled: nothing to change
  if (status != "Enabled" && status != "Suspended") return errors::MalformedXML();
  S3LAB_TRY(Store(ctx).SetVersioning(ctx.bucket, status));
  return Response::Empty();
}

}  // namespace emulator::ops
