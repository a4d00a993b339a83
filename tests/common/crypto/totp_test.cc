// TOTP (RFC 6238 appendix B vectors, SHA-1, truncated to 6 digits as authenticator apps show them) and
// RFC 4648 base32, the encoding of IAM virtual MFA seeds.
#include <doctest/doctest.h>

#include "common/crypto/totp.h"
#include "common/util/encoding.h"

namespace common::crypto {
namespace {

const std::string kSecret = "12345678901234567890";

TEST_CASE("RFC 6238 SHA-1 vectors, 6 digits") {
  CHECK(TotpCode(kSecret, 59) == "287082");
  CHECK(TotpCode(kSecret, 1111111109) == "081804");
  CHECK(TotpCode(kSecret, 1111111111) == "050471");
  CHECK(TotpCode(kSecret, 1234567890) == "005924");
  CHECK(TotpCode(kSecret, 2000000000) == "279037");
}

TEST_CASE("a code matches its own step and one step either side, nothing else") {
  CHECK(TotpMatches(kSecret, "287082", 59));
  CHECK(TotpMatches(kSecret, "287082", 59 + 30));      // one step later
  CHECK_FALSE(TotpMatches(kSecret, "287082", 59 + 60));  // two steps later
  CHECK_FALSE(TotpMatches(kSecret, "287083", 59));
  CHECK_FALSE(TotpMatches(kSecret, "28708", 59));
  CHECK_FALSE(TotpMatches(kSecret, "287082", 59 + 30, /*window=*/0));
}

TEST_CASE("base32 as RFC 4648 section 10") {
  using common::util::Base32Decode;
  using common::util::Base32Encode;
  CHECK(Base32Encode("") == "");
  CHECK(Base32Encode("f") == "MY======");
  CHECK(Base32Encode("fo") == "MZXQ====");
  CHECK(Base32Encode("foo") == "MZXW6===");
  CHECK(Base32Encode("foob") == "MZXW6YQ=");
  CHECK(Base32Encode("fooba") == "MZXW6YTB");
  CHECK(Base32Encode("foobar") == "MZXW6YTBOI======");
  CHECK(Base32Decode("MZXW6YTBOI======").value() == "foobar");
  CHECK(Base32Decode("mzxw6ytboi").value() == "foobar");
  CHECK_FALSE(Base32Decode("MZXW1").has_value());
  CHECK(Base32Decode(Base32Encode(kSecret)).value() == kSecret);
}

}  // namespace
}  // namespace common::crypto
