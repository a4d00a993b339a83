// LookupEvents: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
// The caller's account's management events, newest first, filtered by at most one lookup attribute
// (EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId) and an
// optional StartTime/EndTime (epoch seconds, inclusive); MaxResults 1..50 (default 50); NextToken
// continues a listing. Each event carries the full record as the JSON string CloudTrailEvent.
// NOTE: AWS shows events after about five minutes and keeps 90 days; s3lab shows them as soon as the
// request was answered and keeps them until `s3lab reset`. Times follow the lab clock. The messages of
// the Invalid*Exception errors are not verified against AWS.
#include <cmath>
#include <optional>
#include <string>

#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/cloudtrail/cloudtrail_api.h"

namespace emulator::cloudtrail {
namespace {

using common::audit::Attribute;

common::AwsError Invalid(const std::string& code, const std::string& message) {
  return common::MakeError(code, message, 400);
}

std::optional<Attribute> AttributeFromName(const std::string& name) {
  if (name == "EventId") return Attribute::kEventId;
  if (name == "EventName") return Attribute::kEventName;
  if (name == "ReadOnly") return Attribute::kReadOnly;
  if (name == "Username") return Attribute::kUsername;
  if (name == "ResourceType") return Attribute::kResourceType;
  if (name == "ResourceName") return Attribute::kResourceName;
  if (name == "EventSource") return Attribute::kEventSource;
  if (name == "AccessKeyId") return Attribute::kAccessKeyId;
  return std::nullopt;
}

// Timestamps arrive as epoch seconds (botocore's json protocol); ISO 8601 strings are accepted too.
common::Result<std::optional<int64_t>> ParseTime(const nlohmann::json& body, const char* member) {
  if (!body.contains(member) || body[member].is_null()) return std::optional<int64_t>();
  const auto& v = body[member];
  if (v.is_number()) return std::optional<int64_t>(static_cast<int64_t>(std::llround(v.get<double>() * 1000.0)));
  if (v.is_string())
    if (auto t = common::util::ParseIso8601(v.get<std::string>())) return std::optional<int64_t>(*t);
  return Invalid("SerializationException", std::string("Invalid value for ") + member);
}

// NextToken: base64 of "v1:<event time millis>:<row id>", the last row of the previous page.
std::string EncodeToken(const common::audit::Cursor& c) {
  return common::util::Base64Encode("v1:" + std::to_string(c.event_time_millis) + ":" + std::to_string(c.id));
}

std::optional<common::audit::Cursor> DecodeToken(const std::string& token) {
  auto raw = common::util::Base64Decode(token);
  if (!raw) return std::nullopt;
  auto parts = common::util::Split(*raw, ':');
  if (parts.size() != 3 || parts[0] != "v1") return std::nullopt;
  try {
    return common::audit::Cursor{std::stoll(parts[1]), std::stoll(parts[2])};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

common::Result<nlohmann::json> LookupEvents(const CloudTrailRequest& r, const nlohmann::json& body) {
  common::audit::LookupQuery q;
  q.account_id = r.principal.account_id;
  if (body.contains("LookupAttributes") && !body["LookupAttributes"].is_null()) {
    const auto& list = body["LookupAttributes"];
    if (!list.is_array()) return Invalid("SerializationException", "LookupAttributes must be a list");
    if (list.size() > 1)
      return Invalid("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
    if (list.size() == 1) {
      const auto& item = list[0];
      if (!item.is_object() || !item.contains("AttributeKey") || !item["AttributeKey"].is_string() ||
          !item.contains("AttributeValue") || !item["AttributeValue"].is_string())
        return Invalid("InvalidLookupAttributesException",
                       "A lookup attribute needs an AttributeKey and an AttributeValue.");
      auto attribute = AttributeFromName(item["AttributeKey"].get<std::string>());
      if (!attribute)
        return Invalid("InvalidLookupAttributesException",
                       "Invalid lookup attribute key: " + item["AttributeKey"].get<std::string>());
      std::string value = item["AttributeValue"].get<std::string>();
      if (value.empty() || value.size() > 2000)
        return Invalid("InvalidLookupAttributesException",
                       "The AttributeValue must be between 1 and 2000 characters.");
      q.attribute = *attribute;
      q.value = std::move(value);
    }
  }
  auto start = ParseTime(body, "StartTime");
  if (!start.ok()) return start.error();
  auto end = ParseTime(body, "EndTime");
  if (!end.ok()) return end.error();
  if (*start && *end && **start > **end)
    return Invalid("InvalidTimeRangeException", "Start time must be before end time.");
  q.start_millis = *start;
  q.end_millis = *end;
  if (body.contains("EventCategory") && !body["EventCategory"].is_null()) {
    if (body["EventCategory"] != "insight")
      return Invalid("InvalidEventCategoryException", "Event category is not valid.");
    return nlohmann::json{{"Events", nlohmann::json::array()}};  // NOTE: no Insights events in s3lab
  }
  if (body.contains("MaxResults") && !body["MaxResults"].is_null()) {
    const auto& m = body["MaxResults"];
    if (!m.is_number_integer() || m.get<int64_t>() < 1 || m.get<int64_t>() > 50)
      return Invalid("InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
    q.max_results = m.get<int>();
  }
  if (body.contains("NextToken") && !body["NextToken"].is_null()) {
    auto cursor = body["NextToken"].is_string() ? DecodeToken(body["NextToken"].get<std::string>())
                                                : std::nullopt;
    if (!cursor) return Invalid("InvalidNextTokenException", "Invalid NextToken.");
    q.after = cursor;
  }

  nlohmann::json events = nlohmann::json::array();
  nlohmann::json out = nlohmann::json::object();
  if (r.trail != nullptr) {
    auto page = r.trail->Lookup(q);
    if (!page.ok()) return common::MakeError("InternalFailure", page.error().message, 500);
    for (const auto& e : page->events) {
      nlohmann::json resources = nlohmann::json::array();
      for (const auto& [type, name] : e.resources)
        resources.push_back({{"ResourceType", type}, {"ResourceName", name}});
      nlohmann::json event = {{"EventId", e.event_id},
                              {"EventName", e.event_name},
                              {"ReadOnly", e.read_only ? "true" : "false"},
                              {"EventTime", static_cast<double>(e.event_time_millis) / 1000.0},
                              {"EventSource", e.event_source},
                              {"Resources", std::move(resources)},
                              {"CloudTrailEvent", e.record}};
      if (!e.access_key_id.empty()) event["AccessKeyId"] = e.access_key_id;
      if (!e.username.empty()) event["Username"] = e.username;
      events.push_back(std::move(event));
    }
    if (page->next) out["NextToken"] = EncodeToken(*page->next);
  }
  out["Events"] = std::move(events);
  return out;
}

}  // namespace emulator::cloudtrail
