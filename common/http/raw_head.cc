// See raw_head.h. The line rules mirror httplib 0.11's read_headers/parse_header so that the headers
// s3lab sees are the ones httplib acted on (Content-Length, Transfer-Encoding), only undecoded.
#include "common/http/raw_head.h"

namespace common::http {
namespace {

thread_local std::string_view current_head;
thread_local std::string_view current_tls_version;
thread_local std::string_view current_tls_cipher;

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

// Second space-separated token of the request line (httplib skips empty tokens too).
std::string TargetOf(std::string_view line) {
  int index = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start && index++ == 1) return std::string(line.substr(start, i - start));
  }
  return "";
}

}  // namespace

std::string ParseRawHead(std::string_view head, std::vector<std::pair<std::string, std::string>>* headers) {
  std::string target;
  bool first = true;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) break;
    std::string_view line = head.substr(pos, nl + 1 - pos);
    pos = nl + 1;
    if (line.size() < 2 || line[line.size() - 2] != '\r') {
      if (first) return "";  // httplib refuses a request line without CRLF
      continue;
    }
    line.remove_suffix(2);
    if (first) {
      first = false;
      target = TargetOf(line);
      continue;
    }
    if (line.empty()) break;  // end of the head
    while (!line.empty() && IsSpaceOrTab(line.back())) line.remove_suffix(1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && IsSpaceOrTab(value.front())) value.remove_prefix(1);
    headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return target;
}

std::optional<std::string_view> CurrentRawHead() {
  if (current_head.empty()) return std::nullopt;
  return current_head;
}

std::string_view CurrentTlsVersion() { return current_tls_version; }
std::string_view CurrentTlsCipher() { return current_tls_cipher; }

RawHeadScope::RawHeadScope(std::string_view head, std::string_view tls_version, std::string_view tls_cipher)
    : previous_(current_head), previous_version_(current_tls_version), previous_cipher_(current_tls_cipher) {
  current_head = head;
  current_tls_version = tls_version;
  current_tls_cipher = tls_cipher;
}

RawHeadScope::~RawHeadScope() {
  current_head = previous_;
  current_tls_version = previous_version_;
  current_tls_cipher = previous_cipher_;
}

}  // namespace common::http
