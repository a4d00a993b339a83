// BufferedClient (common/http/buffered_client.h) against an httplib server on loopback: bodies both
// ways, a response larger than the read buffer, keep-alive reuse of one connection, a server that does
// not answer in time and one that closes.
#include "common/http/buffered_client.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace {

struct EchoServer {
  httplib::Server server;
  std::set<int> ports;  // client ports seen (one per connection)
  std::mutex mu;
  int port = 0;
  std::thread thread;
  EchoServer() {
    server.Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu);
        ports.insert(req.remote_port);
      }
      const std::string size = req.get_header_value("X-Size");
      const std::string big = size.empty() ? "" : std::string(std::stoul(size), 'z');
      res.set_content(req.body + "|" + req.get_header_value("X-Tag") + big, "text/plain");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~EchoServer() {
    server.stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("BufferedClient: requests and bodies round-trip on one keep-alive connection") {
  EchoServer srv;
  common::http::BufferedClient cli("127.0.0.1", srv.port);
  cli.set_keep_alive(true);
  cli.SetTimeouts(5, 5);
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i), body = std::string("body-").append(n),
                      tag = std::string("t").append(n);
    auto res = cli.Post("/echo", {{"X-Tag", tag}}, body, "text/plain");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == body + "|" + tag);
  }
  // 100 KiB answer: more than the 16 KiB read buffer, read in pieces and directly.
  auto res = cli.Post("/echo", {{"X-Tag", "big"}, {"X-Size", "102400"}}, "b", "text/plain");
  REQUIRE(res);
  CHECK(res->body.size() == 2 + 3 + 102400);
  CHECK(res->body.substr(0, 5) == "b|big");
  CHECK(res->body.find_first_not_of('z', 5) == std::string::npos);
  std::lock_guard<std::mutex> lock(srv.mu);
  CHECK(srv.ports.size() == 1);
}

TEST_CASE("BufferedClient: a server that does not answer in time or closes gives an error, not a hang") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  REQUIRE(::listen(fd, 4) == 0);
  // First connection: read the request, never answer. Second: read it, close.
  std::thread peer([fd] {
    for (int round = 0; round < 2; ++round) {
      int c = ::accept(fd, nullptr, nullptr);
      char buf[4096];
      [[maybe_unused]] ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (round == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      ::close(c);
    }
  });
  common::http::BufferedClient cli("127.0.0.1", ntohs(addr.sin_port));
  cli.SetTimeouts(1, 1);
  auto t0 = std::chrono::steady_clock::now();
  auto timed_out = cli.Post("/x", "a", "text/plain");
  CHECK_FALSE(timed_out);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  auto closed = cli.Post("/x", "a", "text/plain");
  CHECK_FALSE(closed);
  peer.join();
  ::close(fd);
}
