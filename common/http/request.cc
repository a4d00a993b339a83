// Header and query accessors of the pipeline request. Query parsing follows S3: '&'-separated,
// first '=' splits key from value, both percent-decoded ('+' is kept literally, as S3 does for keys);
// a malformed escape leaves the raw text in place rather than failing the request here.
#include "common/http/request.h"

#include "common/util/encoding.h"

namespace common::http {

std::optional<std::string> Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string Request::HeaderOr(const std::string& name, const std::string& fallback) const {
  auto it = headers.find(name);
  return it == headers.end() ? fallback : it->second;
}

std::vector<std::pair<std::string, std::string>> Request::QueryParams() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view q = raw_query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view k = part.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    auto dk = util::PercentDecode(k);
    auto dv = util::PercentDecode(v);
    out.emplace_back(dk ? *dk : std::string(k), dv ? *dv : std::string(v));
  }
  return out;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  for (auto& [k, v] : QueryParams())
    if (k == name) return v;
  return std::nullopt;
}

}  // namespace common::http
