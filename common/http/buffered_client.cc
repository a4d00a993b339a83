// See buffered_client.h.
#include "common/http/buffered_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/http/socket_wait.h"

namespace common::http {
namespace {

constexpr size_t kReadChunk = 16 * 1024;

// Waits for `events` on fd until deadline; false on timeout or error.
bool Wait(int fd, short events, Clock::time_point deadline) {
  return WaitFd(fd, events, deadline) == Ready::kYes;
}

class BufferedStream final : public httplib::Stream {
 public:
  BufferedStream(int fd, time_t read_s, time_t write_s) : fd_(fd), read_s_(read_s), write_s_(write_s) {}

  bool is_readable() const override {
    if (!const_cast<BufferedStream*>(this)->Flush()) return false;
    return pos_ < len_ || Wait(fd_, POLLIN, Clock::now() + std::chrono::seconds(read_s_));
  }
  bool is_writable() const override { return !failed_; }

  ssize_t read(char* ptr, size_t size) override {
    if (!Flush()) return -1;
    if (pos_ == len_) {
      ssize_t n = Recv(size >= kReadChunk ? ptr : in_, size >= kReadChunk ? size : kReadChunk);
      if (n <= 0 || size >= kReadChunk) return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, in_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }

  // Sends what write() collected; false once sending failed.
  bool Flush() {
    if (failed_ || out_.empty()) return !failed_;
    auto deadline = Clock::now() + std::chrono::seconds(write_s_);
    for (size_t done = 0; done < out_.size();) {
      ssize_t n = ::send(fd_, out_.data() + done, out_.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Wait(fd_, POLLOUT, deadline)) {
        continue;
      } else {
        failed_ = true;
        return false;
      }
    }
    out_.clear();
    return true;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  socket_t socket() const override { return fd_; }

 private:
  // One recv(): > 0 bytes, 0 on EOF, -1 on error or timeout.
  ssize_t Recv(char* ptr, size_t size) {
    auto deadline = Clock::now() + std::chrono::seconds(read_s_);
    for (;;) {
      ssize_t n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if ((errno != EAGAIN && errno != EWOULDBLOCK) || !Wait(fd_, POLLIN, deadline)) return -1;
    }
  }

  int fd_;
  time_t read_s_, write_s_;
  std::string out_;
  char in_[kReadChunk];
  size_t pos_ = 0, len_ = 0;
  bool failed_ = false;
};

}  // namespace

bool BufferedClient::process_socket(const Socket& socket, std::function<bool(httplib::Stream& strm)> callback) {
  BufferedStream stream(socket.sock, read_timeout_s_, write_timeout_s_);
  return callback(stream) && stream.Flush();
}

}  // namespace common::http
