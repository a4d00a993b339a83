// Policy documents from JSON into typed Statements, with S3's MalformedPolicy texts. Values that AWS
// accepts as a string or a list (Action, Resource, principal entries, condition values) become lists;
// condition numbers and booleans become their JSON text ("5", "true"). Each statement also keeps its JSON
// text as written (Statement::text), which Explain() shows for a deny statement.
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/policy/policy.h"
#include "common/policy/policy_internal.h"

namespace common::policy {
namespace {

// Ordered: Statement::text keeps the members in the order the author wrote them.
using json = nlohmann::ordered_json;

AwsError Malformed(const std::string& message) { return MakeError("MalformedPolicy", message, 400); }

// A string or an array of strings; nullopt otherwise (and for an empty array).
std::optional<std::vector<std::string>> StringList(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array() && !v.empty()) {
    for (const auto& item : v) {
      if (!item.is_string()) return std::nullopt;
      out.push_back(item.get<std::string>());
    }
  } else {
    return std::nullopt;
  }
  return out;
}

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "*", a 12-digit account, or an IAM/STS ARN naming a 12-digit account.
bool IsValidAwsPrincipal(const std::string& p) {
  if (p == "*" || IsDigits(p, 12)) return true;
  for (std::string_view prefix : {"arn:aws:iam::", "arn:aws:sts::"}) {
    if (p.rfind(prefix, 0) != 0) continue;
    std::string_view rest = std::string_view(p).substr(prefix.size());
    if (rest.size() < 14 || !IsDigits(rest.substr(0, 12), 12) || rest[12] != ':') return false;
    std::string_view resource = rest.substr(13);
    return resource == "root" || resource.rfind("user/", 0) == 0 || resource.rfind("role/", 0) == 0 ||
           resource.rfind("assumed-role/", 0) == 0 || resource.rfind("federated-user/", 0) == 0;
  }
  return false;
}

Result<PrincipalSpec> ParsePrincipal(const json& v) {
  PrincipalSpec spec;
  if (v.is_string()) {
    if (v.get<std::string>() != "*") return Malformed("Invalid principal in policy");
    spec.any = true;
    return spec;
  }
  if (!v.is_object() || v.empty()) return Malformed("Invalid principal in policy");
  for (const auto& [type, value] : v.items()) {
    auto list = StringList(value);
    if (!list) return Malformed("Invalid principal in policy");
    if (type == "AWS") {
      for (const auto& p : *list) {
        if (!IsValidAwsPrincipal(p)) return Malformed("Invalid principal in policy");
        if (p == "*") spec.any = true;
        spec.aws.push_back(p);
      }
    } else if (type == "Service") {
      for (const auto& s : *list) {
        if (s.empty() || s.find(' ') != std::string::npos) return Malformed("Invalid principal in policy");
        spec.service.push_back(s);
      }
    } else if (type == "CanonicalUser") {
      for (const auto& c : *list) spec.canonical_user.push_back(c);
    } else if (type == "Federated") {
      // Accepted and stored nowhere: s3lab has no federation, so such principals never match.
    } else {
      return Malformed("Invalid principal in policy");
    }
  }
  return spec;
}

bool IsValidAction(const std::string& a) {
  if (a == "*") return true;
  const size_t colon = a.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == a.size()) return false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = a[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return a.find_first_of(" :", colon + 1) == std::string::npos;
}

bool IsValidResource(const std::string& r) { return r == "*" || r.rfind("arn:", 0) == 0; }

Status ParseConditions(const json& v, std::vector<Condition>& out) {
  // NOTE: AWS's exact text for a malformed Condition block was not recorded; these are s3lab's.
  if (!v.is_object()) return Malformed("Policy has an invalid condition block");
  for (const auto& [op, block] : v.items()) {
    if (!internal::ParseOperator(op)) return Malformed("Invalid Condition type : " + op);
    if (!block.is_object() || block.empty()) return Malformed("Policy has an invalid condition block");
    for (const auto& [key, value] : block.items()) {
      Condition c{op, key, {}};
      const json items = value.is_array() ? value : json::array({value});
      for (const auto& item : items) {
        if (item.is_string()) {
          c.values.push_back(item.get<std::string>());
        } else if (item.is_number() || item.is_boolean()) {
          c.values.push_back(item.dump());
        } else {
          return Malformed("Policy has an invalid condition block");
        }
      }
      out.push_back(std::move(c));
    }
  }
  return Ok{};
}

Result<Statement> ParseStatement(const json& s, PolicyType type) {
  if (!s.is_object()) return Malformed("Missing required field Statement");
  static const char* kKnown[] = {"Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
                                 "NotAction", "Resource", "NotResource", "Condition"};
  for (const auto& [field, unused] : s.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || field == k;
    if (!known) return Malformed("Unknown field " + field);
  }
  Statement st;
  if (s.contains("Sid")) {
    if (!s["Sid"].is_string()) return Malformed("Policy has an invalid Sid");
    st.sid = s["Sid"].get<std::string>();
  }
  if (!s.contains("Effect")) return Malformed("Missing required field Effect");
  const std::string effect = s["Effect"].is_string() ? s["Effect"].get<std::string>() : s["Effect"].dump();
  if (effect != "Allow" && effect != "Deny") return Malformed("Invalid effect: " + effect);
  st.allow = effect == "Allow";

  const bool has_p = s.contains("Principal"), has_np = s.contains("NotPrincipal");
  if (type == PolicyType::kIdentity && (has_p || has_np))
    return Malformed("Policy document should not specify a principal.");
  if (type == PolicyType::kResource) {
    if (!has_p && !has_np) return Malformed("Missing required field Principal");
    if (has_p && has_np) return Malformed("Invalid principal in policy");
    auto spec = ParsePrincipal(s[has_p ? "Principal" : "NotPrincipal"]);
    if (!spec.ok()) return spec.error();
    st.has_principal = true;
    st.not_principal = has_np;
    st.principal = std::move(spec.value());
  }

  const bool has_a = s.contains("Action"), has_na = s.contains("NotAction");
  if (!has_a && !has_na) return Malformed("Missing required field Action");
  if (has_a && has_na) return Malformed("Policy has invalid action");
  auto actions = StringList(s[has_a ? "Action" : "NotAction"]);
  if (!actions) return Malformed("Policy has invalid action");
  for (const auto& a : *actions)
    if (!IsValidAction(a)) return Malformed("Policy has invalid action").With("Value", a);
  st.not_action = has_na;
  st.actions = std::move(*actions);

  const bool has_r = s.contains("Resource"), has_nr = s.contains("NotResource");
  if (!has_r && !has_nr) return Malformed("Missing required field Resource");
  if (has_r && has_nr) return Malformed("Policy has invalid resource");
  auto resources = StringList(s[has_r ? "Resource" : "NotResource"]);
  if (!resources) return Malformed("Policy has invalid resource");
  for (const auto& r : *resources)
    if (!IsValidResource(r)) return Malformed("Policy has invalid resource").With("Value", r);
  st.not_resource = has_nr;
  st.resources = std::move(*resources);

  if (s.contains("Condition")) S3LAB_TRY(ParseConditions(s["Condition"], st.conditions));
  st.text = s.dump(-1, ' ', false, json::error_handler_t::replace);
  return st;
}

// Policies nest a few levels; a document nested deeper than this is refused before nlohmann's
// recursive parser and destructor could exhaust the stack.
bool NestingWithin(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // skip the escaped character
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

}  // namespace

Result<Policy> Parse(const std::string& json_text, PolicyType type) {
  const AwsError not_json = Malformed("Policies must be valid JSON and the first byte must be '{'");
  const size_t first = json_text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || json_text[first] != '{' || !NestingWithin(json_text, 32)) return not_json;
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const std::exception&) {
    return not_json;
  }
  if (!doc.is_object()) return not_json;
  Policy policy;
  policy.version = "2008-10-17";  // S3's default when Version is absent
  if (doc.contains("Version")) {
    const json& v = doc["Version"];
    if (!v.is_string() || (v != "2012-10-17" && v != "2008-10-17"))
      return Malformed("The policy must contain a valid version string");
    policy.version = v.get<std::string>();
  }
  if (doc.contains("Id")) {
    if (!doc["Id"].is_string()) return Malformed("Policy has an invalid Id");
    policy.id = doc["Id"].get<std::string>();
  }
  if (!doc.contains("Statement")) return Malformed("Missing required field Statement");
  const json& statements = doc["Statement"];
  if (statements.is_array()) {
    if (statements.empty()) return Malformed("Missing required field Statement");
    for (const auto& s : statements) {
      auto st = ParseStatement(s, type);
      if (!st.ok()) return st.error();
      policy.statements.push_back(std::move(st.value()));
    }
  } else {
    auto st = ParseStatement(statements, type);
    if (!st.ok()) return st.error();
    policy.statements.push_back(std::move(st.value()));
  }
  return policy;
}

}  // namespace common::policy
