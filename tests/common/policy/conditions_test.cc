// Condition operators, set prefixes, IfExists, missing keys and policy variables.
#include <doctest/doctest.h>

#include "tests/common/policy/policy_test_util.h"

using namespace policy_test;

namespace {

// Evaluates an identity policy allowing s3:GetObject on * under one condition block.
bool AllowedWith(const std::string& condition, const Context& ctx) {
  auto p = Identity(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
    "Resource":"*","Condition":)" +
                    condition + "}]}");
  return Evaluate(p, ctx, PolicyType::kIdentity).allowed();
}

Context Get() { return Request(User("111122223333", "alice"), "s3:GetObject", "arn:aws:s3:::b/k"); }

}  // namespace

TEST_CASE("IpAddress matches IPv4 and IPv6 CIDR ranges; NotIpAddress the complement") {
  auto ctx = Get();
  ctx.Set("aws:SourceIp", "203.0.113.77");
  CHECK(AllowedWith(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"IpAddress":{"aws:SourceIp":"203.0.114.0/24"}})", ctx));
  CHECK(AllowedWith(R"({"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.77"]}})", ctx));
  CHECK(AllowedWith(R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", ctx));
  ctx.Set("aws:SourceIp", "2001:db8::1234");
  CHECK(AllowedWith(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", ctx));
  ctx.Set("aws:SourceIp", "::ffff:127.0.0.1");
  CHECK(AllowedWith(R"({"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}})", ctx));
}

TEST_CASE("Values of one key are ORed; keys and operators are ANDed") {
  auto ctx = Get();
  ctx.Set("s3:prefix", "home/");
  ctx.Set("aws:SecureTransport", "true");
  CHECK(AllowedWith(R"({"StringEquals":{"s3:prefix":["docs/","home/"]}})", ctx));
  CHECK(AllowedWith(R"({"StringEquals":{"s3:prefix":"home/"},"Bool":{"aws:SecureTransport":"true"}})", ctx));
  CHECK_FALSE(
      AllowedWith(R"({"StringEquals":{"s3:prefix":"home/"},"Bool":{"aws:SecureTransport":"false"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"StringEquals":{"s3:prefix":"home/","s3:delimiter":"/"}})", ctx));
}

TEST_CASE("Condition keys are case-insensitive, values case-sensitive unless IgnoreCase") {
  auto ctx = Get();
  ctx.Set("S3:X-Amz-Server-Side-Encryption", "aws:kms");
  CHECK(AllowedWith(R"({"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"StringEquals":{"s3:x-amz-server-side-encryption":"AWS:KMS"}})", ctx));
  CHECK(AllowedWith(R"({"StringEqualsIgnoreCase":{"s3:x-amz-server-side-encryption":"AWS:KMS"}})", ctx));
  CHECK(AllowedWith(R"({"StringLike":{"s3:x-amz-server-side-encryption":"aws:*"}})", ctx));
  CHECK(AllowedWith(R"({"StringNotLike":{"s3:x-amz-server-side-encryption":"AES*"}})", ctx));
}

TEST_CASE("A missing key: negated operators and IfExists match, positive ones do not, Null decides") {
  auto ctx = Get();
  CHECK(AllowedWith(R"({"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"StringEquals":{"s3:x-amz-server-side-encryption":"AES256"}})", ctx));
  CHECK(AllowedWith(R"({"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}})", ctx));
  CHECK(AllowedWith(R"({"Null":{"s3:x-amz-server-side-encryption":"true"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"Null":{"s3:x-amz-server-side-encryption":"false"}})", ctx));
  ctx.Set("s3:x-amz-server-side-encryption", "aws:kms");
  CHECK_FALSE(AllowedWith(R"({"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}})", ctx));
  CHECK(AllowedWith(R"({"Null":{"s3:x-amz-server-side-encryption":"false"}})", ctx));
}

TEST_CASE("ForAllValues is true for an empty set; ForAnyValue is false") {
  auto ctx = Get();
  CHECK(AllowedWith(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}})", ctx));
  ctx.Add("aws:TagKeys", "env");
  ctx.Add("aws:TagKeys", "cost");
  CHECK_FALSE(AllowedWith(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}})", ctx));
  CHECK(AllowedWith(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}})", ctx));
  CHECK(AllowedWith(R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}})", ctx));
}

TEST_CASE("Numeric, Date, Bool, Arn and Binary operators compare typed values") {
  auto ctx = Get();
  ctx.Set("s3:max-keys", "50");
  ctx.Set("aws:CurrentTime", "2026-11-27T02:47:25Z");
  ctx.Set("aws:EpochTime", "1795000000");
  ctx.Set("aws:MultiFactorAuthPresent", "true");
  ctx.Set("aws:SourceArn", "arn:aws:s3:::logs-bucket");
  ctx.Set("kms:RecipientAttestation:ImageSha384", "AQID");
  CHECK(AllowedWith(R"({"NumericLessThanEquals":{"s3:max-keys":50}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"NumericLessThan":{"s3:max-keys":"50"}})", ctx));
  CHECK(AllowedWith(R"({"NumericNotEquals":{"s3:max-keys":"10"}})", ctx));
  CHECK_FALSE(AllowedWith(R"({"NumericEquals":{"s3:max-keys":"fifty"}})", ctx));
  CHECK(AllowedWith(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})", ctx));
  CHECK(AllowedWith(R"({"DateLessThan":{"aws:CurrentTime":"2026-11-27T04:00:00+01:00"}})", ctx));
  CHECK(AllowedWith(R"({"DateLessThan":{"aws:CurrentTime":"2026-11-28"}})", ctx));
  CHECK(AllowedWith(R"({"DateEquals":{"aws:CurrentTime":"1795747645"}})", ctx));
  CHECK(AllowedWith(R"({"DateGreaterThanEquals":{"aws:EpochTime":"2026-11-18T00:00:00Z"}})", ctx));
  CHECK(AllowedWith(R"({"Bool":{"aws:MultiFactorAuthPresent":true}})", ctx));
  CHECK(AllowedWith(R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::logs-*"}})", ctx));
  CHECK(AllowedWith(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::logs-bucket"}})", ctx));
  CHECK(AllowedWith(R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::other*"}})", ctx));
  CHECK(AllowedWith(R"({"BinaryEquals":{"kms:RecipientAttestation:ImageSha384":"AQID"}})", ctx));
}

TEST_CASE("${aws:username} scopes a Resource and a condition value to the caller") {
  auto p = Identity(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Home","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"},
    {"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home",
     "Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}}]})");
  auto ctx = Request(User("111122223333", "alice"), "s3:PutObject", "arn:aws:s3:::home/alice/notes.txt");
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).statement_sid == "Home");
  ctx.resource = "arn:aws:s3:::home/bob/notes.txt";
  CHECK_FALSE(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
  ctx.action = "s3:ListBucket";
  ctx.resource = "arn:aws:s3:::home";
  ctx.Set("s3:prefix", "alice/photos/");
  CHECK(Evaluate(p, ctx, PolicyType::kIdentity).statement_sid == "List");
  ctx.Set("s3:prefix", "bob/");
  CHECK_FALSE(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
}

TEST_CASE("Policy variables are literal text in a 2008-10-17 policy") {
  auto p = Identity(R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
    "Resource":"arn:aws:s3:::home/${aws:username}/*"}]})");
  auto ctx = Request(User("111122223333", "alice"), "s3:PutObject", "arn:aws:s3:::home/alice/x");
  CHECK_FALSE(Evaluate(p, ctx, PolicyType::kIdentity).allowed());
}
