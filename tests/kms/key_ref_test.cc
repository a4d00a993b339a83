// Key identifiers: the four forms and AWS's NotFoundException texts.
#include "kms/model/key_ref.h"

#include <doctest/doctest.h>

namespace kms::model {
namespace {

const char* kId = "1234abcd-12ab-34cd-56ef-1234567890ab";

TEST_CASE("ParseKeyRef accepts a key id, key ARN, alias name and alias ARN") {
  auto id = ParseKeyRef(kId, "111122223333", "us-east-1", true);
  REQUIRE(id.ok());
  CHECK(id->kind == KeyRefKind::kKeyId);
  auto arn = ParseKeyRef(std::string("arn:aws:kms:us-east-1:444455556666:key/") + kId, "111122223333",
                         "us-east-1", true);
  REQUIRE(arn.ok());
  CHECK(arn->kind == KeyRefKind::kKeyArn);
  CHECK(arn->account_id == "444455556666");
  CHECK(arn->key_id == kId);
  auto alias = ParseKeyRef("alias/app", "111122223333", "us-east-1", true);
  REQUIRE(alias.ok());
  CHECK(alias->alias_name == "alias/app");
  auto alias_arn =
      ParseKeyRef("arn:aws:kms:us-east-1:111122223333:alias/app", "111122223333", "us-east-1", true);
  REQUIRE(alias_arn.ok());
  CHECK(alias_arn->kind == KeyRefKind::kAliasArn);
  CHECK(alias_arn->alias_name == "alias/app");
}

TEST_CASE("Malformed key ids answer \"Invalid keyId 'x'\"") {
  for (const char* bad : {"fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"}) {
    auto r = ParseKeyRef(bad, "111122223333", "us-east-1", true);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "NotFoundException");
    CHECK(r.error().message == std::string("Invalid keyId '") + bad + "'");
  }
}

TEST_CASE("A key ARN of another region answers \"Invalid arn <region>\"") {
  auto r = ParseKeyRef(std::string("arn:aws:kms:ap-southeast-1:111122223333:key/") + kId, "111122223333",
                       "us-east-1", true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "NotFoundException");
  CHECK(r.error().message == "Invalid arn ap-southeast-1");
}

TEST_CASE("Operations that take only key ids refuse aliases") {
  CHECK_FALSE(ParseKeyRef("alias/app", "111122223333", "us-east-1", false).ok());
}

TEST_CASE("Alias characters follow ^[a-zA-Z0-9:/_-]+$") {
  CHECK(IsValidAliasChars("alias/My_Key-1:x"));
  CHECK_FALSE(IsValidAliasChars("alias/bad name"));
  CHECK_FALSE(IsValidAliasChars(""));
  CHECK_FALSE(IsValidAliasChars(std::string(257, 'a')));
}

}  // namespace
}  // namespace kms::model
