// Parsing lab files: a good lab, and the errors a lab author gets (with file and line, never a crash).
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "labs/runner/lab.h"

using runner::ParseLab;
using runner::StepKind;

namespace {

const char* kGood = R"LAB(id: 99-demo
title: Demo lab
topics: [SSE-S3, IAM]
intro: |
  Two lines
  of intro.
vars:
  bucket: demo-${run_id}
files:
  hello.txt: "hello ${bucket}"
setup:
  users:
    - name: alice
      policies:
        - name: read
          document:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::${bucket}/${aws:username}/*
  buckets: [ "${bucket}" ]
  keys:
    - alias: alias/demo-${run_id}
      save: key_id
steps:
  - say: Just words.
  - say: Make it.
    run: aws s3 mb s3://${bucket}
    expect:
      stdout_contains: "make_bucket: ${bucket}"
  - run: aws s3api head-object --bucket ${bucket} --key hello.txt
    as: alice
    save:
      sse: ServerSideEncryption
      etag: { regex: '"ETag": "(.*)"' }
    expect:
      json:
        ServerSideEncryption: AES256
  - http:
      method: GET
      path: /${bucket}/hello.txt
      headers: { x-amz-checksum-mode: ENABLED }
      tls: true
    as: anonymous
    expect: { status: 403, error_code: AccessDenied, headers: { x-amz-request-id: "${sse}" } }
  - clock: +2d
  - shell: grep -rc "${etag}" ${data_dir} || true
    expect: { exit_code: 0, not_contains: "${key_id_arn}" }
)LAB";

std::string ErrorOf(const std::string& text) {
  auto r = ParseLab(text, "lab.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "LabSyntax");
  return r.error().message;
}

}  // namespace

TEST_CASE("ParseLab reads a complete lab") {
  auto r = ParseLab(kGood, "lab.yaml");
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  const auto& lab = *r;
  CHECK(lab.id == "99-demo");
  CHECK(lab.topics.size() == 2);
  CHECK(lab.intro == "Two lines\nof intro.\n");
  REQUIRE(lab.vars.size() == 1);
  CHECK(lab.vars[0].second == "demo-${run_id}");
  REQUIRE(lab.users.size() == 1);
  auto doc = nlohmann::json::parse(lab.users[0].policies[0].document);
  CHECK(doc["Statement"][0]["Resource"] == "arn:aws:s3:::${bucket}/${aws:username}/*");
  CHECK(lab.buckets[0].name == "${bucket}");
  CHECK(lab.keys[0].save == "key_id");
  REQUIRE(lab.steps.size() == 6);
  CHECK(lab.steps[0].kind == StepKind::kSay);
  CHECK(lab.steps[1].kind == StepKind::kRun);
  CHECK(lab.steps[1].line == 28);
  CHECK(lab.steps[2].as == "alice");
  CHECK(lab.steps[2].save.size() == 2);
  CHECK(lab.steps[2].expect.json[0].first == "ServerSideEncryption");
  CHECK(lab.steps[3].kind == StepKind::kHttp);
  CHECK(lab.steps[3].http.tls);
  CHECK(*lab.steps[3].expect.status == 403);
  CHECK(lab.steps[4].clock == "+2d");
  CHECK(lab.steps[5].kind == StepKind::kShell);
  CHECK(lab.steps[5].expect.stdout_not_contains[0] == "${key_id_arn}");
}

TEST_CASE("Malformed YAML is an error with the line, not a crash") {
  std::string msg = ErrorOf("id: x\ntitle: y\nsteps:\n  - run: [unclosed\n  - run: ls\n");
  CHECK(msg.rfind("lab.yaml:", 0) == 0);
  CHECK(msg.find("YAML:") != std::string::npos);
  CHECK(msg.find("lab.yaml:5:") == 0);
  CHECK(ErrorOf("id: x\n  title: : :\n").find("lab.yaml:2:") == 0);
  CHECK(ErrorOf("\t- tab").find("lab.yaml:1:") == 0);
  CHECK(ErrorOf("").find("a lab file is a YAML mapping") != std::string::npos);
}

TEST_CASE("Unknown keys name the key, the allowed ones and the line") {
  std::string msg = ErrorOf("id: x\ntitle: y\nsteps:\n  - say: hi\n  - rn: aws s3 ls\n");
  CHECK(msg.find("lab.yaml:5:") == 0);
  CHECK(msg.find("unknown key `rn` in step") != std::string::npos);
  CHECK(msg.find("allowed: say, run") != std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nstep: []\n").find("unknown key `step` in lab") != std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - run: ls\n    expect: { exit: 0 }\n").find("lab.yaml:5:") == 0);
}

TEST_CASE("Required keys and step shapes are checked") {
  CHECK(ErrorOf("title: y\nsteps: [ {say: a} ]\n").find("missing required key `id`") != std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps: []\n").find("non-empty list") != std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - run: ls\n    shell: ls\n").find("exactly one of") !=
        std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - as: alice\n").find("needs one of") != std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - say: a\n    expect: {exit_code: 0}\n").find("needs a run") !=
        std::string::npos);
  CHECK(
      ErrorOf("id: x\ntitle: y\nsteps:\n  - run: ls\n    expect: {exit_code: zero}\n").find("whole number") !=
      std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - run: ls\n    expect: {status: 200}\n").find("apply to http") !=
        std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - http: {path: nope}\n").find("starts with /") !=
        std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - http: {service: ec2}\n").find("`service` is") !=
        std::string::npos);
  CHECK(ErrorOf("id: x\ntitle: y\nsteps:\n  - run: ls\n    save: {Bad-Name: A}\n").find("variable names") !=
        std::string::npos);
}

TEST_CASE("A variable used before anything defines it is reported at its step") {
  std::string msg =
      ErrorOf("id: x\ntitle: y\nsteps:\n  - run: echo ${later}\n  - run: echo '{}'\n    save: {later: A}\n");
  CHECK(msg.find("lab.yaml:4:") == 0);
  CHECK(msg.find("${later} is not defined") != std::string::npos);
  auto ok =
      ParseLab("id: x\ntitle: y\nsteps:\n  - run: echo '{}'\n    save: {later: A}\n  - run: echo ${later}\n",
               "lab.yaml");
  CHECK(ok.ok());
  CHECK(ErrorOf("id: x\ntitle: y\nvars: {a: '${b}', b: '1'}\nsteps: [ {say: '${a}'} ]\n").find("${b}") !=
        std::string::npos);
}

TEST_CASE("An inline policy given as text must be JSON") {
  std::string msg = ErrorOf(
      "id: x\ntitle: y\nsetup:\n  users:\n    - name: a\n      policies:\n        - name: p\n"
      "          document: '{not json'\nsteps: [ {say: a} ]\n");
  CHECK(msg.find("lab.yaml:8:") == 0);
  CHECK(msg.find("not valid JSON") != std::string::npos);
}

TEST_CASE("LoadLabFile reports a missing file") {
  auto r = runner::LoadLabFile("/nonexistent/lab.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cannot read lab file /nonexistent/lab.yaml");
}

TEST_CASE("Every lab in labs/ parses") {
  // The unit tests run from the project root (meson workdir).
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("labs")) {
    if (entry.path().extension() != ".yaml") continue;
    ++found;
    auto r = runner::LoadLabFile(entry.path().string());
    CHECK_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  }
  CHECK(found >= 2);
}
