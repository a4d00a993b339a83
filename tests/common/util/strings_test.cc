#include "common/util/strings.h"

#include <doctest/doctest.h>

#include <set>

using namespace common::util;

TEST_CASE("Trim and CollapseSpaces produce SigV4 canonical header values") {
  CHECK(Trim("  a b \t") == "a b");
  CHECK(Trim("") == "");
  CHECK(CollapseSpaces("  \"a   b   c\"  ") == "\"a b c\"");
  CHECK(ToLower("X-Amz-Date") == "x-amz-date");
}

TEST_CASE("Split keeps empty fields") {
  CHECK(Split("a;b;;c", ';') == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(Split("", ';') == std::vector<std::string>{""});
  CHECK(StartsWith("x-amz-meta-a", "x-amz-"));
  CHECK_FALSE(StartsWith("x-am", "x-amz-"));
  CHECK(EndsWith("key.txt", ".txt"));
  CHECK_FALSE(EndsWith("t", ".txt"));
}

TEST_CASE("New ids have AWS shapes and do not repeat") {
  std::string uuid = NewUuid();
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[14] == '4');
  CHECK(std::string("89ab").find(uuid[19]) != std::string::npos);
  std::string rid = NewRequestId();
  CHECK(rid.size() == 16);
  CHECK(rid.find_first_not_of("0123456789ABCDEF") == std::string::npos);
  CHECK(NewHostId().size() == 64);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(NewUuid());
  CHECK(seen.size() == 100);
}
