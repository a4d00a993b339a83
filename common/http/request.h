// The request as s3lab's pipelines see it, independent of cpp-httplib: raw target (never the
// percent-decoded path httplib routes on), lower-case header names, transport facts (TLS, peer address,
// the local port it arrived on). Bodies stay with the server adapter and are streamed by the caller.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace common::http {

struct Request {
  std::string method;      // "GET", "PUT", ...
  std::string target;      // raw request target as sent: "/bkt/a%20b?uploads"
  std::string raw_path;    // target before '?', still percent-encoded
  std::string raw_query;   // target after '?', still encoded ("" when none)
  std::multimap<std::string, std::string> headers;  // lower-case names, values as sent
  std::string remote_addr;
  int local_port = 0;
  bool tls = false;
  std::string tls_version, tls_cipher;  // negotiated on the connection ("TLSv1.3", ...); "" over HTTP

  // First value of a header (name lower-case) or nullopt.
  std::optional<std::string> Header(const std::string& name) const;
  std::string HeaderOr(const std::string& name, const std::string& fallback = "") const;
  bool HasHeader(const std::string& name) const { return headers.count(name) > 0; }
  // Decoded query parameters in order of appearance ("uploads" -> ""). Keys and values percent-decoded.
  std::vector<std::pair<std::string, std::string>> QueryParams() const;
  std::optional<std::string> Query(const std::string& name) const;
  bool HasQuery(const std::string& name) const { return Query(name).has_value(); }
};

}  // namespace common::http
