// The durable CloudTrail trail: <data>/trail.db (SQLite, WAL, synchronous=NORMAL), appended by both
// services (the KMS process and the S3 process, each with its own Trail; SQLite's file locking and a
// busy timeout serialise their commits) and read by LookupEvents.
//
// Group commit: Append() builds the record in the caller's thread and queues it; the appender at the
// head of the queue (the leader) takes everything queued, inserts it in ONE transaction and commits,
// then wakes the waiters of that batch and hands leadership on. So a request is answered only after its
// record is committed (it survives kill -9 of the process; not a power loss, as everywhere in s3lab), and
// the cost of a commit is shared by every request that arrived while the previous batch was written.
// Cost, measured on the 2-core box (bench/s3lab-loadgen, KMS GenerateDataKey, 8-16 connections): a commit
// of one record takes ~45 us of CPU and batches stay small (1-2 records) because requests are CPU-bound,
// so auditing takes KMS from ~25,000 to ~8,000-10,000 requests/s. Checkpoints run on a thread of their
// own (PASSIVE, about once a second) so an append never waits for the WAL to be copied into the database.
//
// Schema: one row per record in `events`: the record JSON plus a column per lookup attribute (event time,
// name, source, username, access key, readOnly, event id, and the record's resource types and names as
// "|a|b|" lists, since a record names zero or more resources). Only (account, time) and (account, name,
// time) are indexed: every index costs page writes per commit on the KMS hot path; the other attributes
// are matched while walking the time index newest first, which stops after one page of matches.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
  int64_t records = 0;  // committed by this process
  int64_t batches = 0;  // transactions that committed them
};

class Trail {
 public:
  // Opens (creating) the trail database at path and starts the writer thread.
  static Result<std::unique_ptr<Trail>> Open(const std::string& path);
  ~Trail();  // drains the queue, then stops the threads
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  // Appends the record of `event` (event_id filled when empty) and returns once the transaction holding
  // it committed. Thread-safe. An error means the record is not stored (the caller should not answer
  // the request as a success).
  Status Append(Event event);

  // Records matching the query, newest first, at most query.max_results.
  Result<LookupPage> Lookup(const LookupQuery& query);

  TrailStats stats() const;

 private:
  struct Row;
  struct Waiter;
  Trail(std::unique_ptr<SQLite::Database> writer, std::unique_ptr<SQLite::Database> reader,
        std::unique_ptr<SQLite::Database> checkpointer);
  void CheckpointLoop();
  Status WriteBatch(const std::vector<Waiter*>& batch);

  std::unique_ptr<SQLite::Database> writer_db_;        // the current leader only
  std::unique_ptr<SQLite::Statement> insert_;          // on writer_db_
  std::unique_ptr<SQLite::Database> reader_db_;        // guarded by reader_mutex_
  std::unique_ptr<SQLite::Database> checkpoint_db_;    // checkpoint thread only
  std::mutex reader_mutex_;

  mutable std::mutex mutex_;
  std::deque<Waiter*> queue_;              // front = the leader writing (or about to write) a batch
  std::condition_variable drained_;        // the destructor waits for the queue to empty
  std::condition_variable checkpoint_cv_;  // wakes the checkpoint thread early (and on stop)
  bool stop_ = false;
  TrailStats stats_;
  std::thread checkpointer_;
};

}  // namespace common::audit
