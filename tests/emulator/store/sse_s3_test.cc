#include <doctest/doctest.h>

#include "emulator/sse/sse_s3.h"

using common::crypto::RandomKey;
using common::crypto::SecretBytes;
using emulator::sse::SseS3Keyring;

TEST_CASE("SSE-S3 envelope round-trips a data key and stores only 61 wrapped bytes") {
  SseS3Keyring ring(RandomKey(32));
  auto key = ring.NewDataKey();
  CHECK(key.plaintext.size() == 32);
  CHECK(key.wrapped.size() == 61);
  CHECK(key.wrapped.find(key.plaintext.bytes()) == std::string::npos);
  auto back = ring.Unwrap(key.wrapped);
  REQUIRE(back.ok());
  CHECK(back->bytes() == key.plaintext.bytes());
}

TEST_CASE("SSE-S3 envelope refuses a tampered blob or another master key") {
  SecretBytes master = RandomKey(32);
  SseS3Keyring ring(master);
  auto key = ring.NewDataKey();
  std::string bad = key.wrapped;
  bad[20] ^= 1;
  CHECK_FALSE(ring.Unwrap(bad).ok());
  CHECK(ring.Unwrap(bad).error().code == "InternalError");
  CHECK_FALSE(ring.Unwrap(key.wrapped.substr(0, 60)).ok());
  SseS3Keyring other(RandomKey(32));
  CHECK_FALSE(other.Unwrap(key.wrapped).ok());
  SseS3Keyring same(SecretBytes(master.bytes()));
  CHECK(same.Unwrap(key.wrapped).ok());
}
