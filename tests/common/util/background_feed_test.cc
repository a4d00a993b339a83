// BackgroundFeed: the consumer sees every byte in order, whatever the piece sizes, and Finish waits for it.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>

#include "common/crypto/crypto.h"
#include "common/util/background_feed.h"

using common::util::BackgroundFeed;

namespace {

std::string Bytes(size_t n) {
  std::string s(n, '\0');
  uint32_t x = 12345;
  for (auto& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

}  // namespace

TEST_CASE("BackgroundFeed hands every byte to the consumer in order, across buffer boundaries") {
  const std::string data = Bytes((5 << 20) + 12345);
  auto md5 = common::crypto::Hasher::Create(common::crypto::Algorithm::kMd5);
  std::atomic<std::thread::id> consumer_thread{};
  size_t seen = 0;
  {
    BackgroundFeed feed([&](std::string_view piece) {
      consumer_thread = std::this_thread::get_id();
      seen += piece.size();
      md5->Update(piece);
    });
    size_t pos = 0, step = 1;
    while (pos < data.size()) {  // pieces of 1 byte up to ~1.5 MiB
      size_t n = std::min(step, data.size() - pos);
      feed.Feed(std::string_view(data).substr(pos, n));
      pos += n;
      step = step * 7 % 1'500'007 + 1;
    }
    feed.Finish();
    CHECK(seen == data.size());
  }
  CHECK(md5->Digest() == common::crypto::Digest(common::crypto::Algorithm::kMd5, data));
  CHECK(consumer_thread.load() != std::this_thread::get_id());
}

TEST_CASE("BackgroundFeed with nothing fed, and without an explicit Finish") {
  size_t calls = 0;
  { BackgroundFeed feed([&](std::string_view) { ++calls; }); }
  CHECK(calls == 0);
  size_t seen = 0;
  {
    BackgroundFeed feed([&](std::string_view piece) { seen += piece.size(); });
    feed.Feed("abc");
  }  // the destructor finishes: the consumer saw the bytes before it returned
  CHECK(seen == 3);
}
