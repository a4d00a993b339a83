// Accounts, IAM users, access keys, inline and managed policies, and the lab clock offset, in iam.db
// (SQLite, WAL). The S3 process owns writes (IAM API, `s3lab account add`); the KMS process opens it
// read-only. Reads go through an in-memory snapshot rebuilt when `PRAGMA data_version` says another
// connection committed, so the hot path (access key -> secret + principal + policies) does no SQL.
// Thread-safe. Secrets are stored as given (they are lab credentials, printed by `s3lab env`).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/identity/principal.h"
#include "common/policy/policy.h"

namespace common::identity {

struct Account {
  std::string id;                 // 12 digits
  std::string name;               // "lab"
  std::string canonical_user_id;  // 64 hex
  std::string root_access_key_id;
  std::string root_secret_access_key;
};

struct User {
  std::string account_id;
  std::string user_name;
  std::string user_id;  // AIDA + 17 upper-case alnum
  std::string arn;
  std::string path = "/";
  int64_t create_millis = 0;
};

struct AccessKey {
  std::string access_key_id;  // AKIA + 16 upper-case alnum
  std::string secret_access_key;
  std::string user_name;  // "" for root keys
  std::string account_id;
  std::string status = "Active";
  int64_t create_millis = 0;
};

struct ManagedPolicy {
  std::string account_id;
  std::string name;
  std::string arn;
  std::string policy_id;  // ANPA...
  std::string document;   // JSON text
  std::string path = "/";
  int64_t create_millis = 0;
};

// An IAM virtual MFA device (CreateVirtualMFADevice). The TOTP seed is a lab secret, stored as given
// like access keys; enable/assign binds it to one IAM user or to the account's root user.
struct MfaDevice {
  std::string account_id;
  std::string serial;       // arn:aws:iam::<account>:mfa/<path without leading '/'><name>
  std::string name;
  std::string path = "/";
  std::string seed;         // raw TOTP secret bytes (20 random bytes); Base32 on the wire
  bool assigned = false;
  bool root = false;        // assigned to the root user (user_name empty)
  std::string user_name;    // assigned IAM user
  int64_t create_millis = 0;
  int64_t enable_millis = 0;
};

// A resolved access key: the secret to check the signature and the principal it belongs to, with the
// identity policies (inline + attached managed) that apply to it, as JSON texts named for explanations.
struct KeyInfo {
  std::string secret_access_key;
  Principal principal;
  std::vector<std::pair<std::string, std::string>> policies;  // (policy name or ARN, JSON document)
  // The same policies parsed once per snapshot (documents that fail to parse are left out), ready for
  // policy::Authorize / AuthorizeKms without JSON work on the hot path. Never null.
  std::shared_ptr<const std::vector<policy::NamedPolicy>> parsed_policies;
};

class IdentityStore {
 public:
  // Opens (and, when writable, creates) <data_dir>/iam.db.
  static Result<std::unique_ptr<IdentityStore>> Open(const std::string& data_dir, bool writable);
  virtual ~IdentityStore() = default;

  // Hot path. nullopt when the key is unknown or inactive.
  virtual std::optional<KeyInfo> LookupAccessKey(const std::string& access_key_id) = 0;
  virtual std::optional<Account> GetAccount(const std::string& account_id) = 0;
  virtual std::vector<Account> ListAccounts() = 0;

  // Writes (S3 process only). Errors use IAM codes: EntityAlreadyExists, NoSuchEntity (404),
  // LimitExceeded, MalformedPolicyDocument, DeleteConflict.
  virtual Result<Account> EnsureAccount(const std::string& id, const std::string& name) = 0;  // idempotent
  virtual Result<User> CreateUser(const std::string& account_id, const std::string& user_name,
                                  const std::string& path) = 0;
  virtual Result<User> GetUser(const std::string& account_id, const std::string& user_name) = 0;
  virtual std::vector<User> ListUsers(const std::string& account_id) = 0;
  virtual Status DeleteUser(const std::string& account_id, const std::string& user_name) = 0;
  virtual Result<AccessKey> CreateAccessKey(const std::string& account_id, const std::string& user_name) = 0;
  virtual std::vector<AccessKey> ListAccessKeys(const std::string& account_id,
                                                const std::string& user_name) = 0;
  virtual Status DeleteAccessKey(const std::string& account_id, const std::string& user_name,
                                 const std::string& access_key_id) = 0;
  virtual Status PutUserPolicy(const std::string& account_id, const std::string& user_name,
                               const std::string& policy_name, const std::string& document) = 0;
  virtual Result<std::string> GetUserPolicy(const std::string& account_id, const std::string& user_name,
                                            const std::string& policy_name) = 0;
  virtual Status DeleteUserPolicy(const std::string& account_id, const std::string& user_name,
                                  const std::string& policy_name) = 0;
  virtual Result<std::vector<std::string>> ListUserPolicies(const std::string& account_id,
                                                            const std::string& user_name) = 0;
  virtual Result<ManagedPolicy> CreatePolicy(const std::string& account_id, const std::string& name,
                                             const std::string& path, const std::string& document) = 0;
  virtual Status AttachUserPolicy(const std::string& account_id, const std::string& user_name,
                                  const std::string& policy_arn) = 0;
  virtual Status DetachUserPolicy(const std::string& account_id, const std::string& user_name,
                                  const std::string& policy_arn) = 0;
  virtual Result<std::vector<ManagedPolicy>> ListAttachedUserPolicies(const std::string& account_id,
                                                                      const std::string& user_name) = 0;

  // Lab clock offset (ms), shared by both processes.
  virtual int64_t ClockOffsetMillis() = 0;
  virtual Status SetClockOffsetMillis(int64_t offset) = 0;

  // Additions (H2). Managed policies by ARN: customer managed ones of the account and the AWS managed
  // policies s3lab knows (arn:aws:iam::aws:policy/AdministratorAccess, AmazonS3FullAccess,
  // AmazonS3ReadOnlyAccess, AWSKeyManagementServicePowerUser). Defaults return NotImplemented so fakes
  // written against the original interface keep compiling.
  virtual Result<ManagedPolicy> GetPolicy(const std::string& account_id, const std::string& policy_arn);
  // Customer managed policies of the account (scope "Local"), ordered by name.
  virtual std::vector<ManagedPolicy> ListPolicies(const std::string& account_id);
  // DeleteConflict while attached ("Cannot delete a policy attached to entities.").
  virtual Status DeletePolicy(const std::string& account_id, const std::string& policy_arn);
  // status: "Active" | "Inactive". Inactive keys stop resolving in LookupAccessKey.
  virtual Status UpdateAccessKey(const std::string& account_id, const std::string& user_name,
                                 const std::string& access_key_id, const std::string& status);

  // Virtual MFA devices (sqlite_identity_store_mfa.cc). EntityAlreadyExists (409) for a taken name or
  // an already assigned device, NoSuchEntity (404) for an unknown serial, DeleteConflict while assigned.
  virtual Result<MfaDevice> CreateMfaDevice(const std::string& account_id, const std::string& name,
                                            const std::string& path, const std::string& seed);
  virtual Result<MfaDevice> GetMfaDevice(const std::string& account_id, const std::string& serial);
  virtual std::vector<MfaDevice> ListMfaDevices(const std::string& account_id);
  // user_name "" = the root user.
  virtual Status AssignMfaDevice(const std::string& account_id, const std::string& serial,
                                 const std::string& user_name);
  virtual Status UnassignMfaDevice(const std::string& account_id, const std::string& serial);
  virtual Status DeleteMfaDevice(const std::string& account_id, const std::string& serial);
};

// The default lab account of README: 111122223333, named "lab".
inline constexpr const char* kDefaultAccountId = "111122223333";

}  // namespace common::identity
