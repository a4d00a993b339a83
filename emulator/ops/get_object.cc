// GetObject and HeadObject.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
// Order as AWS: version lookup (NoSuchKey — 403 AccessDenied for a caller without s3:ListBucket —
// / NoSuchVersion; a delete marker answers 404 NoSuchKey, or
// 405 MethodNotAllowed when addressed by versionId, both with x-amz-delete-marker: true), partNumber
// validation, preconditions (412 / 304), Range (206 + Content-Range, or 416 InvalidRange). Bodies stream
// from the store's reader; this code slices ranges itself (httplib's own Range handling is off).
// Encrypted objects: the key is opened after the preconditions (a 304 needs no key): SSE-KMS calls KMS
// Decrypt as the caller on GET only, SSE-C checks the customer key on GET and HEAD (sse_request.h).
// x-amz-checksum-mode: ENABLED returns the stored full-object checksum so botocore can validate it.
#include <memory>

#include "common/util/clock.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/object_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/sse/sse_request.h"

namespace emulator::ops {
namespace {

// AWS: a caller not allowed s3:ListBucket on the bucket must not learn that a key does not exist, so a
// missing key (or one whose latest version is a delete marker) answers 403 AccessDenied, not 404.
common::AwsError HideMissingKey(RequestContext& ctx, common::AwsError e) {
  if (e.code != "NoSuchKey" || !ctx.authorize) return e;
  if (ctx.authorize("s3:ListBucket", "arn:aws:s3:::" + ctx.bucket).ok()) return e;
  return errors::AccessDenied();
}

common::AwsError DeleteMarkerError(common::AwsError e, const store::ObjectVersion& v) {
  e = errors::WithHeader(std::move(e), "x-amz-delete-marker", "true");
  e = errors::WithHeader(std::move(e), "x-amz-version-id", v.version_id);
  return errors::WithHeader(std::move(e), "Last-Modified",
                            common::util::FormatHttpDate(v.last_modified_millis));
}

// ?partNumber=N: 1..10000; the byte range of that part (the whole object for single-PUT objects).
common::Result<std::optional<ByteRange>> PartRange(RequestContext& ctx, const store::ObjectVersion& v) {
  auto param = ctx.Query("partNumber");
  if (!param) return std::optional<ByteRange>();
  int64_t n = 0;
  bool digits =
      !param->empty() && param->size() < 6 && param->find_first_not_of("0123456789") == std::string::npos;
  if (digits) n = std::stoll(*param);
  if (!digits || n < 1 || n > 10000)
    return errors::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                                   "partNumber", *param);
  if (ctx.http->HasHeader("range"))
    return errors::InvalidRequest("Cannot specify both Range header and partNumber query parameter");
  int64_t parts = v.part_sizes.empty() ? 1 : static_cast<int64_t>(v.part_sizes.size());
  if (n > parts) return errors::InvalidPartNumber(parts, n);
  if (v.part_sizes.empty()) return std::optional<ByteRange>(ByteRange{0, v.size - 1});
  int64_t first = 0;
  for (int64_t i = 0; i + 1 < n; ++i) first += v.part_sizes[i];
  return std::optional<ByteRange>(ByteRange{first, first + v.part_sizes[n - 1] - 1});
}

Result<Response> Serve(RequestContext& ctx, bool head) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  S3LAB_TRY(ValidateVersionId(ctx));
  std::string version_id = ctx.Query("versionId").value_or("");
  auto found = Store(ctx).GetObject(ctx.bucket, ctx.key, version_id);
  if (!found.ok()) return HideMissingKey(ctx, found.error());
  const store::ObjectVersion& v = *found;
  if (v.is_delete_marker) {
    if (!version_id.empty())
      return DeleteMarkerError(errors::MethodNotAllowed(head ? "HEAD" : "GET", "DeleteMarker"), v);
    auto missing = HideMissingKey(ctx, errors::NoSuchKey(ctx.key));
    if (missing.code != "NoSuchKey") return missing;
    return DeleteMarkerError(std::move(missing), v);
  }
  if (ctx.principal.anonymous()) {
    for (const auto& [name, value] : ctx.http->QueryParams()) {
      if (name.rfind("response-", 0) == 0)
        return errors::InvalidRequest(
            "Request specific response headers cannot be used for anonymous GET requests.");
    }
  }
  auto part_range = PartRange(ctx, v);
  if (!part_range.ok()) return part_range.error();

  bool versioned = !bucket->versioning.empty();
  auto pre = CheckPreconditions(ctx, v.etag, v.last_modified_millis);
  if (!pre.ok()) return pre.error();
  if (*pre == Precondition::kNotModified) {
    Response res = Response::Empty(304);
    res.Header("ETag", QuotedEtag(v.etag));
    res.Header("Last-Modified", common::util::FormatHttpDate(v.last_modified_millis));
    if (versioned) res.Header("x-amz-version-id", v.version_id);
    return res;
  }

  std::optional<ByteRange> range = *part_range;
  if (!range) {
    if (auto header = ctx.Header("range")) {
      auto parsed = ParseRange(*header, v.size);
      if (!parsed.ok()) return parsed.error();
      range = *parsed;
    }
  }
  // The data key: SSE-KMS -> KMS Decrypt as the caller (not for HEAD), SSE-C -> the customer key.
  auto data_key = sse::OpenKey(ctx, v.sse, ctx.bucket, ctx.key, head ? sse::Purpose::kHead : sse::Purpose::kGet);
  if (!data_key.ok()) return data_key.error();
  Response res;
  bool checksum_mode = ctx.HeaderOr("x-amz-checksum-mode") == "ENABLED" && !range;
  AddObjectHeaders(res, v, versioned, checksum_mode);
  // x-amz-mp-parts-count only answers a ?partNumber= request (AWS).
  if (ctx.HasQuery("partNumber") && !v.part_sizes.empty())
    res.Header("x-amz-mp-parts-count", std::to_string(v.part_sizes.size()));
  int64_t first = 0;
  int64_t length = v.size;
  if (range) {
    first = range->first;
    length = range->last - range->first + 1;
    res.status = 206;
    res.Header("Content-Range", "bytes " + std::to_string(range->first) + "-" + std::to_string(range->last) +
                                    "/" + std::to_string(v.size));
  }
  ApplyResponseOverrides(ctx, res);
  res.stream_length = length;
  if (!head && length > 0) {
    auto reader = Store(ctx).OpenReader(v, data_key->empty() ? nullptr : &data_key.value());
    if (!reader.ok()) return reader.error();
    std::shared_ptr<store::ObjectReader> shared(std::move(reader.value()));
    res.stream = [shared, first, length](const std::function<bool(std::string_view)>& write) {
      return shared->Read(first, length, write).ok();
    };
  }
  return res;
}

}  // namespace

Result<Response> GetObject(RequestContext& ctx) { return Serve(ctx, false); }
Result<Response> HeadObject(RequestContext& ctx) { return Serve(ctx, true); }

}  // namespace emulator::ops
