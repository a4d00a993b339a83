// Alias rules: prefix, pattern, reserved aws/ names, duplicates, targets, listing, AWS managed keys.
#include <doctest/doctest.h>

#include "kms_test_util.h"

namespace kms {
namespace {

using nlohmann::json;
using testing::Fixture;

TEST_CASE("CreateAlias requires the alias/ prefix") {
  Fixture f;
  std::string id = f.NewKey();
  auto r = f.Call("CreateAlias", {{"AliasName", "app"}, {"TargetKeyId", id}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "ValidationException");
  CHECK(r.error().message ==
        "Alias must start with the prefix \"alias/\". Please see "
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
}

TEST_CASE("CreateAlias refuses bad characters, reserved names, duplicates and alias targets") {
  Fixture f;
  std::string id = f.NewKey();
  auto chars = f.Call("CreateAlias", {{"AliasName", "alias/bad name"}, {"TargetKeyId", id}});
  CHECK(chars.error().message ==
        "1 validation error detected: Value 'alias/bad name' at 'aliasName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        "^[a-zA-Z0-9:/_-]+$");
  auto reserved = f.Call("CreateAlias", {{"AliasName", "alias/aws/s3"}, {"TargetKeyId", id}});
  CHECK(reserved.error().code == "NotAuthorizedException");
  REQUIRE(f.Call("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", id}}).ok());
  auto dup = f.Call("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", id}});
  CHECK(dup.error().code == "AlreadyExistsException");
  CHECK(dup.error().message ==
        "An alias with the name arn:aws:kms:us-east-1:111122223333:alias/app already exists");
  auto to_alias = f.Call("CreateAlias", {{"AliasName", "alias/other"}, {"TargetKeyId", "alias/app"}});
  CHECK(to_alias.error().code == "ValidationException");
  auto missing = f.Call("CreateAlias",
                        {{"AliasName", "alias/x"}, {"TargetKeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"}});
  CHECK(missing.error().message ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist");
}

TEST_CASE("UpdateAlias repoints an alias; DeleteAlias removes it") {
  Fixture f;
  std::string a = f.NewKey(), b = f.NewKey();
  REQUIRE(f.Call("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", a}}).ok());
  REQUIRE(f.Call("UpdateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", b}}).ok());
  auto d = f.Call("DescribeKey", {{"KeyId", "alias/app"}});
  CHECK((*d)["KeyMetadata"]["KeyId"] == b);
  REQUIRE(f.Call("DeleteAlias", {{"AliasName", "alias/app"}}).ok());
  auto gone = f.Call("DeleteAlias", {{"AliasName", "alias/app"}});
  CHECK(gone.error().code == "NotFoundException");
  CHECK(gone.error().message == "Alias arn:aws:kms:us-east-1:111122223333:alias/app is not found.");
}

TEST_CASE("ListAliases shows the predefined aws/ aliases and filters by key") {
  Fixture f;
  std::string id = f.NewKey();
  REQUIRE(f.Call("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", id}}).ok());
  auto all = f.Call("ListAliases", json::object());
  REQUIRE(all.ok());
  bool saw_s3 = false, saw_app = false;
  for (const auto& a : (*all)["Aliases"]) {
    if (a["AliasName"] == "alias/aws/s3") {
      saw_s3 = true;
      CHECK_FALSE(a.contains("TargetKeyId"));
      CHECK(a["AliasArn"] == "arn:aws:kms:us-east-1:111122223333:alias/aws/s3");
    }
    if (a["AliasName"] == "alias/app") {
      saw_app = true;
      CHECK(a["TargetKeyId"] == id);
    }
  }
  CHECK(saw_s3);
  CHECK(saw_app);
  auto mine = f.Call("ListAliases", {{"KeyId", id}});
  REQUIRE((*mine)["Aliases"].size() == 1);
  auto page = f.Call("ListAliases", {{"Limit", 2}});
  CHECK((*page)["Aliases"].size() == 2);
  CHECK((*page)["Truncated"] == true);
  auto next = f.Call("ListAliases", {{"Limit", 2}, {"Marker", (*page)["NextMarker"]}});
  CHECK((*next)["Aliases"][0]["AliasName"] == (*page)["NextMarker"]);
}

TEST_CASE("DescribeKey on alias/aws/s3 creates the AWS managed key; its policy works only via S3") {
  Fixture f;
  auto d = f.Call("DescribeKey", {{"KeyId", "alias/aws/s3"}});
  REQUIRE(d.ok());
  CHECK((*d)["KeyMetadata"]["KeyManager"] == "AWS");
  std::string id = (*d)["KeyMetadata"]["KeyId"];
  auto again = f.service->GetOrCreateAwsManagedKey(testing::kAccount, testing::kRegion, "s3");
  REQUIRE(again.ok());
  CHECK((*again)->key_id == id);
  // Direct use by the account root: the AWS managed key policy requires kms:ViaService.
  auto direct = f.Call("GenerateDataKey", {{"KeyId", "alias/aws/s3"}, {"KeySpec", "AES_256"}});
  REQUIRE_FALSE(direct.ok());
  CHECK(direct.error().code == "AccessDeniedException");
  f.ctx.via_service = "s3.us-east-1.amazonaws.com";
  CHECK(f.Call("GenerateDataKey", {{"KeyId", "alias/aws/s3"}, {"KeySpec", "AES_256"}}).ok());
  f.ctx.via_service.clear();
  auto disable = f.Call("DisableKey", {{"KeyId", id}});
  CHECK(disable.error().code == "AccessDeniedException");
}

}  // namespace
}  // namespace kms
