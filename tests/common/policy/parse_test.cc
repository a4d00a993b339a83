// Parsing policy documents: accepted shapes and AWS's MalformedPolicy texts.
#include <doctest/doctest.h>

#include "common/policy/policy.h"

namespace {

using common::policy::Parse;
using common::policy::PolicyType;

std::string ErrorOf(const std::string& json, PolicyType type = PolicyType::kResource) {
  auto r = Parse(json, type);
  if (r.ok()) return "(parsed)";
  CHECK(r.error().code == "MalformedPolicy");
  CHECK(r.error().http_status == 400);
  return r.error().message;
}

constexpr const char* kGood = R"({"Version":"2012-10-17","Id":"p1","Statement":[
  {"Sid":"A","Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:user/bob"]},
   "Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::bkt/*",
   "Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},
                "StringEquals":{"s3:prefix":["a","b"]}}}]})";

}  // namespace

TEST_CASE("Parse accepts strings or lists and normalises condition values to strings") {
  auto r = Parse(kGood, PolicyType::kResource);
  REQUIRE(r.ok());
  const auto& p = r.value();
  CHECK(p.version == "2012-10-17");
  CHECK(p.id == "p1");
  REQUIRE(p.statements.size() == 1);
  const auto& s = p.statements[0];
  CHECK(s.sid == "A");
  CHECK(s.allow);
  CHECK(s.has_principal);
  CHECK(s.principal.aws.size() == 2);
  CHECK(s.actions.size() == 2);
  CHECK(s.resources == std::vector<std::string>{"arn:aws:s3:::bkt/*"});
  REQUIRE(s.conditions.size() == 3);
  bool saw_number = false, saw_bool = false;
  for (const auto& c : s.conditions) {
    if (c.op == "NumericLessThan") saw_number = c.values == std::vector<std::string>{"10"};
    if (c.op == "Bool") saw_bool = c.values == std::vector<std::string>{"true"};
  }
  CHECK(saw_number);
  CHECK(saw_bool);
}

TEST_CASE("Parse takes a single Statement object and a missing Version as 2008-10-17") {
  auto r = Parse(R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}})",
                 PolicyType::kResource);
  REQUIRE(r.ok());
  CHECK(r->version == "2008-10-17");
  CHECK(r->statements.size() == 1);
  CHECK(r->statements[0].principal.any);
  CHECK_FALSE(r->statements[0].allow);
}

TEST_CASE("Parse reads NotPrincipal, NotAction and NotResource") {
  auto r = Parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
    "NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b"}]})",
                 PolicyType::kResource);
  REQUIRE(r.ok());
  CHECK(r->statements[0].not_principal);
  CHECK(r->statements[0].not_action);
  CHECK(r->statements[0].not_resource);
}

TEST_CASE("Parse rejects malformed documents with S3's MalformedPolicy texts") {
  CHECK(ErrorOf("[1]") == "Policies must be valid JSON and the first byte must be '{'");
  CHECK(ErrorOf("{\"Statement\": [") == "Policies must be valid JSON and the first byte must be '{'");
  CHECK(ErrorOf("") == "Policies must be valid JSON and the first byte must be '{'");
  CHECK(ErrorOf(R"({"Version":"2012-10-17"})") == "Missing required field Statement");
  CHECK(ErrorOf(R"({"Version":"2012-10-18","Statement":[]})") ==
        "The policy must contain a valid version string");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})") ==
        "Missing required field Principal");
  CHECK(
      ErrorOf(
          R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:*","Resource":"*"}]})") ==
      "Invalid principal in policy");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"bob","Action":"s3:*","Resource":"*"}]})") ==
        "Invalid principal in policy");
  CHECK(
      ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"*"}]})") ==
      "Policy has invalid action");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}]})") ==
        "Policy has invalid action");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"bkt"}]})") ==
        "Policy has invalid resource");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*"}]})") ==
        "Missing required field Resource");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"hello","Principal":"*","Action":"s3:*","Resource":"*"}]})") ==
        "Invalid effect: hello");
  CHECK(ErrorOf(R"({"Statement":[{"Principal":"*","Action":"s3:*","Resource":"*"}]})") ==
        "Missing required field Effect");
  CHECK(ErrorOf(
            R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Foo":1}]})") ==
        "Unknown field Foo");
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"StringEqualz":{"a":"b"}}}]})") == "Invalid Condition type : StringEqualz");
}

TEST_CASE("Identity policies must not name a principal; resource policies must") {
  auto identity =
      Parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})",
            PolicyType::kIdentity);
  CHECK(identity.ok());
  CHECK(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
                PolicyType::kIdentity) == "Policy document should not specify a principal.");
}

TEST_CASE("Parse accepts every documented operator with IfExists and set prefixes") {
  for (const char* op : {"StringLikeIfExists", "ForAnyValue:StringLike", "ForAllValues:StringEquals",
                         "NumericGreaterThanEquals", "DateLessThan", "IpAddress", "NotIpAddress", "ArnLike",
                         "ArnNotEquals", "Null", "BinaryEquals", "StringNotEqualsIgnoreCase"}) {
    std::string json = std::string(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*",)") +
                       R"("Resource":"*","Condition":{")" + op + R"(":{"aws:x":"1"}}}]})";
    CAPTURE(op);
    CHECK(Parse(json, PolicyType::kResource).ok());
  }
}

TEST_CASE("ParseCached returns the same parsed policy for the same text and nullptr for bad text") {
  const std::string text =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})";
  auto a = common::policy::ParseCached(text, PolicyType::kResource);
  auto b = common::policy::ParseCached(text, PolicyType::kResource);
  REQUIRE(a);
  CHECK(a == b);
  CHECK(a->statements.size() == 1);
  CHECK_FALSE(common::policy::ParseCached(text, PolicyType::kIdentity));  // principals are not allowed there
  CHECK_FALSE(common::policy::ParseCached("nope", PolicyType::kResource));
}

TEST_CASE("CheckBucketPolicy refuses other services' actions and resources outside the bucket") {
  auto policy_with = [](const std::string& action, const std::string& resource) {
    return Parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":")" +
                     action + R"(","Resource":")" + resource + R"("}]})",
                 PolicyType::kResource)
        .value();
  };
  using common::policy::CheckBucketPolicy;
  CHECK(CheckBucketPolicy(policy_with("s3:GetObject", "arn:aws:s3:::notes/*"), "notes").ok());
  CHECK(CheckBucketPolicy(policy_with("s3:ListBucket", "arn:aws:s3:::notes"), "notes").ok());
  CHECK(CheckBucketPolicy(policy_with("*", "arn:aws:s3:::note*"), "notes").ok());
  auto other_bucket = CheckBucketPolicy(policy_with("s3:GetObject", "arn:aws:s3:::other/*"), "notes");
  CHECK(other_bucket.error().code == "MalformedPolicy");
  CHECK(other_bucket.error().message == "Policy has invalid resource");
  auto kms = CheckBucketPolicy(policy_with("kms:Decrypt", "arn:aws:s3:::notes/*"), "notes");
  CHECK(kms.error().message == "Policy has invalid action");
}

TEST_CASE("Parse refuses absurdly nested JSON instead of exhausting the stack") {
  const std::string deep = "{\"Statement\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK(ErrorOf(deep) == "Policies must be valid JSON and the first byte must be '{'");
  // brackets inside strings do not count
  const std::string quoted = R"({"Statement":{"Sid":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[","Effect":"Allow",)"
                             R"("Principal":"*","Action":"s3:*","Resource":"*"}})";
  CHECK(Parse(quoted, PolicyType::kResource).ok());
}
