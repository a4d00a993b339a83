// The small AWS client behind `s3lab cse`: where to send requests, as whom, and three signed calls —
// a KMS JSON 1.1 call, a streamed S3 PutObject and a streamed S3 GetObject (path-style, SigV4 with
// common/sigv4/signer.h, the same signing as the lab runner's `http` steps).
//
// Settings are resolved as the aws CLI would, falling back to the s3lab instance:
//   endpoints   AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL, then the instance's
//               HTTP ports on 127.0.0.1 (--s3-port, --kms-port, S3LAB_*, instance.json, config file);
//   region      AWS_REGION, then AWS_DEFAULT_REGION, then the instance region;
//   credentials AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) when both are set,
//               else the root user of account 111122223333 read from <data>/iam.db;
//   CA bundle   AWS_CA_BUNDLE, else <data>/tls/ca.pem (for https:// endpoints).
// PutObject sends x-amz-content-sha256: UNSIGNED-PAYLOAD so a multi-GiB body streams in one pass (the
// GCM tag protects the content end to end). Errors come back as AwsError with the service's code.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/sigv4/signer.h"
#include "labs/runner/config.h"

namespace runner::cse {

struct Endpoint {
  bool tls = false;
  std::string host;  // name or IPv4 address
  int port = 0;
  bool explicit_port = true;  // the port appears in the Host header
  std::string Url() const;
  std::string HostHeader() const;
};

struct ClientSettings {
  Endpoint s3;
  Endpoint kms;
  std::string region;
  common::sigv4::Credentials credentials;
  std::string credentials_source;  // shown to the learner
  std::string ca_bundle;
};

common::Result<ClientSettings> ResolveClientSettings(const InstanceConfig& config);

// Parses "http://127.0.0.1:4580" / "https://host[:port][/]" (no IPv6 literals).
common::Result<Endpoint> ParseEndpoint(const std::string& url);

// POST to the KMS endpoint with X-Amz-Target TrentService.<operation>. A KMS error answer becomes
// AwsError{__type without namespace, message, status}; no answer at all: code "KmsUnreachable".
// The raw reply text is wiped before returning (it may hold a base64 plaintext data key).
common::Result<nlohmann::json> KmsCall(const ClientSettings& settings, const std::string& operation,
                                       const nlohmann::json& request);

// Response headers of a successful S3 call, names lower-cased.
using HeaderMap = std::multimap<std::string, std::string>;

// PutObject with `content_length` bytes produced by next_chunk (appends the next piece to *chunk,
// returns false on a local error, which aborts the upload). `headers` are sent and signed.
common::Result<HeaderMap> S3PutStream(const ClientSettings& settings, const std::string& bucket,
                                      const std::string& key, const std::map<std::string, std::string>& headers,
                                      uint64_t content_length, const std::function<bool(std::string*)>& next_chunk);

// GetObject: on_headers sees the 200 response's headers before any body byte (an error it returns
// aborts the download and is returned); on_data receives the body piece by piece (false aborts; the
// caller keeps its own reason). A non-200 answer returns the S3 error (code from the XML body).
common::Status S3GetStream(const ClientSettings& settings, const std::string& bucket, const std::string& key,
                           const std::function<common::Status(const HeaderMap&)>& on_headers,
                           const std::function<bool(const char*, size_t)>& on_data);

}  // namespace runner::cse
