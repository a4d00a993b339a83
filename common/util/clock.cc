// Lab clock and AWS time formats. All times are UTC milliseconds since the epoch; conversions use
// days-from-civil arithmetic (no timegm/locale), so they are thread-safe and work for any year >= 1970.
#include "common/util/clock.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace common::util {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, millis, weekday;
};

Civil ToCivil(int64_t millis) {
  int64_t secs = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  unsigned ms = static_cast<unsigned>(millis - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t sod = secs - days * 86400;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c{};
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  c.hour = static_cast<unsigned>(sod / 3600);
  c.minute = static_cast<unsigned>(sod % 3600 / 60);
  c.second = static_cast<unsigned>(sod % 60);
  c.millis = ms;
  c.weekday = static_cast<unsigned>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  return c;
}

std::optional<int64_t> FromFields(int64_t y, int mo, int d, int h, int mi, int s, int ms = 0) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
    return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 86400) + h * 3600 + mi * 60 + s) * 1000 + ms;
}

// Parses exactly n digits at s[pos]; advances pos.
bool Digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool Lit(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

int MonthIndex(std::string_view m) {
  for (int i = 0; i < 12; ++i)
    if (m == kMonths[i]) return i + 1;
  return 0;
}

}  // namespace

LabClock::LabClock(std::function<int64_t()> offset_millis_provider)
    : provider_(std::move(offset_millis_provider)) {}

int64_t LabClock::NowMillis() const {
  int64_t now = RealNowMillis();
  if (provider_) {
    int64_t fetched = fetched_at_.load(std::memory_order_relaxed);
    if (fetched < 0 || now - fetched >= 1000 || now < fetched) {
      // Racing threads may both fetch; harmless.
      cached_offset_.store(provider_(), std::memory_order_relaxed);
      fetched_at_.store(now, std::memory_order_relaxed);
    }
  }
  return now + cached_offset_.load(std::memory_order_relaxed);
}

int64_t RealNowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatIso8601(int64_t millis) {
  Civil c = ToCivil(millis);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second, c.millis);
  return buf;
}

std::string FormatIso8601Seconds(int64_t millis) {
  Civil c = ToCivil(millis);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.year), c.month,
                c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string FormatAmzDate(int64_t millis) {
  Civil c = ToCivil(millis);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02uT%02u%02u%02uZ", static_cast<long long>(c.year), c.month,
                c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string FormatHttpDate(int64_t millis) {
  Civil c = ToCivil(millis);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kDays[c.weekday], c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second);
  return buf;
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() != 16) return std::nullopt;
  if (!Digits(s, p, 4, y) || !Digits(s, p, 2, mo) || !Digits(s, p, 2, d) || !Lit(s, p, 'T') ||
      !Digits(s, p, 2, h) || !Digits(s, p, 2, mi) || !Digits(s, p, 2, se) || !Lit(s, p, 'Z'))
    return std::nullopt;
  return FromFields(y, mo, d, h, mi, se);
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  int y = 0, d = 0, h = 0, mi = 0, se = 0;
  size_t p = 0;
  size_t comma = s.find(',');
  if (comma != std::string_view::npos) {
    p = comma + 1;
    if (!Lit(s, p, ' ')) return std::nullopt;
    if (comma == 3) {  // RFC 7231: Sun, 06 Nov 1994 08:49:37 GMT
      if (!Digits(s, p, 2, d) || !Lit(s, p, ' ')) return std::nullopt;
      int mo = MonthIndex(s.substr(p, 3));
      p += 3;
      if (!mo || !Lit(s, p, ' ') || !Digits(s, p, 4, y) || !Lit(s, p, ' ') || !Digits(s, p, 2, h) ||
          !Lit(s, p, ':') || !Digits(s, p, 2, mi) || !Lit(s, p, ':') || !Digits(s, p, 2, se) ||
          s.substr(p) != " GMT")
        return std::nullopt;
      return FromFields(y, mo, d, h, mi, se);
    }
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    int yy = 0;
    if (!Digits(s, p, 2, d) || !Lit(s, p, '-')) return std::nullopt;
    int mo = MonthIndex(s.substr(p, 3));
    p += 3;
    if (!mo || !Lit(s, p, '-') || !Digits(s, p, 2, yy) || !Lit(s, p, ' ') || !Digits(s, p, 2, h) ||
        !Lit(s, p, ':') || !Digits(s, p, 2, mi) || !Lit(s, p, ':') || !Digits(s, p, 2, se) ||
        s.substr(p) != " GMT")
      return std::nullopt;
    y = yy < 70 ? 2000 + yy : 1900 + yy;
    return FromFields(y, mo, d, h, mi, se);
  }
  // asctime: Sun Nov  6 08:49:37 1994
  if (s.size() != 24) return std::nullopt;
  p = 4;
  int mo = MonthIndex(s.substr(p, 3));
  p += 3;
  if (!mo || !Lit(s, p, ' ')) return std::nullopt;
  if (s[p] == ' ') {
    ++p;
    if (!Digits(s, p, 1, d)) return std::nullopt;
  } else if (!Digits(s, p, 2, d)) {
    return std::nullopt;
  }
  if (!Lit(s, p, ' ') || !Digits(s, p, 2, h) || !Lit(s, p, ':') || !Digits(s, p, 2, mi) || !Lit(s, p, ':') ||
      !Digits(s, p, 2, se) || !Lit(s, p, ' ') || !Digits(s, p, 4, y) || p != s.size())
    return std::nullopt;
  return FromFields(y, mo, d, h, mi, se);
}

std::optional<int64_t> ParseIso8601(std::string_view s) {
  size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, ms = 0;
  if (!Digits(s, p, 4, y) || !Lit(s, p, '-') || !Digits(s, p, 2, mo) || !Lit(s, p, '-') ||
      !Digits(s, p, 2, d) || !Lit(s, p, 'T') || !Digits(s, p, 2, h) || !Lit(s, p, ':') ||
      !Digits(s, p, 2, mi) || !Lit(s, p, ':') || !Digits(s, p, 2, se))
    return std::nullopt;
  if (p < s.size() && s[p] == '.') {
    ++p;
    int scale = 100;
    size_t start = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      ms += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) return std::nullopt;
  }
  if (p + 1 != s.size() || s[p] != 'Z') return std::nullopt;
  return FromFields(y, mo, d, h, mi, se, ms);
}

std::optional<int64_t> ParseDuration(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  int sign = 1;
  size_t p = 0;
  if (s[0] == '+' || s[0] == '-') {
    sign = s[0] == '-' ? -1 : 1;
    p = 1;
  }
  int64_t n = 0;
  size_t start = p;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
    n = n * 10 + (s[p] - '0');
    if (n > int64_t{1} << 40) return std::nullopt;
    ++p;
  }
  if (p == start || p + 1 != s.size()) return std::nullopt;
  int64_t unit;
  switch (s[p]) {
    case 'd':
      unit = 86400000;
      break;
    case 'h':
      unit = 3600000;
      break;
    case 'm':
      unit = 60000;
      break;
    case 's':
      unit = 1000;
      break;
    default:
      return std::nullopt;
  }
  return sign * n * unit;
}

}  // namespace common::util
