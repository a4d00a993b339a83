// The S3 process's listeners: HTTP and HTTPS (httplib::Server / SSLServer run through s3lab's
// connection loop, common/http/connection.h: header values as sent, RequestHeaderSectionTooLarge above
// 8 KiB of headers, prompt stop; one shared Pipeline) and the console (static files of web/). httplib is
// configured by common::http::Configure (TOOLCHAIN-NOTES §2):
// catch-all routes per method feed the pipeline; PUT/POST/DELETE bodies stream through the
// ContentReader; GET bodies stream through a content provider; HEAD uses set_content_provider's length
// so Content-Length is right without a body. httplib's own Range slicing is switched off (req.ranges
// cleared): GetObject computes ranges and 206/416 itself.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/http/connection.h"
#include "emulator/protocol/pipeline.h"

namespace emulator {

struct ListenOptions {
  std::string bind = "127.0.0.1";
  int port = 4580;
  int tls_port = 4581;      // 0 = off
  int console_port = 4500;  // 0 = off
  std::string cert_file;    // tls/server.pem
  std::string key_file;     // tls/server.key
  std::string web_dir;      // "" = built-in index page
  // Installs the console (emulator/console/console.h) on the console listener; empty = a placeholder
  // page (web_dir's static files only). The console always binds to loopback, whatever `bind` says.
  std::function<void(httplib::Server&)> console_setup;
};

class Server {
 public:
  explicit Server(Pipeline* pipeline) : pipeline_(pipeline) {}
  ~Server();
  // Binds every listener (error with a clear message when a port is taken), then serves in threads.
  common::Status Start(const ListenOptions& options);
  // Stops all listeners and joins their threads.
  void Stop();
  // Ports actually bound (useful with port 0 in tests): http, https, console.
  int http_port() const { return http_port_; }

 private:
  template <class S>
  void Register(S& server, bool tls);
  void RegisterConsole(httplib::Server& server, const ListenOptions& options);

  Pipeline* pipeline_;
  std::unique_ptr<common::http::HttpServer> http_;
  std::unique_ptr<common::http::HttpsServer> https_;
  std::unique_ptr<common::http::HttpServer> console_;
  std::vector<std::thread> threads_;
  int http_port_ = 0;
};

}  // namespace emulator
