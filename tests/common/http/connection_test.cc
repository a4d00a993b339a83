// s3lab's connection loop (common/http/connection.h) driven over loopback with raw sockets: header
// values as sent, the header-section limit, answers after a half-close, Connection: close, prompt stop;
// over HTTPS too.
#include "common/http/connection.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto/tls.h"
#include "common/http/raw_head.h"
#include "common/http/server_setup.h"
#include "tests/common/temp_dir.h"

using namespace common::http;

namespace {

struct Seen {
  std::mutex mu;
  Request request;
  std::string body;
  bool read_ok = true;
};

// An HttpServer configured as the services configure theirs, echoing what FromHttplib saw.
class TestServer {
 public:
  TestServer() {
    Configure(server_, ServerOptions{});
    LoopOptions options;
    options.max_header_bytes = 1024;
    options.header_section_too_large = [] {
      return DirectResponse{400, {{"Content-Type", "text/plain"}}, "too large"};
    };
    server_.set_loop_options(options);
    server_.Get(R"([\s\S]*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(seen_.mu);
      seen_.request = FromHttplib(req, false);
      res.set_content("ok", "text/plain");
      if (req.path == "/close") res.set_header("Connection", "close");
    });
    server_.Put(R"([\s\S]*)", [this](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) {
      std::string body;
      bool ok = reader([&](const char* d, size_t n) {
        body.append(d, n);
        return true;
      });
      std::lock_guard<std::mutex> lock(seen_.mu);
      seen_.request = FromHttplib(req, false);
      seen_.body = body;
      seen_.read_ok = ok;
      res.status = ok ? 200 : 400;
      res.set_content(ok ? "stored" : "incomplete", "text/plain");
      if (!ok) res.set_header("Connection", "close");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~TestServer() { Stop(); }
  void Stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  Seen& seen() { return seen_; }

 private:
  HttpServer server_;
  Seen seen_;
  int port_ = 0;
  std::thread thread_;
};

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

void SendAll(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    done += static_cast<size_t>(n);
  }
}

// Reads until the peer closes or `until` appears (or 5 s pass).
std::string Receive(int fd, const std::string& until = "") {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!until.empty() && out.find(until) != std::string::npos) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string Get(int port, const std::string& extra_headers) {
  int fd = Connect(port);
  SendAll(fd, "GET /bkt/k HTTP/1.1\r\nHost: x\r\n" + extra_headers + "Connection: close\r\n\r\n");
  std::string answer = Receive(fd);
  ::close(fd);
  return answer;
}

}  // namespace

TEST_CASE("ParseRawHead keeps values undecoded and empty values, and skips what httplib skips") {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string head =
      "PUT  /bkt/a%2Bb?x=1 HTTP/1.1\r\nHost: h\r\nx-amz-meta-a: \t100%25 off \r\nx-amz-meta-empty:\r\n"
      "no colon here\r\nbare-lf: skipped\nX-Amz-Copy-Source: bkt/a%2Bb%20c\r\n\r\nbody";
  CHECK(ParseRawHead(head, &headers) == "/bkt/a%2Bb?x=1");
  std::vector<std::pair<std::string, std::string>> want = {{"Host", "h"},
                                                           {"x-amz-meta-a", "100%25 off"},
                                                           {"x-amz-meta-empty", ""},
                                                           {"X-Amz-Copy-Source", "bkt/a%2Bb%20c"}};
  CHECK(headers == want);
  headers.clear();
  CHECK(ParseRawHead("GET /\nHost: h\r\n\r\n", &headers).empty());
}

TEST_CASE("FromHttplib sees header values exactly as sent through the connection loop") {
  TestServer server;
  std::string answer = Get(server.port(), "X-Amz-Meta-A: 100%25 off+%2B\r\nx-amz-meta-empty:\r\n");
  CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
  std::lock_guard<std::mutex> lock(server.seen().mu);
  CHECK(server.seen().request.Header("x-amz-meta-a") == "100%25 off+%2B");
  CHECK(server.seen().request.Header("x-amz-meta-empty") == "");
  CHECK(server.seen().request.raw_path == "/bkt/k");
  CHECK(server.seen().request.remote_addr == "127.0.0.1");
  CHECK(server.seen().request.local_port == server.port());
  CHECK_FALSE(CurrentRawHead().has_value());  // published only while the handler runs
}

TEST_CASE("A header section over the limit gets the service's answer and the server keeps serving") {
  TestServer server;
  std::string many;
  for (int i = 0; i < 30; ++i) many += "x-h" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  std::string answer = Get(server.port(), many);
  CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(answer.find("Connection: close\r\n") != std::string::npos);
  CHECK(answer.find("\r\n\r\ntoo large") != std::string::npos);
  CHECK(Get(server.port(), std::string(900, 'y').insert(0, "x-ok: ") + "\r\n").rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("A body cut short by a half-close still gets its answer") {
  TestServer server;
  int fd = Connect(server.port());
  SendAll(fd, "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
  ::shutdown(fd, SHUT_WR);
  std::string answer = Receive(fd);
  ::close(fd);
  CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(answer.find("incomplete") != std::string::npos);
  std::lock_guard<std::mutex> lock(server.seen().mu);
  CHECK_FALSE(server.seen().read_ok);
}

TEST_CASE("Pipelined requests share a keep-alive connection until a response says Connection: close") {
  TestServer server;
  int fd = Connect(server.port());
  SendAll(fd,
          "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
          "GET /close HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string answer = Receive(fd);  // until the server closes
  ::close(fd);
  CHECK(answer.find("\r\n\r\nstored") != std::string::npos);
  CHECK(answer.find("\r\n\r\nok") != std::string::npos);
  CHECK(answer.find("\r\n\r\nok") == answer.rfind("\r\n\r\nok"));  // /after was not answered
  std::lock_guard<std::mutex> lock(server.seen().mu);
  CHECK(server.seen().request.raw_path == "/close");
}

TEST_CASE("stop() returns at once while a client holds an idle keep-alive connection") {
  TestServer server;
  int fd = Connect(server.port());
  SendAll(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(Receive(fd, "\r\n\r\nok").find("200 OK") != std::string::npos);
  int idle = Connect(server.port());  // a second one that never sends anything
  auto start = std::chrono::steady_clock::now();
  server.Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(Receive(fd).empty());  // closed by the server
  ::close(fd);
  ::close(idle);
}

TEST_CASE("HTTPS through the connection loop: values as sent, keep-alive, a prompt stop") {
  s3lab::testing::TempDir temp("s3lab-conn");
  const std::string& dir = temp.path;
  REQUIRE(common::crypto::EnsureTlsMaterial(dir).ok());
  HttpsServer server((dir + "/tls/server.pem").c_str(), (dir + "/tls/server.key").c_str());
  REQUIRE(server.is_valid());
  Configure(server, ServerOptions{});
  std::mutex mu;
  std::vector<std::string> seen;
  server.Get(R"([\s\S]*)", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(FromHttplib(req, true).HeaderOr("x-amz-meta-a") + " " + std::to_string(req.remote_port));
    res.set_content("ok", "text/plain");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { server.listen_after_bind(); });
  for (int i = 0; i < 500 && !server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));

  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  client.set_keep_alive(true);
  auto first = client.Get("/a", httplib::Headers{{"X-Amz-Meta-A", "100%25+%2B"}});
  auto second = client.Get("/b", httplib::Headers{{"X-Amz-Meta-A", "x%20y"}});
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->body == "ok");
  CHECK(second->status == 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].rfind("100%25+%2B ", 0) == 0);
    CHECK(seen[1].rfind("x%20y ", 0) == 0);
    CHECK(seen[0].substr(seen[0].find(' ')) == seen[1].substr(seen[1].find(' ')));  // one connection
  }
  auto start = std::chrono::steady_clock::now();
  server.stop();  // the client still holds its keep-alive connection
  t.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  std::filesystem::remove_all(dir);
}
