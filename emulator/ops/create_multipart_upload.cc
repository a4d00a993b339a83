// CreateMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
// POST /{Bucket}/{Key}?uploads. Chooses the upload's encryption (request headers, else the bucket
// default; emulator/sse/sse_request.h), takes the
// object metadata now (it is the metadata of the completed object), the checksum algorithm
// (x-amz-checksum-algorithm) and type (x-amz-checksum-type, COMPOSITE by default, FULL_OBJECT for
// CRC64NVME), and answers InitiateMultipartUploadResult with x-amz-server-side-encryption.
#include <cctype>

#include "common/util/strings.h"
#include "emulator/ops/acl_rules.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/multipart.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"
#include "emulator/sse/sse_request.h"

namespace emulator::ops {
namespace {

// Algorithm and type of the upload's checksum.
common::Status ChooseChecksum(RequestContext& ctx, store::UploadRecord& upload) {
  std::string alg = ctx.HeaderOr("x-amz-checksum-algorithm");
  std::string type = ctx.HeaderOr("x-amz-checksum-type");
  if (alg.empty()) {
    if (!type.empty())
      return errors::InvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm "
                                    "header.");
    return common::Ok{};
  }
  common::crypto::Algorithm a;
  if (!multipart::ChecksumAlgorithmOf(alg, &a))
    return errors::InvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid "
                                  "types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  upload.checksum_algorithm = alg;
  for (char& c : upload.checksum_algorithm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  bool crc = a == common::crypto::Algorithm::kCrc32 || a == common::crypto::Algorithm::kCrc32c ||
             a == common::crypto::Algorithm::kCrc64Nvme;
  if (type.empty()) type = a == common::crypto::Algorithm::kCrc64Nvme ? "FULL_OBJECT" : "COMPOSITE";
  if (type != "COMPOSITE" && type != "FULL_OBJECT")
    return errors::InvalidRequest("Value for x-amz-checksum-type header is invalid.");
  // NOTE: texts of these two refusals are s3lab's; AWS refuses the same combinations.
  if (type == "FULL_OBJECT" && !crc)
    return errors::InvalidRequest("The FULL_OBJECT checksum type cannot be used with the " +
                                  common::util::ToLower(alg) + " checksum algorithm.");
  if (type == "COMPOSITE" && a == common::crypto::Algorithm::kCrc64Nvme)
    return errors::InvalidRequest("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
  upload.checksum_type = type;
  return common::Ok{};
}

}  // namespace

Result<Response> CreateMultipartUpload(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  S3LAB_TRY(CheckAclHeaders(ctx));
  auto meta = MetaFromRequest(ctx);
  if (!meta.ok()) return meta.error();

  store::UploadRecord upload;
  upload.bucket = ctx.bucket;
  upload.key = ctx.key;
  upload.owner_account = bucket->owner_account;
  upload.initiator_arn = ctx.principal.type == common::identity::PrincipalType::kUser
                             ? ctx.principal.arn
                             : OwnerId(ctx, ctx.principal.account_id);
  upload.meta = std::move(*meta);
  S3LAB_TRY(ChooseChecksum(ctx, upload));
  // One data key for the whole upload: SSE-KMS calls GenerateDataKey once here (the wrapped key is kept
  // with the upload; each part opens it again); SSE-S3 keys are made by the store.
  auto key = sse::PrepareWrite(ctx, *bucket, ctx.key);
  if (!key.ok()) return key.error();
  upload.sse = std::move(key->sse);
  auto created = Store(ctx).CreateUpload(std::move(upload));
  if (!created.ok()) return created.error();

  XmlWriter w;
  w.Open("InitiateMultipartUploadResult", kS3Namespace);
  w.Element("Bucket", ctx.bucket);
  w.Element("Key", ctx.key);
  w.Element("UploadId", created->upload_id);
  w.Close("InitiateMultipartUploadResult");
  Response res = Response::Xml(w.Finish());
  multipart::AddUploadSseHeaders(res, created->sse);
  AddSseContextHeader(res, created->sse);
  if (!created->checksum_algorithm.empty()) {
    res.Header("x-amz-checksum-algorithm", created->checksum_algorithm);
    res.Header("x-amz-checksum-type", created->checksum_type);
  }
  return res;
}

}  // namespace emulator::ops
