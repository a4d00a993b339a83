// Condition operators (the IAM reference's "Condition operators" page): string, numeric, date, Bool,
// binary, IP address, ARN and Null, with ...IfExists and ForAnyValue:/ForAllValues:. Semantics:
//   * several values for one key match when any value matches (OR); blocks and keys are ANDed by the caller
//   * a missing key: Null decides on presence; ForAllValues -> true; ForAnyValue -> false;
//     ...IfExists -> true; a negated operator (StringNotEquals, NotIpAddress, ...) -> true; others false
//   * a negated operator matches when no context value matches any policy value
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/policy/policy_internal.h"

namespace common::policy::internal {
namespace {

struct BaseSpec {
  const char* name;
  const char* positive;  // the operator evaluated (ArnEquals behaves as ArnLike in IAM)
  bool negated;          // the result of `positive` is inverted
};
constexpr BaseSpec kBases[] = {
    {"StringEquals", "StringEquals", false},
    {"StringNotEquals", "StringEquals", true},
    {"StringEqualsIgnoreCase", "StringEqualsIgnoreCase", false},
    {"StringNotEqualsIgnoreCase", "StringEqualsIgnoreCase", true},
    {"StringLike", "StringLike", false},
    {"StringNotLike", "StringLike", true},
    {"NumericEquals", "NumericEquals", false},
    {"NumericNotEquals", "NumericEquals", true},
    {"NumericLessThan", "NumericLessThan", false},
    {"NumericLessThanEquals", "NumericLessThanEquals", false},
    {"NumericGreaterThan", "NumericGreaterThan", false},
    {"NumericGreaterThanEquals", "NumericGreaterThanEquals", false},
    {"DateEquals", "DateEquals", false},
    {"DateNotEquals", "DateEquals", true},
    {"DateLessThan", "DateLessThan", false},
    {"DateLessThanEquals", "DateLessThanEquals", false},
    {"DateGreaterThan", "DateGreaterThan", false},
    {"DateGreaterThanEquals", "DateGreaterThanEquals", false},
    {"Bool", "Bool", false},
    {"BinaryEquals", "BinaryEquals", false},
    {"IpAddress", "IpAddress", false},
    {"NotIpAddress", "IpAddress", true},
    {"ArnEquals", "ArnLike", false},
    {"ArnNotEquals", "ArnLike", true},
    {"ArnLike", "ArnLike", false},
    {"ArnNotLike", "ArnLike", true},
    {"Null", "Null", false},
};

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// ISO 8601 ("2026-11-27", "2026-11-27T02:47:25Z", fractions, "+02:00" offsets) or epoch seconds.
// Returns milliseconds since the epoch.
std::optional<int64_t> ParseDate(const std::string& s) {
  if (!s.empty() && s.find('-') == std::string::npos) {
    auto n = ParseNumber(s);
    if (!n) return std::nullopt;
    return static_cast<int64_t>(*n * 1000);
  }
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &consumed) != 3)
    return std::nullopt;
  size_t pos = static_cast<size_t>(consumed);
  int64_t millis = 0, offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) !=
        3)
      return std::nullopt;
    pos += 1 + static_cast<size_t>(consumed);
    if (pos < s.size() && s[pos] == '.') {
      int64_t scale = 100;
      for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos, scale /= 10)
        millis += (s[pos] - '0') * scale;
    }
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int hh = 0, mm = 0;
      if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
      offset_seconds = (s[pos] == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
      pos += 6;
    }
  }
  if (pos != s.size()) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1) && tm.tm_year != 69) return std::nullopt;
  return (static_cast<int64_t>(t) - offset_seconds) * 1000 + std::max<int64_t>(millis, 0);
}

// An address (IPv4, IPv6, IPv4-mapped IPv6 folded to IPv4) as family + 16 bytes.
struct Ip {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
};

std::optional<Ip> ParseIp(const std::string& s) {
  Ip ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.bytes.data(), kMapped, 12) == 0) {
    std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
    ip.family = AF_INET;
    return ip;
  }
  ip.family = AF_INET6;
  return ip;
}

bool IpInCidr(const std::string& address, const std::string& cidr) {
  const size_t slash = cidr.find('/');
  auto net = ParseIp(cidr.substr(0, slash));
  auto ip = ParseIp(address);
  if (!net || !ip || net->family != ip->family) return false;
  const int max_bits = net->family == AF_INET ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string::npos) {
    auto n = ParseNumber(cidr.substr(slash + 1));
    if (!n || *n < 0 || *n > max_bits) return false;
    bits = static_cast<int>(*n);
  }
  for (int i = 0; i < bits; ++i) {
    const int mask = 0x80 >> (i % 8);
    if ((net->bytes[i / 8] & mask) != (ip->bytes[i / 8] & mask)) return false;
  }
  return true;
}

// ARN patterns compare field by field (partition, service, region, account, resource).
bool ArnLike(const std::string& value, const std::string& pattern) {
  auto split = [](const std::string& arn) {
    std::vector<std::string_view> parts;
    std::string_view rest = arn;
    for (int i = 0; i < 5; ++i) {
      const size_t colon = rest.find(':');
      if (colon == std::string_view::npos) return std::vector<std::string_view>{};
      parts.push_back(rest.substr(0, colon));
      rest.remove_prefix(colon + 1);
    }
    parts.push_back(rest);
    return parts;
  };
  auto v = split(value), p = split(pattern);
  if (v.empty() || p.empty() || p[0] != "arn") return pattern == "*" && !v.empty();
  for (size_t i = 0; i < 6; ++i)
    if (!WildcardMatch(p[i], v[i], false)) return false;
  return true;
}

bool Match(const std::string& op, const std::string& value, const std::string& policy_value) {
  if (op == "StringEquals") return value == policy_value;
  if (op == "StringEqualsIgnoreCase") return IEquals(value, policy_value);
  if (op == "StringLike") return WildcardMatch(policy_value, value, false);
  if (op == "Bool")
    return IEquals(value, policy_value) && (IEquals(value, "true") || IEquals(value, "false"));
  if (op == "BinaryEquals") return value == policy_value;
  if (op == "IpAddress") return IpInCidr(value, policy_value);
  if (op == "ArnLike") return ArnLike(value, policy_value);
  if (op.rfind("Numeric", 0) == 0 || op.rfind("Date", 0) == 0) {
    std::optional<double> a, b;
    if (op[0] == 'N') {
      a = ParseNumber(value), b = ParseNumber(policy_value);
    } else if (auto x = ParseDate(value), y = ParseDate(policy_value); x && y) {
      a = static_cast<double>(*x), b = static_cast<double>(*y);
    }
    if (!a || !b) return false;
    const std::string_view rel = std::string_view(op).substr(op[0] == 'N' ? 7 : 4);
    if (rel == "Equals") return *a == *b;
    if (rel == "LessThan") return *a < *b;
    if (rel == "LessThanEquals") return *a <= *b;
    if (rel == "GreaterThan") return *a > *b;
    if (rel == "GreaterThanEquals") return *a >= *b;
  }
  return false;
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<Operator> ParseOperator(std::string_view op) {
  Operator out;
  if (IStartsWith(op, "ForAnyValue:")) {
    out.set_mode = SetMode::kForAnyValue;
    op.remove_prefix(12);
  } else if (IStartsWith(op, "ForAllValues:")) {
    out.set_mode = SetMode::kForAllValues;
    op.remove_prefix(13);
  }
  if (op.size() > 8 && IEquals(op.substr(op.size() - 8), "IfExists")) {
    out.if_exists = true;
    op.remove_suffix(8);
  }
  for (const auto& b : kBases) {
    if (!IEquals(op, b.name)) continue;
    out.base = b.positive;
    out.negated = b.negated;
    out.is_null = out.base == "Null";
    if (out.is_null && out.if_exists) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

bool EvaluateCondition(const Condition& condition, const Context& context, bool variables) {
  auto op = ParseOperator(condition.op);
  if (!op) return false;
  std::vector<std::string> scratch;
  const std::vector<std::string>* values = LookupKey(context, Lower(condition.key), scratch);
  const bool present = values != nullptr && !values->empty();
  if (op->is_null) {
    for (const auto& v : condition.values)
      if ((IEquals(v, "true") && !present) || (IEquals(v, "false") && present)) return true;
    return false;
  }
  if (!present) {
    if (op->set_mode == SetMode::kForAllValues) return true;
    if (op->set_mode == SetMode::kForAnyValue) return false;
    return op->if_exists || op->negated;
  }
  std::vector<std::string> policy_values;
  for (const auto& v : condition.values) {
    if (!variables) {
      policy_values.push_back(v);
    } else if (auto s = SubstituteVariables(v, context)) {
      policy_values.push_back(std::move(*s));
    }
  }
  auto matches_any = [&](const std::string& value) {
    for (const auto& p : policy_values)
      if (Match(op->base, value, p)) return true;
    return false;
  };
  switch (op->set_mode) {
    case SetMode::kForAllValues:
      return std::all_of(values->begin(), values->end(),
                         [&](const std::string& v) { return matches_any(v) != op->negated; });
    case SetMode::kForAnyValue:
      return std::any_of(values->begin(), values->end(),
                         [&](const std::string& v) { return matches_any(v) != op->negated; });
    case SetMode::kNone:
      break;
  }
  const bool any = std::any_of(values->begin(), values->end(), matches_any);
  return any != op->negated;
}

}  // namespace common::policy::internal
