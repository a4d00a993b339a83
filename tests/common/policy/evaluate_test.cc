// Evaluate on one policy and WildcardMatch: actions, resources, Not* elements, deciding statement.
#include <doctest/doctest.h>

#include "tests/common/policy/policy_test_util.h"

using namespace policy_test;

TEST_CASE("WildcardMatch: '*' any run, '?' one character, case folding only when asked") {
  CHECK(WildcardMatch("s3:Get*", "s3:GetObject", false));
  CHECK(WildcardMatch("s3:get*", "s3:GetObject", true));
  CHECK_FALSE(WildcardMatch("s3:get*", "s3:GetObject", false));
  CHECK(WildcardMatch("arn:aws:s3:::b/*/x?", "arn:aws:s3:::b/a/b/xy", false));
  CHECK_FALSE(WildcardMatch("arn:aws:s3:::b/*/x?", "arn:aws:s3:::b/a/b/x", false));
  CHECK(WildcardMatch("*", "", false));
  CHECK(WildcardMatch("a**b", "ab", false));
  CHECK_FALSE(WildcardMatch("", "a", false));
}

TEST_CASE("Actions match case-insensitively, resources case-sensitively") {
  auto p = Identity(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"S3:getobject",
    "Resource":"arn:aws:s3:::Bucket/*"}]})");
  auto ctx = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::Bucket/k");
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
  ctx.resource = "arn:aws:s3:::bucket/k";
  CHECK_FALSE(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
}

TEST_CASE("NotAction and NotResource invert the match") {
  auto p = Identity(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"AllButIam","Effect":"Allow","NotAction":"iam:*","Resource":"*"},
    {"Sid":"NotSecret","Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::public/*"}]})");
  auto ctx = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::public/a");
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).statement_sid == "AllButIam");
  ctx.resource = "arn:aws:s3:::secret/a";
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).statement_sid == "NotSecret");
  ctx.action = "iam:CreateUser";
  ctx.resource = "arn:aws:iam::111122223333:user/x";
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).effect == Effect::kImplicitDeny);
}

TEST_CASE("Evaluate reports the deciding statement; a later Deny overrides an earlier Allow") {
  auto p = Identity(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Allow","Effect":"Allow","Action":"kms:*","Resource":"*"},
    {"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]})");
  auto ctx =
      Request(User("111122223333", "alice"), "kms:ScheduleKeyDeletion", "arn:aws:kms:us-east-1:1:key/x");
  auto d = Evaluate(p, ctx, PolicyType::kIdentity);
  CHECK(d.effect == Effect::kExplicitDeny);
  CHECK(d.statement_index == 1);
  CHECK(d.statement_sid.empty());
  CHECK(d.policy_name == "inline");
  ctx.action = "kms:Encrypt";
  d = Evaluate(p, ctx, PolicyType::kIdentity);
  CHECK(d.allowed());
  CHECK(d.statement_index == 0);
}

TEST_CASE("Resource-policy principals: *, account id, root ARN, user ARN, service") {
  auto policy_for = [](const std::string& principal) {
    return Resource(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)" + principal +
                    R"(,"Action":"s3:GetObject","Resource":"*"}]})");
  };
  auto alice = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::b/k");
  CHECK(Evaluate(policy_for(R"("*")"), alice, PolicyType::kResource).allowed());
  CHECK(Evaluate(policy_for(R"({"AWS":"*"})"), alice, PolicyType::kResource).allowed());
  CHECK(Evaluate(policy_for(R"({"AWS":"111122223333"})"), alice, PolicyType::kResource).allowed());
  CHECK(Evaluate(policy_for(R"({"AWS":"arn:aws:iam::111122223333:root"})"), alice, PolicyType::kResource)
            .allowed());
  CHECK(
      Evaluate(policy_for(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})"), alice, PolicyType::kResource)
          .allowed());
  CHECK_FALSE(
      Evaluate(policy_for(R"({"AWS":"arn:aws:iam::111122223333:user/bob"})"), alice, PolicyType::kResource)
          .allowed());
  CHECK_FALSE(Evaluate(policy_for(R"({"AWS":"444455556666"})"), alice, PolicyType::kResource).allowed());
  CHECK_FALSE(
      Evaluate(policy_for(R"({"Service":"s3.amazonaws.com"})"), alice, PolicyType::kResource).allowed());
  Context service;
  service.service_principal = "s3.amazonaws.com";
  service.action = "s3:GetObject";
  service.resource = "arn:aws:s3:::b/k";
  CHECK(Evaluate(policy_for(R"({"Service":"s3.amazonaws.com"})"), service, PolicyType::kResource).allowed());
}

TEST_CASE("Context keys from the principal: aws:username, aws:PrincipalAccount, aws:PrincipalType") {
  auto p = Identity(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
    "Condition":{"StringEquals":{"aws:username":"alice","aws:PrincipalAccount":"111122223333",
    "aws:PrincipalType":"User"}}}]})");
  auto ctx = Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::b/k");
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
  ctx.principal = User("111122223333", "bob");
  CHECK_FALSE(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
}
