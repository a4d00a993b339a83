#include "common/util/encoding.h"

#include <doctest/doctest.h>

using namespace common::util;

TEST_CASE("Base64Encode pads to a multiple of four") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("Base64Decode round-trips every byte value") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37)
    CHECK(Base64Decode(Base64Encode(all.substr(0, n))) == all.substr(0, n));
}

TEST_CASE("Base64Decode rejects bad length, bad characters, misplaced padding and non-canonical bits") {
  CHECK(Base64Decode("") == std::string());
  CHECK_FALSE(Base64Decode("Zg="));       // length not a multiple of 4
  CHECK_FALSE(Base64Decode("Zg=a"));      // padding then data
  CHECK_FALSE(Base64Decode("Z==="));      // three pad characters
  CHECK_FALSE(Base64Decode("Zm9v!A=="));  // invalid character
  CHECK_FALSE(Base64Decode("Zm=v"));      // padding in the middle
  CHECK_FALSE(Base64Decode("Zh=="));      // 'h' leaves bits set in the padding
  CHECK_FALSE(Base64Decode("Zm9vYmFy\n"));
  CHECK(Base64Decode("DUoRhQ==") == std::string("\x0d\x4a\x11\x85", 4));
}

TEST_CASE("HexEncode is lower case and HexDecode accepts both cases") {
  CHECK(HexEncode(std::string("\x00\xab\xff", 3)) == "00abff");
  CHECK(HexDecode("00ABff") == std::string("\x00\xab\xff", 3));
  CHECK_FALSE(HexDecode("abc"));
  CHECK_FALSE(HexDecode("zz"));
}

TEST_CASE("UriEncode keeps unreserved characters and encodes the rest in upper-case hex") {
  CHECK(UriEncode("AZaz09-._~") == "AZaz09-._~");
  CHECK(UriEncode("a b+c/d") == "a%20b%2Bc%2Fd");
  CHECK(UriEncode("a b/c", false) == "a%20b/c");
  CHECK(UriEncode("\xe1\x88\xb4") == "%E1%88%B4");
}

TEST_CASE("PercentDecode keeps '+' while FormDecode turns it into a space") {
  CHECK(PercentDecode("a%20b+c%2f") == "a b+c/");
  CHECK(FormDecode("a%20b+c") == "a b c");
  CHECK_FALSE(PercentDecode("bad%2"));
  CHECK_FALSE(PercentDecode("bad%zz"));
  CHECK_FALSE(PercentDecode("%"));
}

TEST_CASE("ParseQuery decodes pairs in order, keeps bare names and malformed escapes") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(ParseQuery("") == Pairs{});
  CHECK(ParseQuery("uploads") == Pairs{{"uploads", ""}});
  CHECK(ParseQuery("b=2&&a=%2Fx%20y&uploadId=") == Pairs{{"b", "2"}, {"a", "/x y"}, {"uploadId", ""}});
  CHECK(ParseQuery("k=bad%zz&x=a=b") == Pairs{{"k", "bad%zz"}, {"x", "a=b"}});
}
