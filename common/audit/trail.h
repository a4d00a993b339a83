// The durable CloudTrail trail: <data>/trail.db (SQLite, WAL, synchronous=NORMAL), fed by both services
// (the KMS process and the S3 process, each with its own Trail) and read by LookupEvents and the console.
//
// Journal first (journal.h): Append() builds the record in the caller's thread and writes it as one line,
// with one write(), to this process's append-only journal <data>/trail/<program>-<pid>-...jsonl, then
// returns: a request is answered only after its record is in the journal, which survives kill -9 of the
// process (the page cache; not a power loss, as everywhere in s3lab). An import thread copies journal
// lines into trail.db about every 50 ms, thousands of records per transaction, with each journal's
// imported offset stored in the same transaction (exactly once, even across crashes and processes).
// Why: a SQLite commit costs ~45 us of CPU and, with CPU-bound requests, group commits held ~1.1 records,
// so committing before the reply took KMS from ~25,000 to ~8,000-10,000 GenerateDataKey/s; a write() costs
// a few microseconds and the import's per-record cost is an INSERT in a large transaction.
//
// Readers see every answered record: Lookup() (and the console's TrailReader) first import every journal
// in the folder, including those of other processes and of dead ones; at Open() a process imports what a
// previous run left. Fully imported journals whose writer is gone are deleted; a journal is rotated at
// 64 MiB. Checkpoints run on the import thread (PASSIVE, about once a second) off the request path.
//
// Schema: one row per record in `events`: the record JSON plus a column per lookup attribute (event time,
// name, source, username, access key, readOnly, event id, and the record's resource types and names as
// "|a|b|" lists, since a record names zero or more resources). Only (account, time) and (account, name,
// time) are indexed: the other attributes are matched while walking the time index newest first, which
// stops after one page of matches. `decision`: for a denial, what decided it (record.h DecisionText;
// NULL otherwise), for the console only: it is not part of the record. Open() adds the column to a
// trail.db made before it existed. `journals(name, offset)`: how far each journal is imported.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/audit/journal.h"
#include "common/audit/record.h"
#include "common/error.h"

namespace SQLite {
class Database;
class Statement;
}

namespace common::audit {

// Position in the newest-first order (event_time desc, id desc) after which a page continues.
struct Cursor {
  int64_t event_time_millis = 0;
  int64_t id = 0;
};

// The lookup attributes of LookupEvents (one per call, as on AWS).
enum class Attribute { kNone, kEventId, kEventName, kReadOnly, kUsername, kResourceType, kResourceName,
                       kEventSource, kAccessKeyId };

struct LookupQuery {
  std::string account_id;  // only this account's records
  Attribute attribute = Attribute::kNone;
  std::string value;
  std::optional<int64_t> start_millis;  // inclusive
  std::optional<int64_t> end_millis;    // inclusive
  int max_results = 50;
  std::optional<Cursor> after;
  bool management_only = true;  // LookupEvents shows management events only
};

struct StoredEvent {
  int64_t id = 0;
  std::string event_id;
  int64_t event_time_millis = 0;
  std::string event_name;
  std::string event_source;
  std::string username;
  std::string access_key_id;
  bool read_only = false;
  std::vector<std::pair<std::string, std::string>> resources;  // (type, name)
  std::string record;  // the CloudTrail record, JSON text
};

struct LookupPage {
  std::vector<StoredEvent> events;
  std::optional<Cursor> next;  // set when more records match
};

struct TrailStats {
  int64_t records = 0;  // appended by this process
  int64_t imported = 0;  // records imported into trail.db by this process (from any journal)
  int64_t batches = 0;   // import transactions of this process
};

class Trail {
 public:
  // Opens (creating) the trail database at path, imports the journals left in <dir of path>/trail/,
  // creates this process's journal there and starts the import thread.
  static Result<std::unique_ptr<Trail>> Open(const std::string& path);
  ~Trail();  // stops the import thread, closes the journal and imports it (then deletes it)
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  // Appends the record of `event` (event_id filled when empty) to the journal and returns once it is
  // written there. Thread-safe. An error means the record is not stored (the caller should not answer
  // the request as a success).
  Status Append(Event event);
  // Appends the records of several events (record.h SharedCopies: one call delivered to several
  // accounts) with ONE journal write, so a crash keeps all of them or none. Same contract as Append.
  Status AppendAll(std::vector<Event> events);

  // Imports every journal's pending lines into trail.db now (what readers do before reading).
  Status ImportPending();

  // Records matching the query, newest first, at most query.max_results (after ImportPending()).
  Result<LookupPage> Lookup(const LookupQuery& query);

  TrailStats stats() const;

 private:
  Trail(std::unique_ptr<JournalWriter> journal, std::unique_ptr<JournalImporter> importer,
        std::unique_ptr<SQLite::Database> reader);
  void ImportLoop();
  Status AppendLines(std::span<Event> events);  // Append and AppendAll: one write() for all the lines

  std::unique_ptr<JournalWriter> journal_;
  std::unique_ptr<JournalImporter> importer_;
  std::unique_ptr<SQLite::Database> reader_db_;  // guarded by reader_mutex_
  std::mutex reader_mutex_;

  std::atomic<int64_t> appended_{0};
  mutable std::mutex mutex_;        // guards stop_ and the import counters
  std::condition_variable wake_;    // the import thread's timer (and stop)
  bool stop_ = false;
  int64_t imported_ = 0, batches_ = 0;
  std::thread import_thread_;
};

}  // namespace common::audit
