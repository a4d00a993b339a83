// PutObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
// Streams the decoded body (body_reader.h) into a store writer and commits only after every digest
// verified. Encryption: the request's SSE headers (SSE-S3, SSE-KMS, SSE-C) else the bucket default
// (emulator/sse/sse_request.h). The response echoes the SSE headers, the ETag (hex MD5 in quotes;
// random hex for SSE-KMS and SSE-C, as AWS), x-amz-version-id on versioning-enabled buckets and the
// checksum the client asked for (x-amz-checksum-<alg>, type FULL_OBJECT).
// The body of the response is empty (botocore treats any body of a 200 PutObject as XML).
// Conditional writes: If-None-Match: * fails with 412 when the key exists; If-Match compares ETags.
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/acl_rules.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/object_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/sse/sse_request.h"

namespace emulator::ops {
namespace {

constexpr int64_t kMaxPutBytes = 5LL * 1024 * 1024 * 1024;

common::Status CheckWritePreconditions(RequestContext& ctx) {
  auto if_none = ctx.Header("if-none-match");
  auto if_match = ctx.Header("if-match");
  if (!if_none && !if_match) return common::Ok{};
  auto current = Store(ctx).GetObject(ctx.bucket, ctx.key);
  bool exists = current.ok() && !current->is_delete_marker;
  if (if_none && common::util::Trim(*if_none) == "*" && exists)
    return errors::PreconditionFailed("If-None-Match");
  if (if_match) {
    if (!exists) return errors::NoSuchKey(ctx.key);
    std::string want = common::util::Trim(*if_match);
    if (want != "*" && want != QuotedEtag(current->etag) && want != current->etag)
      return errors::PreconditionFailed("If-Match");
  }
  return common::Ok{};
}

}  // namespace

Result<Response> PutObject(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  if (!ctx.http->HasHeader("content-length") && !ctx.http->HasHeader("transfer-encoding"))
    return errors::MissingContentLength();
  if (ctx.body->declared_length() > kMaxPutBytes)
    return errors::EntityTooLarge(ctx.body->declared_length(), kMaxPutBytes);
  S3LAB_TRY(CheckAclHeaders(ctx));
  auto meta = MetaFromRequest(ctx);
  if (!meta.ok()) return meta.error();
  S3LAB_TRY(CheckWritePreconditions(ctx));
  // The request's SSE headers, else the bucket default; SSE-KMS calls GenerateDataKey here.
  auto sse = sse::PrepareWrite(ctx, *bucket, ctx.key);
  if (!sse.ok()) return sse.error();

  const store::SseMode mode = sse->sse.mode;
  auto writer = Store(ctx).NewWriter(ctx.bucket, ctx.key, std::move(sse->sse), std::move(sse->data_key));
  if (!writer.ok()) return writer.error();
  store::ObjectWriter& w = **writer;
  int64_t written = 0;
  S3LAB_TRY(ctx.body->ForEach([&](std::string_view chunk) -> common::Status {
    written += static_cast<int64_t>(chunk.size());
    if (written > kMaxPutBytes) return errors::EntityTooLarge(written, kMaxPutBytes);
    return w.Write(chunk);
  }));
  const BodyDigests& digests = ctx.body->digests();
  store::NewVersion nv;
  nv.etag = SinglePartEtag(mode, digests.md5);
  nv.owner_account = bucket->owner_account;
  nv.meta = std::move(*meta);
  if (!digests.checksum_algorithm.empty()) {
    nv.checksum.algorithm = digests.checksum_algorithm;
    nv.checksum.value_b64 = digests.checksum_b64;
    nv.checksum.type = "FULL_OBJECT";
  }
  auto version = w.Commit(nv);
  if (!version.ok()) return version.error();

  Response res = Response::Empty();
  res.Header("ETag", QuotedEtag(version->etag));
  AddSseHeaders(res, version->sse);
  AddSseContextHeader(res, version->sse);
  if (bucket->versioning == "Enabled") res.Header("x-amz-version-id", version->version_id);
  if (!version->checksum.algorithm.empty()) {
    res.Header("x-amz-checksum-" + common::util::ToLower(version->checksum.algorithm),
               version->checksum.value_b64);
    res.Header("x-amz-checksum-type", version->checksum.type);
  }
  return res;
}

}  // namespace emulator::ops
