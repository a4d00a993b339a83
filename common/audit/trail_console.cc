// The console's read-only view of trail.db (see trail_console.h): one SQL query per page with the
// filters as bound parameters, newest first, on a connection opened read-only on first use, after
// importing pending journal lines (journal.h) on a read-write connection of the importer's own.
#include "common/audit/trail_console.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace common::audit {
namespace {

constexpr int kBusyTimeoutMillis = 5000;

AwsError ReadFailed(const std::exception& e) {
  return MakeError("ServiceFailure", std::string("audit trail read failed: ") + e.what(), 500);
}

}  // namespace

TrailReader::TrailReader(std::string db_path) : path_(std::move(db_path)) {}
TrailReader::~TrailReader() = default;

Result<bool> TrailReader::EnsureOpen() {
  if (db_) return true;
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return false;
  try {
    auto db = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READONLY, kBusyTimeoutMillis);
    // The writer creates the schema in its first transaction: until then there is nothing to read.
    if (!db->tableExists("events")) return false;
    SQLite::Statement columns(*db, "SELECT 1 FROM pragma_table_info('events') WHERE name = 'decision'");
    has_decision_column_ = columns.executeStep();
    db_ = std::move(db);
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
  const auto dir = std::filesystem::path(path_).parent_path() / "trail";
  auto importer = JournalImporter::Open(path_, dir.string());
  if (importer.ok())
    importer_ = std::move(*importer);
  else
    std::fprintf(stderr, "s3lab: console: %s\n", importer.error().message.c_str());
  return true;
}

// Pending journal lines first: the console shows every answered request.
void TrailReader::Import() {
  if (!importer_) return;
  auto done = importer_->ImportAll();
  if (!done.ok()) std::fprintf(stderr, "s3lab: console: %s\n", done.error().message.c_str());
}

Result<ConsolePage> TrailReader::Query(const ConsoleFilter& f) {
  std::lock_guard<std::mutex> lock(mutex_);
  ConsolePage page;
  auto open = EnsureOpen();
  if (!open.ok()) return open.error();
  if (!*open) return page;
  Import();
  std::string sql =
      "SELECT id, event_time, account_id, event_source, event_name, username, access_key_id, region, "
      "error_code, management, record";
  sql += has_decision_column_ ? ", decision" : ", ''";
  sql += " FROM events WHERE 1 = 1";
  if (!f.account_id.empty()) sql += " AND account_id = :account";
  if (!f.event_source.empty()) sql += " AND event_source = :source";
  if (!f.event_name.empty()) sql += " AND event_name = :name";
  if (!f.principal.empty())
    sql += " AND (username = :principal OR access_key_id = :principal"
           " OR json_extract(record, '$.userIdentity.arn') = :principal)";
  if (f.error_code == "*")
    sql += " AND error_code <> ''";
  else if (f.error_code == "-")
    sql += " AND error_code = ''";
  else if (!f.error_code.empty())
    sql += " AND error_code = :error";
  if (!f.region.empty()) sql += " AND region = :region";
  if (f.start_millis) sql += " AND event_time >= :start";
  if (f.end_millis) sql += " AND event_time <= :end";
  if (f.after_id) sql += " AND id > :after_id";
  if (f.before_id) sql += " AND id < :before_id";
  sql += " ORDER BY id DESC LIMIT :limit";
  const int limit = std::clamp(f.limit, 1, 1000);
  try {
    SQLite::Statement select(*db_, sql);
    if (!f.account_id.empty()) select.bind(":account", f.account_id);
    if (!f.event_source.empty()) select.bind(":source", f.event_source);
    if (!f.event_name.empty()) select.bind(":name", f.event_name);
    if (!f.principal.empty()) select.bind(":principal", f.principal);
    if (!f.error_code.empty() && f.error_code != "*" && f.error_code != "-") select.bind(":error", f.error_code);
    if (!f.region.empty()) select.bind(":region", f.region);
    if (f.start_millis) select.bind(":start", static_cast<int64_t>(*f.start_millis));
    if (f.end_millis) select.bind(":end", static_cast<int64_t>(*f.end_millis));
    if (f.after_id) select.bind(":after_id", static_cast<int64_t>(*f.after_id));
    if (f.before_id) select.bind(":before_id", static_cast<int64_t>(*f.before_id));
    select.bind(":limit", limit + 1);
    while (select.executeStep()) {
      if (static_cast<int>(page.rows.size()) == limit) {
        page.next_before_id = page.rows.back().id;
        break;
      }
      ConsoleRow row;
      row.id = select.getColumn(0).getInt64();
      row.event_time_millis = select.getColumn(1).getInt64();
      row.account_id = select.getColumn(2).getString();
      row.event_source = select.getColumn(3).getString();
      row.event_name = select.getColumn(4).getString();
      row.username = select.getColumn(5).getString();
      row.access_key_id = select.getColumn(6).getString();
      row.region = select.getColumn(7).getString();
      row.error_code = select.getColumn(8).getString();
      row.management = select.getColumn(9).getInt() != 0;
      row.record = select.getColumn(10).getString();
      row.decision = select.getColumn(11).isNull() ? "" : select.getColumn(11).getString();
      page.rows.push_back(std::move(row));
    }
    SQLite::Statement max_id(*db_, "SELECT COALESCE(MAX(id), 0) FROM events");
    if (max_id.executeStep()) page.max_id = max_id.getColumn(0).getInt64();
    return page;
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
}

Result<ConsoleFacets> TrailReader::Facets() {
  std::lock_guard<std::mutex> lock(mutex_);
  ConsoleFacets facets;
  auto open = EnsureOpen();
  if (!open.ok()) return open.error();
  if (!*open) return facets;
  Import();
  auto distinct = [this](const char* column, std::vector<std::string>* out) {
    // Column names come from the fixed list below, never from the request. Only the newest rows are
    // looked at, so a trail of millions of records (after a benchmark) still answers at once.
    const std::string c = column;
    SQLite::Statement s(*db_, "SELECT DISTINCT " + c + " FROM (SELECT " + c +
                                  " FROM events ORDER BY id DESC LIMIT 50000) WHERE " + c +
                                  " <> '' ORDER BY 1 LIMIT 500");
    while (s.executeStep()) out->push_back(s.getColumn(0).getString());
  };
  try {
    distinct("event_source", &facets.event_sources);
    distinct("event_name", &facets.event_names);
    distinct("region", &facets.regions);
    distinct("error_code", &facets.error_codes);
    distinct("username", &facets.usernames);
    distinct("account_id", &facets.accounts);
    return facets;
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
}

}  // namespace common::audit
