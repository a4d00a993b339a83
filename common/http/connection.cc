// See connection.h. One ConnStream per connection: a read buffer (the head is read into it first, the
// rest is served to httplib from it), non-blocking socket calls with poll() deadlines taken from
// httplib's read/write timeouts, and the stop eventfd in every wait that may be abandoned (between
// requests, while a head arrives, during the TLS handshake, while draining). Body reads and response
// writes ignore stopping: a request in flight finishes (bounded by the read/write timeouts).
// Writes are coalesced: httplib writes a response head and its body in separate calls, which cost
// two send() calls (two packets with TCP_NODELAY); they collect in an output buffer that is sent
// when it fills, before the stream waits for input (a 100 Continue) and when a request is done.
#include "common/http/connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "common/crypto/tls_session.h"
#include "common/http/raw_head.h"
#include "common/http/socket_wait.h"

namespace common::http {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kWriteBuffer = 64 * 1024;  // coalesced output; larger writes go out directly
constexpr size_t kMaxRequestLine = 8192;  // httplib's CPPHTTPLIB_REQUEST_URI_MAX_LENGTH (414 beyond)
constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr auto kDrainTime = std::chrono::seconds(2);

void Address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return;
  ip = host;
  port = std::atoi(serv);
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// True when a response head (status line + headers) has a `Connection: close` header.
bool SaysClose(std::string_view head) {
  constexpr std::string_view kClose = "connection: close";
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos) {
    size_t end = head.find("\r\n", pos + 2);
    std::string_view line = head.substr(pos + 2, end == std::string_view::npos ? end : end - pos - 2);
    if (line.size() == kClose.size() && ::strncasecmp(line.data(), kClose.data(), kClose.size()) == 0)
      return true;
    pos = end;
  }
  return false;
}

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Error";
  }
}

class ConnStream final : public httplib::Stream {
 public:
  enum class Head { kComplete, kTooLarge, kPassThrough, kClosed };

  ConnStream(int fd, crypto::TlsSession* tls, const ConnectionLimits& limits, int stop_fd)
      : fd_(fd), tls_(tls), limits_(limits), stop_fd_(stop_fd) {
    Address(fd, true, remote_ip_, remote_port_);
    Address(fd, false, local_ip_, local_port_);
  }

  bool is_readable() const override {
    // httplib may wait for input after writing a 100 Continue: send it first (const in httplib's API).
    if (!out_.empty()) const_cast<ConnStream*>(this)->Flush();
    return pos_ < buf_.size() || (tls_ != nullptr && tls_->HasPending()) ||
           WaitFd(fd_, POLLIN, ReadDeadline(), -1, nullptr) == Ready::kYes;
  }
  bool is_writable() const override { return !write_failed_; }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
      if (size >= kReadChunk) return Fill(ptr, size, ReadDeadline(), -1);
      ssize_t n = Fill(chunk_.get(), kReadChunk, ReadDeadline(), -1);
      if (n <= 0) return n;
      buf_.assign(chunk_.get(), static_cast<size_t>(n));
    }
    size_t n = std::min(size, buf_.size() - pos_);
    std::memcpy(ptr, buf_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    NoteResponseHead(std::string_view(ptr, size));
    if (write_failed_) return -1;
    if (out_.size() + size <= kWriteBuffer) {
      out_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    if (!Flush()) return -1;
    if (size < kWriteBuffer) {
      out_.assign(ptr, size);
      return static_cast<ssize_t>(size);
    }
    return SendAll(ptr, size) ? static_cast<ssize_t>(size) : -1;
  }

  // Sends what write() collected. False once the transport failed.
  bool Flush() {
    if (out_.empty() || write_failed_) return !write_failed_;
    bool ok = SendAll(out_.data(), out_.size());
    out_.clear();
    return ok;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return fd_; }

  // Between requests: true once bytes (or EOF) are there; false on keep-alive timeout or stop.
  // Under load the next request is often there already: one recv() then instead of poll() + recv().
  bool WaitForRequest(time_t keep_alive_s) {
    if (pos_ < buf_.size() || (tls_ != nullptr && tls_->HasPending())) return true;
    if (tls_ == nullptr) {
      ssize_t n;
      do {
        n = ::recv(fd_, chunk_.get(), kReadChunk, MSG_DONTWAIT);
      } while (n < 0 && errno == EINTR);
      if (n > 0) {
        buf_.erase(0, pos_);
        pos_ = 0;
        buf_.append(chunk_.get(), static_cast<size_t>(n));
      }
      if (n >= 0) return true;  // bytes, or EOF for ReadHead to see
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    }
    return WaitFd(fd_, POLLIN, After(keep_alive_s, 0), stop_fd_, limits_.listen_socket) == Ready::kYes;
  }

  // Reads the next request's head into the buffer (see connection.h) and resets per-request state.
  Head ReadHead(size_t max_header_bytes) {
    head_.clear();
    response_seen_ = response_closes_ = false;
    buf_.erase(0, pos_);
    pos_ = 0;
    auto deadline = ReadDeadline();
    for (;;) {
      std::string_view data(buf_);
      size_t nl = data.find('\n');
      if ((nl == std::string_view::npos ? data.size() : nl + 1) > kMaxRequestLine) return Head::kPassThrough;
      if (nl != std::string_view::npos) {
        size_t end = data.find("\r\n\r\n", nl == 0 ? 0 : nl - 1);
        size_t header_bytes = (end == std::string_view::npos ? data.size() : end + 2) - (nl + 1);
        if (header_bytes > max_header_bytes + (end == std::string_view::npos ? 3 : 0)) return Head::kTooLarge;
        if (end != std::string_view::npos) {
          head_.assign(data.substr(0, end + 4));
          return Head::kComplete;
        }
      }
      ssize_t n = Fill(chunk_.get(), kReadChunk, deadline, stop_fd_);
      if (n > 0) {
        buf_.append(chunk_.get(), static_cast<size_t>(n));
        continue;
      }
      if (buf_.empty() || last_wait_ == Ready::kStop) return Head::kClosed;
      return Head::kPassThrough;  // EOF or timeout inside a head: httplib answers what it can
    }
  }
  const std::string& head() const { return head_; }
  bool request_is_head() const { return StartsWith(buf_, "HEAD "); }
  bool response_closes() const { return response_closes_; }

  void WriteDirect(const DirectResponse& r, bool head_request) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n";
    if (!head_request) out += r.body;
    if (write(out.data(), out.size()) > 0) Flush();
  }

  // Before closing with input possibly unread: stop sending, then read and drop what the client
  // still sends (bounded), so the close does not reset the connection before it read the answer.
  void Drain() {
    Flush();
    if (tls_ != nullptr) tls_->Shutdown();
    ::shutdown(fd_, SHUT_WR);
    auto deadline = Clock::now() + kDrainTime;
    char sink[4096];
    for (size_t total = 0; total < kMaxDrainBytes;) {
      ssize_t n = ::recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
      if (n == 0) return;  // the client closed: done
      if (n > 0) {
        total += static_cast<size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return;
      if (WaitFd(fd_, POLLIN, deadline, stop_fd_, limits_.listen_socket) != Ready::kYes) return;
    }
  }

 private:
  Clock::time_point ReadDeadline() const { return After(limits_.read_timeout_s, limits_.read_timeout_us); }

  crypto::TlsSession::Wait Waiter(Clock::time_point deadline, int stop_fd) {
    return [this, deadline, stop_fd](bool want_write) {
      last_wait_ = WaitFd(fd_, want_write ? POLLOUT : POLLIN, deadline, stop_fd, limits_.listen_socket);
      return last_wait_ == Ready::kYes;
    };
  }

  // Writes all of [ptr, ptr + size) within the write timeout; false (and write_failed_) otherwise.
  bool SendAll(const char* ptr, size_t size) {
    auto deadline = After(limits_.write_timeout_s, limits_.write_timeout_us);
    for (size_t done = 0; done < size;) {
      ssize_t n = -1;
      if (tls_ != nullptr) {
        n = tls_->Write(ptr + done, size - done, Waiter(deadline, -1));
      } else {
        n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            WaitFd(fd_, POLLOUT, deadline, -1, nullptr) == Ready::kYes)
          continue;
      }
      if (n <= 0) {
        write_failed_ = true;
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // One read from the transport: > 0 bytes, 0 on EOF, -1 on error, timeout or stop (last_wait_ says).
  // Output still buffered goes first: the peer may be waiting for it (100 Continue) before it sends.
  ssize_t Fill(char* ptr, size_t size, Clock::time_point deadline, int stop_fd) {
    if (!Flush()) return -1;
    last_wait_ = Ready::kYes;
    if (tls_ != nullptr) return tls_->Read(ptr, size, Waiter(deadline, stop_fd));
    for (;;) {
      ssize_t n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      last_wait_ = WaitFd(fd_, POLLIN, deadline, stop_fd, limits_.listen_socket);
      if (last_wait_ != Ready::kYes) return -1;
    }
  }

  // httplib writes a response head in one write(); a 100 Continue comes before the real one.
  void NoteResponseHead(std::string_view data) {
    if (response_seen_ || !StartsWith(data, "HTTP/1.1 ") || StartsWith(data, "HTTP/1.1 100 ")) return;
    response_seen_ = true;
    response_closes_ = SaysClose(data.substr(0, data.find("\r\n\r\n")));
  }

  int fd_;
  crypto::TlsSession* tls_;
  ConnectionLimits limits_;
  int stop_fd_;
  std::unique_ptr<char[]> chunk_ = std::make_unique<char[]>(kReadChunk);  // one transport read
  std::string buf_;  // bytes read and not yet consumed by httplib, from pos_
  std::string out_;  // bytes written by httplib and not yet sent
  size_t pos_ = 0;
  std::string head_;
  Ready last_wait_ = Ready::kYes;
  bool write_failed_ = false;
  bool response_seen_ = false;
  bool response_closes_ = false;
  std::string remote_ip_, local_ip_;
  int remote_port_ = 0, local_port_ = 0;
};

}  // namespace

ConnectionLoop::ConnectionLoop() : stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

ConnectionLoop::~ConnectionLoop() {
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void ConnectionLoop::RequestStop() {
  stopping_ = true;
  if (stop_fd_ >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof one);
  }
}

bool ConnectionLoop::Stopping(const ConnectionLimits& limits) const {
  return stopping_ || (limits.listen_socket != nullptr && limits.listen_socket->load() == INVALID_SOCKET);
}

bool ConnectionLoop::Serve(socket_t fd, SSL_CTX* tls_ctx, const ConnectionLimits& limits,
                           const Process& process) const {
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  std::unique_ptr<crypto::TlsSession> tls;
  if (tls_ctx != nullptr) {
    auto deadline = After(limits.read_timeout_s, limits.read_timeout_us);
    tls = crypto::TlsSession::Accept(tls_ctx, fd, [&](bool want_write) {
      return WaitFd(fd, want_write ? POLLOUT : POLLIN, deadline, stop_fd_, limits.listen_socket) ==
             Ready::kYes;
    });
  }
  bool ret = false;
  if (tls_ctx == nullptr || tls != nullptr) {
    ConnStream stream(fd, tls.get(), limits, stop_fd_);
    const std::string tls_version = tls ? tls->Version() : "", tls_cipher = tls ? tls->Cipher() : "";
    for (size_t left = limits.keep_alive_max; left > 0 && !Stopping(limits); --left) {
      if (!stream.WaitForRequest(limits.keep_alive_timeout_s)) break;
      auto head = stream.ReadHead(options_.max_header_bytes);
      if (head == ConnStream::Head::kClosed) break;
      if (head == ConnStream::Head::kTooLarge) {
        DirectResponse answer;
        if (options_.header_section_too_large) answer = options_.header_section_too_large();
        stream.WriteDirect(answer, stream.request_is_head());
        stream.Drain();
        ret = false;
        break;
      }
      bool closed = false;
      {
        RawHeadScope scope(head == ConnStream::Head::kComplete ? std::string_view(stream.head()) : "", tls_version,
                           tls_cipher);
        ret = process(stream, left == 1 || Stopping(limits), closed);
      }
      if (!stream.Flush()) ret = false;
      if (stream.response_closes()) stream.Drain();
      if (!ret || closed || stream.response_closes()) break;
    }
    if (tls != nullptr) tls->Shutdown();
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  return ret;
}

}  // namespace common::http
