// SqliteIdentityStore: inline user policies, customer managed policies and their attachments to users.
// Documents are validated with the policy engine's parser (identity-policy rules) and stored as given.
#include <mutex>

#include "common/identity/aws_managed_policies.h"
#include "common/identity/sqlite_identity_store.h"
#include "common/identity/store_util.h"

namespace common::identity {
namespace {

using internal::Guard;

// The parser speaks S3's MalformedPolicy texts; IAM words the common cases differently.
Status ValidateDocument(const std::string& document) {
  auto parsed = policy::Parse(document, policy::PolicyType::kIdentity);
  if (parsed.ok()) return Ok{};
  const AwsError& e = parsed.error();
  std::string message = e.message;
  if (message.rfind("Policies must be valid JSON", 0) == 0) {
    message = "Syntax errors in policy.";
  } else if (message == "Missing required field Resource") {
    message = "Policy statement must contain resources.";
  } else if (message == "Missing required field Action") {
    message = "Policy statement must contain actions.";
  } else if (message == "Policy has invalid action") {
    message = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
  } else if (message == "Policy has invalid resource") {
    message = "Resource " + e.Extra("Value") + " must be in ARN format or \"*\".";
  }
  return errors::MalformedPolicyDocument(message);
}

ManagedPolicy ReadPolicyRow(SQLite::Statement& q) {
  ManagedPolicy p;
  p.arn = q.getColumn(0).getString();
  p.account_id = q.getColumn(1).getString();
  p.name = q.getColumn(2).getString();
  p.policy_id = q.getColumn(3).getString();
  p.path = q.getColumn(4).getString();
  p.document = q.getColumn(5).getString();
  p.create_millis = q.getColumn(6).getInt64();
  return p;
}

constexpr const char* kPolicyColumns =
    "SELECT arn, account_id, name, policy_id, path, document, create_millis FROM managed_policies ";

}  // namespace

Status SqliteIdentityStore::PutUserPolicy(const std::string& account_id, const std::string& user_name,
                                          const std::string& policy_name, const std::string& document) {
  S3LAB_TRY(internal::ValidatePolicyName(policy_name));
  S3LAB_TRY(ValidateDocument(document));
  return WriteLocked([&]() -> Status {
    auto user = FindUserLocked(account_id, user_name);
    if (!user) return errors::NoSuchUser(user_name);
    SQLite::Statement put(*db_, "INSERT OR REPLACE INTO user_policies VALUES (?, ?, ?, ?)");
    put.bind(1, account_id);
    put.bind(2, user->user_name);
    put.bind(3, policy_name);
    put.bind(4, document);
    put.exec();
    return Ok{};
  });
}

Result<std::string> SqliteIdentityStore::GetUserPolicy(const std::string& account_id,
                                                       const std::string& user_name,
                                                       const std::string& policy_name) {
  std::lock_guard lock(db_mutex_);
  return Guard([&]() -> Result<std::string> {
    if (!FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    SQLite::Statement q(*db_,
                        "SELECT document FROM user_policies WHERE account_id = ? AND user_name = ? "
                        "AND policy_name = ?");
    q.bind(1, account_id);
    q.bind(2, user_name);
    q.bind(3, policy_name);
    if (!q.executeStep()) return errors::NoSuchUserPolicy(user_name, policy_name);
    return q.getColumn(0).getString();
  });
}

Status SqliteIdentityStore::DeleteUserPolicy(const std::string& account_id, const std::string& user_name,
                                             const std::string& policy_name) {
  return WriteLocked([&]() -> Status {
    if (!FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    SQLite::Statement del(
        *db_, "DELETE FROM user_policies WHERE account_id = ? AND user_name = ? AND policy_name = ?");
    del.bind(1, account_id);
    del.bind(2, user_name);
    del.bind(3, policy_name);
    if (del.exec() == 0) return errors::NoSuchUserPolicy(user_name, policy_name);
    return Ok{};
  });
}

Result<std::vector<std::string>> SqliteIdentityStore::ListUserPolicies(const std::string& account_id,
                                                                       const std::string& user_name) {
  std::lock_guard lock(db_mutex_);
  return Guard([&]() -> Result<std::vector<std::string>> {
    if (!FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    SQLite::Statement q(*db_,
                        "SELECT policy_name FROM user_policies WHERE account_id = ? AND user_name = ? "
                        "ORDER BY policy_name");
    q.bind(1, account_id);
    q.bind(2, user_name);
    std::vector<std::string> names;
    while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    return names;
  });
}

Result<ManagedPolicy> SqliteIdentityStore::CreatePolicy(const std::string& account_id,
                                                        const std::string& name, const std::string& path,
                                                        const std::string& document) {
  S3LAB_TRY(internal::ValidatePolicyName(name, "policyName"));
  const std::string policy_path = path.empty() ? "/" : path;
  S3LAB_TRY(internal::ValidatePath(policy_path));
  S3LAB_TRY(ValidateDocument(document));
  return WriteLocked([&]() -> Result<ManagedPolicy> {
    if (!AccountExistsLocked(account_id)) return errors::NoSuchAccount(account_id);
    SQLite::Statement exists(*db_, "SELECT 1 FROM managed_policies WHERE account_id = ? AND name = ?");
    exists.bind(1, account_id);
    exists.bind(2, name);
    if (exists.executeStep()) return errors::PolicyAlreadyExists(name);
    ManagedPolicy p;
    p.account_id = account_id;
    p.name = name;
    p.path = policy_path;
    p.arn = PolicyArn(account_id, policy_path, name);
    p.policy_id = NewPolicyId();
    p.document = document;
    p.create_millis = NowMillisLocked();
    SQLite::Statement ins(*db_, "INSERT INTO managed_policies VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, p.arn);
    ins.bind(2, account_id);
    ins.bind(3, name);
    ins.bind(4, p.policy_id);
    ins.bind(5, policy_path);
    ins.bind(6, document);
    ins.bind(7, p.create_millis);
    ins.exec();
    return p;
  });
}

Result<ManagedPolicy> SqliteIdentityStore::GetPolicy(const std::string& account_id,
                                                     const std::string& policy_arn) {
  if (const ManagedPolicy* builtin = FindAwsManagedPolicy(policy_arn)) return *builtin;
  std::lock_guard lock(db_mutex_);
  return Guard([&]() -> Result<ManagedPolicy> {
    SQLite::Statement q(*db_, std::string(kPolicyColumns) + "WHERE arn = ? AND account_id = ?");
    q.bind(1, policy_arn);
    q.bind(2, account_id);
    if (!q.executeStep()) return errors::NoSuchPolicy(policy_arn);
    return ReadPolicyRow(q);
  });
}

std::vector<ManagedPolicy> SqliteIdentityStore::ListPolicies(const std::string& account_id) {
  std::lock_guard lock(db_mutex_);
  std::vector<ManagedPolicy> out;
  try {
    SQLite::Statement q(*db_, std::string(kPolicyColumns) + "WHERE account_id = ? ORDER BY name");
    q.bind(1, account_id);
    while (q.executeStep()) out.push_back(ReadPolicyRow(q));
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

Status SqliteIdentityStore::DeletePolicy(const std::string& account_id, const std::string& policy_arn) {
  return WriteLocked([&]() -> Status {
    SQLite::Statement attached(*db_, "SELECT 1 FROM user_policy_attachments WHERE policy_arn = ?");
    attached.bind(1, policy_arn);
    if (attached.executeStep())
      return MakeError("DeleteConflict", "Cannot delete a policy attached to entities.", 409);
    SQLite::Statement del(*db_, "DELETE FROM managed_policies WHERE arn = ? AND account_id = ?");
    del.bind(1, policy_arn);
    del.bind(2, account_id);
    if (del.exec() == 0) return errors::NoSuchPolicy(policy_arn);
    return Ok{};
  });
}

Status SqliteIdentityStore::AttachUserPolicy(const std::string& account_id, const std::string& user_name,
                                             const std::string& policy_arn) {
  return WriteLocked([&]() -> Status {
    auto user = FindUserLocked(account_id, user_name);
    if (!user) return errors::NoSuchUser(user_name);
    if (!FindAwsManagedPolicy(policy_arn)) {
      SQLite::Statement q(*db_, "SELECT 1 FROM managed_policies WHERE arn = ? AND account_id = ?");
      q.bind(1, policy_arn);
      q.bind(2, account_id);
      if (!q.executeStep()) return errors::NoSuchPolicy(policy_arn);
    }
    SQLite::Statement ins(*db_, "INSERT OR IGNORE INTO user_policy_attachments VALUES (?, ?, ?)");
    ins.bind(1, account_id);
    ins.bind(2, user->user_name);
    ins.bind(3, policy_arn);
    ins.exec();
    return Ok{};
  });
}

Status SqliteIdentityStore::DetachUserPolicy(const std::string& account_id, const std::string& user_name,
                                             const std::string& policy_arn) {
  return WriteLocked([&]() -> Status {
    if (!FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    SQLite::Statement del(*db_,
                          "DELETE FROM user_policy_attachments WHERE account_id = ? AND user_name = ? "
                          "AND policy_arn = ?");
    del.bind(1, account_id);
    del.bind(2, user_name);
    del.bind(3, policy_arn);
    if (del.exec() == 0) return errors::PolicyNotAttached(policy_arn);
    return Ok{};
  });
}

Result<std::vector<ManagedPolicy>> SqliteIdentityStore::ListAttachedUserPolicies(
    const std::string& account_id, const std::string& user_name) {
  std::lock_guard lock(db_mutex_);
  return Guard([&]() -> Result<std::vector<ManagedPolicy>> {
    if (!FindUserLocked(account_id, user_name)) return errors::NoSuchUser(user_name);
    SQLite::Statement q(*db_,
                        "SELECT a.policy_arn, m.arn, m.account_id, m.name, m.policy_id, m.path, m.document, "
                        "m.create_millis FROM user_policy_attachments a LEFT JOIN managed_policies m "
                        "ON m.arn = a.policy_arn WHERE a.account_id = ? AND a.user_name = ? "
                        "ORDER BY a.policy_arn");
    q.bind(1, account_id);
    q.bind(2, user_name);
    std::vector<ManagedPolicy> out;
    while (q.executeStep()) {
      const std::string arn = q.getColumn(0).getString();
      if (const ManagedPolicy* builtin = FindAwsManagedPolicy(arn)) {
        out.push_back(*builtin);
      } else if (!q.getColumn(1).isNull()) {
        ManagedPolicy p;
        p.arn = arn;
        p.account_id = q.getColumn(2).getString();
        p.name = q.getColumn(3).getString();
        p.policy_id = q.getColumn(4).getString();
        p.path = q.getColumn(5).getString();
        p.document = q.getColumn(6).getString();
        p.create_millis = q.getColumn(7).getInt64();
        out.push_back(std::move(p));
      }
    }
    return out;
  });
}

}  // namespace common::identity
