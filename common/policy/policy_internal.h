// Internal pieces of the policy engine shared by parse.cc, conditions.cc and evaluate.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/policy/policy.h"

namespace common::policy::internal {

// The condition operator with its prefixes and suffix taken apart. nullopt for an unknown operator.
enum class SetMode { kNone, kForAnyValue, kForAllValues };
struct Operator {
  SetMode set_mode = SetMode::kNone;
  std::string base;      // canonical spelling of the positive operator, e.g. "StringEquals"
  bool negated = false;  // StringNotEquals, NotIpAddress, ... (base then holds the positive form)
  bool if_exists = false;
  bool is_null = false;
};
std::optional<Operator> ParseOperator(std::string_view op);

// Values of a condition key (lower-cased name): the context's own, else the ones s3lab derives from
// the principal (aws:username, aws:userid, aws:principalaccount, aws:principalarn, aws:principaltype,
// aws:principalisawsservice). nullptr when absent.
const std::vector<std::string>* LookupKey(const Context& context, const std::string& lower_key,
                                          std::vector<std::string>& scratch);

// Replaces ${key} and ${key, 'default'} by the key's (first) value; ${*} ${?} ${$} by the literal char.
// nullopt when a variable has no value and no default.
std::optional<std::string> SubstituteVariables(std::string_view text, const Context& context);

// One condition block entry against the context (policy variables substituted when `variables`).
bool EvaluateCondition(const Condition& condition, const Context& context, bool variables);

std::string Lower(std::string_view s);

}  // namespace common::policy::internal
