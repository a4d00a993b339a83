// Instance settings: flags over variables over defaults, the export lines, the aws CLI check.
#include "labs/runner/config.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include "labs/runner/aws_cli.h"

using runner::InstanceConfig;
using runner::ResolveConfig;

namespace {

// Unsets the S3LAB_* variables the tests touch, on entry and on exit.
struct ClearEnv {
  static void Clear() {
    for (const char* v :
         {"S3LAB_DATA_DIR", "S3LAB_S3_PORT", "S3LAB_KMS_PORT", "S3LAB_REGION", "S3LAB_CONFIG"})
      unsetenv(v);
  }
  ClearEnv() { Clear(); }
  ~ClearEnv() { Clear(); }
};

}  // namespace

TEST_CASE("ResolveConfig uses defaults and keeps unknown arguments") {
  ClearEnv clear;
  std::vector<std::string> rest;
  auto c = ResolveConfig({"--auto", "lab.yaml", "--data-dir", "/tmp/s3lab-cfg-test-none"}, false, &rest);
  REQUIRE(c.ok());
  CHECK(c->s3_port == 4580);
  CHECK(c->s3_tls_port == 4581);
  CHECK(c->kms_port == 4590);
  CHECK(c->kms_tls_port == 4591);
  CHECK(c->console_port == 4500);
  CHECK(c->region == "us-east-1");
  CHECK(c->data_dir == "/tmp/s3lab-cfg-test-none");
  CHECK(rest == std::vector<std::string>{"--auto", "lab.yaml"});
}

TEST_CASE("Flags win over S3LAB_* variables") {
  ClearEnv clear;
  setenv("S3LAB_S3_PORT", "5580", 1);
  setenv("S3LAB_KMS_PORT", "5590", 1);
  setenv("S3LAB_DATA_DIR", "/tmp/s3lab-cfg-env", 1);
  std::vector<std::string> rest;
  auto c = ResolveConfig({"--kms-port=6590", "--region", "eu-west-1"}, true, &rest);
  REQUIRE(c.ok());
  CHECK(c->s3_port == 5580);
  CHECK(c->kms_port == 6590);
  CHECK(c->region == "eu-west-1");
  CHECK(c->data_dir == "/tmp/s3lab-cfg-env");
  CHECK(rest.empty());
}

TEST_CASE("A relative data dir becomes absolute") {
  ClearEnv clear;
  std::vector<std::string> rest;
  auto c = ResolveConfig({"--data-dir", "rel/dir"}, true, &rest);
  REQUIRE(c.ok());
  CHECK(c->data_dir.front() == '/');
  CHECK(c->data_dir.size() > std::string("rel/dir").size());
}

TEST_CASE("Bad port values and missing flag values are errors") {
  ClearEnv clear;
  std::vector<std::string> rest;
  auto bad = ResolveConfig({"--s3-port", "http"}, true, &rest);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "--s3-port: port 'http' is not a number");
  CHECK_FALSE(ResolveConfig({"--s3-port", "70000"}, true, &rest).ok());
  CHECK_FALSE(ResolveConfig({"--kms-port"}, true, &rest).ok());
}

TEST_CASE("ExportLines prints what a learner pastes") {
  InstanceConfig c;
  c.data_dir = "/data dir";
  c.s3_port = 1;
  c.kms_port = 2;
  std::string lines = runner::ExportLines(c, "AKIAEXAMPLE", "se/cr+et");
  CHECK(lines ==
        "export AWS_ENDPOINT_URL=http://127.0.0.1:1\n"
        "export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:2\n"
        "export AWS_ACCESS_KEY_ID=AKIAEXAMPLE\n"
        "export AWS_SECRET_ACCESS_KEY=se/cr+et\n"
        "export AWS_DEFAULT_REGION=us-east-1\n"
        "export AWS_CA_BUNDLE='/data dir/tls/ca.pem'\n");
}

TEST_CASE("The aws CLI must honour AWS_ENDPOINT_URL") {
  using runner::AwsCliProblem;
  using runner::ParseAwsCliVersion;
  auto v1 = ParseAwsCliVersion("aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11\n");
  CHECK(v1.major == 1);
  CHECK(v1.minor == 45);
  CHECK(v1.patch == 11);
  CHECK(AwsCliProblem(v1).empty());
  CHECK(AwsCliProblem(ParseAwsCliVersion("aws-cli/2.15.0 Python/3.11.6")).empty());
  std::string debian =
      AwsCliProblem(ParseAwsCliVersion("aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12"));
  CHECK(debian.find("aws-cli/2.9.19 ignores AWS_ENDPOINT_URL") == 0);
  CHECK_FALSE(AwsCliProblem(ParseAwsCliVersion("aws-cli/1.27.0 Python/3.9")).empty());
  CHECK(AwsCliProblem(ParseAwsCliVersion("command not found")).find("no aws CLI") == 0);
}
