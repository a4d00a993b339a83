// TOTP (RFC 6238) for IAM virtual MFA devices: HMAC-SHA1, 6 digits, 30-second steps from the Unix
// epoch — what every authenticator app computes from the Base32 seed that CreateVirtualMFADevice
// returns. MFA codes follow real time, never the lab clock (a learner's phone does not know it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace common::crypto {

// The 6-digit code for `unix_seconds` (zero-padded).
std::string TotpCode(std::string_view secret, int64_t unix_seconds);

// True when `code` is the code of the step of unix_seconds or of one of the `window` steps before or
// after it (clock skew). Constant-time comparison per candidate.
bool TotpMatches(std::string_view secret, std::string_view code, int64_t unix_seconds, int window = 1);

}  // namespace common::crypto
