#include "kms/server.h"

#include <nlohmann/json.hpp>

#include "common/http/server_setup.h"
#include "common/util/strings.h"
#include "kms/model/errors.h"

namespace kms {
namespace {

// The answer to a request whose header lines exceed 8 KiB (sent by the connection loop).
// NOTE: AWS's answer for KMS is unverified; s3lab uses S3's code and text in the JSON 1.1 error shape.
common::http::LoopOptions KmsLoopOptions() {
  common::http::LoopOptions options;
  options.header_section_too_large = [] {
    common::http::DirectResponse r;
    r.status = 400;
    r.headers = {{"Content-Type", protocol::kContentType}, {"x-amzn-RequestId", common::util::NewFastUuid()}};
    r.body = nlohmann::json{{"__type", "RequestHeaderSectionTooLarge"},
                            {"message", "Your request header section exceeds the maximum allowed size."}}
                 .dump();
    return r;
  };
  return options;
}

}  // namespace

KmsServer::KmsServer(const protocol::Pipeline* pipeline) : pipeline_(pipeline) {}

KmsServer::~KmsServer() { Stop(); }

void KmsServer::Install(httplib::Server& server, bool tls, const std::function<std::string()>& quota_stats) {
  if (quota_stats) {
    server.Get("/_s3lab/quota-stats", [quota_stats](const httplib::Request& req, httplib::Response& res) {
      if (req.remote_addr != "127.0.0.1" && req.remote_addr != "::1") {
        res.status = 403;
        return;
      }
      res.set_header("Cache-Control", "no-store");
      res.set_content(quota_stats(), "application/json");
    });
  }
  auto handler = [this, tls](const httplib::Request& req, httplib::Response& res) {
    common::http::Request request = common::http::FromHttplib(req, tls);
    protocol::Reply reply = pipeline_->Handle(request, req.body);
    res.status = reply.status;
    res.set_header("x-amzn-RequestId", reply.request_id);
    res.set_content(reply.body, protocol::kContentType);
  };
  server.Post(".*", handler);
  server.Get(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Patch(".*", handler);
  // httplib's own errors (400 on a broken request line, 413, ...) get a KMS-shaped body when empty.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    nlohmann::json body = {{"__type", "SerializationException"}, {"message", "Malformed request"}};
    res.set_content(body.dump(), protocol::kContentType);
  });
}

common::Status KmsServer::Bind(const ServerConfig& config) {
  common::http::ServerOptions options;
  options.threads = config.threads;
  http_ = std::make_unique<common::http::HttpServer>();
  common::http::Configure(*http_, options);
  http_->set_loop_options(KmsLoopOptions());
  Install(*http_, false, config.quota_stats);
  port_ = http_->bind_to_port(config.bind, config.port) ? config.port : -1;
  if (port_ < 0)
    return errors::Internal("cannot listen on " + config.bind + ":" + std::to_string(config.port) +
                            " (port in use?)");
  if (config.tls_port > 0) {
    https_ = std::make_unique<common::http::HttpsServer>(config.cert_path.c_str(), config.key_path.c_str());
    if (!https_->is_valid())
      return errors::Internal("cannot load TLS certificate " + config.cert_path + " / " + config.key_path);
    common::http::Configure(*https_, options);
    https_->set_loop_options(KmsLoopOptions());
    Install(*https_, true);
    tls_port_ = https_->bind_to_port(config.bind, config.tls_port) ? config.tls_port : -1;
    if (tls_port_ < 0)
      return errors::Internal("cannot listen on " + config.bind + ":" + std::to_string(config.tls_port) +
                              " (port in use?)");
  }
  return common::Ok{};
}

void KmsServer::Run() {
  std::thread tls_thread;
  if (https_) tls_thread = std::thread([this] { https_->listen_after_bind(); });
  if (http_) http_->listen_after_bind();
  if (tls_thread.joinable()) tls_thread.join();
}

void KmsServer::Stop() {
  if (http_) http_->stop();
  if (https_) https_->stop();
}

}  // namespace kms
