#include "common/identity/ids.h"

#include <cctype>

#include "common/crypto/crypto.h"

namespace common::identity {
namespace {

constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// n characters drawn uniformly from alphabet (rejection sampling on random bytes).
std::string RandomString(std::string_view alphabet, size_t n) {
  std::string out;
  out.reserve(n);
  const unsigned limit = 256 - (256 % alphabet.size());
  while (out.size() < n) {
    for (unsigned char c : crypto::RandomBytes(n * 2)) {
      if (c >= limit) continue;
      out.push_back(alphabet[c % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '=' || c == ',' ||
         c == '.' || c == '@' || c == '-';
}

bool IsValidName(std::string_view name, size_t max) {
  if (name.empty() || name.size() > max) return false;
  for (char c : name)
    if (!IsNameChar(c)) return false;
  return true;
}

}  // namespace

std::string NewAccessKeyId() { return "AKIA" + RandomString(kUpperAlnum, 16); }
std::string NewSecretAccessKey() { return RandomString(kSecretAlphabet, 40); }
std::string NewUserId() { return "AIDA" + RandomString(kUpperAlnum, 17); }
std::string NewPolicyId() { return "ANPA" + RandomString(kUpperAlnum, 17); }
std::string NewCanonicalUserId() { return RandomString("0123456789abcdef", 64); }

std::string RootArn(std::string_view account_id) {
  return "arn:aws:iam::" + std::string(account_id) + ":root";
}

std::string UserArn(std::string_view account_id, std::string_view path, std::string_view user_name) {
  return "arn:aws:iam::" + std::string(account_id) + ":user" + std::string(path.empty() ? "/" : path) +
         std::string(user_name);
}

std::string PolicyArn(std::string_view account_id, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account_id) + ":policy" + std::string(path.empty() ? "/" : path) +
         std::string(name);
}

bool IsValidUserName(std::string_view name) { return IsValidName(name, 64); }
bool IsValidPolicyName(std::string_view name) { return IsValidName(name, 128); }

bool IsValidPath(std::string_view path) {
  if (path.empty() || path.size() > 512 || path.front() != '/' || path.back() != '/') return false;
  for (char c : path)
    if (c < 0x21 || c > 0x7e) return false;
  return path.find("//") == std::string_view::npos;
}

bool IsValidAccountId(std::string_view id) {
  if (id.size() != 12) return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace common::identity
