// Opening trail.db, appending to the journal and the import thread (see trail.h and journal.h). Lookups
// are in trail_lookup.cc.
#include "common/audit/trail.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <pthread.h>

#include <cctype>
#include <chrono>
#include <errno.h>  // program_invocation_short_name
#include <cstdio>
#include <filesystem>

#include "common/util/strings.h"

namespace common::audit {
namespace {

constexpr int kBusyTimeoutMillis = 10000;
constexpr auto kImportInterval = std::chrono::milliseconds(50);
constexpr int64_t kCheckpointRecords = 20000;  // checkpoint early when this many records were imported
constexpr int64_t kRotateBytes = 64 << 20;     // a new journal file after this many bytes

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
  record TEXT NOT NULL,
  decision TEXT);
CREATE INDEX IF NOT EXISTS events_by_time ON events(account_id, event_time);
CREATE INDEX IF NOT EXISTS events_by_name ON events(account_id, event_name, event_time);
CREATE TABLE IF NOT EXISTS journals(name TEXT PRIMARY KEY, offset INTEGER NOT NULL);
)sql";

std::unique_ptr<SQLite::Database> OpenConnection(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                               kBusyTimeoutMillis);
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA temp_store=MEMORY");
  return db;
}

std::string ProgramName() {
  std::string name = program_invocation_short_name;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return name.empty() ? "s3lab" : name;
}

}  // namespace

Result<std::unique_ptr<Trail>> Trail::Open(const std::string& path) {
  std::unique_ptr<SQLite::Database> reader;
  try {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto db = OpenConnection(path);
    // Bigger pages for a new trail: SQLite writes each WAL frame (and each checkpointed page) with its
    // own system calls, so 16 KiB pages take a quarter of the calls per imported record. A no-op on an
    // existing database.
    db->exec("PRAGMA page_size=16384");
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA journal_size_limit=67108864");
    SQLite::Transaction txn(*db, SQLite::TransactionBehavior::IMMEDIATE);
    db->exec(kSchema);
    // A trail.db from before the decision column: add it (NULL in the old rows).
    if (db->execAndGet("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'decision'").getInt() == 0)
      db->exec("ALTER TABLE events ADD COLUMN decision TEXT");
    txn.commit();
    reader = OpenConnection(path);
  } catch (const std::exception& e) {
    return MakeError("ServiceFailure", std::string("cannot open ") + path + ": " + e.what(), 500);
  }
  auto parent = std::filesystem::path(path).parent_path();
  const std::string dir = (parent.empty() ? std::filesystem::path("trail") : parent / "trail").string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto importer = JournalImporter::Open(path, dir);
  if (!importer.ok()) return importer.error();
  (*importer)->DisableAutoCheckpoint();  // the import thread checkpoints
  S3LAB_TRY((*importer)->ImportAll());   // what a previous run (or a killed process) left
  auto journal = JournalWriter::Open(dir, ProgramName());
  if (!journal.ok()) return journal.error();
  return std::unique_ptr<Trail>(new Trail(std::move(*journal), std::move(*importer), std::move(reader)));
}

Trail::Trail(std::unique_ptr<JournalWriter> journal, std::unique_ptr<JournalImporter> importer,
             std::unique_ptr<SQLite::Database> reader)
    : journal_(std::move(journal)), importer_(std::move(importer)), reader_db_(std::move(reader)) {
  import_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "trail-import");  // visible in top -H and /proc/<pid>/task
    ImportLoop();
  });
}

Trail::~Trail() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  import_thread_.join();
  journal_.reset();  // releases the journal's lock: the last import below deletes it
  auto last = importer_->ImportAll();
  if (!last.ok()) std::fprintf(stderr, "s3lab: audit trail import failed: %s\n", last.error().message.c_str());
  importer_->Checkpoint();
}

Status Trail::Append(Event event) { return AppendLines(std::span<Event>(&event, 1)); }

Status Trail::AppendAll(std::vector<Event> events) { return AppendLines(events); }

Status Trail::AppendLines(std::span<Event> events) {
  // One buffer per thread, reused: the lines cost no allocation once it has grown.
  thread_local std::string lines;
  lines.clear();
  for (Event& event : events) {
    if (event.event_id.empty()) event.event_id = common::util::NewFastUuid();
    std::string resource_types = "|", resource_names = "|";
    for (const auto& r : event.resources) {
      resource_types += r.type + "|";
      resource_names += r.arn + "|";
    }
    const common::identity::Principal& p = event.principal;
    AppendJournalColumns(
        lines, {event.event_id, event.event_time_millis, event.recipient_account_id, event.event_source,
                event.event_name,
                // LookupUsername() without the copy
                p.type == common::identity::PrincipalType::kRoot ? std::string_view("root")
                                                                 : std::string_view(p.user_name),
                p.access_key_id, event.read_only, event.management_event, event.region, event.error_code,
                resource_types, resource_names, event.decision});
    lines += '\t';
    AppendRecordText(lines, event);
    lines += '\n';
  }
  if (lines.empty()) return Ok{};
  S3LAB_TRY(journal_->Append(lines));
  appended_.fetch_add(static_cast<int64_t>(events.size()), std::memory_order_relaxed);
  if (lines.capacity() > (64 << 10)) std::string().swap(lines);  // one huge record: do not keep its buffer
  return Ok{};
}

Status Trail::ImportPending() {
  auto done = importer_->ImportAll();
  if (!done.ok()) return done.error();
  std::lock_guard<std::mutex> lock(mutex_);
  imported_ += done->records;
  batches_ += done->transactions;
  return Ok{};
}

void Trail::ImportLoop() {
  auto last_checkpoint = std::chrono::steady_clock::now();
  int64_t checkpointed = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, kImportInterval);
    if (stop_) break;
    lock.unlock();
    if (Status s = ImportPending(); !s.ok())
      std::fprintf(stderr, "s3lab: audit trail import failed: %s\n", s.error().message.c_str());
    if (journal_->bytes() > kRotateBytes) {
      if (Status s = journal_->Rotate(); !s.ok())
        std::fprintf(stderr, "s3lab: audit journal rotation failed: %s\n", s.error().message.c_str());
    }
    lock.lock();
    const auto now = std::chrono::steady_clock::now();
    if (imported_ != checkpointed &&
        (imported_ - checkpointed >= kCheckpointRecords || now - last_checkpoint >= std::chrono::seconds(1))) {
      checkpointed = imported_;
      last_checkpoint = now;
      lock.unlock();
      importer_->Checkpoint();
      lock.lock();
    }
  }
}

TrailStats Trail::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return TrailStats{appended_.load(), imported_, batches_};
}

}  // namespace common::audit
