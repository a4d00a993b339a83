// httplib adapter of the S3 pipeline (see server.h).
#include "emulator/server.h"

#include <cstdio>
#include <filesystem>

#include "common/http/server_setup.h"
#include "common/util/strings.h"
#include "emulator/protocol/errors.h"

namespace emulator {
namespace {

constexpr int64_t kMaxDrainBytes = 64LL << 20;

// Copies a pipeline Response into httplib's.
void Emit(const Response& r, httplib::Response& res) {
  res.status = r.status;
  for (const auto& [name, value] : r.headers) res.set_header(name, value);
  if (r.stream && r.stream_length > 0) {
    auto stream = r.stream;
    auto started = std::make_shared<bool>(false);
    res.set_content_provider(
        static_cast<size_t>(r.stream_length), r.content_type.empty() ? "binary/octet-stream" : r.content_type,
        [stream, started](size_t /*offset*/, size_t /*length*/, httplib::DataSink& sink) {
          // One call writes everything; httplib stops calling once the length is reached.
          if (*started) return false;
          *started = true;
          return stream([&sink](std::string_view piece) { return sink.write(piece.data(), piece.size()); });
        });
  } else if (r.stream_length > 0) {
    // HEAD with a known length: the provider is never called.
    res.set_content_provider(static_cast<size_t>(r.stream_length),
                             r.content_type.empty() ? "binary/octet-stream" : r.content_type,
                             [](size_t, size_t, httplib::DataSink&) { return false; });
  } else if (!r.body.empty()) {
    res.set_content(r.body, r.content_type.empty() ? "application/xml" : r.content_type);
  } else if (!r.content_type.empty()) {
    res.set_header("Content-Type", r.content_type);
  }
  if (r.stream_length == 0) res.set_header("Content-Length", "0");
}

// S3's answer to a request whose header lines exceed 8 KiB (the connection loop sends it; the request
// never reaches httplib or the pipeline).
common::http::DirectResponse HeaderSectionTooLarge(size_t max_bytes) {
  std::string request_id = common::util::NewRequestId();
  std::string host_id = common::util::NewHostId();
  common::http::DirectResponse r;
  auto e = errors::RequestHeaderSectionTooLarge(static_cast<int64_t>(max_bytes));
  r.status = e.http_status;
  r.headers = {{"Content-Type", "application/xml"},
               {"x-amz-request-id", request_id},
               {"x-amz-id-2", host_id},
               {"Server", "AmazonS3"}};
  r.body = errors::RenderXml(e, request_id, host_id);
  return r;
}

common::http::LoopOptions S3LoopOptions() {
  common::http::LoopOptions options;
  options.header_section_too_large = [max = options.max_header_bytes] { return HeaderSectionTooLarge(max); };
  return options;
}

// Errors httplib produces itself, before routing (malformed request line, URI too long, malformed
// Range, body too large): they arrive with an empty body, which gets AWS's XML envelope here. Bodies
// s3lab rendered are never touched, and HEAD answers stay bodiless. (Oversized headers never get here:
// the connection loop answers RequestHeaderSectionTooLarge.)
// NOTE: the codes for 400/414 are s3lab's choice (AWS's front end answers these itself).
httplib::Server::HandlerResponse FillEmptyError(const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty() || req.method == "HEAD" || res.status < 400)
    return httplib::Server::HandlerResponse::Unhandled;
  common::AwsError e;
  switch (res.status) {
    case 413:
      e = errors::EntityTooLarge(0, 5LL * 1024 * 1024 * 1024);
      break;
    case 414:
      e = common::MakeError("RequestURITooLong", "The request URI is too long.", 414);
      break;
    case 416:
      e = common::MakeError("InvalidRange", "The requested range is not satisfiable", 416);
      break;
    case 500:
      e = errors::InternalError();
      break;
    case 400:
      e = common::MakeError("BadRequest", "An error occurred when parsing the HTTP request.", 400);
      break;
    default:
      e = common::MakeError(std::to_string(res.status), "HTTP status " + std::to_string(res.status),
                            res.status);
  }
  std::string request_id = common::util::NewRequestId();
  std::string host_id = common::util::NewHostId();
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", host_id);
  res.set_header("Server", "AmazonS3");
  res.set_content(errors::RenderXml(e, request_id, host_id), "application/xml");
  return httplib::Server::HandlerResponse::Handled;
}

bool RequestHasBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  auto cl = req.get_header_value("Content-Length");
  return !cl.empty() && cl != "0";
}

}  // namespace

Server::~Server() { Stop(); }

template <class S>
void Server::Register(S& server, bool tls) {
  auto with_body = [this, tls](const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) {
    const_cast<httplib::Request&>(req).ranges.clear();
    common::http::Request request = common::http::FromHttplib(req, tls);
    bool used = false;
    bool failed = false;
    RawSource source = [&](const std::function<bool(const char*, size_t)>& receive) {
      used = true;
      bool ok = reader([&](const char* d, size_t n) { return receive(d, n); });
      if (!ok) failed = true;
      return ok;
    };
    PipelineResult result = pipeline_->Handle(request, source);
    if (!used && RequestHasBody(req)) {
      // The operation failed before reading the body: drain it so the keep-alive connection stays in
      // sync, or close the connection when it is large.
      auto cl = req.get_header_value("Content-Length");
      if (!cl.empty() && std::stoll(cl) > kMaxDrainBytes) {
        result.response.Header("Connection", "close");
      } else {
        int64_t drained = 0;
        reader([&](const char*, size_t n) {
          drained += static_cast<int64_t>(n);
          return drained <= kMaxDrainBytes;
        });
      }
    } else if (failed || !result.body_consumed) {
      result.response.Header("Connection", "close");
    }
    Emit(result.response, res);
  };
  auto without_body = [this, tls](const httplib::Request& req, httplib::Response& res) {
    const_cast<httplib::Request&>(req).ranges.clear();
    common::http::Request request = common::http::FromHttplib(req, tls);
    PipelineResult result = pipeline_->Handle(request, StringSource(""));
    Emit(result.response, res);
  };
  const std::string all = R"(([\s\S]*))";
  server.Get(all, without_body);  // also HEAD
  server.Options(all, without_body);
  server.Put(all, with_body);
  server.Post(all, with_body);
  server.Delete(all, with_body);
  server.Patch(all, with_body);
}

void Server::RegisterConsole(httplib::Server& server, const ListenOptions& options) {
  if (options.console_setup) return options.console_setup(server);
  const std::string& web_dir = options.web_dir;
  if (!web_dir.empty() && std::filesystem::is_directory(web_dir) && server.set_mount_point("/", web_dir))
    return;
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>s3lab console</title></head>"
        "<body><h1>s3lab</h1><p>The S3 endpoint and IAM/STS are served by this process; the console pages "
        "arrive with web/.</p></body></html>",
        "text/html; charset=utf-8");
  });
}

common::Status Server::Start(const ListenOptions& options) {
  common::http::ServerOptions server_options;
  http_ = std::make_unique<common::http::HttpServer>();
  common::http::Configure(*http_, server_options);
  http_->set_loop_options(S3LoopOptions());
  http_->set_error_handler(httplib::Server::HandlerWithResponse(FillEmptyError));
  Register(*http_, false);
  auto bind_error = [&](int port) {
    return common::MakeError("BindFailed",
                             "cannot listen on " + options.bind + ":" + std::to_string(port) +
                                 " (port taken or address unavailable)",
                             500);
  };
  if (options.port == 0) {
    http_port_ = http_->bind_to_any_port(options.bind);
    if (http_port_ <= 0) return bind_error(0);
  } else {
    if (!http_->bind_to_port(options.bind, options.port)) return bind_error(options.port);
    http_port_ = options.port;
  }
  if (options.tls_port > 0) {
    https_ = std::make_unique<common::http::HttpsServer>(options.cert_file.c_str(), options.key_file.c_str());
    if (!https_->is_valid())
      return common::MakeError("TlsFailed", "cannot load " + options.cert_file + " / " + options.key_file,
                               500);
    common::http::Configure(*https_, server_options);
    https_->set_loop_options(S3LoopOptions());
    https_->set_error_handler(httplib::Server::HandlerWithResponse(FillEmptyError));
    Register(*https_, true);
    if (!https_->bind_to_port(options.bind, options.tls_port)) return bind_error(options.tls_port);
  }
  if (options.console_port > 0) {
    console_ = std::make_unique<common::http::HttpServer>();
    RegisterConsole(*console_, options);
    // The console is for this machine only (it has no authentication): loopback even with --bind 0.0.0.0.
    const std::string console_bind =
        options.bind.rfind("127.", 0) == 0 || options.bind == "::1" ? options.bind : "127.0.0.1";
    if (!console_->bind_to_port(console_bind, options.console_port)) return bind_error(options.console_port);
  }
  threads_.emplace_back([this] { http_->listen_after_bind(); });
  if (https_) threads_.emplace_back([this] { https_->listen_after_bind(); });
  if (console_) threads_.emplace_back([this] { console_->listen_after_bind(); });
  return common::Ok{};
}

void Server::Stop() {
  if (http_) http_->stop();
  if (https_) https_->stop();
  if (console_) console_->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace emulator
