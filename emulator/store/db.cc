// SQLite connections and pool (see db.h).
#include "emulator/store/db.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <sqlite3.h>

namespace emulator::store::internal {

Db::Db(const std::string& path, bool writer)
    : db_(path, writer ? (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) : SQLite::OPEN_READWRITE) {
  db_.setBusyTimeout(10000);
  if (writer) {
    // 8 KiB pages (new databases only): a 1 MiB chunk is 128 page writes instead of 256, while a
    // small PUT still rewrites only a few small pages. Measured with tests/emulator/store/store_bench.
    db_.exec("PRAGMA page_size=8192");
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA journal_size_limit=67108864");
  }
  db_.exec("PRAGMA synchronous=NORMAL");
  // A small page cache per connection keeps RSS flat while big objects stream through.
  db_.exec("PRAGMA cache_size=-2048");
  db_.exec("PRAGMA temp_store=MEMORY");
}

SQLite::Statement& Db::Stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  SQLite::Statement& s = *it->second;
  s.reset();
  s.clearBindings();
  return s;
}

Lease::Lease(Pool* pool, Db* db, std::unique_lock<std::mutex> writer_lock)
    : pool_(pool), db_(db), writer_lock_(std::move(writer_lock)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(other.db_), writer_lock_(std::move(other.writer_lock_)) {
  other.db_ = nullptr;
}

Lease::~Lease() {
  if (db_ != nullptr && !writer_lock_.owns_lock()) pool_->Release(db_);
}

Pool::Pool(const std::string& path, int readers) {
  writer_ = std::make_unique<Db>(path, true);
  checkpoint_db_ = std::make_unique<Db>(path, false);
  // Checkpoints (copying the WAL into s3.db, then fsync) run on their own thread and connection,
  // PASSIVE so they never block the writer: a commit never waits for the disk. Installing the WAL
  // hook turns SQLite's automatic checkpoint off on the writer connection.
  sqlite3_wal_hook(writer_->raw().getHandle(), &Pool::WalHook, this);
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
  for (int i = 0; i < std::max(1, readers); ++i) {
    readers_.push_back(std::make_unique<Db>(path, false));
    free_.push_back(readers_.back().get());
  }
}

Lease Pool::Reader() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  Db* db = free_.back();
  free_.pop_back();
  return Lease(this, db, {});
}

Lease Pool::Writer() { return Lease(this, writer_.get(), std::unique_lock<std::mutex>(writer_mu_)); }

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lock(ck_mu_);
    stop_ = true;
  }
  ck_cv_.notify_one();
  checkpointer_.join();
}

int Pool::WalHook(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
  auto* pool = static_cast<Pool*>(self);
  {
    std::lock_guard<std::mutex> lock(pool->ck_mu_);
    pool->wal_pages_ = pages;
  }
  if (pages >= kCheckpointPages) pool->ck_cv_.notify_one();
  return SQLITE_OK;
}

void Pool::CheckpointLoop() {
  std::unique_lock<std::mutex> lock(ck_mu_);
  while (!stop_) {
    // Checkpoint when the WAL is big, or after a quiet second when it holds anything.
    bool big = ck_cv_.wait_for(lock, std::chrono::seconds(1),
                               [this] { return stop_ || wal_pages_ >= kCheckpointPages; });
    if (stop_) break;
    if (!big && wal_pages_ == 0) continue;
    wal_pages_ = 0;
    lock.unlock();
    try {
      checkpoint_db_->raw().exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "s3lab-s3: WAL checkpoint failed: %s\n", e.what());
    }
    lock.lock();
  }
}

void Pool::Release(Db* db) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(db);
  }
  cv_.notify_one();
}

}  // namespace emulator::store::internal
