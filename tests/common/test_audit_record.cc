// CloudTrail record builder: members, their order, userIdentity shapes, camelCase request parameters.
#include <doctest/doctest.h>

#include "common/audit/record.h"
#include "common/policy/policy.h"

using common::audit::BuildRecord;
using common::audit::CamelCaseMembers;
using common::audit::Event;
using common::audit::OrderedJson;
using common::identity::Principal;
using common::identity::PrincipalType;

namespace {

Principal Alice() {
  Principal p;
  p.type = PrincipalType::kUser;
  p.account_id = "111122223333";
  p.arn = "arn:aws:iam::111122223333:user/alice";
  p.user_name = "alice";
  p.user_id = "AIDAEXAMPLEALICE0001";
  p.access_key_id = "AKIAEXAMPLEALICE0001";
  return p;
}

Event GenerateDataKeyEvent() {
  Event e;
  e.principal = Alice();
  e.event_time_millis = 1440938160000;  // 2015-08-30T12:36:00Z
  e.event_source = "kms.amazonaws.com";
  e.event_name = "GenerateDataKey";
  e.region = "us-east-1";
  e.source_ip = "127.0.0.1";
  e.user_agent = "aws-cli/1.45.11";
  e.request_parameters = OrderedJson{{"keyId", "alias/lab"}, {"keySpec", "AES_256"}};
  e.request_id = "e0eb83e3-63bc-11e4-bc2b-4198b6150d5c";
  e.event_id = "a9dea4f9-8395-46c0-942c-f509c02c2b71";
  e.read_only = true;
  e.resources.push_back({"111122223333", "AWS::KMS::Key", "arn:aws:kms:us-east-1:111122223333:key/k1"});
  e.recipient_account_id = "111122223333";
  return e;
}

std::vector<std::string> Keys(const OrderedJson& object) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : object.items()) keys.push_back(k);
  return keys;
}

}  // namespace

TEST_CASE("A successful KMS record has AWS's members in AWS's order and null responseElements") {
  OrderedJson r = BuildRecord(GenerateDataKeyEvent());
  CHECK(Keys(r) == std::vector<std::string>{"eventVersion", "userIdentity", "eventTime", "eventSource",
                                            "eventName", "awsRegion", "sourceIPAddress", "userAgent",
                                            "requestParameters", "responseElements", "requestID", "eventID",
                                            "readOnly", "resources", "eventType", "managementEvent",
                                            "recipientAccountId", "eventCategory"});
  CHECK(r["eventVersion"] == "1.11");
  CHECK(r["eventTime"] == "2015-08-30T12:36:00Z");
  CHECK(r["responseElements"].is_null());
  CHECK(r["readOnly"] == true);
  CHECK(r["eventType"] == "AwsApiCall");
  CHECK(r["managementEvent"] == true);
  CHECK(r["eventCategory"] == "Management");
  CHECK(r["resources"].dump() ==
        R"([{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-1:111122223333:key/k1"}])");
  CHECK(r["userIdentity"].dump() ==
        R"({"type":"IAMUser","principalId":"AIDAEXAMPLEALICE0001","arn":"arn:aws:iam::111122223333:user/alice",)"
        R"("accountId":"111122223333","accessKeyId":"AKIAEXAMPLEALICE0001","userName":"alice"})");
}

TEST_CASE("A failed call carries errorCode and errorMessage right after userAgent") {
  Event e = GenerateDataKeyEvent();
  e.error_code = "AccessDeniedException";
  e.error_message = "User: arn:aws:iam::111122223333:user/alice is not authorized";
  OrderedJson r = BuildRecord(e);
  auto keys = Keys(r);
  REQUIRE(keys.size() > 10);
  CHECK(keys[8] == "errorCode");
  CHECK(keys[9] == "errorMessage");
  CHECK(r["errorCode"] == "AccessDeniedException");
}

TEST_CASE("A call S3 makes for a user names the user with invokedBy") {
  Event e = GenerateDataKeyEvent();
  e.invoked_by = "s3.amazonaws.com";
  OrderedJson id = BuildRecord(e)["userIdentity"];
  CHECK(id["userName"] == "alice");
  CHECK(id["invokedBy"] == "s3.amazonaws.com");
  CHECK(Keys(id).back() == "invokedBy");
}

TEST_CASE("Root is recorded with the account as principalId, and LookupEvents knows it as root") {
  Principal root;
  root.type = PrincipalType::kRoot;
  root.account_id = "111122223333";
  root.arn = "arn:aws:iam::111122223333:root";
  root.access_key_id = "AKIAROOT";
  CHECK(common::audit::UserIdentity(root, "").dump() ==
        R"({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",)"
        R"("accountId":"111122223333","accessKeyId":"AKIAROOT"})");
  CHECK(common::audit::LookupUsername(root) == "root");
  CHECK(common::audit::LookupUsername(Alice()) == "alice");
}

TEST_CASE("tlsDetails appear only for HTTPS requests") {
  Event e = GenerateDataKeyEvent();
  CHECK_FALSE(BuildRecord(e).contains("tlsDetails"));
  e.tls = true;
  e.tls_host = "127.0.0.1:4591";
  CHECK(BuildRecord(e)["tlsDetails"].dump() == R"({"clientProvidedHostHeader":"127.0.0.1:4591"})");
  e.tls_version = "TLSv1.3";
  e.tls_cipher = "TLS_AES_256_GCM_SHA384";
  // AWS's member order: tlsVersion, cipherSuite, clientProvidedHostHeader
  CHECK(BuildRecord(e)["tlsDetails"].dump() ==
        R"({"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_256_GCM_SHA384","clientProvidedHostHeader":"127.0.0.1:4591"})");
}

TEST_CASE("CamelCaseMembers lowers member names but keeps map keys and drops secrets") {
  auto body = nlohmann::json::parse(
      R"({"KeyId":"alias/a","Plaintext":"c2VjcmV0","EncryptionContext":{"Department":"IT"},)"
      R"("Tags":[{"TagKey":"k","TagValue":"v"}]})");
  OrderedJson out = CamelCaseMembers(body, {"EncryptionContext"}, {"Plaintext", "CiphertextBlob"});
  CHECK_FALSE(out.contains("plaintext"));
  CHECK(out["keyId"] == "alias/a");
  CHECK(out["encryptionContext"]["Department"] == "IT");
  CHECK(out["tags"][0]["tagKey"] == "k");
  CHECK(out["tags"][0]["tagValue"] == "v");
}

TEST_CASE("RecordText writes exactly what BuildRecord dumps, for every record shape") {
  using common::audit::RecordText;
  auto same = [](const Event& e) {
    CHECK(RecordText(e) == BuildRecord(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
  Event e = GenerateDataKeyEvent();
  same(e);
  e.principal.type = PrincipalType::kRoot;
  e.invoked_by = "s3.amazonaws.com";
  e.error_code = "AccessDeniedException";
  e.error_message = "User: \"x\" is not\tauthorized \\ caf\xc3\xa9 \x01";
  e.additional_event_data = OrderedJson{{"keyMaterialId", "abc"}};
  e.response_elements = OrderedJson{{"keyMetadata", {{"keyId", "k1"}, {"enabled", true}}}};
  e.tls = true;
  e.tls_version = "TLSv1.2";
  e.tls_cipher = "ECDHE-RSA-AES128-GCM-SHA256";
  e.tls_host = "kms.us-east-1.amazonaws.com";
  e.resources.push_back({"444455556666", "AWS::S3::Bucket", "arn:aws:s3:::b"});
  same(e);
  // An S3 object resource has no accountId member (data events).
  e.resources.insert(e.resources.begin(), {"", "AWS::S3::Object", "arn:aws:s3:::b/k"});
  e.management_event = false;
  e.event_category = "Data";
  same(e);
  CHECK(BuildRecord(e)["resources"][0].dump() == R"({"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"})");
  e.principal.access_key_id.clear();
  e.user_agent = "bad utf-8 \xff\xfe end";
  e.resources.clear();
  e.request_parameters = nullptr;
  same(e);
  e.principal.type = PrincipalType::kAnonymous;
  same(e);
  e.principal.type = PrincipalType::kService;
  e.invoked_by.clear();
  same(e);
  e.shared_event_id = "0b5e3b9c-1c1e-4e4e-9a0a-3f0c3d1f2e11";
  same(e);
}

TEST_CASE("An event delivered to two accounts is two records with one sharedEventID") {
  Event caller = GenerateDataKeyEvent();  // alice of 111122223333 on a key of 444455556666
  caller.resources = {{"444455556666", "AWS::KMS::Key", "arn:aws:kms:us-east-1:444455556666:key/k1"}};
  auto copies = common::audit::SharedCopies(caller, {"444455556666"});
  REQUIRE(copies.size() == 2);
  CHECK(copies[0].recipient_account_id == "111122223333");
  CHECK(copies[1].recipient_account_id == "444455556666");
  CHECK(copies[0].shared_event_id.size() == 36);
  CHECK(copies[0].shared_event_id == copies[1].shared_event_id);
  CHECK(copies[0].event_id.empty());  // the trail gives each copy its own eventID
  CHECK(copies[1].event_id.empty());
  copies[0].event_id = "a9dea4f9-8395-46c0-942c-f509c02c2b71";
  copies[1].event_id = "c3f1a2b4-0d1e-4f5a-8b6c-7d8e9f0a1b2c";
  OrderedJson owner = BuildRecord(copies[1]);
  CHECK(Keys(owner) == std::vector<std::string>{"eventVersion", "userIdentity", "eventTime", "eventSource",
                                                "eventName", "awsRegion", "sourceIPAddress", "userAgent",
                                                "requestParameters", "responseElements", "requestID", "eventID",
                                                "readOnly", "resources", "eventType", "managementEvent",
                                                "recipientAccountId", "sharedEventID", "eventCategory"});
  CHECK(owner["recipientAccountId"] == "444455556666");
  CHECK(owner["userIdentity"]["accountId"] == "111122223333");  // the caller, as in the caller's copy
  OrderedJson mine = BuildRecord(copies[0]);
  CHECK(mine["sharedEventID"] == owner["sharedEventID"]);
  CHECK(mine["resources"] == owner["resources"]);
  for (const char* member : {"eventID", "recipientAccountId"}) {
    mine.erase(member);
    owner.erase(member);
  }
  CHECK(mine == owner);  // nothing else differs

  auto single = common::audit::SharedCopies(caller, {});
  REQUIRE(single.size() == 1);
  CHECK(single[0].shared_event_id.empty());
  CHECK(single[0].event_id == caller.event_id);
  CHECK_FALSE(BuildRecord(single[0]).contains("sharedEventID"));
}

TEST_CASE("A denial's decision is a JSON object beside the record, never a member of it") {
  common::policy::Explanation deny;
  deny.effect = common::policy::Effect::kExplicitDeny;
  deny.policy_kind = "resource-based";
  deny.reason = "explicit Deny in statement \"DenyAlice\" (Statement[1]) of key policy of arn:k";
  deny.policy = "key policy of arn:k";
  deny.sid = "DenyAlice";
  deny.statement_index = 1;
  deny.statement = R"({"Sid":"DenyAlice","Effect":"Deny","Action":"kms:Decrypt"})";
  auto d = OrderedJson::parse(common::audit::DecisionText(deny));
  CHECK(d == OrderedJson::parse(R"({"effect":"ExplicitDeny","reason":"explicit Deny in statement \"DenyAlice\" )"
                                R"((Statement[1]) of key policy of arn:k","policyType":"resource-based",)"
                                R"("policy":"key policy of arn:k","sid":"DenyAlice","statementIndex":1,)"
                                R"("statement":{"Sid":"DenyAlice","Effect":"Deny","Action":"kms:Decrypt"}})"));
  common::policy::Explanation none;
  none.policy_kind = "identity-based";
  none.reason = "no statement allows kms:Decrypt";
  none.considered = {"key policy of arn:k"};
  CHECK(OrderedJson::parse(common::audit::DecisionText(none)) ==
        OrderedJson::parse(R"({"effect":"ImplicitDeny","reason":"no statement allows kms:Decrypt",)"
                           R"("policyType":"identity-based","considered":["key policy of arn:k"]})"));
  Event e = GenerateDataKeyEvent();
  e.error_code = "AccessDeniedException";
  e.decision = common::audit::DecisionText(deny);
  CHECK(common::audit::RecordText(e).find("DenyAlice") == std::string::npos);
  CHECK_FALSE(BuildRecord(e).contains("decision"));
}
