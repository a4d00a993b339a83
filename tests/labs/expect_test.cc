// Judging step outcomes: defaults, error codes from the aws CLI and from raw bodies, JSON, headers, save.
#include "labs/runner/expect.h"

#include <doctest/doctest.h>

using runner::Evaluate;
using runner::EvaluateSave;
using runner::Expect;
using runner::ExtractErrorCode;
using runner::Outcome;
using runner::SaveRule;

namespace {

Outcome Cli(int exit_code, std::string out, std::string err = "") {
  Outcome o;
  o.exit_code = exit_code;
  o.stdout_text = std::move(out);
  o.stderr_text = std::move(err);
  return o;
}

Outcome Http(int status, std::string body) {
  Outcome o;
  o.is_http = true;
  o.status = status;
  o.stdout_text = std::move(body);
  return o;
}

const char* kHead = R"({"AcceptRanges": "bytes", "ContentLength": 13, "ServerSideEncryption": "AES256"})";
const char* kDenied =
    "\nAn error occurred (AccessDenied) when calling the GetObject operation: Access Denied\n";

}  // namespace

TEST_CASE("A run step without expect must exit 0") {
  CHECK(Evaluate(Expect{}, Cli(0, "")).passed);
  auto r = Evaluate(Expect{}, Cli(254, "", kDenied));
  CHECK_FALSE(r.passed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0] == "expected exit code 0, got 254");
}

TEST_CASE("An expected error code implies a failing command") {
  Expect e;
  e.error_code = "AccessDenied";
  CHECK(Evaluate(e, Cli(254, "", kDenied)).passed);
  auto ok_exit = Evaluate(e, Cli(0, "{}"));
  CHECK_FALSE(ok_exit.passed);
  e.error_code = "NoSuchKey";
  auto wrong = Evaluate(e, Cli(254, "", kDenied));
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.failures.back() == "expected error code NoSuchKey, got AccessDenied");
}

TEST_CASE("ExtractErrorCode reads the aws CLI, S3 XML and KMS JSON shapes") {
  CHECK(ExtractErrorCode(Cli(254, "", kDenied)) == "AccessDenied");
  CHECK(ExtractErrorCode(Cli(
            1, "", "fatal error: An error occurred (404) when calling the HeadObject operation")) == "404");
  CHECK(ExtractErrorCode(Http(404, "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>")) ==
        "NoSuchKey");
  CHECK(ExtractErrorCode(Http(400, R"({"__type":"com.amazonaws.kms#NotFoundException","message":"x"})")) ==
        "NotFoundException");
  CHECK(ExtractErrorCode(Http(400, R"({"__type":"DisabledException"})")) == "DisabledException");
  CHECK(ExtractErrorCode(Http(200, "plain")) == "");
  CHECK(ExtractErrorCode(Cli(0, "<Code>NotFromCli</Code>")) == "");
}

TEST_CASE("http steps default to 2xx and honour status and error_code") {
  CHECK(Evaluate(Expect{}, Http(204, "")).passed);
  CHECK_FALSE(Evaluate(Expect{}, Http(403, "")).passed);
  Expect e;
  e.status = 403;
  e.error_code = "AccessDenied";
  auto r = Evaluate(e, Http(403, "<Error><Code>AccessDenied</Code></Error>"));
  CHECK(r.passed);
  CHECK(r.passes.size() == 2);
}

TEST_CASE("json checks compare scalars as text and report missing paths") {
  Expect e;
  e.json = {{"ServerSideEncryption", "AES256"}, {"ContentLength", "13"}};
  CHECK(Evaluate(e, Cli(0, kHead)).passed);
  e.json = {{"ServerSideEncryption", "aws:kms"}, {"SSEKMSKeyId", "x"}};
  auto r = Evaluate(e, Cli(0, kHead));
  REQUIRE(r.failures.size() == 2);
  CHECK(r.failures[0] == "ServerSideEncryption: expected aws:kms, got AES256");
  CHECK(r.failures[1] == "SSEKMSKeyId is missing (expected x)");
}

TEST_CASE("json checks on output that is not JSON fail clearly") {
  Expect e;
  e.json = {{"A", "1"}};
  auto r = Evaluate(e, Cli(0, "upload: ./a to s3://b/a"));
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0] == "output is not JSON (checking A)");
}

TEST_CASE("json_absent and json_count") {
  Expect e;
  e.json_absent = {"SSEKMSKeyId"};
  e.json_count = {{"Buckets", 2}};
  CHECK(Evaluate(e, Cli(0, R"({"Buckets":[{},{}]})")).passed);
  CHECK_FALSE(Evaluate(e, Cli(0, R"({"Buckets":[{}],"SSEKMSKeyId":"k"})")).passed);
}

TEST_CASE("contains, not_contains, stderr and regex checks") {
  Expect e;
  e.stdout_contains = {"upload:"};
  e.stdout_not_contains = {"secret"};
  e.stderr_contains = {"warn"};
  e.matches = {R"(^upload: .* to s3://[a-z0-9-]+/a$)"};
  CHECK(Evaluate(e, Cli(0, "x\nupload: ./a to s3://b-1/a\n", "warn")).passed);
  auto r = Evaluate(e, Cli(0, "secret", ""));
  CHECK(r.failures.size() == 4);
  e = Expect{};
  e.matches = {"(unclosed"};
  auto bad = Evaluate(e, Cli(0, ""));
  REQUIRE_FALSE(bad.passed);
  CHECK(bad.failures[0].find("invalid regex") != std::string::npos);
}

TEST_CASE("header checks are case-insensitive on the name") {
  Outcome o = Http(200, "");
  o.headers.emplace("x-amz-server-side-encryption", "AES256");
  Expect e;
  e.headers = {{"X-Amz-Server-Side-Encryption", "AES256"}};
  e.headers_absent = {"x-amz-server-side-encryption-aws-kms-key-id"};
  CHECK(Evaluate(e, o).passed);
  e.headers = {{"ETag", "\"x\""}};
  auto r = Evaluate(e, o);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0] == "header ETag: expected \"x\", got (absent)");
}

TEST_CASE("save rules take JSON paths, regex groups and headers") {
  SaveRule json_rule{"sse", SaveRule::Kind::kJson, "ServerSideEncryption", "stdout"};
  CHECK(*EvaluateSave(json_rule, Cli(0, kHead)) == "AES256");
  SaveRule regex_rule{"bucket", SaveRule::Kind::kRegex, R"(make_bucket: (\S+))", "stdout"};
  CHECK(*EvaluateSave(regex_rule, Cli(0, "make_bucket: notes-1\n")) == "notes-1");
  SaveRule whole{"n", SaveRule::Kind::kRegex, "[0-9]+", "stderr"};
  CHECK(*EvaluateSave(whole, Cli(0, "", "took 42 ms")) == "42");
  Outcome h = Http(200, "");
  h.headers.emplace("x-amz-version-id", "v1");
  SaveRule header_rule{"v", SaveRule::Kind::kHeader, "X-Amz-Version-Id", "stdout"};
  CHECK(*EvaluateSave(header_rule, h) == "v1");
  CHECK_FALSE(EvaluateSave(json_rule, Cli(0, "not json")).ok());
  SaveRule missing{"m", SaveRule::Kind::kJson, "Nope", "stdout"};
  auto r = EvaluateSave(missing, Cli(0, kHead));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "Nope is missing (saving m)");
}

TEST_CASE("SubstituteExpect applies variables to expected values") {
  runner::Vars v;
  v.Set("bucket", "b-1");
  Expect e;
  e.stdout_contains = {"s3://${bucket}/"};
  e.json = {{"Buckets[0].Name", "${bucket}"}};
  auto r = runner::SubstituteExpect(e, v);
  REQUIRE(r.ok());
  CHECK(r->stdout_contains[0] == "s3://b-1/");
  CHECK(r->json[0].second == "b-1");
  e.error_code = "${nope}";
  CHECK_FALSE(runner::SubstituteExpect(e, v).ok());
}
