// Internal helpers shared by the SqliteIdentityStore source files.
#pragma once

#include <exception>
#include <string>

#include "common/identity/iam_errors.h"
#include "common/identity/ids.h"

namespace common::identity::internal {

// Runs f, turning a library exception (SQLiteCpp) into ServiceFailure.
template <class F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return errors::ServiceFailure(e.what());
  }
}

inline Status ValidateUserName(const std::string& name, const char* member = "userName") {
  if (name.size() > 64)
    return errors::ValidationError(name, member, "Member must have length less than or equal to 64");
  if (!IsValidUserName(name))
    return errors::ValidationError(name, member,
                                   "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  return Ok{};
}

inline Status ValidatePolicyName(const std::string& name, const char* member = "policyName") {
  if (name.size() > 128)
    return errors::ValidationError(name, member, "Member must have length less than or equal to 128");
  if (!IsValidPolicyName(name))
    return errors::ValidationError(name, member,
                                   "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  return Ok{};
}

inline Status ValidatePath(const std::string& path) {
  if (!IsValidPath(path))
    return errors::ValidationError(path, "path",
                                   "Member must satisfy regular expression pattern: "
                                   "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  return Ok{};
}

}  // namespace common::identity::internal
