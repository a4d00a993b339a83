// x-amz-copy-source parsing and copy-source preconditions (see copy_source.h).
#include "emulator/ops/copy_source.h"

#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops {

common::Result<CopySource> ParseCopySource(const std::string& header) {
  auto invalid = [&] {
    return errors::InvalidArgument("Invalid copy source encoding", "x-amz-copy-source", header);
  };
  std::string raw = header;
  std::string version;
  if (auto q = raw.find('?'); q != std::string::npos) {
    std::string query = raw.substr(q + 1);
    raw = raw.substr(0, q);
    if (!common::util::StartsWith(query, "versionId=")) return invalid();
    version = query.substr(10);
  }
  auto decoded = common::util::PercentDecode(raw);
  if (!decoded) return invalid();
  std::string path = *decoded;
  if (common::util::StartsWith(path, "/")) path = path.substr(1);
  auto slash = path.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size())
    return errors::InvalidArgument(
        "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source",
        header);
  return CopySource{path.substr(0, slash), path.substr(slash + 1), version};
}

common::Status CheckSourcePreconditions(RequestContext& ctx, const store::ObjectVersion& v) {
  auto strip = [](std::string s) {
    s = common::util::Trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
  };
  int64_t modified = v.last_modified_millis / 1000;
  auto date = [&](const char* name) -> std::optional<int64_t> {
    auto h = ctx.Header(name);
    if (!h) return std::nullopt;
    auto ms = common::util::ParseHttpDate(*h);
    if (!ms) return std::nullopt;
    return *ms / 1000;
  };
  auto if_match = ctx.Header("x-amz-copy-source-if-match");
  if (if_match && strip(*if_match) != v.etag && strip(*if_match) != "*")
    return errors::PreconditionFailed("x-amz-copy-source-If-Match");
  if (!if_match) {
    if (auto since = date("x-amz-copy-source-if-unmodified-since"); since && modified > *since)
      return errors::PreconditionFailed("x-amz-copy-source-If-Unmodified-Since");
  }
  auto if_none = ctx.Header("x-amz-copy-source-if-none-match");
  if (if_none && (strip(*if_none) == v.etag || strip(*if_none) == "*"))
    return errors::PreconditionFailed("x-amz-copy-source-If-None-Match");
  if (!if_none) {
    if (auto since = date("x-amz-copy-source-if-modified-since"); since && modified <= *since)
      return errors::PreconditionFailed("x-amz-copy-source-If-Modified-Since");
  }
  return common::Ok{};
}

}  // namespace emulator::ops
