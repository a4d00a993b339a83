// Opening trail.db, the group-commit writer and the checkpoint thread (see trail.h). Lookups are in
// trail_lookup.cc.
#include "common/audit/trail.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "common/crypto/crypto.h"

namespace common::audit {
namespace {

constexpr int kBusyTimeoutMillis = 10000;
constexpr int64_t kCheckpointRecords = 20000;  // checkpoint early when this many records were written

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  event_source TEXT NOT NULL,
  event_name TEXT NOT NULL,
  username TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  read_only INTEGER NOT NULL,
  management INTEGER NOT NULL,
  region TEXT NOT NULL,
  error_code TEXT NOT NULL,
  resource_types TEXT NOT NULL,
  resource_names TEXT NOT NULL,
  record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_time ON events(account_id, event_time);
CREATE INDEX IF NOT EXISTS events_by_name ON events(account_id, event_name, event_time);
)sql";

constexpr const char* kInsert =
    "INSERT INTO events(event_id, event_time, account_id, event_source, event_name, username, access_key_id, "
    "read_only, management, region, error_code, resource_types, resource_names, record) "
    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

// UUID v4 for eventID from a per-thread generator seeded from RAND_bytes: ids need uniqueness, not
// secrecy, and this runs once per KMS request.
std::string NewEventId() {
  thread_local std::mt19937_64 rng([] {
    std::string seed = common::crypto::RandomBytes(8);
    uint64_t v = 0;
    for (char c : seed) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

std::unique_ptr<SQLite::Database> OpenConnection(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                               kBusyTimeoutMillis);
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA temp_store=MEMORY");
  return db;
}

}  // namespace

// What the leader inserts: built in the appending thread, so the leader only binds and steps.
struct Trail::Row {
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
};

// One appender waiting in the queue.
struct Trail::Waiter {
  Row row;
  bool done = false;
  Status status;
  std::condition_variable cv;  // signalled when done, or when this waiter becomes the leader
};

Result<std::unique_ptr<Trail>> Trail::Open(const std::string& path) {
  try {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto writer = OpenConnection(path);
    writer->exec("PRAGMA journal_mode=WAL");
    writer->exec("PRAGMA journal_size_limit=67108864");
    writer->exec("PRAGMA wal_autocheckpoint=0");  // the checkpoint thread does it, off the commit path
    {
      SQLite::Transaction txn(*writer, SQLite::TransactionBehavior::IMMEDIATE);
      writer->exec(kSchema);
      txn.commit();
    }
    auto reader = OpenConnection(path);
    auto checkpointer = OpenConnection(path);
    return std::unique_ptr<Trail>(new Trail(std::move(writer), std::move(reader), std::move(checkpointer)));
  } catch (const std::exception& e) {
    return MakeError("ServiceFailure", std::string("cannot open ") + path + ": " + e.what(), 500);
  }
}

Trail::Trail(std::unique_ptr<SQLite::Database> writer, std::unique_ptr<SQLite::Database> reader,
             std::unique_ptr<SQLite::Database> checkpointer)
    : writer_db_(std::move(writer)), reader_db_(std::move(reader)), checkpoint_db_(std::move(checkpointer)) {
  insert_ = std::make_unique<SQLite::Statement>(*writer_db_, kInsert);
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
}

Trail::~Trail() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    stop_ = true;
    // Appenders already queued finish their batches; new ones are refused.
    drained_.wait(lock, [this] { return queue_.empty(); });
  }
  checkpoint_cv_.notify_all();
  checkpointer_.join();
}

Status Trail::Append(Event event) {
  if (event.event_id.empty()) event.event_id = NewEventId();
  Waiter w;
  Row& row = w.row;
  row.event_id = event.event_id;
  row.event_time = event.event_time_millis;
  row.account_id = event.recipient_account_id;
  row.event_source = event.event_source;
  row.event_name = event.event_name;
  row.username = LookupUsername(event.principal);
  row.access_key_id = event.principal.access_key_id;
  row.read_only = event.read_only;
  row.management = event.management_event;
  row.region = event.region;
  row.error_code = event.error_code;
  row.resource_types = row.resource_names = "|";
  for (const auto& r : event.resources) {
    row.resource_types += r.type + "|";
    row.resource_names += r.arn + "|";
  }
  row.record = BuildRecord(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  // Group commit, leader/follower: the first waiter in the queue writes everything queued behind it in
  // one transaction, wakes those waiters and hands leadership to the next one queued. No writer thread,
  // so a batch costs one thread handoff less.
  std::unique_lock<std::mutex> lock(mutex_);
  if (stop_) return MakeError("ServiceFailure", "the audit trail is closed", 500);
  queue_.push_back(&w);
  while (!w.done && queue_.front() != &w) w.cv.wait(lock);
  if (w.done) return w.status;
  std::vector<Waiter*> batch(queue_.begin(), queue_.end());
  lock.unlock();
  Status status = WriteBatch(batch);
  lock.lock();
  const int64_t before = stats_.records;
  if (status.ok()) {
    stats_.records += static_cast<int64_t>(batch.size());
    stats_.batches += 1;
  }
  for (Waiter* waiter : batch) {
    queue_.pop_front();
    waiter->status = status;
    waiter->done = true;
    if (waiter != &w) waiter->cv.notify_one();
  }
  if (!queue_.empty())
    queue_.front()->cv.notify_one();  // the next leader
  else if (stop_)
    drained_.notify_all();
  // A big burst: checkpoint now rather than at the next second, so the WAL stays small.
  if (before / kCheckpointRecords != stats_.records / kCheckpointRecords) checkpoint_cv_.notify_all();
  return status;
}

Status Trail::WriteBatch(const std::vector<Waiter*>& batch) {
  SQLite::Statement& insert = *insert_;
  try {
    SQLite::Transaction txn(*writer_db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (const Waiter* waiter : batch) {
      const Row& row = waiter->row;
      insert.bind(1, row.event_id);
      insert.bind(2, static_cast<int64_t>(row.event_time));
      insert.bind(3, row.account_id);
      insert.bind(4, row.event_source);
      insert.bind(5, row.event_name);
      insert.bind(6, row.username);
      insert.bind(7, row.access_key_id);
      insert.bind(8, row.read_only ? 1 : 0);
      insert.bind(9, row.management ? 1 : 0);
      insert.bind(10, row.region);
      insert.bind(11, row.error_code);
      insert.bind(12, row.resource_types);
      insert.bind(13, row.resource_names);
      insert.bind(14, row.record);
      insert.exec();
      insert.reset();
    }
    txn.commit();
    return Ok{};
  } catch (const std::exception& e) {
    insert.reset();
    std::fprintf(stderr, "s3lab: audit trail write failed: %s\n", e.what());
    return MakeError("ServiceFailure", std::string("audit trail write failed: ") + e.what(), 500);
  }
}

void Trail::CheckpointLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  int64_t checkpointed = 0;
  while (!stop_) {
    checkpoint_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stop_) break;
    if (stats_.records == checkpointed) continue;
    checkpointed = stats_.records;
    lock.unlock();
    try {
      checkpoint_db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "s3lab: audit trail checkpoint failed: %s\n", e.what());
    }
    lock.lock();
  }
}

TrailStats Trail::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace common::audit
