// Reading the trail (see trail.h): pending journal lines imported first, then one SQL query per page, newest first, on the reader connection.
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/audit/trail.h"

namespace common::audit {
namespace {

// The condition one lookup attribute adds.
const char* AttributeCondition(Attribute a) {
  switch (a) {
    case Attribute::kNone: return "";
    case Attribute::kEventId: return " AND event_id = :value";
    case Attribute::kEventName: return " AND event_name = :value";
    case Attribute::kReadOnly: return " AND read_only = :value";
    case Attribute::kUsername: return " AND username = :value";
    case Attribute::kEventSource: return " AND event_source = :value";
    case Attribute::kAccessKeyId: return " AND access_key_id = :value";
    case Attribute::kResourceType: return " AND instr(resource_types, '|' || :value || '|') > 0";
    case Attribute::kResourceName: return " AND instr(resource_names, '|' || :value || '|') > 0";
  }
  return "";
}

}  // namespace

Result<LookupPage> Trail::Lookup(const LookupQuery& q) {
  S3LAB_TRY(ImportPending());  // every answered request's record, from every process's journal
  std::string sql =
      "SELECT id, event_id, event_time, event_name, event_source, username, access_key_id, read_only, record "
      "FROM events WHERE account_id = :account";
  if (q.management_only) sql += " AND management = 1";
  if (q.start_millis) sql += " AND event_time >= :start";
  if (q.end_millis) sql += " AND event_time <= :end";
  sql += AttributeCondition(q.attribute);
  if (q.after) sql += " AND (event_time < :ctime OR (event_time = :ctime AND id < :cid))";
  sql += " ORDER BY event_time DESC, id DESC LIMIT :limit";
  const int limit = q.max_results < 1 ? 1 : q.max_results;
  try {
    std::lock_guard<std::mutex> lock(reader_mutex_);
    SQLite::Statement select(*reader_db_, sql);
    select.bind(":account", q.account_id);
    if (q.start_millis) select.bind(":start", static_cast<int64_t>(*q.start_millis));
    if (q.end_millis) select.bind(":end", static_cast<int64_t>(*q.end_millis));
    if (q.attribute == Attribute::kReadOnly) {
      // "true"/"false" as LookupEvents sends them; anything else matches nothing.
      select.bind(":value", q.value == "true" ? 1 : q.value == "false" ? 0 : -1);
    } else if (q.attribute != Attribute::kNone) {
      select.bind(":value", q.value);
    }
    if (q.after) {
      select.bind(":ctime", static_cast<int64_t>(q.after->event_time_millis));
      select.bind(":cid", static_cast<int64_t>(q.after->id));
    }
    select.bind(":limit", limit + 1);
    LookupPage page;
    while (select.executeStep()) {
      if (static_cast<int>(page.events.size()) == limit) {
        const StoredEvent& last = page.events.back();
        page.next = Cursor{last.event_time_millis, last.id};
        break;
      }
      StoredEvent e;
      e.id = select.getColumn(0).getInt64();
      e.event_id = select.getColumn(1).getString();
      e.event_time_millis = select.getColumn(2).getInt64();
      e.event_name = select.getColumn(3).getString();
      e.event_source = select.getColumn(4).getString();
      e.username = select.getColumn(5).getString();
      e.access_key_id = select.getColumn(6).getString();
      e.read_only = select.getColumn(7).getInt() != 0;
      e.record = select.getColumn(8).getString();
      page.events.push_back(std::move(e));
    }
    // Resources come from the record itself.
    for (auto& e : page.events) {
      auto record = nlohmann::json::parse(e.record, nullptr, /*allow_exceptions=*/false);
      if (!record.is_object() || !record.contains("resources") || !record["resources"].is_array()) continue;
      for (const auto& r : record["resources"])
        if (r.is_object())
          e.resources.emplace_back(r.value("type", std::string()), r.value("ARN", std::string()));
    }
    return page;
  } catch (const std::exception& e) {
    return MakeError("ServiceFailure", std::string("audit trail read failed: ") + e.what(), 500);
  }
}

}  // namespace common::audit
