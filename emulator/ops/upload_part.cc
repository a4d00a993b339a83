// UploadPart — https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
// PUT /{Bucket}/{Key}?partNumber=N&uploadId=ID. Streams the decoded body into a part writer under the
// upload's data key and records the part only after the body reader verified every digest. A part
// number sent again replaces the earlier part. The response carries the part's ETag (hex MD5 in
// quotes), x-amz-server-side-encryption and the part checksum (echoed or, when the upload named an
// algorithm and the client sent none, computed) — botocore puts it in CompleteMultipartUpload only
// when it was echoed here.
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/multipart.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"
#include "emulator/sse/sse_request.h"

namespace emulator::ops {
namespace {

// True when the body reader will produce the upload's checksum itself (header, trailer or SDK hint).
bool ClientSendsChecksum(const RequestContext& ctx, const std::string& algorithm) {
  std::string lower = common::util::ToLower(algorithm);
  if (ctx.http->HasHeader("x-amz-checksum-" + lower)) return true;
  if (common::util::ToLower(ctx.HeaderOr("x-amz-trailer")).find("x-amz-checksum-" + lower) !=
      std::string::npos)
    return true;
  return common::util::ToLower(ctx.HeaderOr("x-amz-sdk-checksum-algorithm")) == lower;
}

}  // namespace

Result<Response> UploadPart(RequestContext& ctx) {
  auto number = multipart::ParsePartNumber(ctx);
  if (!number.ok()) return number.error();
  auto upload = multipart::RequestUpload(ctx);
  if (!upload.ok()) return upload.error();
  if (!ctx.http->HasHeader("content-length") && !ctx.http->HasHeader("transfer-encoding"))
    return errors::MissingContentLength();
  if (ctx.body->declared_length() > multipart::kMaxPartSize)
    return errors::EntityTooLarge(ctx.body->declared_length(), multipart::kMaxPartSize);

  std::unique_ptr<common::crypto::Hasher> hasher;
  common::crypto::Algorithm alg;
  if (!upload->checksum_algorithm.empty() && !ClientSendsChecksum(ctx, upload->checksum_algorithm) &&
      multipart::ChecksumAlgorithmOf(upload->checksum_algorithm, &alg)) {
    hasher = common::crypto::Hasher::Create(alg);
  }
  // The upload's data key: SSE-KMS -> KMS Decrypt as the caller (AWS: uploaders need kms:Decrypt),
  // SSE-C -> the same customer key on every part.
  auto data_key = sse::OpenKey(ctx, upload->sse, upload->bucket, upload->key, sse::Purpose::kUploadPart);
  if (!data_key.ok()) return data_key.error();
  auto writer = Store(ctx).NewPartWriter(*upload, *number, std::move(data_key.value()));
  if (!writer.ok()) return writer.error();
  store::ObjectWriter& w = **writer;
  int64_t written = 0;
  S3LAB_TRY(ctx.body->ForEach([&](std::string_view chunk) -> common::Status {
    written += static_cast<int64_t>(chunk.size());
    if (written > multipart::kMaxPartSize) return errors::EntityTooLarge(written, multipart::kMaxPartSize);
    if (hasher) hasher->Update(chunk);
    return w.Write(chunk);
  }));

  const BodyDigests& digests = ctx.body->digests();
  store::PartRecord part;
  part.etag = common::util::HexEncode(digests.md5);
  std::string checksum_algorithm;
  if (!digests.checksum_algorithm.empty()) {
    if (!upload->checksum_algorithm.empty() && digests.checksum_algorithm != upload->checksum_algorithm) {
      return errors::InvalidRequest(
          "Checksum Type mismatch occurred, expected checksum Type: " +
          common::util::ToLower(upload->checksum_algorithm) +
          ", actual checksum Type: " + common::util::ToLower(digests.checksum_algorithm));
    }
    checksum_algorithm = digests.checksum_algorithm;
    part.checksum_b64 = digests.checksum_b64;
  } else if (hasher) {
    checksum_algorithm = upload->checksum_algorithm;
    part.checksum_b64 = common::util::Base64Encode(hasher->Digest());
  }
  auto committed = w.CommitPart(part);
  if (!committed.ok()) return committed.error();

  Response res = Response::Empty();
  res.Header("ETag", QuotedEtag(committed->etag));
  multipart::AddUploadSseHeaders(res, upload->sse);
  if (!checksum_algorithm.empty())
    res.Header(multipart::ChecksumHeaderName(checksum_algorithm), committed->checksum_b64);
  return res;
}

}  // namespace emulator::ops
