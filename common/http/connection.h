// s3lab's own connection loop for cpp-httplib 0.11 servers (HTTP and HTTPS). httplib's loop lives in
// Debian's .so and cannot be configured; for an AWS endpoint it has four faults:
//  - it percent-decodes every request header value, so signatures over such headers fail and
//    x-amz-copy-source, x-amz-tagging, x-amz-meta-* values change (raw_head.h);
//  - it limits each header line (8192 bytes, bare 400) but not the header section, where S3 answers
//    400 RequestHeaderSectionTooLarge above 8 KiB;
//  - it writes no response once the client has half-closed (its write check peeks for EOF), so a body
//    shorter than its Content-Length followed by shutdown(SHUT_WR) got no IncompleteBody;
//  - stop() waits for each idle keep-alive connection to time out (keep_alive_timeout_s, 30 s): its
//    keep-alive poll never looks at the stop flag.
// Served<httplib::Server> and Served<httplib::SSLServer> override httplib's private virtual
// process_and_close_socket and run the keep-alive loop here, with their own httplib::Stream over the
// socket (TLS through common/crypto/tls_session.h) and httplib's protected process_request for each
// request: parsing, routing, handlers and response writing stay httplib's. Before httplib sees a
// request the loop reads its whole head: over the limit it answers the service's error itself (and
// drains before closing, so the client reads the answer); otherwise the exact bytes are published to
// FromHttplib (raw_head.h) and handed on to httplib. stop() wakes every idle connection (eventfd), which
// closes at once; requests in flight finish with `Connection: close`. A response that says
// `Connection: close` (from a handler too) ends the connection: httplib 0.11 kept reading and took an
// unread body for the next request.
#pragma once

#include <httplib.h>

#include <atomic>
#include <ctime>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace common::http {

// An answer the loop writes by itself; the request never reaches httplib. The loop adds
// Content-Length and `Connection: close`, and leaves the body out for HEAD.
struct DirectResponse {
  int status = 400;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type, request ids, ...
  std::string body;
};

struct LoopOptions {
  // Bytes of the header lines after the request line, CRLFs included. A longer request line (over
  // 8192 bytes) is left to httplib, which answers 414.
  size_t max_header_bytes = 8192;
  // The answer for a header section over the limit; unset = a bare 400.
  std::function<DirectResponse()> header_section_too_large;
};

// httplib's per-server settings, read when a connection starts.
struct ConnectionLimits {
  size_t keep_alive_max = 5;
  time_t keep_alive_timeout_s = 5;
  time_t read_timeout_s = 5, read_timeout_us = 0;
  time_t write_timeout_s = 5, write_timeout_us = 0;
  const std::atomic<socket_t>* listen_socket = nullptr;  // INVALID_SOCKET once httplib's stop() ran
};

class ConnectionLoop {
 public:
  using Process =
      std::function<bool(httplib::Stream& stream, bool close_connection, bool& connection_closed)>;

  ConnectionLoop();
  ~ConnectionLoop();
  ConnectionLoop(const ConnectionLoop&) = delete;
  ConnectionLoop& operator=(const ConnectionLoop&) = delete;

  // Before listening only (the options are read without a lock).
  void set_options(LoopOptions options) { options_ = std::move(options); }
  // Idle connections and heads still arriving are dropped at once from now on. Idempotent.
  void RequestStop();
  // Serves one accepted connection until it ends, then shuts `fd` down and closes it. `tls` is the
  // SSLServer's context, nullptr for plain HTTP. Returns the last process() result.
  bool Serve(socket_t fd, SSL_CTX* tls, const ConnectionLimits& limits, const Process& process) const;

 private:
  bool Stopping(const ConnectionLimits& limits) const;

  LoopOptions options_;
  int stop_fd_ = -1;  // eventfd, readable once stopping
  std::atomic<bool> stopping_{false};
};

// An httplib server whose connections run through ConnectionLoop. Configure (server_setup.h) applies.
template <class Base>
class Served : public Base {
 public:
  using Base::Base;

  void set_loop_options(LoopOptions options) { loop_.set_options(std::move(options)); }
  // httplib's stop() plus: idle keep-alive connections close at once instead of after their timeout.
  // Hides Base::stop() (not virtual); calling that one directly still works, ~250 ms slower to close
  // idle connections. A stopped server is not started again.
  void stop() {
    loop_.RequestStop();
    Base::stop();
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    ConnectionLimits limits;
    limits.keep_alive_max = this->keep_alive_max_count_;
    limits.keep_alive_timeout_s = this->keep_alive_timeout_sec_;
    limits.read_timeout_s = this->read_timeout_sec_;
    limits.read_timeout_us = this->read_timeout_usec_;
    limits.write_timeout_s = this->write_timeout_sec_;
    limits.write_timeout_us = this->write_timeout_usec_;
    limits.listen_socket = &this->svr_sock_;
    SSL_CTX* tls = nullptr;
    if constexpr (std::is_base_of_v<httplib::SSLServer, Base>) tls = this->ssl_context();
    return loop_.Serve(sock, tls, limits, [this](httplib::Stream& strm, bool close, bool& closed) {
      return this->process_request(strm, close, closed, nullptr);
    });
  }

  ConnectionLoop loop_;
};

using HttpServer = Served<httplib::Server>;
using HttpsServer = Served<httplib::SSLServer>;

}  // namespace common::http
