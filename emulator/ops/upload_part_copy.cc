// UploadPartCopy — https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
// PUT /{Bucket}/{Key}?partNumber=N&uploadId=ID with x-amz-copy-source: [/]bucket/key[?versionId=]
// and optionally x-amz-copy-source-range: bytes=first-last. Reads the source (authorized as
// s3:GetObject / s3:GetObjectVersion on the source ARN) chunk by chunk into a part writer under the
// upload's key; the part's ETag is the MD5 of the copied bytes. Answers CopyPartResult (ETag,
// LastModified, the part checksum when the upload names an algorithm) and x-amz-copy-source-version-id
// when the source bucket is versioned. Copy-source preconditions answer 412 as for CopyObject.
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/copy_source.h"
#include "emulator/ops/multipart.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"
#include "emulator/sse/sse_request.h"

namespace emulator::ops {
namespace {

// x-amz-copy-source-range: bytes=first-last within the source.
common::Result<std::pair<int64_t, int64_t>> CopyRange(RequestContext& ctx, int64_t size) {
  auto header = ctx.Header("x-amz-copy-source-range");
  if (!header) return std::pair<int64_t, int64_t>{0, size};
  std::string h = common::util::Trim(*header);
  auto bad = [&] {
    return errors::InvalidArgument(
        "The x-amz-copy-source-range value must be of the form bytes=first-last where "
        "first and last are the zero-based offsets of the first and last bytes to copy",
        "x-amz-copy-source-range", h);
  };
  if (!common::util::StartsWith(h, "bytes=")) return bad();
  std::string spec = h.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == spec.size()) return bad();
  char* end = nullptr;
  long long first = std::strtoll(spec.substr(0, dash).c_str(), &end, 10);
  if (*end != '\0') return bad();
  long long last = std::strtoll(spec.substr(dash + 1).c_str(), &end, 10);
  if (*end != '\0' || first < 0 || last < first) return bad();
  if (last >= size)
    return errors::InvalidArgument(
        "Range specified is not valid for source object of size: " + std::to_string(size),
        "x-amz-copy-source-range", h);
  return std::pair<int64_t, int64_t>{first, last - first + 1};
}

}  // namespace

Result<Response> UploadPartCopy(RequestContext& ctx) {
  auto number = multipart::ParsePartNumber(ctx);
  if (!number.ok()) return number.error();
  auto upload = multipart::RequestUpload(ctx);
  if (!upload.ok()) return upload.error();
  auto source = ParseCopySource(ctx.HeaderOr("x-amz-copy-source"));
  if (!source.ok()) return source.error();
  std::string arn = "arn:aws:s3:::" + source->bucket + "/" + source->key;
  S3LAB_TRY(ctx.authorize(source->version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion", arn));
  auto src_bucket = Store(ctx).GetBucket(source->bucket);
  if (!src_bucket.ok()) return src_bucket.error();
  auto src = Store(ctx).GetObject(source->bucket, source->key, source->version_id);
  if (!src.ok()) return src.error();
  if (src->is_delete_marker) {
    if (!source->version_id.empty())
      return errors::InvalidRequest(
          "The source of a copy request may not specifically refer to a delete marker by "
          "version id.");
    return errors::NoSuchKey(source->key);
  }
  S3LAB_TRY(CheckSourcePreconditions(ctx, *src));
  auto range = CopyRange(ctx, src->size);
  if (!range.ok()) return range.error();
  if (range->second > multipart::kMaxPartSize)
    return errors::EntityTooLarge(range->second, multipart::kMaxPartSize);

  // Source key (copy-source SSE-C headers / KMS Decrypt), then the upload's key (as UploadPart).
  auto src_key = sse::OpenKey(ctx, src->sse, source->bucket, source->key, sse::Purpose::kCopySource);
  if (!src_key.ok()) return src_key.error();
  auto part_key = sse::OpenKey(ctx, upload->sse, upload->bucket, upload->key, sse::Purpose::kUploadPart);
  if (!part_key.ok()) return part_key.error();
  auto reader = Store(ctx).OpenReader(*src, src_key->empty() ? nullptr : &src_key.value());
  if (!reader.ok()) return reader.error();
  auto writer = Store(ctx).NewPartWriter(*upload, *number, std::move(part_key.value()));
  if (!writer.ok()) return writer.error();
  auto md5 = common::crypto::Hasher::Create(common::crypto::Algorithm::kMd5);
  std::unique_ptr<common::crypto::Hasher> checksum;
  common::crypto::Algorithm alg;
  if (multipart::ChecksumAlgorithmOf(upload->checksum_algorithm, &alg))
    checksum = common::crypto::Hasher::Create(alg);
  common::Status write_status;
  S3LAB_TRY((*reader)->Read(range->first, range->second, [&](std::string_view chunk) {
    md5->Update(chunk);
    if (checksum) checksum->Update(chunk);
    write_status = (*writer)->Write(chunk);
    return write_status.ok();
  }));
  S3LAB_TRY(write_status);
  store::PartRecord part;
  part.etag = common::util::HexEncode(md5->Digest());
  if (checksum) part.checksum_b64 = common::util::Base64Encode(checksum->Digest());
  auto committed = (*writer)->CommitPart(part);
  if (!committed.ok()) return committed.error();

  XmlWriter w;
  w.Open("CopyPartResult", kS3Namespace);
  w.Element("LastModified", common::util::FormatIso8601(committed->last_modified_millis));
  w.Element("ETag", QuotedEtag(committed->etag));
  if (checksum)
    w.Element(multipart::ChecksumElementName(upload->checksum_algorithm), committed->checksum_b64);
  w.Close("CopyPartResult");
  Response res = Response::Xml(w.Finish());
  multipart::AddUploadSseHeaders(res, upload->sse);
  if (!src_bucket->versioning.empty()) res.Header("x-amz-copy-source-version-id", src->version_id);
  return res;
}

}  // namespace emulator::ops
