// A small SQLite database for a control-plane service of the S3 process (Glacier vaults in glacier.db,
// S3 access points in control.db): one connection behind a mutex (request rates are small), WAL +
// synchronous=NORMAL like s3.db, the schema applied at open. Write() / Changes() run one statement; Locked() gives
// the connection to a reader for as long as the returned lock lives.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/error.h"

namespace emulator::store {

class ControlDb {
 public:
  // what names the file in errors ("glacier.db"); failures are InternalError-style 500s with `code`.
  static common::Result<std::unique_ptr<ControlDb>> Open(const std::string& path, const char* schema,
                                                         std::string what, std::string code) {
    try {
      auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 10000);
      db->exec("PRAGMA journal_mode=WAL");
      db->exec("PRAGMA synchronous=NORMAL");
      db->exec(schema);
      return std::unique_ptr<ControlDb>(new ControlDb(std::move(db), std::move(what), std::move(code)));
    } catch (const std::exception& e) {
      return common::MakeError(code, what + ": " + e.what(), 500);
    }
  }

  common::AwsError Failure(const std::exception& e) const { return common::MakeError(code_, what_ + ": " + e.what(), 500); }

  // One statement: bind(statement) binds its parameters. Changes() answers how many rows it changed.
  template <typename Bind>
  common::Result<int> Changes(const char* sql, Bind&& bind) {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      SQLite::Statement s(*db_, sql);
      bind(s);
      return s.exec();
    } catch (const std::exception& e) {
      return Failure(e);
    }
  }
  template <typename Bind>
  common::Status Write(const char* sql, Bind&& bind) {
    auto changed = Changes(sql, std::forward<Bind>(bind));
    if (!changed.ok()) return changed.error();
    return common::Ok{};
  }

  // The connection, held for as long as the returned lock lives.
  std::pair<std::unique_lock<std::mutex>, SQLite::Database*> Locked() {
    return {std::unique_lock<std::mutex>(mutex_), db_.get()};
  }

 private:
  ControlDb(std::unique_ptr<SQLite::Database> db, std::string what, std::string code)
      : db_(std::move(db)), what_(std::move(what)), code_(std::move(code)) {}

  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
  std::string what_, code_;
};

}  // namespace emulator::store
