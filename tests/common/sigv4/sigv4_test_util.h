// Shared fixtures for the SigV4 tests: AWS's example credentials and times, a .req parser and a
// one-line Authenticate() wrapper with an injected clock.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/http/request.h"
#include "common/sigv4/auth.h"
#include "common/util/clock.h"
#include "common/util/strings.h"

namespace sigv4_test {

inline constexpr const char* kSuiteAkid = "AKIDEXAMPLE";
inline constexpr const char* kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr int64_t kSuiteTime = 1440938160000;  // 20150830T123600Z
inline constexpr const char* kS3Akid = "AKIAIOSFODNN7EXAMPLE";
inline constexpr const char* kS3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr int64_t kS3DocTime = 1369353600000;  // 20130524T000000Z

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ParsedReq {
  common::http::Request request;
  std::string body;
};

// "METHOD target HTTP/1.1\nName:value\n...\n\nbody" (the test suite's .req layout).
inline ParsedReq ParseReq(const std::string& text) {
  ParsedReq out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  out.request.method = line.substr(0, sp1);
  out.request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = out.request.target.find('?');
  out.request.raw_path = out.request.target.substr(0, q);
  out.request.raw_query = q == std::string::npos ? "" : out.request.target.substr(q + 1);
  while (std::getline(in, line) && !line.empty()) {
    size_t colon = line.find(':');
    out.request.headers.emplace(common::util::ToLower(line.substr(0, colon)), line.substr(colon + 1));
  }
  std::stringstream rest;
  rest << in.rdbuf();
  out.body = rest.str();
  return out;
}

struct Env {
  common::util::FixedClock clock{kSuiteTime};
  std::map<std::string, std::string> keys{{kSuiteAkid, kSuiteSecret}, {kS3Akid, kS3Secret}};
  const std::string* body = nullptr;

  common::sigv4::Options options() const {
    common::sigv4::Options o;
    o.clock = &clock;
    o.lookup_secret = [this](const std::string& akid) -> std::optional<std::string> {
      auto it = keys.find(akid);
      if (it == keys.end()) return std::nullopt;
      return it->second;
    };
    o.buffered_body = body;
    return o;
  }
  common::Result<common::sigv4::AuthResult> Auth(const common::http::Request& r) const {
    return common::sigv4::Authenticate(r, options());
  }
};

}  // namespace sigv4_test
