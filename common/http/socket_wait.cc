// See socket_wait.h.
#include "common/http/socket_wait.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace common::http {
namespace {

constexpr int kStopCheckMs = 250;  // backstop for a stop() called on the httplib base class

}  // namespace

Ready WaitFd(int fd, short events, Clock::time_point deadline, int stop_fd,
             const std::atomic<socket_t>* listen_socket) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) left = 0;
    int timeout = static_cast<int>(stop_fd >= 0 ? std::min<long long>(left, kStopCheckMs) : left);
    pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    int n = ::poll(fds, stop_fd >= 0 ? 2 : 1, timeout);
    if (n < 0 && errno != EINTR) return Ready::kError;
    if (n > 0 && stop_fd >= 0 && fds[1].revents != 0) return Ready::kStop;
    if (n > 0) return Ready::kYes;
    if (stop_fd >= 0 && listen_socket != nullptr && listen_socket->load() == INVALID_SOCKET)
      return Ready::kStop;
    if (n == 0 && left <= timeout) return Ready::kTimeout;
  }
}

}  // namespace common::http
