// Handlers of the S3 operations (one file each under emulator/ops/; multipart ones in
// emulator/ops/multipart.h, owner H4). Each links its AWS API page in its file.
#pragma once

#include "emulator/protocol/op.h"

namespace emulator::ops {

using common::Result;

// Service and bucket.
Result<Response> ListBuckets(RequestContext& ctx);
Result<Response> CreateBucket(RequestContext& ctx);
Result<Response> HeadBucket(RequestContext& ctx);
Result<Response> DeleteBucket(RequestContext& ctx);
Result<Response> GetBucketLocation(RequestContext& ctx);
Result<Response> GetBucketVersioning(RequestContext& ctx);
Result<Response> PutBucketVersioning(RequestContext& ctx);
Result<Response> GetBucketEncryption(RequestContext& ctx);
Result<Response> PutBucketEncryption(RequestContext& ctx);
Result<Response> DeleteBucketEncryption(RequestContext& ctx);
Result<Response> GetBucketPolicy(RequestContext& ctx);
Result<Response> PutBucketPolicy(RequestContext& ctx);
Result<Response> DeleteBucketPolicy(RequestContext& ctx);
Result<Response> GetBucketAcl(RequestContext& ctx);
Result<Response> PutBucketAcl(RequestContext& ctx);
Result<Response> GetBucketOwnershipControls(RequestContext& ctx);

// Listing.
Result<Response> ListObjects(RequestContext& ctx);
Result<Response> ListObjectsV2(RequestContext& ctx);
Result<Response> ListObjectVersions(RequestContext& ctx);

// Objects.
Result<Response> PutObject(RequestContext& ctx);
Result<Response> GetObject(RequestContext& ctx);
Result<Response> HeadObject(RequestContext& ctx);
Result<Response> DeleteObject(RequestContext& ctx);
Result<Response> DeleteObjects(RequestContext& ctx);
Result<Response> CopyObject(RequestContext& ctx);
Result<Response> GetObjectAcl(RequestContext& ctx);
Result<Response> PutObjectAcl(RequestContext& ctx);

}  // namespace emulator::ops
