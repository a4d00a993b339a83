// Identifiers shaped like the ones AWS IAM hands out, and the ARNs built from them. Random parts come
// from common::crypto::RandomBytes (a CSPRNG), so ids are unguessable like AWS's.
//   access key id   AKIA + 16 upper-case alnum        secret       40 chars of [A-Za-z0-9+/]
//   user id         AIDA + 17 upper-case alnum        policy id    ANPA + 17 upper-case alnum
//   canonical id    64 lower-case hex                 user ARN     arn:aws:iam::<acct>:user<path><name>
#pragma once

#include <string>
#include <string_view>

namespace common::identity {

std::string NewAccessKeyId();
std::string NewSecretAccessKey();
std::string NewUserId();
std::string NewPolicyId();
std::string NewCanonicalUserId();

std::string RootArn(std::string_view account_id);
// path is "/" or "/division/" (leading and trailing slash, as IAM stores it).
std::string UserArn(std::string_view account_id, std::string_view path, std::string_view user_name);
std::string PolicyArn(std::string_view account_id, std::string_view path, std::string_view name);

// IAM name rules: user names 1..64 of [\w+=,.@-]; policy names 1..128 of the same set;
// paths "/" or "/.../" of printable ASCII up to 512 chars.
bool IsValidUserName(std::string_view name);
bool IsValidPolicyName(std::string_view name);
bool IsValidPath(std::string_view path);
// 12 decimal digits.
bool IsValidAccountId(std::string_view id);

}  // namespace common::identity
