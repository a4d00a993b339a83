// BackgroundFeed: runs a byte consumer (here: the digests of a request body) on a thread of its own,
// so a large upload's MD5 (~700 MB/s on one core, S3's ETag) runs beside the decryption, encryption
// and storage work of the request thread instead of after each piece of it.
//
// Feed() copies bytes into the current 1 MiB buffer and hands full buffers to the worker over a
// bounded queue (kBuffers buffers in all, so memory stays at 4 MiB and a slow consumer slows the
// feeder down); Finish() hands over the rest and waits until the consumer saw every byte, in order.
// Only for large bodies: a small one is cheaper to digest in place than to hand to a thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace common::util {

class BackgroundFeed {
 public:
  explicit BackgroundFeed(std::function<void(std::string_view)> consume);
  ~BackgroundFeed();  // finishes (waits for the consumer) if Finish was not called
  BackgroundFeed(const BackgroundFeed&) = delete;
  BackgroundFeed& operator=(const BackgroundFeed&) = delete;

  void Feed(std::string_view data);
  void Finish();  // after this the consumer has seen every byte fed; call once

 private:
  static constexpr size_t kBufferSize = 1 << 20;
  static constexpr size_t kBuffers = 4;
  void Submit();  // hands current_ to the worker and takes a free buffer (waits for one)
  void Run();

  std::function<void(std::string_view)> consume_;
  std::string current_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> full_;
  std::vector<std::string> free_;
  bool done_ = false;
  bool finished_ = false;
  std::thread worker_;
};

}  // namespace common::util
