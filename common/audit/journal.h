// The append-only journals in front of trail.db (see trail.h for the whole design).
//
// JournalWriter: a process's own journal, <data>/trail/<program>-<pid>-<start millis>-<seq>.jsonl. One
// record is one line, written with ONE write() of the whole line on an O_APPEND descriptor before the
// request is answered: the line is in the page cache when write() returns, so it survives kill -9 of the
// process (not a power loss, as everywhere in s3lab). The copies of one event delivered to several
// accounts are written together, all their lines in that one write(). The writer holds flock(LOCK_EX)
// on its journal for as long as it may write to it: that is how importers tell a live journal from one
// whose writer is gone (exited, crashed, or rotated to a new file). A new journal is created under a
// ".tmp" name, locked, then renamed, so no importer ever sees an unlocked journal that is still going to
// be written.
//
// Line format: the row's index columns as a JSON array, a tab, the CloudTrail record as JSON, "\n". The
// array's 14th element, the `decision` column (record.h DecisionText), is present only for denials.
// Neither JSON text contains a raw tab or newline (the dumps are compact and escape control characters),
// so the importer parses only the small column array and stores the record text as written.
//
// JournalImporter: copies journal lines into trail.db's `events` table, for every journal in the folder
// (any process imports any journal, so a dead process's records are imported too). Exactly once: the
// byte offset up to which a journal is imported is stored in `journals(name, offset)` and advanced in the
// same transaction as the rows it covers; the offset is read inside that transaction (BEGIN IMMEDIATE,
// SQLite's write lock), so concurrent importers in several processes never import a line twice. Only
// complete lines (up to the last "\n") are imported. A fully imported journal whose lock can be taken (its
// writer is gone) is deleted with its offset row; a torn last line of a gone writer is dropped then.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "common/error.h"

namespace SQLite {
class Database;
class Statement;
}

namespace common::audit {

// The index columns of one `events` row (trail.cc's schema) plus the record JSON text.
struct JournalRow {
  std::string event_id;
  int64_t event_time = 0;
  std::string account_id;
  std::string event_source;
  std::string event_name;
  std::string username;
  std::string access_key_id;
  bool read_only = false;
  bool management = true;
  std::string region;
  std::string error_code;
  std::string resource_types;  // "|AWS::KMS::Key|": every resource between bars
  std::string resource_names;
  std::string record;
  std::string decision;  // "" = none (stored as NULL)
};

// The index columns as the encoder takes them (views: no copies on the request path).
struct JournalColumns {
  std::string_view event_id;
  int64_t event_time = 0;
  std::string_view account_id, event_source, event_name, username, access_key_id;
  bool read_only = false;
  bool management = true;
  std::string_view region, error_code, resource_types, resource_names;
  std::string_view decision;  // "" = none: the array then ends after resource_names
};

// Appends the column array of a journal line (the tab, the record and "\n" are the caller's).
void AppendJournalColumns(std::string& out, const JournalColumns& columns);
// The journal line of a row (ends with "\n").
std::string EncodeJournalLine(const JournalRow& row);
// The row of one line without its "\n"; false when the line is not a journal line.
bool DecodeJournalLine(std::string_view line, JournalRow* row);

class JournalWriter {
 public:
  // Creates and locks a new journal in dir (created when missing). program names the file.
  static Result<std::unique_ptr<JournalWriter>> Open(const std::string& dir, const std::string& program);
  ~JournalWriter();  // closes the journal (releasing its lock: importers may then delete it once imported)
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Appends one line, or several complete lines (the copies of one event: Trail::AppendAll), with a
  // single write(). Thread-safe. Ok means the lines are in the page cache.
  Status Append(const std::string& line);
  // Switches to a new journal file; the old one is closed (its lock released). Thread-safe.
  Status Rotate();
  int64_t bytes() const;  // written to the current file

 private:
  JournalWriter(std::string dir, std::string program) : dir_(std::move(dir)), program_(std::move(program)) {}
  Status OpenNext();  // under the unique lock

  std::string dir_, program_;
  mutable std::shared_mutex mutex_;  // shared: Append; unique: Rotate
  int fd_ = -1;
  int seq_ = 0;  // of the current file (process-wide counter)
  std::atomic<int64_t> bytes_{0};
};

struct ImportStats {
  int64_t records = 0;       // rows inserted
  int64_t transactions = 0;  // transactions that inserted them
};

class JournalImporter {
 public:
  // Imports into the trail database at db_path (which must exist with trail.cc's schema) from dir.
  static Result<std::unique_ptr<JournalImporter>> Open(const std::string& db_path, const std::string& dir);
  ~JournalImporter();
  JournalImporter(const JournalImporter&) = delete;
  JournalImporter& operator=(const JournalImporter&) = delete;

  // Imports every complete line not yet imported, from every journal in dir, in transactions of at most
  // ~4 MiB of lines each; deletes journals that are fully imported and no longer written. Thread-safe.
  Result<ImportStats> ImportAll();
  // PRAGMA wal_checkpoint(PASSIVE) on the importer's connection.
  void Checkpoint();
  // The importer's connection runs no automatic checkpoints (the Trail's import thread does them).
  void DisableAutoCheckpoint();

 private:
  struct Source;
  JournalImporter(std::unique_ptr<SQLite::Database> db, std::string dir);
  Status ImportFile(const std::string& name, ImportStats* stats);
  Result<bool> ImportChunk(const std::string& name, Source& src, int64_t size, ImportStats* stats);  // false: nothing imported
  void MaybeDelete(const std::string& name, Source& src, ImportStats* stats);

  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<SQLite::Statement> insert_, get_offset_, set_offset_;
  std::string dir_;
  std::map<std::string, std::unique_ptr<Source>> sources_;  // open journals by file name
};

}  // namespace common::audit
