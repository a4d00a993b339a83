// The instance commands against the real services: up --detach, status, env, clock, account add,
// reset refused while running, down, reset. Needs build/emulator/s3lab-s3 and build/kms/s3lab-kms next
// to this test binary (a full build); skipped with a message otherwise.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "labs/runner/commands.h"
#include "labs/runner/process.h"
#include "labs/runner/state.h"
#include "labs/runner/supervisor.h"

namespace {

namespace fs = std::filesystem;

// Captures std::cout for the scope (the commands print there).
struct CaptureCout {
  std::ostringstream text;
  std::streambuf* old = std::cout.rdbuf(text.rdbuf());
  ~CaptureCout() { std::cout.rdbuf(old); }
  std::string Take() {
    std::string s = text.str();
    text.str("");
    return s;
  }
};

// Runs a command with its std::cout output discarded; returns its exit code.
template <class Fn>
int Quiet(Fn fn) {
  CaptureCout capture;
  return fn();
}

// True when 127.0.0.1:port can be bound now (nothing listens or holds it).
bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Five consecutive free ports below the ephemeral range (32768+), from a pid-dependent base so that
// parallel runs rarely collide.
int FreePortBase() {
  for (int i = 0; i < 200; ++i) {
    int base = 20000 + ((::getpid() + i) % 240) * 50;
    bool free = true;
    for (int p = base; p < base + 5; ++p) free = free && PortFree(p);
    if (free) return base;
  }
  return 0;
}

}  // namespace

TEST_CASE("up --detach, status, env, clock, account add, reset, down work on a real instance") {
  const std::string build = runner::BuildDirOfSelf();
  if (::access((build + "/emulator/s3lab-s3").c_str(), X_OK) != 0 ||
      ::access((build + "/kms/s3lab-kms").c_str(), X_OK) != 0) {
    MESSAGE("skipped: the service binaries are not built next to " << build);
    return;
  }
  std::string templ = (fs::temp_directory_path() / "s3lab-cli-XXXXXX").string();
  runner::InstanceConfig c;
  c.data_dir = ::mkdtemp(templ.data());
  const int base = FreePortBase();
  REQUIRE(base > 0);
  c.s3_port = base, c.s3_tls_port = base + 1, c.kms_port = base + 2, c.kms_tls_port = base + 3;
  c.console_port = base + 4;
  struct Cleanup {  // a failed REQUIRE must not leave services running
    const runner::InstanceConfig& config;
    ~Cleanup() {
      if (runner::InstanceRunning(config, nullptr)) Quiet([&] { return runner::CmdDown(config); });
      std::error_code ec;
      fs::remove_all(config.data_dir, ec);
    }
  } cleanup{c};

  // doctest reports through std::cout too: capture only around the commands, never across a CHECK.
  std::string banner;
  int status_rc = 0, up_rc = 0;
  {
    CaptureCout out;
    status_rc = runner::CmdStatus(c);
    up_rc = runner::RunUp(c, /*detach=*/true);
    banner = out.Take();
  }
  CHECK(status_rc == 1);
  REQUIRE_MESSAGE(up_rc == 0, banner);
  CHECK(banner.find("export AWS_ENDPOINT_URL=http://127.0.0.1:" + std::to_string(base) + "\n") !=
        std::string::npos);
  CHECK(banner.find("export AWS_CA_BUNDLE=" + c.data_dir + "/tls/ca.pem") != std::string::npos);
  CHECK(banner.find("region us-east-1") != std::string::npos);
  CHECK(banner.find(".localhost") != std::string::npos);
  CHECK(runner::InstanceRunning(c, nullptr));
  CHECK(Quiet([&] { return runner::RunUp(c, true); }) == 1);  // a second up on the same data dir is refused
  CHECK(Quiet([&] { return runner::CmdStatus(c); }) == 0);
  std::string env;
  int env_rc = 0;
  {
    CaptureCout out;
    env_rc = runner::CmdEnv(c, {});
    env = out.Take();
  }
  CHECK(env_rc == 0);
  CHECK(env.find("export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:" + std::to_string(base + 2) + "\n") !=
        std::string::npos);
  CHECK(env.find("export AWS_DEFAULT_REGION=us-east-1\n") != std::string::npos);
  std::ifstream info_file(c.data_dir + "/instance.json");
  auto info = nlohmann::json::parse(info_file);
  CHECK(info["s3_port"] == base);
  CHECK(info["kms_tls_port"] == base + 3);

  auto root = runner::LoadAccount(c, "111122223333");
  REQUIRE(root.ok());
  CHECK(root->root_access_key_id.rfind("AKIA", 0) == 0);
  CHECK(env.find("export AWS_ACCESS_KEY_ID=" + root->root_access_key_id + "\n") != std::string::npos);
  CHECK(Quiet([&] { return runner::CmdClock(c, {"+2d"}); }) == 0);
  CHECK(*runner::ClockOffset(c) == 2 * 86'400'000LL);
  CHECK(Quiet([&] { return runner::CmdClock(c, {"reset"}); }) == 0);
  CHECK(*runner::ClockOffset(c) == 0);
  CHECK(Quiet([&] { return runner::CmdAccount(c, {"add", "444455556666", "--name", "partner"}); }) == 0);
  CHECK(runner::LoadAccount(c, "444455556666").ok());
  CHECK(Quiet([&] { return runner::CmdEnv(c, {"--account", "444455556666"}); }) == 0);

  CHECK(Quiet([&] { return runner::CmdReset(c); }) == 1);  // refused while running
  CHECK(fs::exists(c.data_dir + "/iam.db"));
  CHECK(Quiet([&] { return runner::CmdDown(c); }) == 0);
  CHECK_FALSE(runner::InstanceRunning(c, nullptr));
  CHECK_FALSE(runner::PortReachable(c.s3_port, 200));
  CHECK_FALSE(runner::PortReachable(c.kms_port, 200));
  CHECK_FALSE(fs::exists(c.data_dir + "/instance.json"));
  CHECK(Quiet([&] { return runner::CmdReset(c); }) == 0);
  CHECK_FALSE(fs::exists(c.data_dir + "/iam.db"));
  CHECK_FALSE(fs::exists(c.data_dir + "/master.key"));
}
