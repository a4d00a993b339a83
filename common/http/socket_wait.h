// Waiting for a socket with a deadline, shared by s3lab's connection loop (connection.h) and its client
// stream (buffered_client.h): poll() in a loop that survives EINTR and spurious wake-ups, optionally
// abandoned when a stop eventfd fires or httplib's listen socket is closed.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <ctime>

namespace common::http {

using Clock = std::chrono::steady_clock;

enum class Ready { kYes, kTimeout, kStop, kError };

inline Clock::time_point After(time_t sec, time_t usec) {
  return Clock::now() + std::chrono::seconds(sec) + std::chrono::microseconds(usec);
}

// Waits until `fd` has `events` (or an error/hang-up, which the next call reports), until `deadline`,
// or, when stop_fd >= 0, until the loop stops (its eventfd, or listen_socket closed: INVALID_SOCKET).
Ready WaitFd(int fd, short events, Clock::time_point deadline, int stop_fd = -1,
             const std::atomic<socket_t>* listen_socket = nullptr);

}  // namespace common::http
