// Console JSON helpers (see api_json.h).
#include "emulator/console/api_json.h"

#include <charconv>

#include "common/util/clock.h"

namespace emulator::console {

void SendJson(httplib::Response& res, const nlohmann::ordered_json& body, int status) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // dump() with replacement: record text from the trail is UTF-8 already, but never fail on a byte.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  SendJson(res, {{"error", {{"code", code}, {"message", message}}}}, status);
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

std::optional<int64_t> IntParam(const httplib::Request& req, const char* name, bool* bad) {
  std::string v = Param(req, name);
  if (v.empty()) return std::nullopt;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    *bad = true;
    return std::nullopt;
  }
  return out;
}

std::optional<int64_t> TimeParam(const httplib::Request& req, const char* name, bool* bad) {
  std::string v = Param(req, name);
  if (v.empty()) return std::nullopt;
  if (v.find('T') != std::string::npos) {
    auto t = common::util::ParseIso8601(v);
    if (!t) *bad = true;
    return t;
  }
  return IntParam(req, name, bad);
}

}  // namespace emulator::console
