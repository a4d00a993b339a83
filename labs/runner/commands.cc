// down, status, env, reset, clock, account, and the banner `up` prints. See commands.h.
#include "labs/runner/commands.h"

#include <netdb.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <iostream>
#include <thread>

#include "labs/runner/aws_cli.h"
#include "labs/runner/process.h"
#include "labs/runner/state.h"
#include "labs/runner/supervisor.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

bool Resolves(const std::string& host) {
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, nullptr, &res);
  if (res) ::freeaddrinfo(res);
  return rc == 0;
}

bool LocalhostSubdomainsResolve() { return Resolves("s3lab-probe.localhost"); }

std::string Reach(int port) {
  if (port == 0) return "off";
  return "127.0.0.1:" + std::to_string(port) + (PortReachable(port, 500) ? " reachable" : " NOT reachable");
}

}  // namespace

std::string UpBanner(const InstanceConfig& c, bool detached) {
  std::string s;
  auto port = [](int p) { return std::to_string(p); };
  s += "s3lab is up: region " + c.region + ", state in " + c.data_dir + "\n";
  s += "  S3, IAM, STS  http://127.0.0.1:" + port(c.s3_port) +
       (c.s3_tls_port ? "   https://127.0.0.1:" + port(c.s3_tls_port) : "") + "\n";
  s += "  KMS           http://127.0.0.1:" + port(c.kms_port) +
       (c.kms_tls_port ? "   https://127.0.0.1:" + port(c.kms_tls_port) : "") + "\n";
  if (c.console_port) s += "  Console       http://127.0.0.1:" + port(c.console_port) + "/\n";
  s += "  KMS quotas    profile " + c.kms_quota_profile +
       (c.kms_quota_profile == "exam"
            ? " (5,500 req/s; 10,000 in us-east-2, ap-southeast-1/-2, ap-northeast-1, eu-central-1, eu-west-2; "
              "30,000 in us-east-1, us-west-2, eu-west-1)"
            : c.kms_quota_profile == "current" ? " (10,000 / 20,000 / 100,000 req/s, today's AWS figures)"
                                               : " (no quota)") +
       (c.kms_quota_scale == "1" ? "" : ", scaled x" + c.kms_quota_scale);
  for (const auto& [region, rate] : c.kms_quotas) s += ", " + region + " " + rate + " req/s";
  s += "\n";
  s += "  CloudTrail    management events" +
       std::string(c.s3_data_events == "on" ? " and S3 data events (object calls)\n"
                                             : "; S3 data events off, as on AWS (--s3-data-events on records object calls)\n");
  auto account = LoadAccount(c, common::identity::kDefaultAccountId);
  s += "\nPaste into your shell (or run: eval \"$(./s3lab env)\"); the keys are the root user of account " +
       std::string(common::identity::kDefaultAccountId) + ":\n";
  if (account.ok())
    s += ExportLines(c, account->root_access_key_id, account->root_secret_access_key);
  else
    s += ExportLines(c, "", "") + "# root keys unavailable: " + account.error().message + "\n";
  s += "\nVirtual-hosted addressing (http://<bucket>.localhost:" + port(c.s3_port) + "/key): ";
  if (LocalhostSubdomainsResolve()) {
    s += "*.localhost resolves here.\n";
  } else {
    s +=
        "*.localhost does not resolve on this machine.\n"
        "  Either install nss-myhostname (apt-get install libnss-myhostname; `hosts:` in /etc/nsswitch.conf\n"
        "  must list `myhostname`), or add one line per bucket to /etc/hosts, e.g.\n"
        "    127.0.0.1 my-bucket.localhost\n"
        "  The aws CLI and boto3 use path-style URLs with these endpoints and need neither.\n";
  }
  // S3 Control clients prefix the endpoint's host with the account id (emulator/s3control/s3control_api.h).
  const std::string control_host = std::string(common::identity::kDefaultAccountId) + ".127.0.0.1";
  s += "S3 Control (aws s3control, access points) calls http://" + control_host + ":" + port(c.s3_port) + ": ";
  s += Resolves(control_host) ? "it resolves here.\n"
                              : "add `127.0.0.1 " + control_host + "` to /etc/hosts (one name per account).\n";
  if (std::string problem = AwsCliProblem(DetectAwsCli()); !problem.empty())
    s += "\nWarning: " + problem + ".\n";
  if (detached)
    s += "\nRunning in the background; logs in " + c.data_dir + "/logs/. Stop with: ./s3lab down\n";
  else
    s += "\nCtrl-C stops both services.\n";
  return s;
}

int CmdDown(const InstanceConfig& config) {
  int pid = 0;
  if (!InstanceRunning(config, &pid)) {
    std::cout << "s3lab: not running for " << config.data_dir << "\n";
    return 0;
  }
  if (pid <= 0 || ::kill(pid, SIGTERM) != 0) {
    std::cerr << "s3lab: cannot signal the supervisor (pid file " << PidFilePath(config) << ")\n";
    return 1;
  }
  for (int waited = 0; waited < 15'000; waited += 100) {
    if (!InstanceRunning(config, nullptr)) {
      std::cout << "s3lab: stopped (" << config.data_dir << ")\n";
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGKILL);  // the services get SIGTERM through PR_SET_PDEATHSIG
  std::cerr << "s3lab: supervisor " << pid << " did not stop in 15 s; killed it\n";
  return 1;
}

int CmdStatus(const InstanceConfig& config) {
  int pid = 0;
  bool running = InstanceRunning(config, &pid);
  auto info = ReadInstanceInfo(config.data_dir);
  std::cout << "data dir  " << config.data_dir << "\n";
  std::cout << "s3lab     " << (running ? "running (pid " + std::to_string(pid) + ")" : "not running")
            << "\n";
  bool all = running;
  auto line = [&](const char* name, int child_pid, std::initializer_list<std::pair<const char*, int>> ports) {
    std::cout << name << (running && child_pid ? "pid " + std::to_string(child_pid) : "");
    for (const auto& [label, port] : ports) {
      std::cout << "\n            " << label << " " << Reach(port);
      if (port && !PortReachable(port, 500)) all = false;
    }
    std::cout << "\n";
  };
  line("s3lab-s3  ", info ? info->s3_pid : 0,
       {{"http   ", config.s3_port}, {"https  ", config.s3_tls_port}, {"console", config.console_port}});
  line("s3lab-kms ", info ? info->kms_pid : 0,
       {{"http   ", config.kms_port}, {"https  ", config.kms_tls_port}});
  if (!running && (PortReachable(config.s3_port, 300) || PortReachable(config.kms_port, 300)))
    std::cout << "note: something answers on these ports but no `s3lab up` runs for this data dir\n";
  return all ? 0 : 1;
}

int CmdEnv(const InstanceConfig& config, const std::vector<std::string>& args) {
  std::string account_id = common::identity::kDefaultAccountId;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--account" && i + 1 < args.size())
      account_id = args[++i];
    else {
      std::cerr << "usage: s3lab env [--account ID]\n";
      return 2;
    }
  }
  if (!InstanceRunning(config, nullptr) && !PortReachable(config.s3_port, 500)) {
    std::cerr << "s3lab: not running for " << config.data_dir << "; start it with ./s3lab up\n";
    return 1;
  }
  auto account = LoadAccount(config, account_id);
  if (!account.ok()) {
    std::cerr << "s3lab: " << account.error().message << "\n";
    return 1;
  }
  std::cout << ExportLines(config, account->root_access_key_id, account->root_secret_access_key);
  return 0;
}

int CmdReset(const InstanceConfig& config) {
  int pid = 0;
  if (InstanceRunning(config, &pid)) {
    std::cerr << "s3lab: running for " << config.data_dir << " (pid " << pid
              << "); stop it first: ./s3lab down\n";
    return 1;
  }
  std::error_code ec;
  if (!fs::is_directory(config.data_dir, ec)) {
    std::cout << "s3lab: nothing to reset (" << config.data_dir << " does not exist)\n";
    return 0;
  }
  std::vector<std::string> removed, kept;
  for (const auto& entry : fs::directory_iterator(config.data_dir, ec)) {
    const std::string name = entry.path().filename().string();
    // Lock files of the services are dot-files named after what they guard (.master.key.lock).
    const std::string base = name.size() > 1 && name[0] == '.' ? name.substr(1) : name;
    bool state = base.find(".db") != std::string::npos;
    for (const char* known :
         {"master.key", "tls", "logs", "instance.json", "s3lab.pid", "s3lab.lock", "lab-runs.jsonl"})
      state = state || base.rfind(known, 0) == 0;
    if (!state) {
      kept.push_back(name);
      continue;
    }
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    if (rm) {
      std::cerr << "s3lab: cannot remove " << entry.path().string() << ": " << rm.message() << "\n";
      return 1;
    }
    removed.push_back(name);
  }
  std::cout << "s3lab: reset " << config.data_dir << " (removed";
  for (const auto& r : removed) std::cout << " " << r;
  std::cout << (removed.empty() ? " nothing" : "") << ")\n";
  if (!kept.empty()) {
    std::cout << "left in place (not s3lab state):";
    for (const auto& k : kept) std::cout << " " << k;
    std::cout << "\n";
  }
  return 0;
}

int CmdClock(const InstanceConfig& config, const std::vector<std::string>& args) {
  if (args.size() > 1) {
    std::cerr << "usage: s3lab clock [+2d | -1h | 1d12h | reset]\n";
    return 2;
  }
  common::Result<int64_t> offset = int64_t{0};
  if (args.empty()) {
    offset = ClockOffset(config);
  } else {
    int64_t delta = INT64_MIN;
    if (args[0] != "reset") {
      auto parsed = ParseLabDuration(args[0]);
      if (!parsed.ok()) {
        std::cerr << "s3lab: " << parsed.error().message << "\n";
        return 2;
      }
      delta = *parsed;
    }
    offset = AdvanceClock(config, delta);
  }
  if (!offset.ok()) {
    std::cerr << "s3lab: " << offset.error().message << "\n";
    return 1;
  }
  std::cout << "lab time " << FormatUtc(NowMillis() + *offset) << " (real time " << FormatOffset(*offset)
            << ")\n";
  return 0;
}

int CmdAccount(const InstanceConfig& config, const std::vector<std::string>& args) {
  if (args.size() < 2 || args[0] != "add") {
    std::cerr << "usage: s3lab account add <12-digit id> [--name NAME]\n";
    return 2;
  }
  std::string id = args[1], name;
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--name" && i + 1 < args.size())
      name = args[++i];
    else if (args[i].rfind("--name=", 0) == 0)
      name = args[i].substr(7);
    else {
      std::cerr << "usage: s3lab account add <12-digit id> [--name NAME]\n";
      return 2;
    }
  }
  auto account = AddAccount(config, id, name.empty() ? id : name);
  if (!account.ok()) {
    std::cerr << "s3lab: " << account.error().message << "\n";
    return account.error().http_status == 2 ? 2 : 1;
  }
  std::cout << "# account " << account->id << " (" << account->name << "), canonical user id "
            << account->canonical_user_id << "\n"
            << "# root keys (use them in another shell, or: eval \"$(./s3lab env --account " << account->id
            << ")\"):\n"
            << "export AWS_ACCESS_KEY_ID=" << account->root_access_key_id << "\n"
            << "export AWS_SECRET_ACCESS_KEY=" << account->root_secret_access_key << "\n";
  return 0;
}

bool ParseFlags(const std::vector<std::string>& args, size_t start, const std::map<std::string, bool*>& switches,
                const std::map<std::string, std::function<void(const std::string&)>>& values) {
  for (size_t i = start; i < args.size(); ++i) {
    if (auto s = switches.find(args[i]); s != switches.end()) {
      *s->second = true;
      continue;
    }
    auto v = values.find(args[i]);
    if (v == values.end() || i + 1 >= args.size()) return false;
    v->second(args[++i]);
  }
  return true;
}

}  // namespace runner
