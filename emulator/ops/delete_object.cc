// DeleteObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
// 204 always (a missing key is not an error). Versioning buckets get a delete marker
// (x-amz-delete-marker: true, x-amz-version-id of the marker); ?versionId= removes exactly that version
// (with MFA Delete on: only with a valid x-amz-mfa, mfa_delete.h).
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/mfa_delete.h"
#include "emulator/ops/object_common.h"
#include "emulator/ops/ops.h"

namespace emulator::ops {

Result<Response> DeleteObject(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  S3LAB_TRY(ValidateVersionId(ctx));
  std::string version_id = ctx.Query("versionId").value_or("");
  if (!version_id.empty() && MfaDeleteState(ctx, ctx.bucket) == "Enabled") S3LAB_TRY(CheckMfa(ctx, *bucket));
  auto result = Store(ctx).DeleteObject(ctx.bucket, ctx.key, version_id);
  if (!result.ok()) return result.error();
  Response res = Response::Empty(204);
  if (result->marker_created || result->deleted_delete_marker) res.Header("x-amz-delete-marker", "true");
  if (!version_id.empty()) {
    res.Header("x-amz-version-id", version_id);
  } else if (!result->version_id.empty() && !bucket->versioning.empty()) {
    res.Header("x-amz-version-id", result->version_id);
  }
  return res;
}

}  // namespace emulator::ops
