// Path-style and virtual-host addressing (see addressing.h).
#include "emulator/protocol/addressing.h"

#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/protocol/errors.h"

namespace emulator {
namespace {

constexpr size_t kMaxKeyBytes = 1024;

std::string StripPort(const std::string& host) {
  if (!host.empty() && host[0] == '[') return host;  // IPv6 literal: never virtual-host
  auto colon = host.rfind(':');
  return colon == std::string::npos ? host : host.substr(0, colon);
}

}  // namespace

std::string BucketFromHost(const std::string& host_header) {
  std::string host = common::util::ToLower(StripPort(host_header));
  for (const char* suffix : {".localhost", ".s3.amazonaws.com"}) {
    if (common::util::EndsWith(host, suffix) && host.size() > std::string(suffix).size())
      return host.substr(0, host.size() - std::string(suffix).size());
  }
  // <bucket>.s3.<region>.amazonaws.com
  if (common::util::EndsWith(host, ".amazonaws.com")) {
    auto pos = host.rfind(".s3.");
    if (pos != std::string::npos && pos > 0) return host.substr(0, pos);
  }
  return {};
}

common::Result<Addressing> ParseAddressing(const common::http::Request& request) {
  Addressing out;
  const std::string& raw = request.raw_path.empty() ? std::string("/") : request.raw_path;
  if (raw[0] != '/') return errors::InvalidURI(request.target);
  std::string host_bucket = BucketFromHost(request.HeaderOr("host"));
  std::string rest = raw.substr(1);
  if (!host_bucket.empty()) {
    out.bucket = host_bucket;
    out.virtual_host = true;
  } else {
    auto slash = rest.find('/');
    std::string raw_bucket = slash == std::string::npos ? rest : rest.substr(0, slash);
    rest = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    auto bucket = common::util::PercentDecode(raw_bucket);
    if (!bucket) return errors::InvalidURI(request.target);
    out.bucket = *bucket;
  }
  if (!rest.empty()) {
    auto key = common::util::PercentDecode(rest);
    if (!key) return errors::InvalidURI(request.target);
    if (key->size() > kMaxKeyBytes) return errors::KeyTooLongError();
    out.key = *key;
  }
  return out;
}

}  // namespace emulator
