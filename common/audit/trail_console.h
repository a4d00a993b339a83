// Reading trail.db for the browser console (emulator/console/trail_api.cc). LookupEvents (trail.h) is
// shaped by AWS: one account, one lookup attribute, management events only. The console wants more: any
// combination of filters (event source, event name, principal, error code, region, time range), data
// events too, every account, and "records newer than the last one I showed" for its live tail.
//
// A TrailReader owns one read-only SQLite connection to the trail database that the services' Trail
// objects write (WAL mode lets it read while they commit). Before each query it imports the services'
// pending journal lines (journal.h, on a connection of its own, exactly once like every importer), so
// the console shows every answered request. It never creates the file: before the first record exists
// the reader answers empty pages. Queries filter on the columns of the
// `events` table (trail.cc's schema) and walk it newest first by row id, i.e. in commit order, which
// the primary key gives for free even over millions of records (after a benchmark); event times and
// commit order agree to within a group commit (milliseconds). The record JSON is returned as stored.
// Thread-safe (a mutex around the connection: the console is one person's browser, not a hot path).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/audit/journal.h"
#include "common/audit/trail.h"
#include "common/error.h"

namespace common::audit {

struct ConsoleFilter {
  std::string account_id;    // "" = every account
  std::string event_source;  // exact, "kms.amazonaws.com"; "" = any
  std::string event_name;    // exact; "" = any
  std::string principal;     // matches the lookup user name, the access key id or userIdentity.arn
  std::string error_code;    // exact; "*" = any failed call; "-" = only successful calls; "" = all
  std::string region;        // exact awsRegion; "" = any
  std::optional<int64_t> start_millis;  // inclusive
  std::optional<int64_t> end_millis;    // inclusive
  std::optional<int64_t> before_id;     // only rows committed before this row id (the next page)
  std::optional<int64_t> after_id;      // only rows committed after this row id (live tail)
  int limit = 100;                      // clamped to [1, 1000]
};

struct ConsoleRow {
  int64_t id = 0;  // row id: increases with every commit, across both services
  int64_t event_time_millis = 0;
  std::string account_id;
  std::string event_source;
  std::string event_name;
  std::string username;
  std::string access_key_id;
  std::string region;
  std::string error_code;
  bool management = true;
  std::string record;  // the CloudTrail record, JSON text
  std::string decision;  // JSON text of the deciding policy statement when the trail stores one, else ""
};

struct ConsolePage {
  std::vector<ConsoleRow> rows;   // newest first (highest row id first)
  std::optional<int64_t> next_before_id;  // set when older rows match: before_id of the next page
  int64_t max_id = 0;             // the highest row id in the trail (for the next live-tail request)
};

// Distinct values present in the trail, for the console's filter menus.
struct ConsoleFacets {
  std::vector<std::string> event_sources, event_names, regions, error_codes, usernames, accounts;
};

class TrailReader {
 public:
  explicit TrailReader(std::string db_path);
  ~TrailReader();
  TrailReader(const TrailReader&) = delete;
  TrailReader& operator=(const TrailReader&) = delete;

  Result<ConsolePage> Query(const ConsoleFilter& filter);
  Result<ConsoleFacets> Facets();

 private:
  // Opens the connection on first use (the file may appear after the S3 process started). False when
  // the trail does not exist yet.
  Result<bool> EnsureOpen();
  void Import();  // pending journal lines into trail.db (errors are logged: the page still answers)

  std::string path_;
  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<JournalImporter> importer_;  // null when it could not be opened (then reads only)
  bool has_decision_column_ = false;
};

}  // namespace common::audit
