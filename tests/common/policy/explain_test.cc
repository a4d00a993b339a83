// Explain: what decided a denial, in words, for the audit trail's decision column and the console.
#include <doctest/doctest.h>

#include "tests/common/policy/policy_test_util.h"

using namespace policy_test;

namespace {

const std::string kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

constexpr const char* kDenyAliceKeyPolicy = R"({"Version":"2012-10-17","Statement":[
 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
  "Action":"kms:*","Resource":"*"},
 {"Sid" : "DenyAlice", "Effect":"Deny", "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},
  "Action":["kms:Decrypt"],"Resource":"*"}]})";

constexpr const char* kDefaultKeyPolicy = R"({"Version":"2012-10-17","Statement":[
 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
  "Action":"kms:*","Resource":"*"}]})";

constexpr const char* kKmsAll =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})";

}  // namespace

TEST_CASE("An explicit Deny in a key policy is explained by its Sid, index, policy and JSON as written") {
  auto key = Named("key policy", kDenyAliceKeyPolicy, PolicyType::kResource);
  std::vector<NamedPolicy> identity = {Named("kms-all", kKmsAll, PolicyType::kIdentity)};
  auto ctx = Request(User("111122223333", "alice"), "kms:Decrypt", kKeyArn);
  Decision d = AuthorizeKms(ctx, identity, key, "111122223333");
  REQUIRE(d.effect == Effect::kExplicitDeny);
  Explanation why = Explain(d, ctx, identity, &key);
  CHECK(why.effect == Effect::kExplicitDeny);
  CHECK(why.policy_kind == "resource-based");
  CHECK(why.policy == "key policy of " + kKeyArn);
  CHECK(why.sid == "DenyAlice");
  CHECK(why.statement_index == 1);
  // Compact, members in the order written (not sorted).
  CHECK(why.statement ==
        R"({"Sid":"DenyAlice","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},)"
        R"("Action":["kms:Decrypt"],"Resource":"*"})");
  CHECK(why.reason == "explicit Deny in statement \"DenyAlice\" (Statement[1]) of key policy of " + kKeyArn);
  CHECK(why.considered.empty());
}

TEST_CASE("An explicit Deny in an identity policy names that policy and its user; no Sid gives the index") {
  auto deny = Named("no-decrypt", R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]})",
                    PolicyType::kIdentity);
  std::vector<NamedPolicy> identity = {Named("kms-all", kKmsAll, PolicyType::kIdentity), deny};
  auto key = Named("key policy", kDefaultKeyPolicy, PolicyType::kResource);
  auto ctx = Request(User("111122223333", "bob"), "kms:Decrypt", kKeyArn);
  Decision d = AuthorizeKms(ctx, identity, key, "111122223333");
  REQUIRE(d.effect == Effect::kExplicitDeny);
  Explanation why = Explain(d, ctx, identity, &key);
  CHECK(why.policy == "identity policy no-decrypt of user bob");
  CHECK(why.sid.empty());
  CHECK(why.statement_index == 0);
  CHECK(why.statement == R"({"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"})");
  CHECK(why.reason == "explicit Deny in statement Statement[0] of identity policy no-decrypt of user bob");
}

TEST_CASE("An implicit deny with no matching Allow says no statement allows the action and lists the policies") {
  auto s3_only = Named("s3-only", R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]})",
                       PolicyType::kIdentity);
  auto bucket = Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::notes/*"}]})");
  bucket.attached_to = "notes";
  auto ctx = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::notes/a.txt");
  Decision d = Authorize(ctx, {s3_only}, &bucket);
  REQUIRE(d.effect == Effect::kImplicitDeny);
  Explanation why = Explain(d, ctx, {s3_only}, &bucket);
  CHECK(why.effect == Effect::kImplicitDeny);
  CHECK(why.reason == "no statement allows s3:GetObject");
  CHECK(why.considered ==
        std::vector<std::string>{"identity policy s3-only of user alice", "bucket policy of notes"});
  CHECK(why.statement.empty());
  CHECK(why.statement_index == -1);
}

TEST_CASE("An implicit deny behind a key policy that delegates to the account names the delegating Allow") {
  auto key = Named("key policy", kDefaultKeyPolicy, PolicyType::kResource);
  auto ctx = Request(User("111122223333", "erin"), "kms:Decrypt", kKeyArn);
  Decision d = AuthorizeKms(ctx, {}, key, "111122223333");
  REQUIRE(d.effect == Effect::kImplicitDeny);
  Explanation why = Explain(d, ctx, {}, &key);
  CHECK(why.policy_kind == "identity-based");
  CHECK(why.reason == "no identity-based policy allows kms:Decrypt; the Allow in statement \"Enable IAM User "
                      "Permissions\" (Statement[0]) of key policy of " + kKeyArn +
                          " counts only together with one");
  CHECK(why.considered == std::vector<std::string>{"key policy of " + kKeyArn});
}

TEST_CASE("Explain of an allowed request says nothing more") {
  auto key = Named("key policy", kDefaultKeyPolicy, PolicyType::kResource);
  auto ctx = Request(Root("111122223333"), "kms:Decrypt", kKeyArn);
  Decision d = AuthorizeKms(ctx, {}, key, "111122223333");
  REQUIRE(d.allowed());
  Explanation why = Explain(d, ctx, {}, &key);
  CHECK(why.effect == Effect::kAllow);
  CHECK(why.reason.empty());
  CHECK(why.considered.empty());
}
