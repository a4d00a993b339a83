// A cpp-httplib 0.11 client for many small requests on one keep-alive connection (the `s3lab load`
// engine). httplib's own client stream writes a request head and its body with two send() calls (two
// packets with TCP_NODELAY, each waking the server), and polls before every read and write (six
// poll() calls per request). BufferedClient overrides httplib's private virtual process_socket with a
// stream that collects the request's writes and sends them with one send() when the response is first
// read, and reads the response through a 16 KiB buffer (httplib reads the status line and headers one
// byte at a time), recv() first and poll() only when nothing is there. Request writing and response
// parsing stay httplib's. Plain HTTP only (an HTTPS endpoint needs httplib::SSLClient).
#pragma once

#include <httplib.h>

#include <ctime>
#include <functional>
#include <string>

namespace common::http {

class BufferedClient : public httplib::ClientImpl {
 public:
  BufferedClient(const std::string& host, int port) : httplib::ClientImpl(host, port) {}
  // What process_socket's stream uses (httplib keeps its own copies private to the base class).
  void SetTimeouts(time_t read_s, time_t write_s) {
    read_timeout_s_ = read_s;
    write_timeout_s_ = write_s;
    set_read_timeout(read_s, 0);
    set_write_timeout(write_s, 0);
  }

 private:
  bool process_socket(const Socket& socket, std::function<bool(httplib::Stream& strm)> callback) override;

  time_t read_timeout_s_ = 30, write_timeout_s_ = 30;
};

}  // namespace common::http
