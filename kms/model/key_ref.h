// How a request names a key: key ID, key ARN, alias name or alias ARN (AWS-REFERENCE §1.3). Parsing is
// pure; resolution against the registry happens in service.h. Errors are the NotFoundException texts AWS
// uses: "Invalid keyId 'x'" for malformed ids, "Invalid arn <region>" for an ARN of another region.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace kms::model {

enum class KeyRefKind { kKeyId, kKeyArn, kAliasName, kAliasArn };

struct KeyRef {
  KeyRefKind kind = KeyRefKind::kKeyId;
  std::string raw;         // as written in the request
  std::string account_id;  // from the ARN, else the caller's account
  std::string region;      // from the ARN, else the request's region
  std::string key_id;      // kKeyId / kKeyArn
  std::string alias_name;  // kAliasName / kAliasArn: "alias/..."
  bool is_alias() const { return kind == KeyRefKind::kAliasName || kind == KeyRefKind::kAliasArn; }
};

// Lower-case UUID (8-4-4-4-12 hex) or a multi-Region id "mrk-" + 32 hex.
bool IsWellFormedKeyId(std::string_view id);
// ^[a-zA-Z0-9:/_-]+$, 1..256.
bool IsValidAliasChars(std::string_view name);

// Parses a KeyId member. allow_alias=false for operations that take only a key ID or key ARN.
common::Result<KeyRef> ParseKeyRef(const std::string& raw, const std::string& caller_account,
                                   const std::string& region, bool allow_alias);

}  // namespace kms::model
