// Key states and their exact errors: disable, schedule deletion (lab clock), cancel, rotation, metadata.
#include <doctest/doctest.h>

#include "common/util/encoding.h"
#include "kms_test_util.h"

namespace kms {
namespace {

using nlohmann::json;
using testing::Fixture;

std::string B64(const std::string& s) { return common::util::Base64Encode(s); }

TEST_CASE("A new key is an enabled symmetric customer managed key") {
  Fixture f;
  auto r = f.Call("CreateKey", {{"Description", "test key 123"}});
  REQUIRE(r.ok());
  const json& m = (*r)["KeyMetadata"];
  CHECK(m["AWSAccountId"] == "111122223333");
  CHECK(m["Arn"] == f.Arn(m["KeyId"]));
  CHECK(m["Enabled"] == true);
  CHECK(m["KeyState"] == "Enabled");
  CHECK(m["KeyUsage"] == "ENCRYPT_DECRYPT");
  CHECK(m["KeySpec"] == "SYMMETRIC_DEFAULT");
  CHECK(m["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT");
  CHECK(m["KeyManager"] == "CUSTOMER");
  CHECK(m["Origin"] == "AWS_KMS");
  CHECK(m["MultiRegion"] == false);
  CHECK(m["Description"] == "test key 123");
  CHECK(m["EncryptionAlgorithms"] == json::array({"SYMMETRIC_DEFAULT"}));
}

TEST_CASE("A disabled key refuses crypto with DisabledException \"<arn> is disabled.\"") {
  Fixture f;
  std::string id = f.NewKey();
  REQUIRE(f.Call("DisableKey", {{"KeyId", id}}).ok());
  auto r = f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "DisabledException");
  CHECK(r.error().message == f.Arn(id) + " is disabled.");
  auto d = f.Call("DescribeKey", {{"KeyId", id}});
  CHECK((*d)["KeyMetadata"]["KeyState"] == "Disabled");
  CHECK((*d)["KeyMetadata"]["Enabled"] == false);
  REQUIRE(f.Call("EnableKey", {{"KeyId", id}}).ok());
  CHECK(f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}}).ok());
}

TEST_CASE("ScheduleKeyDeletion: 7..30 days, default 30, then KMSInvalidStateException") {
  Fixture f;
  std::string id = f.NewKey();
  auto bad = f.Call("ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 6}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "ValidationException");
  CHECK(bad.error().message == "PendingWindowInDays should be between 7 and 30, but it is 6");
  auto r = f.Call("ScheduleKeyDeletion", {{"KeyId", id}});
  REQUIRE(r.ok());
  CHECK((*r)["KeyId"] == f.Arn(id));
  CHECK((*r)["KeyState"] == "PendingDeletion");
  CHECK((*r)["PendingWindowInDays"] == 30);
  CHECK((*r)["DeletionDate"].get<double>() ==
        doctest::Approx((testing::kStartMillis + 30 * testing::kDayMillis) / 1000.0));
  auto enc = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("a")}});
  REQUIRE_FALSE(enc.ok());
  CHECK(enc.error().code == "KMSInvalidStateException");
  CHECK(enc.error().message == f.Arn(id) + " is pending deletion.");
  auto again = f.Call("ScheduleKeyDeletion", {{"KeyId", id}});
  CHECK(again.error().code == "KMSInvalidStateException");
  auto enable = f.Call("EnableKey", {{"KeyId", id}});
  CHECK(enable.error().code == "KMSInvalidStateException");
  auto describe = f.Call("DescribeKey", {{"KeyId", id}});
  REQUIRE(describe.ok());
  CHECK((*describe)["KeyMetadata"]["KeyState"] == "PendingDeletion");
  CHECK((*describe)["KeyMetadata"]["PendingDeletionWindowInDays"] == 30);
}

TEST_CASE("CancelKeyDeletion leaves the key Disabled") {
  Fixture f;
  std::string id = f.NewKey();
  REQUIRE(f.Call("ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 7}}).ok());
  auto r = f.Call("CancelKeyDeletion", {{"KeyId", id}});
  REQUIRE(r.ok());
  CHECK((*r)["KeyId"] == f.Arn(id));
  auto d = f.Call("DescribeKey", {{"KeyId", id}});
  CHECK((*d)["KeyMetadata"]["KeyState"] == "Disabled");
  CHECK_FALSE((*d)["KeyMetadata"].contains("DeletionDate"));
}

TEST_CASE("The key is deleted, with its aliases, once the lab clock passes DeletionDate") {
  Fixture f;
  std::string id = f.NewKey();
  REQUIRE(f.Call("CreateAlias", {{"AliasName", "alias/doomed"}, {"TargetKeyId", id}}).ok());
  REQUIRE(f.Call("ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 7}}).ok());
  f.AdvanceDays(6);
  CHECK(f.Call("DescribeKey", {{"KeyId", id}}).ok());
  f.AdvanceDays(2);
  auto gone = f.Call("DescribeKey", {{"KeyId", id}});
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == "NotFoundException");
  CHECK(gone.error().message == "Key '" + f.Arn(id) + "' does not exist");
  auto keys = f.Call("ListKeys", json::object());
  CHECK((*keys)["Keys"].empty());
  auto alias = f.Call("DescribeKey", {{"KeyId", "alias/doomed"}});
  CHECK(alias.error().message == "Alias arn:aws:kms:us-east-1:111122223333:alias/doomed is not found.");
}

TEST_CASE("Rotation: status, period, and old ciphertexts still decrypt after the lab clock rotates the key") {
  Fixture f;
  std::string id = f.NewKey();
  auto status = f.Call("GetKeyRotationStatus", {{"KeyId", id}});
  CHECK((*status)["KeyRotationEnabled"] == false);
  auto bad = f.Call("EnableKeyRotation", {{"KeyId", id}, {"RotationPeriodInDays", 30}});
  CHECK(bad.error().message ==
        "1 validation error detected: Value '30' at 'rotationPeriodInDays' failed to "
        "satisfy constraint: Member must have value greater than or equal to 90");
  REQUIRE(f.Call("EnableKeyRotation", {{"KeyId", id}, {"RotationPeriodInDays", 90}}).ok());
  status = f.Call("GetKeyRotationStatus", {{"KeyId", id}});
  CHECK((*status)["KeyRotationEnabled"] == true);
  CHECK((*status)["RotationPeriodInDays"] == 90);
  auto before = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("old")}});
  std::string material_before =
      (*f.Call("DescribeKey", {{"KeyId", id}}))["KeyMetadata"]["CurrentKeyMaterialId"];
  f.AdvanceDays(91);
  auto after = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("new")}});
  REQUIRE(after.ok());
  std::string material_after =
      (*f.Call("DescribeKey", {{"KeyId", id}}))["KeyMetadata"]["CurrentKeyMaterialId"];
  CHECK(material_before != material_after);
  auto old_plain = f.Call("Decrypt", {{"CiphertextBlob", (*before)["CiphertextBlob"]}});
  REQUIRE(old_plain.ok());
  CHECK((*old_plain)["KeyMaterialId"] == material_before);
  REQUIRE(f.Call("DisableKey", {{"KeyId", id}}).ok());
  auto disabled = f.Call("EnableKeyRotation", {{"KeyId", id}});
  CHECK(disabled.error().code == "DisabledException");
}

TEST_CASE("Key policies: default policy, Get/Put, lockout safety check") {
  Fixture f;
  std::string id = f.NewKey();
  auto p = f.Call("GetKeyPolicy", {{"KeyId", id}});
  REQUIRE(p.ok());
  CHECK((*p)["PolicyName"] == "default");
  json policy = json::parse((*p)["Policy"].get<std::string>());
  CHECK(policy["Statement"][0]["Sid"] == "Enable IAM User Permissions");
  CHECK(policy["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::111122223333:root");
  auto other = f.Call("GetKeyPolicy", {{"KeyId", id}, {"PolicyName", "other"}});
  CHECK(other.error().message == "No such policy exists");
  json lockout = {{"Version", "2012-10-17"},
                  {"Statement",
                   {{{"Effect", "Allow"},
                     {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                     {"Action", "kms:Encrypt"},
                     {"Resource", "*"}}}}};
  auto put = f.Call("PutKeyPolicy", {{"KeyId", id}, {"Policy", lockout.dump()}});
  REQUIRE_FALSE(put.ok());
  CHECK(put.error().code == "MalformedPolicyDocumentException");
  CHECK(put.error().message ==
        "The new key policy will not allow you to update the key policy in the future.");
  auto bypass = f.Call("PutKeyPolicy",
                       {{"KeyId", id}, {"Policy", lockout.dump()}, {"BypassPolicyLockoutSafetyCheck", true}});
  REQUIRE(bypass.ok());
  auto denied = f.Call("GetKeyPolicy", {{"KeyId", id}});
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().code == "AccessDeniedException");
  auto malformed = f.Call("CreateKey", {{"Policy", "not json"}});
  CHECK(malformed.error().code == "MalformedPolicyDocumentException");
}

TEST_CASE("Tags: TagResource, ListResourceTags, UntagResource") {
  Fixture f;
  std::string id = f.NewKey({{"Tags", {{{"TagKey", "env"}, {"TagValue", "lab"}}}}});
  REQUIRE(
      f.Call("TagResource", {{"KeyId", id}, {"Tags", {{{"TagKey", "team"}, {"TagValue", "blue"}}}}}).ok());
  auto tags = f.Call("ListResourceTags", {{"KeyId", id}});
  REQUIRE(tags.ok());
  CHECK((*tags)["Tags"] ==
        json::array({{{"TagKey", "env"}, {"TagValue", "lab"}}, {{"TagKey", "team"}, {"TagValue", "blue"}}}));
  CHECK((*tags)["Truncated"] == false);
  REQUIRE(f.Call("UntagResource", {{"KeyId", id}, {"TagKeys", {"env"}}}).ok());
  tags = f.Call("ListResourceTags", {{"KeyId", id}});
  CHECK((*tags)["Tags"].size() == 1);
  auto reserved =
      f.Call("TagResource", {{"KeyId", id}, {"Tags", {{{"TagKey", "aws:x"}, {"TagValue", "1"}}}}});
  CHECK(reserved.error().code == "TagException");
}

TEST_CASE("Unsupported key specs say so") {
  Fixture f;
  auto r = f.Call("CreateKey", {{"KeySpec", "RSA_2048"}, {"KeyUsage", "SIGN_VERIFY"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "UnsupportedOperationException");
  auto bad = f.Call("CreateKey", {{"KeyUsage", "RANDOM"}});
  CHECK(bad.error().message ==
        "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, "
        "GENERATE_VERIFY_MAC, KEY_AGREEMENT]");
}

}  // namespace
}  // namespace kms
