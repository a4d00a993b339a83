// CopyObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
// x-amz-copy-source is "[/]bucket/key[?versionId=id]" with the key URL-encoded (raw as sent). The
// caller needs s3:PutObject on the destination (route row) and s3:GetObject(Version) on the source
// (checked here). Metadata: COPY (default) keeps the source's; REPLACE takes this request's headers.
// Copying an object onto itself must change something (metadata REPLACE, storage class, website
// redirect or encryption), else InvalidRequest. Data streams chunk by chunk from the source reader to
// a new writer (re-encrypted under a fresh data key); the result is a single-part object whose ETag is
// the MD5 of the data (random hex for SSE-KMS / SSE-C targets, as AWS). Encryption: the source opens
// with its own mode (SSE-C via the copy-source headers); the target takes this request's SSE headers,
// else the bucket default (never the source's mode). Copy-source preconditions answer 412.
#include <memory>

#include "common/crypto/crypto.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/acl_rules.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/copy_source.h"
#include "emulator/ops/object_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/body_reader.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"
#include "emulator/sse/sse_request.h"

namespace emulator::ops {
namespace {

constexpr int64_t kMaxCopyBytes = 5LL * 1024 * 1024 * 1024;

}  // namespace

Result<Response> CopyObject(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto source = ParseCopySource(ctx.HeaderOr("x-amz-copy-source"));
  if (!source.ok()) return source.error();
  std::string directive = ctx.HeaderOr("x-amz-metadata-directive", "COPY");
  if (directive != "COPY" && directive != "REPLACE")
    return errors::InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
  S3LAB_TRY(CheckAclHeaders(ctx));
  std::string src_action = source->version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion";
  S3LAB_TRY(ctx.authorize(src_action, "arn:aws:s3:::" + source->bucket + "/" + source->key));

  auto src_bucket = Store(ctx).GetBucket(source->bucket);
  if (!src_bucket.ok()) return src_bucket.error();
  auto src = Store(ctx).GetObject(source->bucket, source->key, source->version_id);
  if (!src.ok()) return src.error();
  if (src->is_delete_marker) {
    if (!source->version_id.empty())
      return errors::InvalidRequest(
          "The source of a copy request may not specifically refer to a delete marker by version id.");
    return errors::NoSuchKey(source->key);
  }
  S3LAB_TRY(CheckSourcePreconditions(ctx, *src));
  if (src->size > kMaxCopyBytes)
    return errors::InvalidRequest(
        "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120");

  store::ObjectMeta meta = src->meta;
  if (directive == "REPLACE") {
    auto replaced = MetaFromRequest(ctx);
    if (!replaced.ok()) return replaced.error();
    meta = std::move(*replaced);
  } else if (auto storage = ctx.Header("x-amz-storage-class")) {
    meta.storage_class = *storage;
  }
  bool same_object = source->bucket == ctx.bucket && source->key == ctx.key;
  if (same_object && directive == "COPY" && !ctx.http->HasHeader("x-amz-storage-class") &&
      !ctx.http->HasHeader("x-amz-website-redirect-location") &&
      !ctx.http->HasHeader("x-amz-server-side-encryption") &&
      !ctx.http->HasHeader("x-amz-server-side-encryption-customer-algorithm")) {
    return errors::InvalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without changing the "
        "object's metadata, storage class, website redirect location or encryption attributes.");
  }

  // Checksum of the copy: the one asked for, else the source's algorithm (recomputed on the data).
  std::string algorithm = ctx.HeaderOr("x-amz-checksum-algorithm", src->checksum.algorithm);
  if (src->checksum.type == "COMPOSITE" && !ctx.http->HasHeader("x-amz-checksum-algorithm"))
    algorithm.clear();
  for (auto& c : algorithm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::unique_ptr<common::crypto::Hasher> checksum;
  common::crypto::Algorithm alg;
  if (!algorithm.empty() && ChecksumAlgorithmFromName(algorithm, &alg))
    checksum = common::crypto::Hasher::Create(alg);
  auto md5 = common::crypto::Hasher::Create(common::crypto::Algorithm::kMd5);

  // Source key (SSE-KMS Decrypt as the caller; SSE-C from the copy-source headers), then the target's
  // encryption from this request's headers else the target bucket's default: a copy never inherits the
  // source's mode (AWS).
  auto src_key = sse::OpenKey(ctx, src->sse, source->bucket, source->key, sse::Purpose::kCopySource);
  if (!src_key.ok()) return src_key.error();
  auto target = sse::PrepareWrite(ctx, *bucket, ctx.key);
  if (!target.ok()) return target.error();
  auto reader = Store(ctx).OpenReader(*src, src_key->empty() ? nullptr : &src_key.value());
  if (!reader.ok()) return reader.error();
  const store::SseMode mode = target->sse.mode;
  auto writer = Store(ctx).NewWriter(ctx.bucket, ctx.key, std::move(target->sse), std::move(target->data_key));
  if (!writer.ok()) return writer.error();
  common::Status write_status;
  S3LAB_TRY((*reader)->Read(0, src->size, [&](std::string_view piece) {
    md5->Update(piece);
    if (checksum) checksum->Update(piece);
    write_status = (*writer)->Write(piece);
    return write_status.ok();
  }));
  S3LAB_TRY(write_status);
  store::NewVersion nv;
  nv.etag = SinglePartEtag(mode, md5->Digest());
  nv.owner_account = bucket->owner_account;
  nv.meta = std::move(meta);
  if (checksum) {
    nv.checksum.algorithm = algorithm;
    nv.checksum.value_b64 = common::util::Base64Encode(checksum->Digest());
    nv.checksum.type = "FULL_OBJECT";
  }
  auto version = (*writer)->Commit(nv);
  if (!version.ok()) return version.error();

  XmlWriter w;
  w.Open("CopyObjectResult", kS3Namespace);
  w.Element("ETag", QuotedEtag(version->etag));
  w.Element("LastModified", common::util::FormatIso8601(version->last_modified_millis));
  if (!version->checksum.algorithm.empty()) {
    w.Element("ChecksumType", version->checksum.type);
    w.Element("Checksum" + version->checksum.algorithm, version->checksum.value_b64);
  }
  w.Close("CopyObjectResult");
  Response res = Response::Xml(w.Finish());
  AddSseHeaders(res, version->sse);
  AddSseContextHeader(res, version->sse);
  if (bucket->versioning == "Enabled") res.Header("x-amz-version-id", version->version_id);
  if (!src_bucket->versioning.empty()) res.Header("x-amz-copy-source-version-id", src->version_id);
  return res;
}

}  // namespace emulator::ops
