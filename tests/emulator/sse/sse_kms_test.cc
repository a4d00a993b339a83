// SSE-KMS pieces without a KMS process: the x-amz-server-side-encryption-context header, the bucket-key
// blob, the bucket-key cache (injected clock), KMS error -> S3 error mapping, and SealKms/OpenKms against
// a fake KMS that counts calls (bucket keys make the count drop).
#include "emulator/sse/sse_kms.h"

#include <doctest/doctest.h>

#include "common/crypto/crypto.h"
#include "common/util/encoding.h"
#include "emulator/sse/kms_client.h"

namespace {

namespace sse = emulator::sse;
using common::crypto::RandomKey;
using common::crypto::SecretBytes;
using common::util::Base64Encode;

constexpr const char* kContextText =
    "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON "
    "which "
    "represents a string-string map";

// A KMS that "encrypts" a data key by prefixing the context; counts calls.
class FakeKms : public sse::KmsClient {
 public:
  common::Result<sse::GeneratedDataKey> GenerateDataKey(const sse::KmsCaller&, const std::string&,
                                                        const std::string& key_id,
                                                        const sse::EncryptionContext& context) override {
    ++generate_calls;
    if (!error.code.empty()) return error;
    last_context = context;
    std::string plain = common::crypto::RandomBytes(32);
    blobs[plain_index] = plain;
    std::string blob = "blob" + std::to_string(plain_index++) + "|" + Serialize(context);
    sealed[blob] = plain;
    return sse::GeneratedDataKey{"arn:aws:kms:us-east-1:111122223333:key/" + key_id, blob,
                                 SecretBytes(plain)};
  }
  common::Result<sse::DecryptedKey> Decrypt(const sse::KmsCaller&, const std::string&,
                                            const std::string& blob,
                                            const sse::EncryptionContext& context) override {
    ++decrypt_calls;
    if (!error.code.empty()) return error;
    auto it = sealed.find(blob);
    if (it == sealed.end() || blob.substr(blob.find('|') + 1) != Serialize(context))
      return sse::S3ErrorForKms("InvalidCiphertextException", "", 400);
    return sse::DecryptedKey{"arn", SecretBytes(it->second)};
  }
  static std::string Serialize(const sse::EncryptionContext& c) {
    std::string s;
    for (const auto& [k, v] : c) s += k + "=" + v + ";";
    return s;
  }
  int generate_calls = 0;
  int decrypt_calls = 0;
  int plain_index = 0;
  common::AwsError error;
  sse::EncryptionContext last_context;
  std::map<int, std::string> blobs;
  std::map<std::string, std::string> sealed;
};

sse::KmsTarget Target(const std::string& key) {
  sse::KmsTarget t;
  t.caller.access_key_id = "AKIAEXAMPLE";
  t.principal_arn = "arn:aws:iam::111122223333:user/alice";
  t.region = "us-east-1";
  t.bucket = "notes";
  t.object_key = key;
  return t;
}

}  // namespace

TEST_CASE("the encryption context header is base64 of a JSON string-to-string map") {
  auto ok = sse::ParseEncryptionContext(Base64Encode(R"({"team":"blue","project":"x"})"));
  REQUIRE(ok.ok());
  CHECK(ok->at("team") == "blue");
  CHECK(ok->size() == 2);
  CHECK(sse::ParseEncryptionContext(Base64Encode("{}")).ok());
  for (std::string bad :
       {std::string("not base64!"), Base64Encode("[1,2]"), Base64Encode(R"({"n":1})"),
        Base64Encode("{broken"), Base64Encode("\"text\""), Base64Encode("{\"a\":\"\xff\"}")}) {
    auto r = sse::ParseEncryptionContext(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "InvalidArgument");
    CHECK(r.error().http_status == 400);
    CHECK(r.error().message == kContextText);
    CHECK(r.error().Extra("ArgumentName") == "x-amz-server-side-encryption-context");
    CHECK(r.error().Extra("ArgumentValue") == bad);
  }
}

TEST_CASE("S3's aws:s3:arn pair is added to the caller's context and wins over a caller's own") {
  auto c = sse::S3Context({{"team", "blue"}, {"aws:s3:arn", "forged"}}, "arn:aws:s3:::notes/a.txt");
  CHECK(c.size() == 2);
  CHECK(c.at("aws:s3:arn") == "arn:aws:s3:::notes/a.txt");
}

TEST_CASE("the bucket-key blob keeps the bucket key's CiphertextBlob and opens only for its object") {
  SecretBytes bucket_key = RandomKey(32);
  SecretBytes data_key = RandomKey(32);
  std::string kms_blob(184, 'k');
  std::string blob = sse::SealBucketKeyBlob(kms_blob, bucket_key, data_key, "arn:aws:s3:::notes/a.txt");
  CHECK(blob.size() == 3 + 184 + 12 + 48);
  CHECK(blob[0] == 0x01);
  CHECK(blob.find(data_key.bytes()) == std::string::npos);
  auto parsed = sse::ParseBucketKeyBlob(blob);
  REQUIRE(parsed.ok());
  CHECK(parsed->bucket_key_ciphertext == kms_blob);
  auto opened = sse::OpenBucketKeyBlob(*parsed, bucket_key, "arn:aws:s3:::notes/a.txt");
  REQUIRE(opened.ok());
  CHECK(opened->bytes() == data_key.bytes());
  CHECK_FALSE(sse::OpenBucketKeyBlob(*parsed, bucket_key, "arn:aws:s3:::notes/b.txt").ok());
  CHECK_FALSE(sse::OpenBucketKeyBlob(*parsed, RandomKey(32), "arn:aws:s3:::notes/a.txt").ok());
  std::string tampered = blob;
  tampered.back() ^= 1;
  auto t = sse::ParseBucketKeyBlob(tampered);
  REQUIRE(t.ok());
  CHECK_FALSE(sse::OpenBucketKeyBlob(*t, bucket_key, "arn:aws:s3:::notes/a.txt").ok());
  std::string other_version = blob;
  other_version[0] = 0x02;
  CHECK(sse::ParseBucketKeyBlob(other_version).error().code == "InternalError");
  CHECK_FALSE(sse::ParseBucketKeyBlob(blob.substr(0, blob.size() - 1)).ok());
  CHECK_FALSE(sse::ParseBucketKeyBlob("").ok());
}

TEST_CASE("the bucket-key cache forgets an entry after its time limit") {
  int64_t now = 1000;
  sse::BucketKeyCache cache(5000, [&] { return now; });
  cache.Put("k", "arn", "blob", SecretBytes(std::string(32, 'p')));
  REQUIRE(cache.Find("k").has_value());
  CHECK(cache.Find("k")->plaintext == std::string(32, 'p'));
  now += 4999;
  CHECK(cache.Find("k").has_value());
  now += 1;
  CHECK_FALSE(cache.Find("k").has_value());
  sse::BucketKeyCache off(0, [&] { return now; });
  off.Put("k", "arn", "blob", SecretBytes(std::string(32, 'p')));
  CHECK_FALSE(off.Find("k").has_value());
}

TEST_CASE("KMS errors reach the S3 caller as AWS reports them") {
  auto nf = sse::S3ErrorForKms("NotFoundException", "Invalid keyId 'nope'", 400);
  CHECK(nf.code == "KMS.NotFoundException");
  CHECK(nf.http_status == 400);
  CHECK(nf.message == "Invalid keyId 'nope'");
  CHECK(sse::S3ErrorForKms("DisabledException", "x is disabled.", 400).code == "KMS.DisabledException");
  CHECK(sse::S3ErrorForKms("KMSInvalidStateException", "", 400).code == "KMS.KMSInvalidStateException");
  auto denied = sse::S3ErrorForKms("AccessDeniedException", "User: arn:... is not authorized", 400);
  CHECK(denied.code == "AccessDenied");
  CHECK(denied.http_status == 403);
  CHECK(denied.message == "Access Denied");
  auto slow = sse::S3ErrorForKms("ThrottlingException", "You have exceeded the rate", 400);
  CHECK(slow.code == "SlowDown");
  CHECK(slow.http_status == 503);
  CHECK(slow.message == "Please reduce your request rate for operations involving AWS KMS.");
  CHECK(sse::S3ErrorForKms("KMSInternalException", "", 500).http_status == 503);
  CHECK(sse::S3ErrorForKms("UnrecognizedClientException", "", 400).http_status == 503);
}

TEST_CASE("an unreachable KMS is a 503, never a 500") {
  sse::KmsClientOptions options;
  options.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  options.timeout_seconds = 2;
  auto client = sse::KmsClient::Create(options);
  auto r = client->GenerateDataKey({"AKIA", "", false}, "us-east-1", "alias/aws/s3", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "ServiceUnavailable");
  CHECK(r.error().http_status == 503);
  options.endpoint = "not a url";
  auto bad = sse::KmsClient::Create(options)->Decrypt({"AKIA", "", false}, "us-east-1", "blob", {});
  CHECK(bad.error().http_status == 503);
}

TEST_CASE("SSE-KMS without bucket keys asks KMS once per write and once per read, with the object ARN") {
  FakeKms kms;
  sse::BucketKeyCache cache;
  sse::KmsWriteParams params;
  params.context_b64 = Base64Encode(R"({"team":"blue"})");
  auto w = sse::SealKms(&kms, &cache, Target("a.txt"), params);
  REQUIRE(w.ok());
  CHECK(kms.generate_calls == 1);
  CHECK(kms.last_context.at("aws:s3:arn") == "arn:aws:s3:::notes/a.txt");
  CHECK(kms.last_context.at("team") == "blue");
  CHECK(w->sse.kms_key_arn == "arn:aws:kms:us-east-1:111122223333:key/alias/aws/s3");
  CHECK(w->sse.mode == emulator::store::SseMode::kSseKms);
  CHECK_FALSE(w->sse.bucket_key_enabled);
  CHECK(w->sse.kms_context == params.context_b64);
  for (int i = 0; i < 2; ++i) {
    auto k = sse::OpenKms(&kms, &cache, Target("a.txt"), w->sse);
    REQUIRE(k.ok());
    CHECK(k->bytes() == w->data_key.bytes());
  }
  CHECK(kms.decrypt_calls == 2);
  // The stored blob does not open as another object (its context names a.txt).
  CHECK(sse::OpenKms(&kms, &cache, Target("b.txt"), w->sse).error().code == "KMS.InvalidCiphertextException");
}

TEST_CASE("S3 Bucket Keys: one GenerateDataKey and one Decrypt for many objects, each with its own key") {
  FakeKms kms;
  sse::BucketKeyCache cache;
  sse::KmsWriteParams params;
  params.key_id = "1234";
  params.bucket_key = true;
  std::vector<sse::WriteKey> written;
  for (int i = 0; i < 5; ++i) {
    auto w = sse::SealKms(&kms, &cache, Target("obj" + std::to_string(i)), params);
    REQUIRE(w.ok());
    CHECK(w->sse.bucket_key_enabled);
    written.push_back(std::move(w.value()));
  }
  CHECK(kms.generate_calls == 1);
  CHECK(kms.last_context.at("aws:s3:arn") == "arn:aws:s3:::notes");
  CHECK(written[0].data_key.bytes() != written[1].data_key.bytes());
  for (int i = 0; i < 5; ++i) {
    auto k = sse::OpenKms(&kms, &cache, Target("obj" + std::to_string(i)), written[i].sse);
    REQUIRE(k.ok());
    CHECK(k->bytes() == written[i].data_key.bytes());
  }
  CHECK(kms.decrypt_calls == 1);
  // Another principal gets its own bucket key.
  sse::KmsTarget bob = Target("obj0");
  bob.principal_arn = "arn:aws:iam::111122223333:user/bob";
  REQUIRE(sse::OpenKms(&kms, &cache, bob, written[0].sse).ok());
  CHECK(kms.decrypt_calls == 2);
  // A cached bucket key keeps working while KMS refuses (a disabled key, as on AWS until expiry).
  kms.error = sse::S3ErrorForKms("DisabledException", "k is disabled.", 400);
  CHECK(sse::OpenKms(&kms, &cache, Target("obj1"), written[1].sse).ok());
  CHECK(sse::SealKms(&kms, &cache, Target("obj9"), params).ok());
  sse::BucketKeyCache empty;
  CHECK(sse::OpenKms(&kms, &empty, Target("obj1"), written[1].sse).error().code == "KMS.DisabledException");
}

TEST_CASE("aws:kms:dsse never uses bucket keys; no KMS client answers 503") {
  FakeKms kms;
  sse::BucketKeyCache cache;
  sse::KmsWriteParams params;
  params.bucket_key = true;
  params.dsse = true;
  auto w = sse::SealKms(&kms, &cache, Target("d"), params);
  REQUIRE(w.ok());
  CHECK(w->sse.mode == emulator::store::SseMode::kSseKmsDsse);
  CHECK_FALSE(w->sse.bucket_key_enabled);
  CHECK(sse::SealKms(nullptr, &cache, Target("d"), params).error().http_status == 503);
}
