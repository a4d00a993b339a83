// GET /api/trail and GET /api/trail/facets: the CloudTrail records of trail.db for the console's Trail page.
//
// /api/trail query parameters (all optional, combined with AND):
//   source     eventSource, "kms.amazonaws.com" (a bare "kms" / "s3" / "iam" means <x>.amazonaws.com)
//   event      eventName, exact          principal  user name, access key id or userIdentity ARN
//   error      errorCode, exact; "*" = any failed call, "-" = successful calls only
//   region     awsRegion                 account    recipient account id
//   start/end  inclusive time range: epoch milliseconds or ISO 8601 (2026-11-27T07:00:00Z)
//   limit      page size, 1..1000 (default 100)
//   before     the `next` of the previous page (a row id: older records)
//   after_id   only records committed after this row id (the live tail polls with the last `maxId`)
// Answer: {"records": [item...], "next": row id|null, "maxId": n}; item = the indexed columns in
// CloudTrail's member names plus "record" (the full record as stored) and "decision" (for a call the
// policy engine denied, what decided: trail.db's decision column, common/audit/record.h DecisionText;
// else null). Newest first (commit order, by row id).
// /api/trail/facets: {"eventSources", "eventNames", "regions", "errorCodes", "usernames", "accounts"}.
#include <algorithm>
#include <string>

#include "common/audit/trail_console.h"
#include "common/util/clock.h"
#include "emulator/console/api_json.h"
#include "emulator/console/console.h"

namespace emulator::console {
namespace {

using OJson = nlohmann::ordered_json;

std::string ExpandSource(std::string source) {
  if (!source.empty() && source.find('.') == std::string::npos) source += ".amazonaws.com";
  return source;
}

OJson Item(const common::audit::ConsoleRow& row) {
  OJson record = OJson::parse(row.record, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) record = nullptr;
  auto member = [&record](const char* object, const char* name) -> OJson {
    if (!record.is_object() || !record.contains(object) || !record[object].is_object()) return nullptr;
    const OJson& o = record[object];
    return o.contains(name) ? o[name] : OJson(nullptr);
  };
  auto top = [&record](const char* name) -> OJson {
    return record.is_object() && record.contains(name) ? record[name] : OJson(nullptr);
  };
  OJson decision = nullptr;
  if (!row.decision.empty()) {
    decision = OJson::parse(row.decision, nullptr, /*allow_exceptions=*/false);
    if (decision.is_discarded()) decision = row.decision;
  }
  return OJson{
      {"id", row.id},
      {"eventTime", common::util::FormatIso8601(row.event_time_millis)},
      {"eventTimeMillis", row.event_time_millis},
      {"eventSource", row.event_source},
      {"eventName", row.event_name},
      {"awsRegion", row.region},
      {"recipientAccountId", row.account_id},
      {"username", row.username},
      {"accessKeyId", row.access_key_id},
      {"principalArn", member("userIdentity", "arn")},
      {"identityType", member("userIdentity", "type")},
      {"invokedBy", member("userIdentity", "invokedBy")},
      {"sourceIPAddress", top("sourceIPAddress")},
      {"errorCode", row.error_code.empty() ? OJson(nullptr) : OJson(row.error_code)},
      {"errorMessage", top("errorMessage")},
      {"readOnly", top("readOnly")},
      {"managementEvent", row.management},
      {"resources", top("resources").is_array() ? top("resources") : OJson::array()},
      {"decision", decision},
      {"record", record},
  };
}

void HandleTrail(common::audit::TrailReader& reader, const httplib::Request& req, httplib::Response& res) {
  common::audit::ConsoleFilter f;
  bool bad = false;
  f.account_id = Param(req, "account");
  f.event_source = ExpandSource(Param(req, "source"));
  f.event_name = Param(req, "event");
  f.principal = Param(req, "principal");
  f.error_code = Param(req, "error");
  f.region = Param(req, "region");
  f.start_millis = TimeParam(req, "start", &bad);
  f.end_millis = TimeParam(req, "end", &bad);
  f.after_id = IntParam(req, "after_id", &bad);
  f.before_id = IntParam(req, "before", &bad);
  if (auto limit = IntParam(req, "limit", &bad)) f.limit = static_cast<int>(std::clamp<int64_t>(*limit, 1, 1000));
  if (bad) return SendError(res, 400, "InvalidParameter", "a time, limit, after_id or before parameter is malformed");
  auto page = reader.Query(f);
  if (!page.ok()) return SendError(res, 500, page.error().code, page.error().message);
  OJson records = OJson::array();
  for (const auto& row : page->rows) records.push_back(Item(row));
  OJson next = page->next_before_id ? OJson(*page->next_before_id) : OJson(nullptr);
  SendJson(res, {{"records", std::move(records)}, {"next", next}, {"maxId", page->max_id}});
}

void HandleFacets(common::audit::TrailReader& reader, httplib::Response& res) {
  auto facets = reader.Facets();
  if (!facets.ok()) return SendError(res, 500, facets.error().code, facets.error().message);
  SendJson(res, {{"eventSources", facets->event_sources},
                 {"eventNames", facets->event_names},
                 {"regions", facets->regions},
                 {"errorCodes", facets->error_codes},
                 {"usernames", facets->usernames},
                 {"accounts", facets->accounts}});
}

}  // namespace

void InstallTrailApi(httplib::Server& server, std::shared_ptr<common::audit::TrailReader> reader) {
  server.Get("/api/trail", [reader](const httplib::Request& req, httplib::Response& res) {
    HandleTrail(*reader, req, res);
  });
  server.Get("/api/trail/facets", [reader](const httplib::Request&, httplib::Response& res) {
    HandleFacets(*reader, res);
  });
}

}  // namespace emulator::console
