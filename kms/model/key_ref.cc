#include "kms/model/key_ref.h"

#include "common/util/strings.h"
#include "kms/model/errors.h"

namespace kms::model {

namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

bool IsWellFormedKeyId(std::string_view id) {
  if (common::util::StartsWith(id, "mrk-")) {
    if (id.size() != 36) return false;
    for (char c : id.substr(4))
      if (!IsLowerHex(c)) return false;
    return true;
  }
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (id[i] != '-') return false;
    } else if (!IsLowerHex(id[i])) {
      return false;
    }
  }
  return true;
}

bool IsValidAliasChars(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
              c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

common::Result<KeyRef> ParseKeyRef(const std::string& raw, const std::string& caller_account,
                                   const std::string& region, bool allow_alias) {
  KeyRef ref;
  ref.raw = raw;
  ref.account_id = caller_account;
  ref.region = region;
  if (common::util::StartsWith(raw, "arn:")) {
    // arn:aws:kms:<region>:<account>:key/<id> | :alias/<name>
    auto parts = common::util::Split(raw, ':');
    if (parts.size() < 6 || parts[1] != "aws" || parts[2] != "kms" || !IsAccountId(parts[4]))
      return errors::InvalidArn("Invalid arn " + raw);
    size_t pos = 0;
    for (int i = 0; i < 5; ++i) pos = raw.find(':', pos) + 1;  // after the 5th ':'
    std::string resource = raw.substr(pos);
    if (parts[3] != region) return errors::NotFound("Invalid arn " + parts[3]);
    ref.account_id = parts[4];
    if (common::util::StartsWith(resource, "key/")) {
      ref.kind = KeyRefKind::kKeyArn;
      ref.key_id = resource.substr(4);
      if (!IsWellFormedKeyId(ref.key_id)) return errors::InvalidKeyId(raw);
      return ref;
    }
    if (common::util::StartsWith(resource, "alias/") && allow_alias) {
      ref.kind = KeyRefKind::kAliasArn;
      ref.alias_name = resource;
      return ref;
    }
    return errors::InvalidArn("Invalid arn " + raw);
  }
  if (common::util::StartsWith(raw, "alias/")) {
    if (!allow_alias) return errors::InvalidKeyId(raw);
    ref.kind = KeyRefKind::kAliasName;
    ref.alias_name = raw;
    return ref;
  }
  if (!IsWellFormedKeyId(raw)) return errors::InvalidKeyId(raw);
  ref.kind = KeyRefKind::kKeyId;
  ref.key_id = raw;
  return ref;
}

}  // namespace kms::model
