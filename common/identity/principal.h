// Who made a request: the authenticated principal handed to the policy engine, the audit trail and the
// operations. Root users, IAM users, anonymous callers, and AWS services acting for a caller.
#pragma once

#include <string>

namespace common::identity {

enum class PrincipalType { kAnonymous, kRoot, kUser, kService };

struct Principal {
  PrincipalType type = PrincipalType::kAnonymous;
  std::string account_id;         // "" for anonymous
  std::string arn;                // arn:aws:iam::111122223333:root | arn:aws:iam::111122223333:user/alice
  std::string user_name;          // IAM user name ("" for root/anonymous)
  std::string user_id;            // AIDA... for users, the account id for root (aws:userid)
  std::string access_key_id;      // the key that signed the request
  std::string canonical_user_id;  // 64 hex of the account (S3 owner id)

  bool anonymous() const { return type == PrincipalType::kAnonymous; }
};

}  // namespace common::identity
