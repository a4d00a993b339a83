// CloudTrail record builder (see record.h).
#include "common/audit/record.h"

#include <algorithm>
#include <cctype>

#include "common/policy/policy.h"
#include "common/util/clock.h"
#include "common/util/strings.h"

namespace common::audit {
namespace {

using common::identity::PrincipalType;

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Camel(const std::string& name) {
  std::string out = name;
  // "KeyId" -> "keyId". KMS members start with one capitalised word, so lowering the first letter is
  // what AWS writes.
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

OrderedJson UserIdentity(const common::identity::Principal& p, const std::string& invoked_by) {
  OrderedJson id = OrderedJson::object();
  switch (p.type) {
    case PrincipalType::kRoot:
      id["type"] = "Root";
      id["principalId"] = p.account_id;
      id["arn"] = p.arn;
      id["accountId"] = p.account_id;
      if (!p.access_key_id.empty()) id["accessKeyId"] = p.access_key_id;
      break;
    case PrincipalType::kUser:
      id["type"] = "IAMUser";
      id["principalId"] = p.user_id;
      id["arn"] = p.arn;
      id["accountId"] = p.account_id;
      if (!p.access_key_id.empty()) id["accessKeyId"] = p.access_key_id;
      id["userName"] = p.user_name;
      break;
    case PrincipalType::kService:
      id["type"] = "AWSService";
      break;
    case PrincipalType::kAnonymous:
      // NOTE: AWS writes {"type":"Unknown"} (or AWSAccount with principalId "" for anonymous S3 calls);
      // s3lab writes Unknown.
      id["type"] = "Unknown";
      break;
  }
  if (!invoked_by.empty()) id["invokedBy"] = invoked_by;
  return id;
}

std::string LookupUsername(const common::identity::Principal& p) {
  if (p.type == PrincipalType::kRoot) return "root";
  return p.user_name;
}

OrderedJson BuildRecord(const Event& e) {
  OrderedJson r = OrderedJson::object();
  r["eventVersion"] = "1.11";
  r["userIdentity"] = UserIdentity(e.principal, e.invoked_by);
  r["eventTime"] = common::util::FormatIso8601Seconds(e.event_time_millis);
  r["eventSource"] = e.event_source;
  r["eventName"] = e.event_name;
  r["awsRegion"] = e.region;
  r["sourceIPAddress"] = e.source_ip;
  r["userAgent"] = e.user_agent;
  if (!e.error_code.empty()) {
    r["errorCode"] = e.error_code;
    r["errorMessage"] = e.error_message;
  }
  r["requestParameters"] = e.request_parameters;
  r["responseElements"] = e.response_elements;
  if (!e.additional_event_data.is_null()) r["additionalEventData"] = e.additional_event_data;
  r["requestID"] = e.request_id;
  r["eventID"] = e.event_id;
  r["readOnly"] = e.read_only;
  if (!e.resources.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const auto& res : e.resources)
      list.push_back(res.account_id.empty()
                         ? OrderedJson{{"type", res.type}, {"ARN", res.arn}}
                         : OrderedJson{{"accountId", res.account_id}, {"type", res.type}, {"ARN", res.arn}});
    r["resources"] = std::move(list);
  }
  r["eventType"] = e.event_type;
  r["managementEvent"] = e.management_event;
  r["recipientAccountId"] = e.recipient_account_id;
  if (!e.shared_event_id.empty()) r["sharedEventID"] = e.shared_event_id;
  r["eventCategory"] = e.event_category;
  if (e.tls) {
    OrderedJson tls = OrderedJson::object();
    if (!e.tls_version.empty()) tls["tlsVersion"] = e.tls_version;
    if (!e.tls_cipher.empty()) tls["cipherSuite"] = e.tls_cipher;
    tls["clientProvidedHostHeader"] = e.tls_host;
    r["tlsDetails"] = std::move(tls);
  }
  return r;
}

std::vector<Event> SharedCopies(Event event, const std::vector<std::string>& also) {
  std::vector<Event> copies;
  copies.reserve(1 + also.size());
  if (!also.empty()) {
    event.shared_event_id = common::util::NewFastUuid();
    event.event_id.clear();
  }
  copies.push_back(std::move(event));
  for (const std::string& account : also) {
    Event copy = copies.front();
    copy.recipient_account_id = account;
    copies.push_back(std::move(copy));
  }
  return copies;
}

void AppendJsonString(std::string& out, std::string_view s) {
  // Printable ASCII without quote or backslash needs no escaping; anything else is left to nlohmann.
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  }
  out += '"';
  out.append(s);
  out += '"';
}

namespace {

// ,"name":  (names are literals of this file: no escaping needed)
void Member(std::string& out, std::string_view name) {
  if (out.back() != '{') out += ',';
  out += '"';
  out.append(name);
  out += "\":";
}

void StringMember(std::string& out, std::string_view name, std::string_view value) {
  Member(out, name);
  AppendJsonString(out, value);
}

void JsonMember(std::string& out, std::string_view name, const OrderedJson& value) {
  Member(out, name);
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void UserIdentityText(std::string& out, const common::identity::Principal& p, const std::string& invoked_by) {
  out += '{';
  switch (p.type) {
    case PrincipalType::kRoot:
      StringMember(out, "type", "Root");
      StringMember(out, "principalId", p.account_id);
      StringMember(out, "arn", p.arn);
      StringMember(out, "accountId", p.account_id);
      if (!p.access_key_id.empty()) StringMember(out, "accessKeyId", p.access_key_id);
      break;
    case PrincipalType::kUser:
      StringMember(out, "type", "IAMUser");
      StringMember(out, "principalId", p.user_id);
      StringMember(out, "arn", p.arn);
      StringMember(out, "accountId", p.account_id);
      if (!p.access_key_id.empty()) StringMember(out, "accessKeyId", p.access_key_id);
      StringMember(out, "userName", p.user_name);
      break;
    case PrincipalType::kService:
      StringMember(out, "type", "AWSService");
      break;
    case PrincipalType::kAnonymous:
      StringMember(out, "type", "Unknown");
      break;
  }
  if (!invoked_by.empty()) StringMember(out, "invokedBy", invoked_by);
  out += '}';
}

}  // namespace

// Mirrors BuildRecord member for member (a unit test compares the two).
std::string RecordText(const Event& e) {
  std::string out;
  out.reserve(1536);
  AppendRecordText(out, e);
  return out;
}

void AppendRecordText(std::string& out, const Event& e) {
  out += '{';
  StringMember(out, "eventVersion", "1.11");
  Member(out, "userIdentity");
  UserIdentityText(out, e.principal, e.invoked_by);
  StringMember(out, "eventTime", common::util::FormatIso8601Seconds(e.event_time_millis));
  StringMember(out, "eventSource", e.event_source);
  StringMember(out, "eventName", e.event_name);
  StringMember(out, "awsRegion", e.region);
  StringMember(out, "sourceIPAddress", e.source_ip);
  StringMember(out, "userAgent", e.user_agent);
  if (!e.error_code.empty()) {
    StringMember(out, "errorCode", e.error_code);
    StringMember(out, "errorMessage", e.error_message);
  }
  JsonMember(out, "requestParameters", e.request_parameters);
  JsonMember(out, "responseElements", e.response_elements);
  if (!e.additional_event_data.is_null()) JsonMember(out, "additionalEventData", e.additional_event_data);
  StringMember(out, "requestID", e.request_id);
  StringMember(out, "eventID", e.event_id);
  Member(out, "readOnly");
  out += e.read_only ? "true" : "false";
  if (!e.resources.empty()) {
    Member(out, "resources");
    out += '[';
    for (size_t i = 0; i < e.resources.size(); ++i) {
      if (i > 0) out += ',';
      out += '{';
      if (!e.resources[i].account_id.empty()) StringMember(out, "accountId", e.resources[i].account_id);
      StringMember(out, "type", e.resources[i].type);
      StringMember(out, "ARN", e.resources[i].arn);
      out += '}';
    }
    out += ']';
  }
  StringMember(out, "eventType", e.event_type);
  Member(out, "managementEvent");
  out += e.management_event ? "true" : "false";
  StringMember(out, "recipientAccountId", e.recipient_account_id);
  if (!e.shared_event_id.empty()) StringMember(out, "sharedEventID", e.shared_event_id);
  StringMember(out, "eventCategory", e.event_category);
  if (e.tls) {
    Member(out, "tlsDetails");
    out += '{';
    if (!e.tls_version.empty()) StringMember(out, "tlsVersion", e.tls_version);
    if (!e.tls_cipher.empty()) StringMember(out, "cipherSuite", e.tls_cipher);
    StringMember(out, "clientProvidedHostHeader", e.tls_host);
    out += '}';
  }
  out += '}';
}

std::string DecisionText(const common::policy::Explanation& why) {
  using common::policy::Effect;
  OrderedJson d = OrderedJson::object();
  d["effect"] = why.effect == Effect::kExplicitDeny ? "ExplicitDeny"
                : why.effect == Effect::kAllow      ? "Allow"
                                                    : "ImplicitDeny";
  d["reason"] = why.reason;
  d["policyType"] = why.policy_kind;
  if (why.effect == Effect::kExplicitDeny) {
    d["policy"] = why.policy;
    d["sid"] = why.sid.empty() ? OrderedJson(nullptr) : OrderedJson(why.sid);
    d["statementIndex"] = why.statement_index;
    OrderedJson statement = OrderedJson::parse(why.statement, nullptr, /*allow_exceptions=*/false);
    d["statement"] = statement.is_discarded() ? OrderedJson(nullptr) : std::move(statement);
  } else {
    d["considered"] = why.considered;
  }
  return d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

OrderedJson CamelCaseMembers(const nlohmann::json& value, const std::vector<std::string>& maps,
                             const std::vector<std::string>& drop) {
  if (value.is_array()) {
    OrderedJson out = OrderedJson::array();
    for (const auto& item : value) out.push_back(CamelCaseMembers(item, maps, drop));
    return out;
  }
  if (!value.is_object()) return OrderedJson(value);
  OrderedJson out = OrderedJson::object();
  for (const auto& [name, member] : value.items()) {
    if (Contains(drop, name)) continue;
    if (Contains(maps, name))
      out[Camel(name)] = OrderedJson(member);
    else
      out[Camel(name)] = CamelCaseMembers(member, maps, drop);
  }
  return out;
}

}  // namespace common::audit
