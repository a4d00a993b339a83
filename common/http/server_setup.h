// cpp-httplib 0.11 as Debian builds it, made fit for an AWS endpoint (../shared/TOOLCHAIN-NOTES.md):
// TCP_NODELAY on, a thread pool sized for keep-alive clients, long keep-alive, listen backlog raised,
// and request headers that httplib would act on hidden from it: `Content-Encoding` (it would gunzip
// aws-chunked/gzip bodies) and `Content-Type: multipart/form-data` (it would swallow the body) are
// renamed in the pre-routing handler to `x-s3lab-orig-content-encoding` / `x-s3lab-orig-content-type`.
// FromHttplib() restores them, so signatures and stored metadata see exactly what the client sent.
// Servers built as common::http::HttpServer / HttpsServer (connection.h) also get header values as
// sent (httplib percent-decodes them), a header-section limit with the service's own error, answers
// after a client half-close, and a prompt stop().
#pragma once

#include <httplib.h>

#include <string>

#include "common/http/request.h"

namespace common::http {

struct ServerOptions {
  int threads = 32;
  int keep_alive_max = 100000;
  int keep_alive_timeout_s = 30;
  int read_timeout_s = 30;
  int backlog = 1024;
};

// Applies the fixes above. Call before listen(). Works for Server and SSLServer.
void Configure(httplib::Server& server, const ServerOptions& options);

// Builds the pipeline view of an httplib request: names lower-cased, values from the raw head when
// the connection loop published it (raw_head.h), else httplib's (renamed headers restored, REMOTE_ADDR
// and friends that httplib injects removed).
Request FromHttplib(const httplib::Request& req, bool tls);

}  // namespace common::http
