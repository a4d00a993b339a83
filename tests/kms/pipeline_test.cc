// The whole pipeline without HTTP: SigV4 (signed with common::sigv4's signer) against a real iam.db,
// KMS's re-coded authentication errors, routing, JSON errors, and service callers (kms:ViaService).
#include "kms/protocol/pipeline.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "common/crypto/crypto.h"
#include "common/identity/identity_store.h"
#include "common/sigv4/signer.h"
#include "common/util/encoding.h"
#include "kms_test_util.h"

namespace kms {
namespace {

using nlohmann::json;

struct PipelineFixture {
  std::string dir;
  std::unique_ptr<common::identity::IdentityStore> identity;
  testing::Fixture f;
  protocol::ServiceCallers callers;
  std::unique_ptr<protocol::Pipeline> pipeline;
  common::sigv4::Credentials root;

  PipelineFixture() {
    char path[] = "/tmp/s3lab-kms-pipeline-XXXXXX";
    dir = mkdtemp(path);
    identity = common::identity::IdentityStore::Open(dir, true).value();
    auto account = identity->EnsureAccount("111122223333", "lab");
    root = {account->root_access_key_id, account->root_secret_access_key, ""};
    f.clock.Set(common::util::RealNowMillis());
    callers.Add(protocol::DeriveServiceCredential(common::crypto::SecretBytes(std::string(32, 'm')), "s3"));
    pipeline =
        std::make_unique<protocol::Pipeline>(f.service.get(), identity.get(), &f.clock, &f.quota, &callers);
  }
  ~PipelineFixture() { std::filesystem::remove_all(dir); }

  common::http::Request Signed(const std::string& op, const std::string& body,
                               const common::sigv4::Credentials& c, int64_t skew_ms = 0,
                               std::map<std::string, std::string> extra = {}) {
    common::sigv4::SignInput in;
    in.method = "POST";
    in.host = "127.0.0.1:4590";
    in.raw_path = "/";
    in.headers = std::move(extra);
    in.headers["content-type"] = "application/x-amz-json-1.1";
    in.headers["x-amz-target"] = "TrentService." + op;
    in.payload = body;
    in.region = "us-east-1";
    in.service = "kms";
    in.now_millis = f.clock.NowMillis() + skew_ms;
    in.add_content_sha256_header = false;
    common::http::Request r;
    r.method = "POST";
    r.target = r.raw_path = "/";
    for (const auto& [k, v] : in.headers) r.headers.emplace(k, v);
    for (const auto& [k, v] : common::sigv4::SignHeaders(in, c)) r.headers.emplace(k, v);
    r.remote_addr = "127.0.0.1";
    return r;
  }

  json Call(const std::string& op, const json& body, const common::sigv4::Credentials& c,
            int* status = nullptr) {
    std::string text = body.dump();
    auto reply = pipeline->Handle(Signed(op, text, c), text);
    if (status) *status = reply.status;
    return json::parse(reply.body);
  }
};

TEST_CASE("A signed CreateKey + GenerateDataKey succeeds and the region comes from the credential scope") {
  PipelineFixture p;
  int status = 0;
  json key = p.Call("CreateKey", json::object(), p.root, &status);
  CHECK(status == 200);
  CHECK(key["KeyMetadata"]["Arn"].get<std::string>().rfind("arn:aws:kms:us-east-1:111122223333:key/", 0) ==
        0);
  json gdk = p.Call("GenerateDataKey", {{"KeyId", key["KeyMetadata"]["KeyId"]}, {"KeySpec", "AES_256"}},
                    p.root, &status);
  CHECK(status == 200);
  CHECK(gdk.contains("Plaintext"));
}

TEST_CASE("Unknown access keys, bad signatures, skew and anonymous requests get KMS's errors") {
  PipelineFixture p;
  int status = 0;
  json unknown = p.Call("ListKeys", json::object(), {"AKIAUNKNOWNUNKNOWN00", "x", ""}, &status);
  CHECK(status == 400);
  CHECK(unknown["__type"] == "UnrecognizedClientException");
  CHECK(unknown["message"] == "The security token included in the request is invalid.");
  json bad = p.Call("ListKeys", json::object(), {p.root.access_key_id, "wrong-secret", ""});
  CHECK(bad["__type"] == "InvalidSignatureException");
  CHECK(bad["message"] ==
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.");
  auto old = p.Signed("ListKeys", "{}", p.root, -20 * 60 * 1000);
  auto reply = p.pipeline->Handle(old, "{}");
  json skew = json::parse(reply.body);
  CHECK(skew["__type"] == "InvalidSignatureException");
  CHECK(skew["message"].get<std::string>().rfind(
            "Signature expired: " + old.HeaderOr("x-amz-date") + " is now earlier than ", 0) == 0);
  CHECK(skew["message"].get<std::string>().find(" - 15 min.)") != std::string::npos);
  common::http::Request anonymous;
  anonymous.method = "POST";
  anonymous.target = anonymous.raw_path = "/";
  anonymous.headers.emplace("x-amz-target", "TrentService.ListKeys");
  json anon = json::parse(p.pipeline->Handle(anonymous, "{}").body);
  CHECK(anon["__type"] == "MissingAuthenticationTokenException");
  CHECK(anon["message"] == "Missing Authentication Token");
}

TEST_CASE("A tampered body fails the signature") {
  PipelineFixture p;
  auto req = p.Signed("GenerateRandom", R"({"NumberOfBytes": 8})", p.root);
  json r = json::parse(p.pipeline->Handle(req, R"({"NumberOfBytes": 9})").body);
  CHECK(r["__type"] == "InvalidSignatureException");
}

TEST_CASE("Unknown operations and malformed JSON") {
  PipelineFixture p;
  json unknown = p.Call("Frobnicate", json::object(), p.root);
  CHECK(unknown["__type"] == "UnknownOperationException");
  auto req = p.Signed("ListKeys", "{not json", p.root);
  json bad = json::parse(p.pipeline->Handle(req, "{not json").body);
  CHECK(bad["__type"] == "SerializationException");
}

TEST_CASE("A service caller acts for a principal with kms:ViaService") {
  PipelineFixture p;
  json d = p.Call("DescribeKey", {{"KeyId", "alias/aws/s3"}}, p.root);
  REQUIRE(d.contains("KeyMetadata"));
  common::sigv4::Credentials s3;
  auto cred = protocol::DeriveServiceCredential(common::crypto::SecretBytes(std::string(32, 'm')), "s3");
  s3.access_key_id = cred.access_key_id;
  s3.secret_access_key = cred.secret_access_key;
  std::string body = json{{"KeyId", "alias/aws/s3"}, {"KeySpec", "AES_256"}}.dump();
  auto req =
      p.Signed("GenerateDataKey", body, s3, 0, {{"x-s3lab-caller-access-key-id", p.root.access_key_id}});
  auto reply = p.pipeline->Handle(req, body);
  CHECK(reply.status == 200);
  // The same call made directly by root is refused by the AWS managed key policy.
  json direct = p.Call("GenerateDataKey", {{"KeyId", "alias/aws/s3"}, {"KeySpec", "AES_256"}}, p.root);
  CHECK(direct["__type"] == "AccessDeniedException");
}

TEST_CASE("A call on another account's key is recorded for the caller and for the key owner") {
  PipelineFixture p;
  auto trail = common::audit::Trail::Open(p.dir + "/trail.db");
  REQUIRE(trail.ok());
  protocol::Pipeline audited(p.f.service.get(), p.identity.get(), &p.f.clock, &p.f.quota, &p.callers,
                             trail->get());
  auto call = [&](const std::string& op, const json& body, const common::sigv4::Credentials& c) {
    const std::string text = body.dump();
    return json::parse(audited.Handle(p.Signed(op, text, c), text).body);
  };
  auto records = [&](const std::string& account, const std::string& event_name) {
    common::audit::LookupQuery q;
    q.account_id = account;
    q.attribute = common::audit::Attribute::kEventName;
    q.value = event_name;
    auto page = (*trail)->Lookup(q);
    REQUIRE(page.ok());
    std::vector<json> out;
    for (const auto& e : page->events) out.push_back(json::parse(e.record));
    return out;
  };
  auto owner = p.identity->EnsureAccount("444455556666", "owner");
  REQUIRE(owner.ok());
  const common::sigv4::Credentials owner_root{owner->root_access_key_id, owner->root_secret_access_key, ""};
  const json policy = {
      {"Version", "2012-10-17"},
      {"Statement", json::array({{{"Effect", "Allow"},
                                  {"Principal", {{"AWS", "arn:aws:iam::444455556666:root"}}},
                                  {"Action", "kms:*"},
                                  {"Resource", "*"}},
                                 {{"Effect", "Allow"},
                                  {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                                  {"Action", "kms:Encrypt"},
                                  {"Resource", "*"}}})}};
  const std::string arn =
      call("CreateKey", {{"Policy", policy.dump()}}, owner_root)["KeyMetadata"]["Arn"].get<std::string>();

  json blob = call("Encrypt", {{"KeyId", arn}, {"Plaintext", "aGk="}}, p.root);
  REQUIRE(blob.contains("CiphertextBlob"));
  auto mine = records("111122223333", "Encrypt");
  auto theirs = records("444455556666", "Encrypt");
  REQUIRE(mine.size() == 1);
  REQUIRE(theirs.size() == 1);
  CHECK(mine[0]["recipientAccountId"] == "111122223333");
  CHECK(theirs[0]["recipientAccountId"] == "444455556666");
  CHECK(theirs[0]["userIdentity"] == mine[0]["userIdentity"]);  // the caller, accountId 111122223333
  CHECK(theirs[0]["resources"] == mine[0]["resources"]);
  CHECK(theirs[0]["resources"][0]["ARN"] == arn);
  CHECK(theirs[0]["requestID"] == mine[0]["requestID"]);
  CHECK(mine[0]["sharedEventID"].is_string());
  CHECK(theirs[0]["sharedEventID"] == mine[0]["sharedEventID"]);
  CHECK(theirs[0]["eventID"] != mine[0]["eventID"]);

  // Refused cross-account calls reach the caller's trail only (the key policy does not allow Decrypt).
  json denied = call("Decrypt", {{"CiphertextBlob", blob["CiphertextBlob"]}}, p.root);
  CHECK(denied["__type"] == "AccessDeniedException");
  CHECK(records("111122223333", "Decrypt").size() == 1);
  CHECK(records("444455556666", "Decrypt").empty());

  // A call on the caller's own key: one record, no sharedEventID.
  const std::string own = call("CreateKey", json::object(), p.root)["KeyMetadata"]["Arn"].get<std::string>();
  call("Encrypt", {{"KeyId", own}, {"Plaintext", "aGk="}}, p.root);
  mine = records("111122223333", "Encrypt");
  REQUIRE(mine.size() == 2);
  CHECK_FALSE(mine[0].contains("sharedEventID"));
  CHECK(records("444455556666", "Encrypt").size() == 1);
}

}  // namespace
}  // namespace kms
