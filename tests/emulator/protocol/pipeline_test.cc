// The S3 pipeline end to end in-process (emulator/protocol/pipeline.h): real identity and object
// stores in a temp dir, requests signed with common::sigv4::SignHeaders, no sockets.
#include "emulator/protocol/pipeline.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "common/crypto/crypto.h"
#include "common/identity/identity_store.h"
#include "common/sigv4/signer.h"
#include "common/util/clock.h"
#include "common/util/strings.h"
#include "emulator/store/object_store.h"

namespace emulator {
namespace {

class Lab {
 public:
  Lab() {
    dir_ = std::filesystem::temp_directory_path() / ("s3lab-pipeline-" + common::util::NewUuid());
    std::filesystem::create_directories(dir_);
    auto identity = common::identity::IdentityStore::Open(dir_.string(), true);
    REQUIRE(identity.ok());
    identity_ = std::move(identity.value());
    auto account = identity_->EnsureAccount("111122223333", "lab");
    REQUIRE(account.ok());
    creds_ = {account->root_access_key_id, account->root_secret_access_key, ""};
    store::StoreOptions options;
    options.db_path = (dir_ / "s3.db").string();
    options.master_key = common::crypto::RandomKey();
    auto store = store::ObjectStore::Open(std::move(options));
    REQUIRE(store.ok());
    store_ = std::move(store.value());
    services_.store = store_.get();
    services_.identity = identity_.get();
    services_.clock = &clock_;
    pipeline_ = std::make_unique<Pipeline>(&services_);
  }
  ~Lab() {
    pipeline_.reset();
    store_.reset();
    identity_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  struct Out {
    Response response;
    std::string body;  // small body or the streamed bytes
    std::string Header(const std::string& name) const {
      for (const auto& [k, v] : response.headers)
        if (common::util::ToLower(k) == common::util::ToLower(name)) return v;
      return {};
    }
  };

  // Sends a request; signed with the root keys unless anonymous. service: "s3", "sts", "iam".
  Out Send(const std::string& method, const std::string& raw_path, const std::string& raw_query = "",
           const std::string& body = "", bool anonymous = false, const std::string& service = "s3",
           std::map<std::string, std::string> extra = {}) {
    common::http::Request req;
    req.method = method;
    req.raw_path = raw_path;
    req.raw_query = raw_query;
    req.target = raw_path + (raw_query.empty() ? "" : "?" + raw_query);
    req.remote_addr = "127.0.0.1";
    req.headers.emplace("host", "127.0.0.1:4580");
    for (const auto& [k, v] : extra) req.headers.emplace(common::util::ToLower(k), v);
    if (!anonymous) {
      common::sigv4::SignInput in;
      in.method = method;
      in.host = "127.0.0.1:4580";
      in.raw_path = raw_path;
      in.raw_query = raw_query;
      in.headers = extra;
      in.payload = body;
      in.region = "us-east-1";
      in.service = service;
      in.now_millis = common::util::RealNowMillis();
      in.add_content_sha256_header = service == "s3";
      for (const auto& [k, v] : common::sigv4::SignHeaders(in, creds_)) {
        std::string name = common::util::ToLower(k);
        if (name == "host") continue;
        req.headers.emplace(name, v);
      }
    }
    req.headers.emplace("content-length", std::to_string(body.size()));
    auto result = pipeline_->Handle(req, StringSource(body));
    Out out{std::move(result.response), {}};
    out.body = out.response.body;
    if (out.response.stream) {
      out.response.stream([&](std::string_view piece) {
        out.body.append(piece);
        return true;
      });
    }
    return out;
  }

 private:
  std::filesystem::path dir_;
  common::util::LabClock clock_;
  std::unique_ptr<common::identity::IdentityStore> identity_;
  std::unique_ptr<store::ObjectStore> store_;
  Services services_;
  std::unique_ptr<Pipeline> pipeline_;
  common::sigv4::Credentials creds_;
};

TEST_CASE("Pipeline: create a bucket, put and get an object with SSE-S3 headers") {
  Lab lab;
  CHECK(lab.Send("PUT", "/notes").response.status == 200);
  auto put = lab.Send("PUT", "/notes/a%20b.txt", "", "hello");
  CHECK(put.response.status == 200);
  CHECK(put.body.empty());
  CHECK(put.Header("ETag") == "\"5d41402abc4b2a76b9719d911017c592\"");
  CHECK(put.Header("x-amz-server-side-encryption") == "AES256");
  auto get = lab.Send("GET", "/notes/a%20b.txt");
  CHECK(get.response.status == 200);
  CHECK(get.body == "hello");
  CHECK(get.response.stream_length == 5);
  CHECK(get.Header("x-amz-server-side-encryption") == "AES256");
  auto range = lab.Send("GET", "/notes/a%20b.txt", "", "", false, "s3", {{"Range", "bytes=1-3"}});
  CHECK(range.response.status == 206);
  CHECK(range.body == "ell");
  CHECK(range.Header("Content-Range") == "bytes 1-3/5");
}

TEST_CASE("Pipeline: every response carries request ids and Server: AmazonS3") {
  Lab lab;
  for (const auto& out : {lab.Send("GET", "/"), lab.Send("GET", "/missing-bucket")}) {
    CHECK(out.Header("x-amz-request-id").size() == 16);
    CHECK_FALSE(out.Header("x-amz-id-2").empty());
    CHECK(out.Header("Server") == "AmazonS3");
  }
  auto missing = lab.Send("GET", "/missing-bucket");
  CHECK(missing.response.status == 404);
  CHECK(missing.body.find("<Code>NoSuchBucket</Code>") != std::string::npos);
  CHECK(missing.body.find("<RequestId>" + missing.Header("x-amz-request-id") + "</RequestId>") !=
        std::string::npos);
}

TEST_CASE("Pipeline: HEAD errors have a status and no body") {
  Lab lab;
  lab.Send("PUT", "/notes");
  auto head = lab.Send("HEAD", "/notes/nothing");
  CHECK(head.response.status == 404);
  CHECK(head.body.empty());
}

TEST_CASE("Pipeline: anonymous callers are denied without a policy that allows them") {
  Lab lab;
  lab.Send("PUT", "/notes");
  auto anon = lab.Send("GET", "/", "", "", /*anonymous=*/true);
  CHECK(anon.response.status == 403);
  CHECK(anon.body.find("<Code>AccessDenied</Code><Message>Access Denied</Message>") != std::string::npos);
  CHECK(lab.Send("GET", "/notes", "list-type=2", "", true).response.status == 403);
}

TEST_CASE("Pipeline: requests scoped to sts go to the STS query API") {
  Lab lab;
  auto out = lab.Send("POST", "/", "", "Action=GetCallerIdentity&Version=2011-06-15", false, "sts",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}});
  CHECK(out.response.status == 200);
  CHECK(out.body.find("<Arn>arn:aws:iam::111122223333:root</Arn>") != std::string::npos);
  CHECK(out.body.find("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"") != std::string::npos);
}

TEST_CASE("Pipeline: an unknown IAM action is InvalidAction in IAM's error shape") {
  Lab lab;
  auto out = lab.Send("POST", "/", "", "Action=ListRoles&Version=2010-05-08", false, "iam",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}});
  CHECK(out.response.status == 400);
  CHECK(out.body.find("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender"
                      "</Type><Code>InvalidAction</Code>") != std::string::npos);
}

TEST_CASE("Pipeline: unknown methods and sub-resources answer AWS errors") {
  Lab lab;
  lab.Send("PUT", "/notes");
  CHECK(lab.Send("POST", "/notes/k").response.status == 405);
  CHECK(lab.Send("GET", "/notes", "cors").response.status == 501);
}

}  // namespace
}  // namespace emulator
