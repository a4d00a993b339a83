#include "common/http/request.h"

#include <doctest/doctest.h>

using common::http::Request;

TEST_CASE("Request query parameters are decoded in order and flags have empty values") {
  Request r;
  r.raw_query = "uploads&prefix=a%2Fb&delimiter=%2F&plus=a+b&empty=";
  auto params = r.QueryParams();
  REQUIRE(params.size() == 5);
  CHECK(params[0] == std::pair<std::string, std::string>{"uploads", ""});
  CHECK(params[1].second == "a/b");
  CHECK(params[3].second == "a+b");
  CHECK(r.HasQuery("uploads"));
  CHECK(r.HasQuery("empty"));
  CHECK_FALSE(r.HasQuery("versionId"));
  CHECK(r.Query("delimiter") == "/");
}

TEST_CASE("Request header accessors use lower-case names") {
  Request r;
  r.headers.emplace("x-amz-date", "20150830T123600Z");
  CHECK(r.Header("x-amz-date") == "20150830T123600Z");
  CHECK_FALSE(r.Header("date"));
  CHECK(r.HeaderOr("date", "none") == "none");
  CHECK(r.HasHeader("x-amz-date"));
}
