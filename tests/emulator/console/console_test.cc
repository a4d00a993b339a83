// The console's loopback guard (emulator/console/console.h): which caller addresses and Host headers
// it answers. Everything else gets 403 before routing.
#include <doctest/doctest.h>

#include "emulator/console/console.h"

using emulator::console::IsLoopbackAddress;
using emulator::console::IsLoopbackHost;

TEST_CASE("The console answers loopback caller addresses only") {
  CHECK(IsLoopbackAddress("127.0.0.1"));
  CHECK(IsLoopbackAddress("127.8.9.10"));
  CHECK(IsLoopbackAddress("::1"));
  CHECK(IsLoopbackAddress("::ffff:127.0.0.1"));
  CHECK_FALSE(IsLoopbackAddress("10.0.0.7"));
  CHECK_FALSE(IsLoopbackAddress("192.168.1.2"));
  CHECK_FALSE(IsLoopbackAddress("::ffff:10.0.0.7"));
  CHECK_FALSE(IsLoopbackAddress(""));
}

TEST_CASE("The console answers Host headers that name this machine only (no DNS rebinding)") {
  CHECK(IsLoopbackHost("127.0.0.1:4500"));
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("localhost:4500"));
  CHECK(IsLoopbackHost("LOCALHOST"));
  CHECK(IsLoopbackHost("console.localhost:4500"));
  CHECK(IsLoopbackHost("[::1]:4500"));
  CHECK_FALSE(IsLoopbackHost("attacker.example:4500"));
  CHECK_FALSE(IsLoopbackHost("localhost.attacker.example"));
  CHECK_FALSE(IsLoopbackHost("[::2]:4500"));
  CHECK_FALSE(IsLoopbackHost(""));
}
