// Identifier shapes: what AWS IAM hands out, and the name/path rules the store enforces.
#include <doctest/doctest.h>

#include <cctype>
#include <set>

#include "common/identity/ids.h"

using namespace common::identity;

namespace {

bool AllOf(const std::string& s, size_t from, int (*pred)(int)) {
  for (size_t i = from; i < s.size(); ++i)
    if (!pred(static_cast<unsigned char>(s[i]))) return false;
  return true;
}
int IsUpperAlnum(int c) { return std::isdigit(c) || std::isupper(c); }
int IsLowerHex(int c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); }
int IsSecretChar(int c) { return std::isalnum(c) || c == '+' || c == '/'; }

}  // namespace

TEST_CASE("Access key ids are AKIA plus 16 upper-case alphanumerics and do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewAccessKeyId();
    CHECK(id.size() == 20);
    CHECK(id.rfind("AKIA", 0) == 0);
    CHECK(AllOf(id, 4, IsUpperAlnum));
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("Secrets are 40 base64-alphabet characters; user, policy and canonical ids have AWS shapes") {
  const std::string secret = NewSecretAccessKey();
  CHECK(secret.size() == 40);
  CHECK(AllOf(secret, 0, IsSecretChar));
  CHECK(NewUserId().size() == 21);
  CHECK(NewUserId().rfind("AIDA", 0) == 0);
  CHECK(AllOf(NewUserId(), 4, IsUpperAlnum));
  CHECK(NewPolicyId().rfind("ANPA", 0) == 0);
  CHECK(NewPolicyId().size() == 21);
  CHECK(NewCanonicalUserId().size() == 64);
  CHECK(AllOf(NewCanonicalUserId(), 0, IsLowerHex));
}

TEST_CASE("ARNs for root, users with paths and managed policies") {
  CHECK(RootArn("111122223333") == "arn:aws:iam::111122223333:root");
  CHECK(UserArn("111122223333", "/", "alice") == "arn:aws:iam::111122223333:user/alice");
  CHECK(UserArn("111122223333", "/eng/", "alice") == "arn:aws:iam::111122223333:user/eng/alice");
  CHECK(PolicyArn("111122223333", "/", "KmsUse") == "arn:aws:iam::111122223333:policy/KmsUse");
}

TEST_CASE("Names, paths and account ids follow IAM's rules") {
  CHECK(IsValidUserName("alice.b+c=d,e@f_g-h"));
  CHECK_FALSE(IsValidUserName(""));
  CHECK_FALSE(IsValidUserName("has space"));
  CHECK_FALSE(IsValidUserName(std::string(65, 'a')));
  CHECK(IsValidPolicyName(std::string(128, 'a')));
  CHECK(IsValidPath("/"));
  CHECK(IsValidPath("/division/team/"));
  CHECK_FALSE(IsValidPath("division/"));
  CHECK_FALSE(IsValidPath("/a//b/"));
  CHECK(IsValidAccountId("111122223333"));
  CHECK_FALSE(IsValidAccountId("11112222333a"));
}
