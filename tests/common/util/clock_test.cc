#include "common/util/clock.h"

#include <doctest/doctest.h>

using namespace common::util;

namespace {
constexpr int64_t kSuiteTime = 1440938160000;  // 2015-08-30T12:36:00Z
}

TEST_CASE("AWS time formats render UTC") {
  CHECK(FormatAmzDate(kSuiteTime) == "20150830T123600Z");
  CHECK(FormatIso8601(kSuiteTime + 7) == "2015-08-30T12:36:00.007Z");
  CHECK(FormatIso8601Seconds(kSuiteTime) == "2015-08-30T12:36:00Z");
  CHECK(FormatHttpDate(kSuiteTime) == "Sun, 30 Aug 2015 12:36:00 GMT");
  CHECK(FormatHttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(FormatIso8601(951782400000) == "2000-02-29T00:00:00.000Z");
}

TEST_CASE("Parsers accept the AWS formats and reject near misses") {
  CHECK(ParseAmzDate("20150830T123600Z") == kSuiteTime);
  CHECK_FALSE(ParseAmzDate("20150830T123600"));
  CHECK_FALSE(ParseAmzDate("2015-08-30T12:36:00Z"));
  CHECK_FALSE(ParseAmzDate("20151330T123600Z"));
  CHECK(ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT") == kSuiteTime);
  CHECK(ParseHttpDate("Sunday, 30-Aug-15 12:36:00 GMT") == kSuiteTime);
  CHECK(ParseHttpDate("Sun Aug 30 12:36:00 2015") == kSuiteTime);
  CHECK(ParseHttpDate("Sun Nov  6 08:49:37 1994") == ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 30 Foo 2015 12:36:00 GMT"));
  CHECK(ParseIso8601("2015-08-30T12:36:00Z") == kSuiteTime);
  CHECK(ParseIso8601("2015-08-30T12:36:00.25Z") == kSuiteTime + 250);
  CHECK_FALSE(ParseIso8601("2015-08-30T12:36:00"));
  for (int64_t t : {int64_t{0}, kSuiteTime, int64_t{4102444799000}})
    CHECK(ParseIso8601(FormatIso8601(t)) == t);
}

TEST_CASE("ParseDuration reads the lab clock's signed durations") {
  CHECK(ParseDuration("+2d") == 2 * 86400000);
  CHECK(ParseDuration("-1d") == -86400000);
  CHECK(ParseDuration("3h") == 3 * 3600000);
  CHECK(ParseDuration("+90m") == 90 * 60000);
  CHECK(ParseDuration("+30s") == 30000);
  CHECK_FALSE(ParseDuration("+2w"));
  CHECK_FALSE(ParseDuration("d"));
  CHECK_FALSE(ParseDuration("+"));
}

TEST_CASE("LabClock adds the provider's offset and caches it for a second") {
  int calls = 0;
  LabClock clock([&calls] {
    ++calls;
    return int64_t{86400000};
  });
  int64_t a = clock.NowMillis();
  int64_t b = clock.NowMillis();
  CHECK(a - RealNowMillis() > 86000000);
  CHECK(b >= a);
  CHECK(calls == 1);
  FixedClock fixed(kSuiteTime);
  CHECK(fixed.NowSeconds() == kSuiteTime / 1000);
}
