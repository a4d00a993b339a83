// Settings resolution and the three signed calls of `s3lab cse`. See cse_client.h.
#include "labs/runner/cse_client.h"

#include <httplib.h>

#include <cstdlib>
#include <regex>

#include "common/crypto/gcm_stream.h"
#include "common/identity/identity_store.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "labs/runner/expect.h"
#include "labs/runner/state.h"

namespace runner::cse {
namespace {

using common::MakeError;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

void Configure(httplib::ClientImpl& cli) {
  cli.set_url_encode(false);
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(300, 0);
  cli.set_write_timeout(300, 0);
  cli.set_decompress(false);
}

// Runs f(ClientImpl&) on a plain or TLS client for the endpoint.
template <class F>
auto WithClient(const ClientSettings& s, const Endpoint& e, F&& f) {
  if (e.tls) {
    httplib::SSLClient cli(e.host, e.port);
    cli.set_ca_cert_path(s.ca_bundle);
    cli.enable_server_certificate_verification(true);
    Configure(cli);
    return f(static_cast<httplib::ClientImpl&>(cli));
  }
  httplib::ClientImpl cli(e.host, e.port);
  Configure(cli);
  return f(cli);
}

// Signs a request; returns the headers to send (Host included, as signed).
httplib::Headers Sign(const ClientSettings& s, const Endpoint& e, const std::string& service,
                      const std::string& method, const std::string& path,
                      const std::map<std::string, std::string>& headers, const std::string& payload,
                      const std::string& payload_hash) {
  common::sigv4::SignInput in;
  in.method = method;
  in.host = e.HostHeader();
  in.raw_path = path;
  in.headers = headers;
  in.payload = payload;
  in.payload_hash = payload_hash;
  in.region = s.region;
  in.service = service;
  in.now_millis = NowMillis();
  in.add_content_sha256_header = service == "s3";
  httplib::Headers out;
  for (const auto& [k, v] : headers) out.emplace(k, v);
  for (const auto& [k, v] : common::sigv4::SignHeaders(in, s.credentials))
    out.emplace(k == "host" ? "Host" : k, v);
  return out;
}

// The error of a non-2xx answer: code as the lab runner reads it, message from JSON or XML.
common::AwsError ErrorFrom(int status, const std::string& body, const std::string& what) {
  Outcome o;
  o.is_http = true;
  o.status = status;
  o.stdout_text = body;
  std::string code = ExtractErrorCode(o);
  std::string message;
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object()) {
    for (const char* k : {"message", "Message"})
      if (json.contains(k) && json[k].is_string()) message = json[k].get<std::string>();
  } else {
    static const std::regex xml(R"(<Message>([^<]*)</Message>)");
    std::smatch m;
    if (std::regex_search(body, m, xml)) message = m[1].str();
  }
  if (code.empty()) code = "HTTP" + std::to_string(status);
  if (message.empty()) message = what + " answered HTTP " + std::to_string(status);
  return MakeError(code, message, status);
}

// "no answer" text; over TLS names the CA bundle, the usual culprit.
std::string NoAnswer(const ClientSettings& s, const Endpoint& e, const std::string& what, httplib::Error err) {
  std::string text = what + " " + e.Url() + " failed (" + httplib::to_string(err) + ")";
  if (e.tls) text += "; CA bundle " + s.ca_bundle + " (AWS_CA_BUNDLE)";
  return text;
}

std::string ObjectPath(const std::string& bucket, const std::string& key) {
  return "/" + bucket + "/" + common::util::UriEncode(key, false);
}

}  // namespace

std::string Endpoint::Url() const {
  return std::string(tls ? "https://" : "http://") + HostHeader();
}

std::string Endpoint::HostHeader() const { return explicit_port ? host + ":" + std::to_string(port) : host; }

common::Result<Endpoint> ParseEndpoint(const std::string& url) {
  Endpoint e;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    e.tls = true;
    rest = url.substr(8);
  } else {
    return MakeError("InvalidEndpoint", "endpoint '" + url + "' must start with http:// or https://", 0);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.find_first_not_of('/', slash) != std::string::npos)
      return MakeError("InvalidEndpoint", "endpoint '" + url + "' must not have a path", 0);
    rest.resize(slash);
  }
  auto colon = rest.rfind(':');
  e.host = rest.substr(0, colon);
  e.explicit_port = colon != std::string::npos;
  e.port = e.tls ? 443 : 80;
  if (e.explicit_port) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
      return MakeError("InvalidEndpoint", "endpoint '" + url + "' has an invalid port", 0);
    e.port = std::stoi(port);
  }
  if (e.host.empty()) return MakeError("InvalidEndpoint", "endpoint '" + url + "' has no host", 0);
  return e;
}

common::Result<ClientSettings> ResolveClientSettings(const InstanceConfig& config) {
  ClientSettings s;
  auto endpoint = [&](const char* specific, int port) -> common::Result<Endpoint> {
    std::string url = Env(specific);
    if (url.empty()) url = Env("AWS_ENDPOINT_URL");
    if (url.empty()) url = "http://127.0.0.1:" + std::to_string(port);
    return ParseEndpoint(url);
  };
  auto s3 = endpoint("AWS_ENDPOINT_URL_S3", config.s3_port);
  if (!s3.ok()) return s3.error();
  auto kms = endpoint("AWS_ENDPOINT_URL_KMS", config.kms_port);
  if (!kms.ok()) return kms.error();
  s.s3 = *s3;
  s.kms = *kms;
  s.region = Env("AWS_REGION");
  if (s.region.empty()) s.region = Env("AWS_DEFAULT_REGION");
  if (s.region.empty()) s.region = config.region;
  s.ca_bundle = Env("AWS_CA_BUNDLE");
  if (s.ca_bundle.empty()) s.ca_bundle = CaBundlePath(config);
  const std::string ak = Env("AWS_ACCESS_KEY_ID"), sk = Env("AWS_SECRET_ACCESS_KEY");
  if (!ak.empty() && !sk.empty()) {
    s.credentials = {ak, sk, Env("AWS_SESSION_TOKEN")};
    s.credentials_source = ak + " (from AWS_ACCESS_KEY_ID)";
  } else {
    auto root = LoadAccount(config, common::identity::kDefaultAccountId);
    if (!root.ok()) return root.error();
    s.credentials = {root->root_access_key_id, root->root_secret_access_key, ""};
    s.credentials_source = root->root_access_key_id + std::string(" (root user of account ") +
                           common::identity::kDefaultAccountId + ", from " + config.data_dir + "/iam.db)";
  }
  return s;
}

common::Result<nlohmann::json> KmsCall(const ClientSettings& s, const std::string& operation,
                                       const nlohmann::json& request) {
  const std::string body = request.dump();
  std::map<std::string, std::string> headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                                {"X-Amz-Target", "TrentService." + operation}};
  httplib::Headers signed_headers = Sign(s, s.kms, "kms", "POST", "/", headers, body, "");
  signed_headers.erase("Content-Type");  // httplib adds it from the Post argument (same value)
  return WithClient(s, s.kms, [&](httplib::ClientImpl& cli) -> common::Result<nlohmann::json> {
    auto res = cli.Post("/", signed_headers, body, "application/x-amz-json-1.1");
    if (!res)
      return MakeError("KmsUnreachable", NoAnswer(s, s.kms, "request to KMS at", res.error()), 0);
    if (res->status != 200) return ErrorFrom(res->status, res->body, "KMS");
    auto json = nlohmann::json::parse(res->body, nullptr, false);
    common::crypto::WipeString(&res->body);
    if (!json.is_object()) return MakeError("KmsBadReply", "KMS answered 200 with a body that is not JSON", 0);
    return json;
  });
}

common::Result<HeaderMap> S3PutStream(const ClientSettings& s, const std::string& bucket, const std::string& key,
                                      const std::map<std::string, std::string>& headers, uint64_t content_length,
                                      const std::function<bool(std::string*)>& next_chunk) {
  const std::string path = ObjectPath(bucket, key);
  httplib::Headers signed_headers = Sign(s, s.s3, "s3", "PUT", path, headers, "", "UNSIGNED-PAYLOAD");
  return WithClient(s, s.s3, [&](httplib::ClientImpl& cli) -> common::Result<HeaderMap> {
    std::string chunk;
    size_t chunk_pos = 0;
    httplib::ContentProvider provider = [&](size_t, size_t, httplib::DataSink& sink) {
      if (chunk_pos == chunk.size()) {
        chunk.clear();
        chunk_pos = 0;
        if (!next_chunk(&chunk) || chunk.empty()) return false;
      }
      if (!sink.write(chunk.data() + chunk_pos, chunk.size() - chunk_pos)) return false;
      chunk_pos = chunk.size();
      return true;
    };
    auto res = cli.Put(path, signed_headers, content_length, provider, "binary/octet-stream");
    if (!res)
      return MakeError("S3Unreachable", NoAnswer(s, s.s3, "PutObject to", res.error()), 0);
    if (res->status != 200) return ErrorFrom(res->status, res->body, "S3");
    HeaderMap out;
    for (const auto& [k, v] : res->headers) out.emplace(common::util::ToLower(k), v);
    return out;
  });
}

common::Status S3GetStream(const ClientSettings& s, const std::string& bucket, const std::string& key,
                           const std::function<common::Status(const HeaderMap&)>& on_headers,
                           const std::function<bool(const char*, size_t)>& on_data) {
  const std::string path = ObjectPath(bucket, key);
  httplib::Headers signed_headers = Sign(s, s.s3, "s3", "GET", path, {}, "", "");
  return WithClient(s, s.s3, [&](httplib::ClientImpl& cli) -> common::Status {
    int status = 0;
    std::string error_body;
    common::Status handler_status;
    bool data_failed = false;
    auto res = cli.Get(
        path, signed_headers,
        [&](const httplib::Response& r) {
          status = r.status;
          if (status != 200) return true;  // read the error body
          HeaderMap headers;
          for (const auto& [k, v] : r.headers) headers.emplace(common::util::ToLower(k), v);
          handler_status = on_headers(headers);
          return handler_status.ok();
        },
        [&](const char* data, size_t n) {
          if (status != 200) {
            if (error_body.size() < 65536) error_body.append(data, n);
            return true;
          }
          if (!on_data(data, n)) data_failed = true;
          return !data_failed;
        });
    if (!handler_status.ok()) return handler_status.error();
    if (data_failed) return MakeError("Aborted", "download aborted", 0);
    if (status != 0 && status != 200) return ErrorFrom(status, error_body, "S3");
    if (!res)
      return MakeError("S3Unreachable", NoAnswer(s, s.s3, "GetObject from", res.error()), 0);
    return common::Ok{};
  });
}

}  // namespace runner::cse
