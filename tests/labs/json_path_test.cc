// The dotted JSON path used by `save` and `expect.json`.
#include "labs/runner/json_path.h"

#include <doctest/doctest.h>

using nlohmann::json;
using runner::JsonAt;
using runner::JsonToText;

namespace {

const json kDoc = json::parse(R"({
  "Buckets": [{"Name": "a"}, {"Name": "b"}],
  "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                                   "BucketKeyEnabled": false}]},
  "Metadata": {"x.y": "dotted"},
  "ContentLength": 13,
  "Owner": null
})");

std::string At(const std::string& path) {
  auto r = JsonAt(kDoc, path);
  REQUIRE(r.ok());
  return *r ? JsonToText(**r) : "<missing>";
}

}  // namespace

TEST_CASE("JsonAt walks keys and indexes") {
  CHECK(At("Buckets[0].Name") == "a");
  CHECK(At("Buckets[-1].Name") == "b");
  CHECK(At("ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm") ==
        "AES256");
  CHECK(At("Metadata.\"x.y\"") == "dotted");
}

TEST_CASE("JsonToText writes strings bare and other values as JSON") {
  CHECK(At("ContentLength") == "13");
  CHECK(At("ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled") == "false");
  CHECK(At("Owner") == "null");
  CHECK(At("Buckets[1]") == R"({"Name":"b"})");
  CHECK(At("") == kDoc.dump());
}

TEST_CASE("JsonAt reports missing values as absent, not as errors") {
  CHECK(At("Buckets[2].Name") == "<missing>");
  CHECK(At("Nope.Deeper[0]") == "<missing>");
  CHECK(At("ContentLength.x") == "<missing>");
  CHECK(At("Buckets.Name") == "<missing>");
}

TEST_CASE("JsonAt rejects malformed paths") {
  for (const char* bad : {"Buckets[x]", "Buckets[0", "a..b", "a.", ".a", "Metadata.\"x"}) {
    CAPTURE(bad);
    auto r = JsonAt(kDoc, bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "InvalidPath");
  }
}
