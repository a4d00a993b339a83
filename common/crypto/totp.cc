// TOTP (see totp.h).
#include "common/crypto/totp.h"

#include <openssl/crypto.h>

#include <cstdio>

#include "common/crypto/crypto.h"

namespace common::crypto {
namespace {

constexpr int64_t kStepSeconds = 30;

std::string CodeForCounter(std::string_view secret, uint64_t counter) {
  std::string message(8, '\0');
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<char>(counter & 0xff);
    counter >>= 8;
  }
  std::string mac = HmacSha1(secret, message);
  int offset = static_cast<uint8_t>(mac[19]) & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(static_cast<uint8_t>(mac[offset]) & 0x7f) << 24) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(mac[offset + 1])) << 16) |
                    (static_cast<uint32_t>(static_cast<uint8_t>(mac[offset + 2])) << 8) |
                    static_cast<uint32_t>(static_cast<uint8_t>(mac[offset + 3]));
  char out[8];
  std::snprintf(out, sizeof out, "%06u", binary % 1000000u);
  return out;
}

}  // namespace

std::string TotpCode(std::string_view secret, int64_t unix_seconds) {
  return CodeForCounter(secret, static_cast<uint64_t>(unix_seconds / kStepSeconds));
}

bool TotpMatches(std::string_view secret, std::string_view code, int64_t unix_seconds, int window) {
  if (code.size() != 6) return false;
  bool match = false;
  int64_t step = unix_seconds / kStepSeconds;
  for (int64_t s = step - window; s <= step + window; ++s) {
    if (s < 0) continue;
    std::string want = CodeForCounter(secret, static_cast<uint64_t>(s));
    match |= CRYPTO_memcmp(want.data(), code.data(), 6) == 0;
  }
  return match;
}

}  // namespace common::crypto
