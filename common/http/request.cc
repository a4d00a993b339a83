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
  return util::ParseQuery(raw_query);
}

std::optional<std::string> Request::Query(const std::string& name) const {
  for (auto& [k, v] : QueryParams())
    if (k == name) return v;
  return std::nullopt;
}

}  // namespace common::http
