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

}  // namespace
}  // namespace kms
