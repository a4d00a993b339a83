// The KMS listeners: one httplib::Server (HTTP) and one httplib::SSLServer (HTTPS, tls/server.pem +
// server.key), both configured by common::http::Configure (nodelay, pool, keep-alive, backlog), both run
// through s3lab's connection loop (common/http/connection.h: header values as sent, a JSON error above
// 8 KiB of headers, a stop that does not wait for idle keep-alive clients such as the S3 process) and
// both feeding the one Pipeline. Every method and path reaches the pipeline (KMS is POST / only;
// anything else is answered as an unknown operation).
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/error.h"
#include "common/http/connection.h"
#include "kms/protocol/pipeline.h"

namespace kms {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  int port = 4590;
  int tls_port = 4591;  // 0 = no HTTPS listener
  std::string cert_path;
  std::string key_path;
  int threads = 24;
  // GET /_s3lab/quota-stats on the HTTP listener (loopback callers only): this JSON, for the console's
  // KMS rate chart. Not an AWS API, read-only, holds only request counts. Empty = not served.
  std::function<std::string()> quota_stats;
};

class KmsServer {
 public:
  explicit KmsServer(const protocol::Pipeline* pipeline);
  ~KmsServer();

  // Binds both ports. Error (InternalError) with a clear message when a port is taken or TLS fails.
  common::Status Bind(const ServerConfig& config);
  // Serves until Stop(); returns when both listeners have stopped.
  void Run();
  void Stop();
  int port() const { return port_; }
  int tls_port() const { return tls_port_; }

 private:
  void Install(httplib::Server& server, bool tls, const std::function<std::string()>& quota_stats = {});

  const protocol::Pipeline* pipeline_;
  std::unique_ptr<common::http::HttpServer> http_;
  std::unique_ptr<common::http::HttpsServer> https_;
  int port_ = 0;
  int tls_port_ = 0;
};

}  // namespace kms
