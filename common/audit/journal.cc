// Journal files and their import into trail.db (see journal.h).
#include "common/audit/journal.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/audit/record.h"

namespace common::audit {
namespace {

constexpr int kBusyTimeoutMillis = 10000;
constexpr int64_t kChunkBytes = 4 << 20;  // lines imported per transaction (a few thousand records)
constexpr const char* kSuffix = ".jsonl";

constexpr const char* kInsert =
    "INSERT INTO events(event_id, event_time, account_id, event_source, event_name, username, access_key_id, "
    "read_only, management, region, error_code, resource_types, resource_names, record, decision) "
    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

AwsError Failure(const std::string& what) { return MakeError("ServiceFailure", what, 500); }

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void AppendJournalColumns(std::string& line, const JournalColumns& c) {
  // Written directly (strings escaped as nlohmann does; DecodeJournalLine parses the array with
  // nlohmann): this runs once per request before the reply.
  line += '[';
  AppendJsonString(line, c.event_id);
  line += ',';
  line += std::to_string(c.event_time);
  for (std::string_view s : {c.account_id, c.event_source, c.event_name, c.username, c.access_key_id}) {
    line += ',';
    AppendJsonString(line, s);
  }
  line += c.read_only ? ",true" : ",false";
  line += c.management ? ",true" : ",false";
  for (std::string_view s : {c.region, c.error_code, c.resource_types, c.resource_names}) {
    line += ',';
    AppendJsonString(line, s);
  }
  if (!c.decision.empty()) {
    line += ',';
    AppendJsonString(line, c.decision);
  }
  line += ']';
}

std::string EncodeJournalLine(const JournalRow& row) {
  std::string line;
  line.reserve(row.record.size() + 512);
  AppendJournalColumns(line, {row.event_id, row.event_time, row.account_id, row.event_source, row.event_name,
                              row.username, row.access_key_id, row.read_only, row.management, row.region,
                              row.error_code, row.resource_types, row.resource_names, row.decision});
  line += '\t';
  line += row.record;
  line += '\n';
  return line;
}

bool DecodeJournalLine(std::string_view line, JournalRow* row) {
  const size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return false;
  auto c = nlohmann::json::parse(line.data(), line.data() + tab, nullptr, /*allow_exceptions=*/false);
  if (!c.is_array() || c.size() < 13 || !c[1].is_number_integer() || !c[7].is_boolean() || !c[8].is_boolean())
    return false;
  for (int i : {0, 2, 3, 4, 5, 6, 9, 10, 11, 12})
    if (!c[i].is_string()) return false;
  row->event_id = c[0].get<std::string>();
  row->event_time = c[1].get<int64_t>();
  row->account_id = c[2].get<std::string>();
  row->event_source = c[3].get<std::string>();
  row->event_name = c[4].get<std::string>();
  row->username = c[5].get<std::string>();
  row->access_key_id = c[6].get<std::string>();
  row->read_only = c[7].get<bool>();
  row->management = c[8].get<bool>();
  row->region = c[9].get<std::string>();
  row->error_code = c[10].get<std::string>();
  row->resource_types = c[11].get<std::string>();
  row->resource_names = c[12].get<std::string>();
  row->decision = c.size() > 13 && c[13].is_string() ? c[13].get<std::string>() : std::string();
  row->record.assign(line.substr(tab + 1));
  return !row->record.empty() && row->record.front() == '{';
}

// ---------------------------------------------------------------------------------------------- writer

Result<std::unique_ptr<JournalWriter>> JournalWriter::Open(const std::string& dir, const std::string& program) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Failure("cannot create " + dir + ": " + ec.message());
  std::unique_ptr<JournalWriter> writer(new JournalWriter(dir, program));
  std::unique_lock<std::shared_mutex> lock(writer->mutex_);
  S3LAB_TRY(writer->OpenNext());
  return writer;
}

Status JournalWriter::OpenNext() {
  // Unique: the pid and the process's start time across processes, a process-wide counter within one
  // (several Trails may share a folder, as in tests).
  static const int64_t started = NowMillis();
  static std::atomic<int> next_seq{0};
  seq_ = next_seq.fetch_add(1);
  const std::string name = program_ + "-" + std::to_string(::getpid()) + "-" + std::to_string(started) + "-" +
                           std::to_string(seq_) + kSuffix;
  const std::string path = dir_ + "/" + name, tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Failure(Errno("cannot create " + tmp));
  // Locked before it gets the name importers look for: an unlocked journal is one nobody writes any more.
  if (::flock(fd, LOCK_EX) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string message = Errno("cannot set up " + path);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Failure(message);
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  bytes_ = 0;
  return Ok{};
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status JournalWriter::Append(const std::string& line) {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  // O_APPEND: concurrent single writes of whole lines never interleave on a local file system.
  ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    // A short write (disk full) leaves a torn line: end it, so that the next record starts a line of its
    // own and only this one is skipped as malformed. The caller answers with an error, so no answered
    // request relies on this line.
    if (n > 0 && ::write(fd_, "\n", 1) != 1) std::fprintf(stderr, "s3lab: audit journal: cannot end a torn line\n");
    return Failure(n < 0 ? Errno("audit journal write failed") : "audit journal write was short (disk full?)");
  }
  bytes_.fetch_add(n, std::memory_order_relaxed);
  return Ok{};
}

Status JournalWriter::Rotate() {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  return OpenNext();
}

int64_t JournalWriter::bytes() const { return bytes_.load(std::memory_order_relaxed); }

// -------------------------------------------------------------------------------------------- importer

// One journal the importer has open.
struct JournalImporter::Source {
  int fd = -1;
  ino_t inode = 0;
  int64_t imported = 0;  // the stored offset as last seen (never ahead of it: offsets only grow)
  ~Source() {
    if (fd >= 0) ::close(fd);
  }
};

Result<std::unique_ptr<JournalImporter>> JournalImporter::Open(const std::string& db_path, const std::string& dir) {
  try {
    auto db = std::make_unique<SQLite::Database>(db_path, SQLite::OPEN_READWRITE, kBusyTimeoutMillis);
    db->exec("PRAGMA synchronous=NORMAL");
    if (!db->tableExists("journals")) return Failure(db_path + " has no journals table");
    return std::unique_ptr<JournalImporter>(new JournalImporter(std::move(db), dir));
  } catch (const std::exception& e) {
    return Failure(std::string("cannot open ") + db_path + ": " + e.what());
  }
}

JournalImporter::JournalImporter(std::unique_ptr<SQLite::Database> db, std::string dir)
    : db_(std::move(db)), dir_(std::move(dir)) {
  insert_ = std::make_unique<SQLite::Statement>(*db_, kInsert);
  get_offset_ = std::make_unique<SQLite::Statement>(*db_, "SELECT offset FROM journals WHERE name = ?");
  set_offset_ = std::make_unique<SQLite::Statement>(
      *db_, "INSERT INTO journals(name, offset) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET offset = excluded.offset");
}

JournalImporter::~JournalImporter() = default;

void JournalImporter::DisableAutoCheckpoint() {
  std::lock_guard<std::mutex> lock(mutex_);
  db_->exec("PRAGMA wal_autocheckpoint=0");
}

void JournalImporter::Checkpoint() {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "s3lab: audit trail checkpoint failed: %s\n", e.what());
  }
}

Result<ImportStats> JournalImporter::ImportAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > std::strlen(kSuffix) && name.ends_with(kSuffix)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  // Forget journals that are gone (deleted by this or another importer).
  for (auto it = sources_.begin(); it != sources_.end();)
    it = std::binary_search(names.begin(), names.end(), it->first) ? std::next(it) : sources_.erase(it);
  ImportStats stats;
  for (const auto& name : names) S3LAB_TRY(ImportFile(name, &stats));
  return stats;
}

Status JournalImporter::ImportFile(const std::string& name, ImportStats* stats) {
  auto& src = sources_[name];
  if (!src) {
    int fd = ::open((dir_ + "/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      sources_.erase(name);
      return Ok{};  // deleted meanwhile by another importer
    }
    src = std::make_unique<Source>();
    src->fd = fd;
    struct stat st {};
    if (::fstat(fd, &st) == 0) src->inode = st.st_ino;
  }
  for (;;) {
    struct stat st {};
    if (::fstat(src->fd, &st) != 0) return Failure(Errno("audit journal " + name));
    if (st.st_size <= src->imported) break;
    auto more = ImportChunk(name, *src, st.st_size, stats);
    if (!more.ok()) return more.error();
    if (!*more) break;
  }
  MaybeDelete(name, *src, stats);
  return Ok{};
}

// One transaction: the stored offset, the complete lines after it (up to kChunkBytes), the new offset.
Result<bool> JournalImporter::ImportChunk(const std::string& name, Source& src, int64_t size,
                                          ImportStats* stats) {
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // Still the journal this importer has open? Another importer deletes a journal's file before its
    // offset row, so a missing row for a file that still exists always means "nothing imported yet".
    struct stat st {};
    if (::stat((dir_ + "/" + name).c_str(), &st) != 0 || st.st_ino != src.inode) return false;
    int64_t offset = 0;
    get_offset_->bind(1, name);
    if (get_offset_->executeStep()) offset = get_offset_->getColumn(0).getInt64();
    get_offset_->reset();
    src.imported = offset;
    if (offset >= size) return false;
    std::string buf(static_cast<size_t>(std::min<int64_t>(size - offset, kChunkBytes)), '\0');
    ssize_t n = ::pread(src.fd, buf.data(), buf.size(), offset);
    if (n <= 0) return false;
    buf.resize(static_cast<size_t>(n));
    const size_t end = buf.rfind('\n');
    if (end == std::string::npos) return false;  // only a line still being written (or torn)
    JournalRow row;
    int64_t inserted = 0;
    for (size_t pos = 0; pos <= end;) {
      const size_t nl = buf.find('\n', pos);
      const std::string_view line(buf.data() + pos, nl - pos);
      pos = nl + 1;
      if (!DecodeJournalLine(line, &row)) {
        std::fprintf(stderr, "s3lab: audit journal %s: skipping a malformed line\n", name.c_str());
        continue;
      }
      SQLite::Statement& ins = *insert_;
      ins.bindNoCopy(1, row.event_id);
      ins.bind(2, static_cast<int64_t>(row.event_time));
      ins.bindNoCopy(3, row.account_id);
      ins.bindNoCopy(4, row.event_source);
      ins.bindNoCopy(5, row.event_name);
      ins.bindNoCopy(6, row.username);
      ins.bindNoCopy(7, row.access_key_id);
      ins.bind(8, row.read_only ? 1 : 0);
      ins.bind(9, row.management ? 1 : 0);
      ins.bindNoCopy(10, row.region);
      ins.bindNoCopy(11, row.error_code);
      ins.bindNoCopy(12, row.resource_types);
      ins.bindNoCopy(13, row.resource_names);
      ins.bindNoCopy(14, row.record);
      if (row.decision.empty())
        ins.bind(15);  // NULL
      else
        ins.bindNoCopy(15, row.decision);
      ins.exec();
      ins.reset();
      ++inserted;
    }
    const int64_t next = offset + static_cast<int64_t>(end) + 1;
    set_offset_->bind(1, name);
    set_offset_->bind(2, static_cast<int64_t>(next));
    set_offset_->exec();
    set_offset_->reset();
    txn.commit();
    src.imported = next;
    stats->records += inserted;
    stats->transactions += 1;
    return true;
  } catch (const std::exception& e) {
    insert_->reset();
    get_offset_->reset();
    set_offset_->reset();
    return Failure(std::string("audit journal import failed: ") + e.what());
  }
}

// Deletes a journal once its writer is gone (its lock can be taken) and every line is imported.
void JournalImporter::MaybeDelete(const std::string& name, Source& src, ImportStats* stats) {
  if (::flock(src.fd, LOCK_EX | LOCK_NB) != 0) return;  // still written by a live process
  // The writer is gone: nothing is appended any more. Import what is left, then delete.
  for (;;) {
    struct stat st {};
    if (::fstat(src.fd, &st) != 0) break;
    if (st.st_size <= src.imported) break;
    auto more = ImportChunk(name, src, st.st_size, stats);
    if (!more.ok()) {
      ::flock(src.fd, LOCK_UN);
      return;  // try again on the next pass
    }
    if (!*more) {
      if (st.st_size > src.imported)
        std::fprintf(stderr, "s3lab: audit journal %s: dropping a torn last line\n", name.c_str());
      break;
    }
  }
  const std::string path = dir_ + "/" + name;
  if (::unlink(path.c_str()) != 0) {
    ::flock(src.fd, LOCK_UN);
    return;
  }
  try {
    SQLite::Statement del(*db_, "DELETE FROM journals WHERE name = ?");
    del.bind(1, name);
    del.exec();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "s3lab: audit journal %s: offset row kept: %s\n", name.c_str(), e.what());
  }
  sources_.erase(name);  // destroys src
}

}  // namespace common::audit
