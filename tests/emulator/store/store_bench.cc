// Microbenchmark of the object store (not a test): 4 KiB PUT/GET rates at 1 and N threads, and a large
// object's PUT/GET throughput with peak RSS. Usage: store_bench [dir] [threads] [big_mib]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "emulator/store/object_store.h"

using namespace emulator::store;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }
long PeakRssKib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void PutSmall(ObjectStore& s, const std::string& key, const std::string& body) {
  auto w = s.NewWriter("bench", key, SseInfo{});
  if (!w.ok() || !(*w)->Write(body).ok()) std::abort();
  NewVersion v;
  v.etag = "0123456789abcdef0123456789abcdef";
  v.owner_account = "111122223333";
  v.meta.content_type = "application/octet-stream";
  if (!(*w)->Commit(v).ok()) std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? argv[1] : std::filesystem::temp_directory_path() / "s3lab-store-bench";
  int threads = argc > 2 ? std::stoi(argv[2]) : 8;
  int big_mib = argc > 3 ? std::stoi(argv[3]) : 256;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  StoreOptions o;
  o.db_path = (dir / "s3.db").string();
  o.master_key = common::crypto::RandomKey(32);
  auto opened = ObjectStore::Open(std::move(o));
  if (!opened.ok()) return 1;
  ObjectStore& s = **opened;
  BucketRecord b{"bench", "111122223333", "us-east-1"};
  (void)s.CreateBucket(b);
  std::string body = common::crypto::RandomBytes(4096);

  const int n1 = 5000;
  auto t0 = Clock::now();
  for (int i = 0; i < n1; ++i) PutSmall(s, "one/" + std::to_string(i), body);
  std::printf("4KiB PUT  1 thread : %8.0f /s\n", n1 / Seconds(t0));

  const int per = 2000;
  t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < per; ++i) PutSmall(s, "multi/" + std::to_string(t) + "/" + std::to_string(i), body);
    });
  for (auto& t : ts) t.join();
  std::printf("4KiB PUT %2d threads: %8.0f /s\n", threads, threads * per / Seconds(t0));

  ts.clear();
  std::atomic<int64_t> got{0};
  t0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < per; ++i) {
        auto v = s.GetObject("bench", "multi/" + std::to_string(t) + "/" + std::to_string(i));
        auto r = s.OpenReader(*v);
        (void)(*r)->Read(0, -1, [&](std::string_view d) {
          got += static_cast<int64_t>(d.size());
          return true;
        });
      }
    });
  for (auto& t : ts) t.join();
  std::printf("4KiB GET %2d threads: %8.0f /s\n", threads, threads * per / Seconds(t0));

  std::string chunk = common::crypto::RandomBytes(1 << 20);
  t0 = Clock::now();
  {
    auto w = s.NewWriter("bench", "big", SseInfo{});
    for (int i = 0; i < big_mib; ++i)
      if (!(*w)->Write(chunk).ok()) return 2;
    if (!(*w)->Commit(NewVersion{}).ok()) return 3;
  }
  std::printf("%d MiB PUT: %7.0f MB/s\n", big_mib, big_mib * 1.048576 / Seconds(t0));
  t0 = Clock::now();
  int64_t read = 0;
  auto v = s.GetObject("bench", "big");
  auto r = s.OpenReader(*v);
  (void)(*r)->Read(0, -1, [&](std::string_view d) {
    read += static_cast<int64_t>(d.size());
    return true;
  });
  std::printf("%d MiB GET: %7.0f MB/s (%lld bytes)\n", big_mib, big_mib * 1.048576 / Seconds(t0),
              static_cast<long long>(read));
  std::printf("peak RSS: %ld KiB\n", PeakRssKib());
  opened->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
