// `s3lab trail [--max N] [--event-name NAME] [--account ID] [--data-events] [--json] [--follow]`: the
// latest CloudTrail records of an account as a readable table (time, source, event, user, region,
// error), newest at the bottom; --json prints each record (the CloudTrail JSON) on its own line; --follow
// keeps polling once a second and prints new records as they are committed. It calls LookupEvents on the
// S3 process over HTTP, signed with the account's root keys, like any other client. LookupEvents never
// returns data events (as on AWS), so --data-events reads <data>/trail.db instead, as the console does
// (common/audit/trail_console.h): management and data events together.
#include <chrono>
#include <cstdio>
#include <httplib.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/audit/trail_console.h"
#include "common/identity/identity_store.h"
#include "common/sigv4/signer.h"
#include "common/util/clock.h"
#include "labs/runner/commands.h"
#include "labs/runner/state.h"

namespace runner {
namespace {

int Usage() {
  std::cerr << "usage: s3lab trail [--max N (1-50, default 20)] [--event-name NAME] [--account ID] "
               "[--data-events] [--json] [--follow]\n";
  return 2;
}

struct TrailQuery {
  int max = 20;
  std::string event_name;
  std::string account_id;
};

// The same page shape as LookupEvents ({"Events": [{"EventId", "CloudTrailEvent"}]}, newest first), read
// from trail.db with data events included. EventId is the row id (what --follow needs to skip rows
// already shown), so the record is not parsed here as well as in Print.
common::Result<nlohmann::json> ReadTrailDb(common::audit::TrailReader& reader, const TrailQuery& q) {
  common::audit::ConsoleFilter f;
  f.account_id = q.account_id;
  f.event_name = q.event_name;
  f.limit = q.max;
  auto page = reader.Query(f);
  if (!page.ok()) return page.error();
  nlohmann::json events = nlohmann::json::array();
  for (const auto& row : page->rows)
    events.push_back({{"EventId", "row-" + std::to_string(row.id)}, {"CloudTrailEvent", row.record}});
  return nlohmann::json{{"Events", events}};
}

common::Result<nlohmann::json> Lookup(const InstanceConfig& config, const common::sigv4::Credentials& creds,
                                      const TrailQuery& q) {
  nlohmann::json body = {{"MaxResults", q.max}};
  if (!q.event_name.empty())
    body["LookupAttributes"] = {{{"AttributeKey", "EventName"}, {"AttributeValue", q.event_name}}};
  const std::string payload = body.dump();
  const std::string host = "127.0.0.1:" + std::to_string(config.s3_port);
  common::sigv4::SignInput in;
  in.method = "POST";
  in.host = host;
  in.raw_path = "/";
  in.headers = {{"content-type", "application/x-amz-json-1.1"},
                {"x-amz-target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}};
  in.payload = payload;
  in.region = config.region;
  in.service = "cloudtrail";
  in.now_millis = common::util::RealNowMillis();
  httplib::Headers headers;
  for (const auto& [k, v] : in.headers) headers.emplace(k, v);
  for (const auto& [k, v] : common::sigv4::SignHeaders(in, creds)) headers.emplace(k == "host" ? "Host" : k, v);
  httplib::Client cli("127.0.0.1", config.s3_port);
  cli.set_connection_timeout(5, 0);
  auto res = cli.Post("/", headers, payload, "");  // Content-Type is in the signed headers already
  if (!res) return common::MakeError("Unreachable", "the S3 process does not answer on port " +
                                                        std::to_string(config.s3_port) + " (s3lab up?)", 503);
  auto json = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200 || json.is_discarded())
    return common::MakeError(json.is_object() ? json.value("__type", "Error") : "Error",
                             json.is_object() ? json.value("message", res->body) : res->body, res->status);
  return json;
}

void Print(const nlohmann::json& event, bool as_json) {
  const std::string text = event.value("CloudTrailEvent", "{}");
  if (as_json) {
    std::cout << text << "\n";
    return;
  }
  auto record = nlohmann::json::parse(text, nullptr, false);
  if (!record.is_object()) return;
  const auto& who = record["userIdentity"];
  std::string user = who.value("type", std::string()) == "Root" ? "root" : who.value("userName", std::string("?"));
  if (who.contains("invokedBy")) user += " via " + who.value("invokedBy", std::string());
  std::string error = record.value("errorCode", std::string("-"));
  std::printf("%-20s  %-20s  %-32s  %-28s  %-14s  %s\n", record.value("eventTime", std::string()).c_str(),
              record.value("eventSource", std::string()).c_str(), record.value("eventName", std::string()).c_str(),
              user.c_str(), record.value("awsRegion", std::string()).c_str(), error.c_str());
}

}  // namespace

int CmdTrail(const InstanceConfig& config, const std::vector<std::string>& args) {
  TrailQuery q;
  std::string account_id = common::identity::kDefaultAccountId;
  bool json = false, follow = false, data_events = false;
  try {
    if (!ParseFlags(args, 0, {{"--json", &json}, {"--follow", &follow}, {"--data-events", &data_events}},
                    {{"--max", [&](const std::string& v) { q.max = std::stoi(v); }},
                     {"--event-name", [&](const std::string& v) { q.event_name = v; }},
                     {"--account", [&](const std::string& v) { account_id = v; }}}))
      return Usage();
  } catch (const std::exception&) {
    return Usage();
  }
  if (q.max < 1 || q.max > 50) return Usage();
  auto account = LoadAccount(config, account_id);
  if (!account.ok()) {
    std::cerr << "s3lab: " << account.error().message << "\n";
    return 1;
  }
  common::sigv4::Credentials creds{account->root_access_key_id, account->root_secret_access_key, ""};
  q.account_id = account_id;
  common::audit::TrailReader reader(config.data_dir + "/trail.db");
  if (!json)
    std::printf("%-20s  %-20s  %-32s  %-28s  %-14s  %s\n", "TIME", "SOURCE", "EVENT", "USER", "REGION", "ERROR");
  std::set<std::string> shown;
  for (;;) {
    auto page = data_events ? ReadTrailDb(reader, q) : Lookup(config, creds, q);
    if (!page.ok()) {
      std::cerr << "s3lab trail: " << page.error().code << ": " << page.error().message << "\n";
      return 1;
    }
    const auto& events = (*page)["Events"];
    // LookupEvents answers newest first; print oldest first so the newest ends at the bottom.
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      std::string id = it->value("EventId", std::string());
      if (!shown.insert(id).second) continue;
      Print(*it, json);
    }
    std::cout.flush();
    std::fflush(stdout);
    if (!follow) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace runner
