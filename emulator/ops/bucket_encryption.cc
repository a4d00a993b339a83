// Get/Put/DeleteBucketEncryption (default encryption of new objects).
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
// Every bucket has the SSE-S3 default (AWS since January 2023): Get on a never-configured bucket answers
// the AES256 rule, Delete goes back to it. Validation as AWS records it (AWS-REFERENCE §4.2): no rule,
// two rules, no ApplyServerSideEncryptionByDefault/SSEAlgorithm or an unknown algorithm -> MalformedXML;
// KMSMasterKeyID with AES256 -> InvalidArgument (ArgumentName ApplyServerSideEncryptionByDefault).
// aws:kms / aws:kms:dsse configurations are stored and echoed; PutObject, CopyObject and
// CreateMultipartUpload without SSE headers apply them (emulator/sse/sse_request.h). NOTE: as AWS, the
// KMSMasterKeyID is not checked here: a wrong key shows on the next upload (KMS.NotFoundException).
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {

Result<Response> GetBucketEncryption(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  const auto& e = bucket->encryption;
  XmlWriter w;
  w.Open("ServerSideEncryptionConfiguration", kS3Namespace);
  w.Open("Rule");
  w.Open("ApplyServerSideEncryptionByDefault");
  w.Element("SSEAlgorithm", e.sse_algorithm);
  if (!e.kms_master_key_id.empty()) w.Element("KMSMasterKeyID", e.kms_master_key_id);
  w.Close("ApplyServerSideEncryptionByDefault");
  w.Bool("BucketKeyEnabled", e.bucket_key_enabled);
  w.Close("Rule");
  w.Close("ServerSideEncryptionConfiguration");
  return Response::Xml(w.Finish());
}

Result<Response> PutBucketEncryption(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto body = ctx.body->ReadAll(64 * 1024);
  if (!body.ok()) return body.error();
  auto doc = ParseXml(*body, "ServerSideEncryptionConfiguration");
  if (!doc.ok()) return doc.error();
  auto rules = Children((*doc)->document_element(), "Rule");
  if (rules.size() != 1) return errors::MalformedXML();
  pugi::xml_node by_default = Child(rules[0], "ApplyServerSideEncryptionByDefault");
  if (!by_default) return errors::MalformedXML();
  store::EncryptionConfig config;
  config.sse_algorithm = ChildText(by_default, "SSEAlgorithm");
  if (config.sse_algorithm != "AES256" && config.sse_algorithm != "aws:kms" &&
      config.sse_algorithm != "aws:kms:dsse")
    return errors::MalformedXML();
  bool has_key = static_cast<bool>(Child(by_default, "KMSMasterKeyID"));
  if (has_key && config.sse_algorithm == "AES256") {
    return errors::Make("InvalidArgument",
                        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or "
                        "aws:kms:dsse")
        .With("ArgumentName", "ApplyServerSideEncryptionByDefault");
  }
  config.kms_master_key_id = ChildText(by_default, "KMSMasterKeyID");
  std::string bucket_key = common::util::Trim(ChildText(rules[0], "BucketKeyEnabled"));
  if (!bucket_key.empty() && bucket_key != "true" && bucket_key != "false") return errors::MalformedXML();
  config.bucket_key_enabled = bucket_key == "true";
  S3LAB_TRY(Store(ctx).SetEncryption(ctx.bucket, config));
  return Response::Empty();
}

Result<Response> DeleteBucketEncryption(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  S3LAB_TRY(Store(ctx).SetEncryption(ctx.bucket, store::EncryptionConfig{}));
  return Response::Empty(204);
}

}  // namespace emulator::ops
