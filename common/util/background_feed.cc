// BackgroundFeed (see background_feed.h).
#include "common/util/background_feed.h"

#include <algorithm>

namespace common::util {

BackgroundFeed::BackgroundFeed(std::function<void(std::string_view)> consume) : consume_(std::move(consume)) {
  current_.reserve(kBufferSize);
  for (size_t i = 1; i < kBuffers; ++i) free_.emplace_back();
  worker_ = std::thread([this] { Run(); });
}

BackgroundFeed::~BackgroundFeed() { Finish(); }

void BackgroundFeed::Feed(std::string_view data) {
  while (!data.empty()) {
    size_t n = std::min(data.size(), kBufferSize - current_.size());
    current_.append(data.data(), n);
    data.remove_prefix(n);
    if (current_.size() == kBufferSize) Submit();
  }
}

void BackgroundFeed::Submit() {
  std::unique_lock<std::mutex> lock(mu_);
  full_.push_back(std::move(current_));
  cv_.notify_all();
  cv_.wait(lock, [this] { return !free_.empty(); });
  current_ = std::move(free_.back());
  free_.pop_back();
  current_.clear();
  if (current_.capacity() < kBufferSize) current_.reserve(kBufferSize);
}

void BackgroundFeed::Finish() {
  if (finished_) return;
  finished_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!current_.empty()) full_.push_back(std::move(current_));
    done_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void BackgroundFeed::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return !full_.empty() || done_; });
    if (full_.empty()) return;  // done_ and nothing left
    std::string buffer = std::move(full_.front());
    full_.pop_front();
    lock.unlock();
    consume_(buffer);
    lock.lock();
    free_.push_back(std::move(buffer));
    cv_.notify_all();
  }
}

}  // namespace common::util
