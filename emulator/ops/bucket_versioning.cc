// GetBucketVersioning / PutBucketVersioning.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
// A bucket that never had versioning answers an empty VersioningConfiguration. Status must be Enabled or
// Suspended (anything else: MalformedXML). MfaDelete (mfa_delete.h): only the bucket owner's root user
// may set it, with x-amz-mfa; once Enabled, every versioning change needs x-amz-mfa.
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/mfa_delete.h"
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
    if (std::string mfa = MfaDeleteState(ctx, ctx.bucket); !mfa.empty()) w.Element("MfaDelete", mfa);
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
  if (!status.empty() && status != "Enabled" && status != "Suspended") return errors::MalformedXML();
  if (status.empty() && mfa.empty())
    return errors::Make("IllegalVersioningConfigurationException", "The Versioning element must be specified");
  const std::string current_mfa = MfaDeleteState(ctx, ctx.bucket);
  if (!mfa.empty() || current_mfa == "Enabled") {
    // NOTE: AWS's answer to a non-root caller setting MfaDelete is unverified; AccessDenied here.
    if (!mfa.empty() && ctx.principal.type != common::identity::PrincipalType::kRoot)
      return errors::AccessDenied();
    S3LAB_TRY(CheckMfa(ctx, *bucket));
  }
  if (!status.empty()) S3LAB_TRY(Store(ctx).SetVersioning(ctx.bucket, status));
  if (!mfa.empty()) S3LAB_TRY(SetMfaDeleteState(ctx, ctx.bucket, mfa));
  return Response::Empty();
}

}  // namespace emulator::ops
