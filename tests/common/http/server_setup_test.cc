// Drives a real httplib server configured by common::http::Configure over loopback.
#include "common/http/server_setup.h"

#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <thread>

using namespace common::http;

namespace {

struct Captured {
  std::mutex mu;
  Request request;
  std::string body;
};

void WaitRunning(httplib::Server& server) {
  for (int i = 0; i < 500 && !server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

TEST_CASE("Configure keeps gzip and multipart bodies raw and FromHttplib restores the original headers") {
  httplib::Server server;
  Configure(server, ServerOptions{});
  Captured captured;
  server.Put(R"([\s\S]*)",
             [&](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
               std::string body;
               reader([&](const char* data, size_t n) {
                 body.append(data, n);
                 return true;
               });
               std::lock_guard<std::mutex> lock(captured.mu);
               captured.request = FromHttplib(req, false);
               captured.body = body;
               res.set_content("ok", "text/plain");
             });
  int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { server.listen_after_bind(); });
  WaitRunning(server);

  httplib::Client client("127.0.0.1", port);
  httplib::Headers headers{{"Content-Encoding", "gzip"}, {"X-Amz-Meta-A", "1"}};
  auto res =
      client.Put("/bkt/a%20b?x=1", headers, std::string("not really gzip"), "application/octet-stream");
  REQUIRE(res);
  CHECK(res->status == 200);
  {
    std::lock_guard<std::mutex> lock(captured.mu);
    CHECK(captured.body == "not really gzip");
    CHECK(captured.request.Header("content-encoding") == "gzip");
    CHECK(captured.request.raw_path == "/bkt/a%20b");
    CHECK(captured.request.raw_query == "x=1");
    CHECK(captured.request.Header("x-amz-meta-a") == "1");
    CHECK_FALSE(captured.request.HasHeader("remote_addr"));
    CHECK_FALSE(captured.request.HasHeader("local_port"));
    CHECK_FALSE(captured.request.HasHeader("x-s3lab-orig-content-encoding"));
    CHECK(captured.request.remote_addr == "127.0.0.1");
    CHECK(captured.request.local_port == port);
  }

  res = client.Put("/bkt/form", std::string("--b\r\n\r\nhello\r\n--b--\r\n"),
                   "multipart/form-data; boundary=b");
  REQUIRE(res);
  CHECK(res->status == 200);
  {
    std::lock_guard<std::mutex> lock(captured.mu);
    CHECK(captured.body == "--b\r\n\r\nhello\r\n--b--\r\n");
    CHECK(captured.request.Header("content-type") == "multipart/form-data; boundary=b");
  }
  server.stop();
  t.join();
}

TEST_CASE("A second server cannot bind a port that a configured server holds") {
  httplib::Server a, b;
  Configure(a, ServerOptions{});
  Configure(b, ServerOptions{});
  int port = a.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { a.listen_after_bind(); });
  WaitRunning(a);
  CHECK_FALSE(b.bind_to_port("127.0.0.1", port));
  a.stop();
  t.join();
}
