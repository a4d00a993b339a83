// Internal to emulator/store: SQLite connections with cached prepared statements, a pool of reader
// connections and one writer connection behind a mutex. WAL + synchronous=NORMAL (see object_store.h);
// WAL checkpoints run on a background thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

struct sqlite3;

namespace emulator::store::internal {

// One connection and its prepared statements (keyed by SQL text, prepared on first use).
class Db {
 public:
  Db(const std::string& path, bool writer);
  SQLite::Database& raw() { return db_; }
  // The cached statement for sql, reset and with bindings cleared.
  SQLite::Statement& Stmt(const std::string& sql);

 private:
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

// Resets a statement when leaving scope (so no read transaction stays open on a pooled connection).
class StmtScope {
 public:
  explicit StmtScope(SQLite::Statement& s) : s_(s) {}
  ~StmtScope() {
    try {
      s_.reset();
    } catch (...) {
    }
  }
  SQLite::Statement* operator->() { return &s_; }
  SQLite::Statement& operator*() { return s_; }

 private:
  SQLite::Statement& s_;
};

class Pool;

// Exclusive use of one connection until destroyed.
class Lease {
 public:
  Lease(Pool* pool, Db* db, std::unique_lock<std::mutex> writer_lock);
  Lease(Lease&& other) noexcept;
  ~Lease();
  Db& db() { return *db_; }
  SQLite::Statement& Stmt(const std::string& sql) { return db_->Stmt(sql); }

 private:
  Pool* pool_;
  Db* db_;
  std::unique_lock<std::mutex> writer_lock_;  // owned for the writer lease
};

class Pool {
 public:
  Pool(const std::string& path, int readers);
  ~Pool();
  Lease Reader();
  Lease Writer();  // blocks until the writer connection is free

 private:
  friend class Lease;
  void Release(Db* db);
  static int WalHook(void* self, sqlite3* db, const char* name, int pages);
  void CheckpointLoop();

  static constexpr int kCheckpointPages = 8192;  // 64 MiB of WAL at 8 KiB pages

  std::unique_ptr<Db> writer_;
  std::mutex writer_mu_;
  std::vector<std::unique_ptr<Db>> readers_;
  std::vector<Db*> free_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<Db> checkpoint_db_;
  std::thread checkpointer_;
  std::mutex ck_mu_;
  std::condition_variable ck_cv_;
  int wal_pages_ = 0;
  bool stop_ = false;
};

}  // namespace emulator::store::internal
