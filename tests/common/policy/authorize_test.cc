// Authorize and AuthorizeKms: the AWS evaluation rules learners meet in the exam scenarios.
#include <doctest/doctest.h>

#include "tests/common/policy/policy_test_util.h"

using namespace policy_test;

namespace {

constexpr const char* kEnforceSse = R"({"Version":"2012-10-17","Id":"PutObjectPolicy","Statement":[
 {"Sid":"DenyIncorrectEncryptionHeader","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
  "Resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/*",
  "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}},
 {"Sid":"DenyUnencryptedObjectUploads","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
  "Resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/*",
  "Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}]})";

constexpr const char* kS3Full =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

constexpr const char* kDefaultKeyPolicy = R"({"Version":"2012-10-17","Id":"key-default-1","Statement":[
 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
  "Action":"kms:*","Resource":"*"}]})";

const std::string kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

}  // namespace

TEST_CASE("The encryption-enforcing bucket policy denies a PUT without the SSE header") {
  auto bucket = Resource(kEnforceSse);
  auto ctx = Request(User("111122223333", "alice"), "s3:PutObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/a.txt");
  auto d = Authorize(ctx, {Identity(kS3Full)}, &bucket);
  CHECK(d.effect == Effect::kExplicitDeny);
  CHECK(d.statement_sid == "DenyIncorrectEncryptionHeader");  // StringNotEquals matches a missing key
  CHECK(d.policy_name == "bucket policy");
  CHECK(DenialReason(d, "s3:PutObject") == "with an explicit deny in a resource-based policy");
}

TEST_CASE("The encryption-enforcing bucket policy allows a PUT with AES256 and denies aws:kms") {
  auto bucket = Resource(kEnforceSse);
  auto ctx = Request(User("111122223333", "alice"), "s3:PutObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/a.txt");
  ctx.Set("s3:x-amz-server-side-encryption", "AES256");
  CHECK(Authorize(ctx, {Identity(kS3Full)}, &bucket).allowed());
  ctx.Set("s3:x-amz-server-side-encryption", "aws:kms");
  CHECK(Authorize(ctx, {Identity(kS3Full)}, &bucket).effect == Effect::kExplicitDeny);
}

TEST_CASE("An explicit deny in an identity policy beats an allow in the bucket policy") {
  auto bucket =
      Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*",
    "Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]})");
  auto deny = Identity(R"({"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny",
    "Action":"s3:DeleteObject","Resource":"*"}]})");
  auto ctx = Request(User("111122223333", "alice"), "s3:DeleteObject", "arn:aws:s3:::b/k");
  auto d = Authorize(ctx, {Identity(kS3Full), deny}, &bucket);
  CHECK(d.effect == Effect::kExplicitDeny);
  CHECK(d.statement_sid == "NoDelete");
  CHECK(DenialReason(d, "s3:DeleteObject") == "with an explicit deny in an identity-based policy");
  ctx.action = "s3:GetObject";
  CHECK(Authorize(ctx, {Identity(kS3Full), deny}, &bucket).allowed());
}

TEST_CASE("Same account: the identity policy or the bucket policy alone is enough") {
  auto ctx = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::b/k");
  CHECK(Authorize(ctx, {Identity(kS3Full)}, nullptr).allowed());
  auto d = Authorize(ctx, {}, nullptr);
  CHECK(d.effect == Effect::kImplicitDeny);
  CHECK(DenialReason(d, "s3:GetObject") == "because no identity-based policy allows the s3:GetObject action");
  auto bucket = Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"Alice","Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  auto allowed = Authorize(ctx, {}, &bucket);
  CHECK(allowed.allowed());
  CHECK(allowed.statement_sid == "Alice");
}

TEST_CASE("The root user of the owning account needs no identity policy") {
  auto ctx = Request(Root("111122223333"), "s3:PutObject", "arn:aws:s3:::b/k", "111122223333");
  CHECK(Authorize(ctx, {}, nullptr).allowed());
}

TEST_CASE("Cross account needs both the caller's identity policy and the bucket policy") {
  auto bucket = Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",
    "Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  auto ctx = Request(User("444455556666", "bob"), "s3:GetObject", "arn:aws:s3:::b/k", "111122223333");
  auto without_identity = Authorize(ctx, {}, &bucket);
  CHECK(without_identity.effect == Effect::kImplicitDeny);
  CHECK(without_identity.policy_kind == "identity-based");
  auto without_bucket = Authorize(ctx, {Identity(kS3Full)}, nullptr);
  CHECK(without_bucket.effect == Effect::kImplicitDeny);
  CHECK(without_bucket.policy_kind == "resource-based");
  auto both = Authorize(ctx, {Identity(kS3Full)}, &bucket);
  CHECK(both.allowed());
  CHECK(both.statement_sid == "Partner");
  // the partner account's root has no identity policies to check
  ctx.principal = Root("444455556666");
  CHECK(Authorize(ctx, {}, &bucket).allowed());
}

TEST_CASE("A bucket policy for Principal * lets anonymous callers read") {
  auto bucket = Resource(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]})");
  Context ctx;
  ctx.action = "s3:GetObject";
  ctx.resource = "arn:aws:s3:::site/index.html";
  ctx.resource_account = "111122223333";
  CHECK(Authorize(ctx, {}, &bucket).allowed());
  ctx.action = "s3:PutObject";
  CHECK(Authorize(ctx, {}, &bucket).effect == Effect::kImplicitDeny);
}

TEST_CASE("A TLS-only bucket policy denies requests with aws:SecureTransport false") {
  auto bucket =
      Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*",
    "Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
    "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
  auto ctx = Request(Root("111122223333"), "s3:GetObject", "arn:aws:s3:::b/k");
  ctx.Set("aws:SecureTransport", "false");
  CHECK(Authorize(ctx, {}, &bucket).statement_sid == "TlsOnly");
  ctx.Set("aws:SecureTransport", "true");
  CHECK(Authorize(ctx, {}, &bucket).allowed());
}

TEST_CASE("NotPrincipal with Deny exempts a user only when its account is listed too") {
  auto bucket = [](const std::string& not_principal) {
    return Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyAlice","Effect":"Deny",
      "NotPrincipal":{"AWS":)" +
                    not_principal + R"(},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]})");
  };
  auto both = bucket(R"(["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"])");
  auto alice = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::b/k");
  auto carol = Request(User("111122223333", "carol"), "s3:GetObject", "arn:aws:s3:::b/k");
  CHECK(Authorize(alice, {Identity(kS3Full)}, &both).allowed());
  CHECK(Authorize(carol, {Identity(kS3Full)}, &both).effect == Effect::kExplicitDeny);
  auto user_only = bucket(R"("arn:aws:iam::111122223333:user/alice")");
  CHECK(Authorize(alice, {Identity(kS3Full)}, &user_only).effect == Effect::kExplicitDeny);
}

TEST_CASE("KMS default key policy plus an identity policy allows a user; without it implicit deny") {
  auto key = Named("key policy", kDefaultKeyPolicy, PolicyType::kResource);
  auto ctx = Request(User("111122223333", "alice"), "kms:Decrypt", kKeyArn);
  auto denied = AuthorizeKms(ctx, {}, key, "111122223333");
  CHECK(denied.effect == Effect::kImplicitDeny);
  CHECK(DenialReason(denied, "kms:Decrypt") ==
        "because no identity-based policy allows the kms:Decrypt action");
  auto kms_use = Identity(R"({"Version":"2012-10-17","Statement":[{"Sid":"UseKeys","Effect":"Allow",
    "Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]})");
  auto allowed = AuthorizeKms(ctx, {kms_use}, key, "111122223333");
  CHECK(allowed.allowed());
  CHECK(allowed.statement_sid == "UseKeys");
  ctx.action = "kms:ScheduleKeyDeletion";
  CHECK(AuthorizeKms(ctx, {kms_use}, key, "111122223333").effect == Effect::kImplicitDeny);
  ctx.principal = Root("111122223333");
  CHECK(AuthorizeKms(ctx, {}, key, "111122223333").allowed());
}

TEST_CASE("A key policy that does not name the account locks out even its root user") {
  auto key = Named("key policy", R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyAlice","Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"}]})",
                   PolicyType::kResource);
  auto root = Request(Root("111122223333"), "kms:Decrypt", kKeyArn);
  auto d = AuthorizeKms(root, {}, key, "111122223333");
  CHECK(d.effect == Effect::kImplicitDeny);
  CHECK(DenialReason(d, "kms:Decrypt") == "because no resource-based policy allows the kms:Decrypt action");
  auto alice = Request(User("111122223333", "alice"), "kms:Decrypt", kKeyArn);
  CHECK(AuthorizeKms(alice, {}, key, "111122223333").allowed());  // named directly: no IAM policy needed
}

TEST_CASE("KMS cross account needs the key policy and the caller's identity policy") {
  auto key = Named("key policy", R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
    {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
     "Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}]})",
                   PolicyType::kResource);
  auto bob = Request(User("444455556666", "bob"), "kms:Decrypt", kKeyArn);
  CHECK(AuthorizeKms(bob, {}, key, "111122223333").policy_kind == "identity-based");
  auto use = Identity(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":")" +
      kKeyArn + R"("}]})");
  CHECK(AuthorizeKms(bob, {use}, key, "111122223333").allowed());
  bob.action = "kms:ReEncryptFrom";
  CHECK_FALSE(AuthorizeKms(bob, {Identity(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"kms:*","Resource":"*"}]})")},
                           key, "111122223333")
                  .allowed());
}

TEST_CASE("A key policy can allow a service principal and condition on kms:ViaService") {
  auto key = Named("key policy", R"({"Version":"2012-10-17","Statement":[
    {"Sid":"ViaS3","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*",
     "Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com","kms:CallerAccount":"111122223333"}}},
    {"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:Encrypt","Resource":"*"}]})",
                   PolicyType::kResource);
  auto alice = Request(User("111122223333", "alice"), "kms:Decrypt", kKeyArn);
  alice.Set("kms:CallerAccount", "111122223333");
  CHECK_FALSE(AuthorizeKms(alice, {}, key, "111122223333").allowed());
  alice.Set("kms:ViaService", "s3.us-east-1.amazonaws.com");
  CHECK(AuthorizeKms(alice, {}, key, "111122223333").statement_sid == "ViaS3");
  Context service;
  service.service_principal = "logs.amazonaws.com";
  service.action = "kms:Encrypt";
  service.resource = kKeyArn;
  CHECK(AuthorizeKms(service, {}, key, "111122223333").allowed());
}
