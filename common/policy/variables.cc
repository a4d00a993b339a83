// Condition keys the caller did not set but s3lab derives from the principal, and policy variables
// (${aws:username} ...) in Resource and condition values.
#include "common/policy/policy_internal.h"

namespace common::policy::internal {

const std::vector<std::string>* LookupKey(const Context& context, const std::string& lower_key,
                                          std::vector<std::string>& scratch) {
  auto it = context.keys.find(lower_key);
  if (it != context.keys.end()) return &it->second;
  using identity::PrincipalType;
  const identity::Principal& p = context.principal;
  scratch.clear();
  if (lower_key == "aws:username") {
    if (p.type == PrincipalType::kUser) scratch.push_back(p.user_name);
  } else if (lower_key == "aws:userid") {
    if (!p.user_id.empty()) scratch.push_back(p.user_id);
  } else if (lower_key == "aws:principalaccount") {
    if (!p.account_id.empty()) scratch.push_back(p.account_id);
  } else if (lower_key == "aws:principalarn") {
    if (!p.arn.empty()) scratch.push_back(p.arn);
  } else if (lower_key == "aws:principaltype") {
    if (p.type == PrincipalType::kUser) scratch.push_back("User");
    if (p.type == PrincipalType::kRoot) scratch.push_back("Account");
    if (p.type == PrincipalType::kAnonymous && context.service_principal.empty())
      scratch.push_back("Anonymous");
  } else if (lower_key == "aws:principalisawsservice") {
    scratch.push_back(!context.service_principal.empty() && p.anonymous() ? "true" : "false");
  } else if (lower_key == "aws:principalservicename") {
    if (!context.service_principal.empty()) scratch.push_back(context.service_principal);
  }
  return scratch.empty() ? nullptr : &scratch;
}

std::optional<std::string> SubstituteVariables(std::string_view text, const Context& context) {
  if (text.find("${") == std::string_view::npos) return std::string(text);
  std::string out;
  std::vector<std::string> scratch;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = text.find("${", pos);
    if (start == std::string_view::npos) break;
    const size_t end = text.find('}', start + 2);
    if (end == std::string_view::npos) break;
    out.append(text.substr(pos, start - pos));
    std::string_view inner = text.substr(start + 2, end - start - 2);
    pos = end + 1;
    if (inner == "*" || inner == "?" || inner == "$") {
      out.append(inner);
      continue;
    }
    std::optional<std::string> fallback;
    if (const size_t comma = inner.find(','); comma != std::string_view::npos) {
      std::string_view d = inner.substr(comma + 1);
      const size_t q1 = d.find('\''), q2 = d.rfind('\'');
      if (q1 != std::string_view::npos && q2 > q1) fallback = std::string(d.substr(q1 + 1, q2 - q1 - 1));
      inner = inner.substr(0, comma);
      while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    }
    const std::vector<std::string>* values = LookupKey(context, Lower(inner), scratch);
    if (values && !values->empty()) {
      out.append(values->front());
    } else if (fallback) {
      out.append(*fallback);
    } else {
      return std::nullopt;
    }
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace common::policy::internal
