// Authorization: the key policy gate, IAM users, encryption-context conditions and denial texts.
#include <doctest/doctest.h>

#include "common/util/encoding.h"
#include "kms_test_util.h"

namespace kms {
namespace {

using nlohmann::json;
using testing::Fixture;

std::string B64(const std::string& s) { return common::util::Base64Encode(s); }

common::policy::NamedPolicy Identity(const json& doc) {
  auto p = common::policy::Parse(doc.dump(), common::policy::PolicyType::kIdentity);
  REQUIRE(p.ok());
  return common::policy::NamedPolicy{"inline", *p};
}

void BecomeAlice(Fixture& f, std::vector<common::policy::NamedPolicy> policies) {
  f.ctx.principal.type = common::identity::PrincipalType::kUser;
  f.ctx.principal.arn = "arn:aws:iam::111122223333:user/alice";
  f.ctx.principal.user_name = "alice";
  f.ctx.principal.user_id = "AIDAALICEALICEALICE1";
  f.ctx.identity_policies = std::make_shared<std::vector<common::policy::NamedPolicy>>(std::move(policies));
}

TEST_CASE("An IAM user without kms permissions is denied with AWS's text") {
  Fixture f;
  std::string id = f.NewKey();
  BecomeAlice(f, {});
  auto r = f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "AccessDeniedException");
  CHECK(r.error().http_status == 400);
  CHECK(r.error().message ==
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        "kms:GenerateDataKey on resource: " +
            f.Arn(id) + " because no identity-based policy allows the kms:GenerateDataKey action");
  auto create = f.Call("CreateKey", json::object());
  REQUIRE_FALSE(create.ok());
  CHECK(create.error().message ==
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        "kms:CreateKey on resource: * because no identity-based policy allows the "
        "kms:CreateKey action");
}

TEST_CASE("An IAM policy allowing kms:GenerateDataKey works through the default key policy") {
  Fixture f;
  std::string id = f.NewKey();
  BecomeAlice(f,
              {Identity({{"Version", "2012-10-17"},
                         {"Statement",
                          {{{"Effect", "Allow"}, {"Action", "kms:GenerateDataKey"}, {"Resource", "*"}}}}})});
  CHECK(f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}}).ok());
  CHECK_FALSE(f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("a")}}).ok());
}

TEST_CASE("A key policy that does not delegate to the account root ignores IAM policies") {
  Fixture f;
  json policy = {{"Version", "2012-10-17"},
                 {"Statement",
                  {{{"Effect", "Allow"},
                    {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                    {"Action", "kms:*"},
                    {"Resource", "*"},
                    {"Condition", {{"StringEquals", {{"aws:PrincipalType", "Account"}}}}}}}}};
  std::string id = f.NewKey({{"Policy", policy.dump()}});
  REQUIRE_FALSE(id.empty());
  BecomeAlice(f,
              {Identity({{"Version", "2012-10-17"},
                         {"Statement", {{{"Effect", "Allow"}, {"Action", "kms:*"}, {"Resource", "*"}}}}})});
  auto r = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("a")}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("because no resource-based policy allows the kms:Encrypt action") !=
        std::string::npos);
}

TEST_CASE("kms:EncryptionContext conditions and explicit deny") {
  Fixture f;
  std::string id = f.NewKey();
  BecomeAlice(f,
              {Identity({{"Version", "2012-10-17"},
                         {"Statement",
                          {{{"Effect", "Allow"},
                            {"Action", "kms:Encrypt"},
                            {"Resource", "*"},
                            {"Condition", {{"StringEquals", {{"kms:EncryptionContext:project", "apollo"}}}}}},
                           {{"Effect", "Deny"},
                            {"Action", "kms:Encrypt"},
                            {"Resource", "*"},
                            {"Condition", {{"Bool", {{"aws:SecureTransport", "false"}}}}}}}}})});
  CHECK(f.Call("Encrypt",
               {{"KeyId", id}, {"Plaintext", B64("a")}, {"EncryptionContext", {{"project", "apollo"}}}})
            .ok());
  CHECK_FALSE(
      f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("a")}, {"EncryptionContext", {{"project", "x"}}}})
          .ok());
  f.ctx.secure_transport = false;
  auto denied = f.Call(
      "Encrypt", {{"KeyId", id}, {"Plaintext", B64("a")}, {"EncryptionContext", {{"project", "apollo"}}}});
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().message.find("with an explicit deny in an identity-based policy") !=
        std::string::npos);
}

TEST_CASE("Another account's key is reachable by ARN only when its key policy allows that account") {
  Fixture f;
  std::string id = f.NewKey();
  f.ctx.principal.account_id = "444455556666";
  f.ctx.principal.arn = "arn:aws:iam::444455556666:root";
  f.ctx.principal.user_id = "444455556666";
  f.ctx.account_id = "444455556666";
  auto by_id = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("a")}});
  CHECK(by_id.error().code == "NotFoundException");
  auto by_arn = f.Call("Encrypt", {{"KeyId", f.Arn(id)}, {"Plaintext", B64("a")}});
  CHECK(by_arn.error().code == "AccessDeniedException");
}

}  // namespace
}  // namespace kms
