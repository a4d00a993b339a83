// AbortMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
// DELETE /{Bucket}/{Key}?uploadId=ID: drops the upload and every part's data; 204 No Content.
// NoSuchUpload (404) for an unknown, completed or already aborted upload.
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/multipart.h"

namespace emulator::ops {

Result<Response> AbortMultipartUpload(RequestContext& ctx) {
  auto upload = multipart::RequestUpload(ctx);
  if (!upload.ok()) return upload.error();
  S3LAB_TRY(Store(ctx).AbortUpload(*upload));
  return Response::Empty(204);
}

}  // namespace emulator::ops
