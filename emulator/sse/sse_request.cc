// The SSE dispatcher of the object operations (contract in sse_request.h).
// Write side, in this order: x-amz-server-side-encryption must be AES256 / aws:kms / aws:kms:dsse;
// SSE-C headers (sse_c.h: HTTPS only, AWS's texts); a KMS key id or context without aws:kms ->
// InvalidArgument; then the request's mode, else the bucket default (AES256 or aws:kms with its
// KMSMasterKeyID and BucketKeyEnabled). Key ids and aliases go to KMS as sent, so KMS resolves them in
// the *requester's* account, as AWS documents (cross-account writers must name a key ARN, else their own
// account's key, e.g. their aws/s3, encrypts the object: the classic cross-account trap). SSE-KMS requests
// must be SigV4 (SigV2 presigned URLs get AWS's InvalidArgument) and cannot be anonymous (KMS authorizes a
// principal: AccessDenied without a KMS call). Read side: SSE-C opens with the customer key; other modes
// refuse stray SSE-C headers; SSE-KMS calls Decrypt as the caller except for HEAD, which needs no key.
#include "emulator/sse/sse_request.h"

#include "common/util/strings.h"
#include "emulator/protocol/errors.h"
#include "emulator/sse/sse_c.h"
#include "emulator/sse/sse_kms.h"
#include "emulator/store/object_store.h"

namespace emulator::sse {
namespace {

constexpr const char* kSseHeader = "x-amz-server-side-encryption";
constexpr const char* kKeyIdHeader = "x-amz-server-side-encryption-aws-kms-key-id";
constexpr const char* kBucketKeyHeader = "x-amz-server-side-encryption-bucket-key-enabled";

bool IsKms(const std::string& algorithm) { return algorithm == "aws:kms" || algorithm == "aws:kms:dsse"; }

bool SignedV2(const RequestContext& ctx) {
  return ctx.auth.kind == common::sigv4::AuthKind::kQueryV2 ||
         ctx.auth.kind == common::sigv4::AuthKind::kHeaderV2;
}

common::AwsError NeedsSigV4() {
  return errors::InvalidArgument(
      "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.",
      "Authorization", "null");
}

// The region of a bucket named by an operation (the request's own, or a copy source's).
std::string RegionOf(RequestContext& ctx, const std::string& bucket) {
  if (ctx.bucket_record && ctx.bucket_record->name == bucket) return ctx.bucket_record->region;
  if (ctx.services->store != nullptr)
    if (auto b = ctx.services->store->GetBucket(bucket); b.ok()) return b->region;
  return ctx.services->region;
}

KmsTarget TargetOf(RequestContext& ctx, const std::string& region, const std::string& bucket,
                   const std::string& object_key) {
  KmsTarget t;
  t.caller.access_key_id = ctx.principal.access_key_id;
  t.caller.source_ip = ctx.http->remote_addr;
  t.caller.secure_transport = ctx.http->tls;
  t.principal_arn = ctx.principal.arn;
  t.region = region;
  t.bucket = bucket;
  t.object_key = object_key;
  return t;
}

// SSE-KMS needs a SigV4-signed request of a principal KMS can authorize.
common::Status CheckKmsCaller(const RequestContext& ctx) {
  if (SignedV2(ctx)) return NeedsSigV4();
  // NOTE: AWS answers anonymous access to SSE-KMS objects with AccessDenied (KMS sees no principal).
  if (ctx.principal.anonymous() || ctx.principal.access_key_id.empty()) return errors::AccessDenied();
  return common::Ok{};
}

}  // namespace

common::Result<WriteKey> PrepareWrite(RequestContext& ctx, const store::BucketRecord& bucket,
                                      const std::string& object_key) {
  auto sent = ctx.Header(kSseHeader);
  std::string algorithm = sent.value_or("");
  if (sent && algorithm != "AES256" && !IsKms(algorithm))
    return errors::InvalidArgument("The encryption method specified is not supported", kSseHeader, algorithm);
  auto customer = ParseCustomerKey(*ctx.http, HeaderSet::kTarget);
  if (!customer.ok()) return customer.error();
  auto key_id = ctx.Header(kKeyIdHeader);
  if (key_id && !IsKms(algorithm)) {
    return errors::InvalidArgument(
        "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : "
        "aws:kms",
        kKeyIdHeader, *key_id);
  }
  auto context = ctx.Header(kContextHeader);
  if (context) {
    // NOTE: AWS's answer to a context without aws:kms is unverified; the key-id text is used.
    if (!IsKms(algorithm) && (sent || !IsKms(bucket.encryption.sse_algorithm)))
      return errors::InvalidArgument(
          "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption "
          ": "
          "aws:kms",
          kContextHeader, *context);
    auto parsed = ParseEncryptionContext(*context);
    if (!parsed.ok()) return parsed.error();
  }
  if (customer->has_value()) {
    CustomerKey& ck = **customer;
    WriteKey out;
    out.sse = SealCustomerKey(ck);
    out.data_key = std::move(ck.key);
    return out;
  }

  KmsWriteParams params;
  bool kms = false;
  bool bucket_default_kms = IsKms(bucket.encryption.sse_algorithm);
  if (sent) {
    kms = IsKms(algorithm);
    params.dsse = algorithm == "aws:kms:dsse";
    params.key_id = key_id.value_or("");
  } else {
    kms = bucket_default_kms;
    params.dsse = bucket.encryption.sse_algorithm == "aws:kms:dsse";
    params.key_id = bucket.encryption.kms_master_key_id;
  }
  if (!kms) {
    WriteKey out;
    out.sse.mode = store::SseMode::kSseS3;
    return out;
  }
  // Bucket Keys: the request header decides, else the bucket's BucketKeyEnabled (when its default is KMS).
  // NOTE: a header value other than "true" counts as false.
  if (auto bk = ctx.Header(kBucketKeyHeader))
    params.bucket_key = common::util::ToLower(common::util::Trim(*bk)) == "true";
  else
    params.bucket_key = bucket_default_kms && bucket.encryption.bucket_key_enabled;
  params.context_b64 = context.value_or("");
  S3LAB_TRY(CheckKmsCaller(ctx));
  return SealKms(ctx.services->kms, ctx.services->bucket_keys,
                 TargetOf(ctx, bucket.region, bucket.name, object_key), params);
}

common::Result<SecretBytes> OpenKey(RequestContext& ctx, const store::SseInfo& sse, const std::string& bucket,
                                    const std::string& object_key, Purpose purpose) {
  HeaderSet headers = purpose == Purpose::kCopySource ? HeaderSet::kCopySource : HeaderSet::kTarget;
  if (sse.mode == store::SseMode::kSseC) return OpenCustomerKey(*ctx.http, sse, purpose);
  S3LAB_TRY(RejectCustomerKey(*ctx.http, headers));
  if (sse.mode == store::SseMode::kSseS3 || purpose == Purpose::kHead) return SecretBytes{};
  S3LAB_TRY(CheckKmsCaller(ctx));
  return OpenKms(ctx.services->kms, ctx.services->bucket_keys,
                 TargetOf(ctx, RegionOf(ctx, bucket), bucket, object_key), sse);
}

common::Status RejectUnneededCustomerKey(const RequestContext& ctx, const store::SseInfo& sse,
                                         HeaderSet headers) {
  if (sse.mode == store::SseMode::kSseC) return common::Ok{};
  return RejectCustomerKey(*ctx.http, headers);
}

}  // namespace emulator::sse
