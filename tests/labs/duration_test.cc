// Lab durations (`clock: +2d`, `s3lab clock 1d12h`) and their rendering.
#include <doctest/doctest.h>

#include "labs/runner/state.h"

using runner::FormatOffset;
using runner::FormatUtc;
using runner::ParseLabDuration;

TEST_CASE("ParseLabDuration reads each unit") {
  CHECK(*ParseLabDuration("+2d") == 2 * 86'400'000LL);
  CHECK(*ParseLabDuration("3h") == 3 * 3'600'000LL);
  CHECK(*ParseLabDuration("90m") == 90 * 60'000LL);
  CHECK(*ParseLabDuration("30s") == 30'000);
  CHECK(*ParseLabDuration("1500ms") == 1500);
}

TEST_CASE("ParseLabDuration adds compound groups and honours the sign") {
  CHECK(*ParseLabDuration("1d12h") == 36 * 3'600'000LL);
  CHECK(*ParseLabDuration("-1h30m") == -(90 * 60'000LL));
  CHECK(*ParseLabDuration("+0s") == 0);
}

TEST_CASE("ParseLabDuration rejects malformed text with a clear message") {
  for (const char* bad : {"", "+", "2", "d", "2x", "2d3", "1.5h", "--1d", "2 d"}) {
    auto r = ParseLabDuration(bad);
    CAPTURE(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "InvalidDuration");
    CHECK(r.error().message.find("invalid duration") != std::string::npos);
  }
}

TEST_CASE("FormatOffset and FormatUtc render lab time") {
  CHECK(FormatOffset(2 * 86'400'000LL + 3'600'000LL + 61'000) == "+2d 1h 1m 1s");
  CHECK(FormatOffset(-60'000) == "-0d 0h 1m 0s");
  CHECK(FormatUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatUtc(1'795'000'000'123LL) == "2026-11-18T11:06:40Z");
}
