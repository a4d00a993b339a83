// See server_setup.h. httplib's Request is non-const inside its pipeline; the pre-routing handler runs
// after the headers are parsed and before the body is read, which is the only point where renaming
// Content-Encoding / multipart Content-Type stops httplib from decoding or swallowing the body.
#include "common/http/server_setup.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "common/http/raw_head.h"
#include "common/util/strings.h"

namespace common::http {
namespace {

constexpr const char* kOrigEncoding = "x-s3lab-orig-content-encoding";
constexpr const char* kOrigType = "x-s3lab-orig-content-type";

// httplib stores headers in a case-insensitive multimap; move every value of `from` to `to`.
void RenameHeader(httplib::Headers& headers, const std::string& from, const std::string& to) {
  auto range = headers.equal_range(from);
  if (range.first == range.second) return;
  std::vector<std::string> values;
  for (auto it = range.first; it != range.second; ++it) values.push_back(it->second);
  headers.erase(range.first, range.second);
  for (auto& v : values) headers.emplace(to, std::move(v));
}

bool IsInjected(const std::string& lower_name) {
  return lower_name == "remote_addr" || lower_name == "remote_port" || lower_name == "local_addr" ||
         lower_name == "local_port";
}

}  // namespace

void Configure(httplib::Server& server, const ServerOptions& options) {
  server.set_tcp_nodelay(true);
  const int threads = options.threads > 0 ? options.threads : 32;
  const int backlog = options.backlog;
  // httplib binds and calls listen(fd, 5) (compiled in) before it asks for the task queue, and asks
  // for it once per listen() right before its accept loop: the fd captured in set_socket_options is
  // listening by then, and a second listen() on it only raises the backlog.
  auto listen_fd = std::make_shared<std::atomic<int>>(-1);
  server.new_task_queue = [threads, backlog, listen_fd] {
    int fd = listen_fd->load();
    if (fd >= 0 && backlog > 5) ::listen(fd, backlog);
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.set_keep_alive_max_count(static_cast<size_t>(options.keep_alive_max));
  server.set_keep_alive_timeout(options.keep_alive_timeout_s);
  server.set_read_timeout(options.read_timeout_s, 0);
  server.set_socket_options([listen_fd](socket_t sock) {
    // Replaces httplib's default (SO_REUSEADDR + SO_REUSEPORT).
    // NOTE: no SO_REUSEPORT, so a second instance on a taken port fails to bind instead of sharing it.
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd->store(sock);
  });
  server.set_pre_routing_handler([](const httplib::Request& r, httplib::Response&) {
    auto& req = const_cast<httplib::Request&>(r);
    RenameHeader(req.headers, "Content-Encoding", kOrigEncoding);
    auto ct = req.headers.find("Content-Type");
    if (ct != req.headers.end() && util::StartsWith(util::ToLower(ct->second), "multipart/form-data"))
      RenameHeader(req.headers, "Content-Type", kOrigType);
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

Request FromHttplib(const httplib::Request& req, bool tls) {
  Request out;
  out.method = req.method;
  out.target = req.target;
  size_t q = out.target.find('?');
  out.raw_path = out.target.substr(0, q);
  out.raw_query = q == std::string::npos ? "" : out.target.substr(q + 1);
  out.remote_addr = req.remote_addr;
  out.local_port = req.local_port;
  out.tls = tls;
  if (tls) {
    out.tls_version = std::string(CurrentTlsVersion());
    out.tls_cipher = std::string(CurrentTlsCipher());
  }
  // The bytes as sent (connection.h), when this request came through s3lab's connection loop.
  if (auto head = CurrentRawHead()) {
    std::vector<std::pair<std::string, std::string>> raw;
    if (ParseRawHead(*head, &raw) == req.target) {
      for (auto& [name, value] : raw) out.headers.emplace(util::ToLower(name), std::move(value));
      return out;
    }
  }
  // Otherwise httplib's view: values percent-decoded, the renamed headers restored.
  for (const auto& [name, value] : req.headers) {
    std::string lower = util::ToLower(name);
    if (IsInjected(lower)) continue;
    if (lower == kOrigEncoding)
      lower = "content-encoding";
    else if (lower == kOrigType)
      lower = "content-type";
    out.headers.emplace(std::move(lower), value);
  }
  return out;
}

}  // namespace common::http
