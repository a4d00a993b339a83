// Helpers for the policy engine tests: principals, contexts and parsed policies.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "common/policy/policy.h"

namespace policy_test {

using common::identity::Principal;
using common::identity::PrincipalType;
using namespace common::policy;

inline Principal User(const std::string& account, const std::string& name) {
  Principal p;
  p.type = PrincipalType::kUser;
  p.account_id = account;
  p.user_name = name;
  p.user_id = "AIDAEXAMPLE" + name;
  p.arn = "arn:aws:iam::" + account + ":user/" + name;
  return p;
}

inline Principal Root(const std::string& account) {
  Principal p;
  p.type = PrincipalType::kRoot;
  p.account_id = account;
  p.user_id = account;
  p.arn = "arn:aws:iam::" + account + ":root";
  return p;
}

inline Context Request(const Principal& who, const std::string& action, const std::string& resource,
                       const std::string& resource_account = "") {
  Context c;
  c.principal = who;
  c.action = action;
  c.resource = resource;
  c.resource_account = resource_account;
  return c;
}

inline NamedPolicy Named(const std::string& name, const std::string& json, PolicyType type) {
  auto parsed = Parse(json, type);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  return NamedPolicy{name, parsed.value()};
}

inline NamedPolicy Identity(const std::string& json) { return Named("inline", json, PolicyType::kIdentity); }
inline NamedPolicy Resource(const std::string& json) {
  return Named("bucket policy", json, PolicyType::kResource);
}

}  // namespace policy_test
