// The request head exactly as the client sent it. cpp-httplib 0.11.4 (Debian's .so) percent-decodes
// every request header value while parsing, Location included ("100%25 off" arrives as "100% off",
// "a%2Bb" as "a+b"): a SigV4 signature over such a header fails, and x-amz-copy-source, x-amz-tagging,
// x-amz-meta-* and Content-Disposition values change. It also drops headers with an empty value.
// s3lab's connection loop (connection.h) keeps the bytes of each request head and publishes them for
// the thread that runs httplib's handler (RawHeadScope); FromHttplib (server_setup.h) takes header names
// and values from there, so signatures and stored values see the bytes on the wire.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common::http {

// Splits a request head (request line, header lines, blank line) the way httplib 0.11 does: lines end
// with CRLF (a line without CR is skipped), a header is "name:value" (no colon: skipped), the value
// loses leading and trailing spaces and tabs. Unlike httplib, values stay undecoded and empty values
// are kept. Fills `headers` (names as sent, in order) and returns the request target of the request
// line ("" when the request line has no target).
std::string ParseRawHead(std::string_view head, std::vector<std::pair<std::string, std::string>>* headers);

// The raw head of the request this thread is handling, when it came through the connection loop.
std::optional<std::string_view> CurrentRawHead();

// The negotiated TLS version and cipher suite of the connection this thread's request came on ("" for
// plain HTTP or outside the connection loop), for CloudTrail's tlsDetails.
std::string_view CurrentTlsVersion();
std::string_view CurrentTlsCipher();

// Publishes `head` as CurrentRawHead() (an empty head publishes none) and the connection's TLS details
// for this thread until destroyed.
class RawHeadScope {
 public:
  explicit RawHeadScope(std::string_view head, std::string_view tls_version = {}, std::string_view tls_cipher = {});
  ~RawHeadScope();
  RawHeadScope(const RawHeadScope&) = delete;
  RawHeadScope& operator=(const RawHeadScope&) = delete;

 private:
  std::string_view previous_, previous_version_, previous_cipher_;
};

}  // namespace common::http
