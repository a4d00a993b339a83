// Group commit and the in-place overwrite of a small null version (emulator/store/group_commit.h,
// SqliteObjectStore::OverwriteInPlaceLocked): concurrent commits share transactions without mixing
// their outcomes, and an overwrite keeps one row and one chunk while old readers see the old version gone.
#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/emulator/store/store_test_util.h"

using namespace emulator::store;
using emulator::store::testing::CountRows;
using emulator::store::testing::Pattern;
using emulator::store::testing::TempStore;

namespace {

// The chunk row ids: an overwrite in place keeps them, a replacement gets new ones.
int64_t FirstChunkId(const TempStore& t) {
  SQLite::Database db((t.dir() / "s3.db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COALESCE(MIN(id), -1) FROM chunks").getInt64();
}

std::string Key(int thread, int n) {
  std::string key = "k";
  key += std::to_string(thread);
  key += '-';
  key += std::to_string(n);
  return key;
}

NewVersion Meta(const std::string& etag) {
  NewVersion v;
  v.etag = etag;
  v.owner_account = "111122223333";
  return v;
}

}  // namespace

TEST_CASE("Concurrent commits all land; a commit into a bucket deleted meanwhile fails alone") {
  TempStore t;
  t.MakeBucket("b");
  t.MakeBucket("gone");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::atomic<bool> gone_failed{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        std::string key = Key(i, j % 10);  // overwrites too
        auto w = t->NewWriter("b", key, SseInfo{});
        if (!w.ok() || !(*w)->Write(Pattern(100 + j, static_cast<uint32_t>(i * 1000 + j))).ok() ||
            !(*w)->Commit(Meta(std::to_string(j))).ok()) {
          ++failures;
        }
      }
    });
  }
  auto doomed = t->NewWriter("gone", "x", SseInfo{});
  REQUIRE(doomed.ok());
  REQUIRE((*doomed)->Write("never visible").ok());
  REQUIRE(t->DeleteBucket("gone").ok());
  threads.emplace_back([&] {
    auto c = (*doomed)->Commit(Meta("x"));
    gone_failed = !c.ok() && c.error().code == "NoSuchBucket";
  });
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(gone_failed);
  CHECK(CountRows(t, "versions") == kThreads * 10);
  CHECK(CountRows(t, "chunks") == kThreads * 10);
  for (int i = 0; i < kThreads; ++i) {
    for (int j = kPerThread - 10; j < kPerThread; ++j) {
      std::string key = Key(i, j % 10);
      auto v = t->GetObject("b", key);
      REQUIRE(v.ok());
      CHECK(v->etag == std::to_string(j));
      CHECK(t.ReadAll(*v) == Pattern(100 + j, static_cast<uint32_t>(i * 1000 + j)));
    }
  }
}

TEST_CASE("An unversioned overwrite of a small object is done in place; readers of the old version see it gone") {
  TempStore t;
  t.MakeBucket("b");
  ObjectVersion first = t.Put("b", "k", "first body");
  int64_t chunk = FirstChunkId(t);
  ObjectVersion second = t.Put("b", "k", Pattern(5000));
  CHECK(FirstChunkId(t) == chunk);
  CHECK(second.seq == first.seq);
  CHECK(second.version_id == "null");
  CHECK(CountRows(t, "versions") == 1);
  CHECK(CountRows(t, "chunks") == 1);
  CHECK(t.ReadAll(*t->GetObject("b", "k")) == Pattern(5000));
  auto stale = t->OpenReader(first);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == "NoSuchVersion");

  SUBCASE("small to multi-chunk and back falls back to replacing rows") {
    ObjectVersion big = t.Put("b", "k", Pattern(kChunkSize + 10, 3));
    CHECK(FirstChunkId(t) != chunk);
    CHECK(CountRows(t, "chunks") == 2);
    CHECK(t.ReadAll(*t->GetObject("b", "k")) == Pattern(kChunkSize + 10, 3));
    t.Put("b", "k", "small again");
    CHECK(CountRows(t, "chunks") == 1);
    CHECK(t.ReadAll(*t->GetObject("b", "k")) == "small again");
  }
  SUBCASE("an empty object has no chunk to reuse") {
    t.Put("b", "k", "");
    CHECK(CountRows(t, "chunks") == 0);
    t.Put("b", "k", "after empty");
    CHECK(CountRows(t, "chunks") == 1);
    CHECK(t.ReadAll(*t->GetObject("b", "k")) == "after empty");
  }
  SUBCASE("a bucket that had versioning never overwrites in place") {
    REQUIRE(t->SetVersioning("b", "Suspended").ok());
    t.Put("b", "k", "third");
    CHECK(FirstChunkId(t) != chunk);
    CHECK(t.ReadAll(*t->GetObject("b", "k")) == "third");
  }
  SUBCASE("the overwrite survives a reopen") {
    t.Reopen();
    CHECK(t.ReadAll(*t->GetObject("b", "k")) == Pattern(5000));
  }
}
