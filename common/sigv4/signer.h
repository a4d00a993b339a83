// Client-side signing, for the lab runner's `http` steps, the load generator, S3's calls to KMS and the
// tests: SigV4 header signing and SigV4/SigV2 presigned URLs, the same canonicalisation as auth.h.
#pragma once

#include <map>
#include <string>

namespace common::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional
};

struct SignInput {
  std::string method;
  std::string host;        // Host header value, e.g. "127.0.0.1:4580"
  std::string raw_path;    // already URI-encoded path, e.g. "/bkt/a%20b"
  std::string raw_query;   // already encoded "a=1&b=2" (any order; canonicalised when signing)
  std::map<std::string, std::string> headers;  // extra headers to sign (names any case)
  std::string payload;     // used when payload_hash is empty
  std::string payload_hash;  // e.g. "UNSIGNED-PAYLOAD"; empty = hex SHA-256 of payload
  std::string region;
  std::string service;
  int64_t now_millis = 0;
  bool add_content_sha256_header = true;  // S3 sends x-amz-content-sha256; KMS does not
};

// Returns the headers to add to the request: host, x-amz-date, x-amz-content-sha256 (optional),
// x-amz-security-token (if any), authorization.
std::map<std::string, std::string> SignHeaders(const SignInput& input, const Credentials& credentials);

// Returns the full query string (input.raw_query plus X-Amz-* parameters) of a SigV4 presigned URL.
std::string PresignV4Query(const SignInput& input, const Credentials& credentials, int64_t expires_seconds);
// Returns the query of a SigV2 presigned URL (AWSAccessKeyId, Expires = absolute epoch, Signature).
std::string PresignV2Query(const std::string& method, const std::string& raw_path, const std::string& raw_query,
                           const Credentials& credentials, int64_t expires_epoch_seconds);

}  // namespace common::sigv4
