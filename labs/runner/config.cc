// Resolution of instance settings (flags > env > instance.json > config file > defaults), the
// instance.json record and the export lines. See config.h.
#include "labs/runner/config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace runner {
namespace {

namespace fs = std::filesystem;
using common::MakeError;

struct Setting {
  const char* flag;  // "--s3-port"
  const char* env;   // "S3LAB_S3_PORT"
  const char* yaml;  // "s3_port"
};
constexpr Setting kSettings[] = {
    {"--data-dir", "S3LAB_DATA_DIR", "data_dir"},
    {"--s3-port", "S3LAB_S3_PORT", "s3_port"},
    {"--s3-tls-port", "S3LAB_S3_TLS_PORT", "s3_tls_port"},
    {"--kms-port", "S3LAB_KMS_PORT", "kms_port"},
    {"--kms-tls-port", "S3LAB_KMS_TLS_PORT", "kms_tls_port"},
    {"--console-port", "S3LAB_CONSOLE_PORT", "console_port"},
    {"--region", "S3LAB_REGION", "region"},
    {"--kms-quota-profile", "S3LAB_KMS_QUOTA_PROFILE", "kms_quota_profile"},
    {"--kms-quota-scale", "S3LAB_KMS_QUOTA_SCALE", "kms_quota_scale"},
    {"--s3-data-events", "S3LAB_S3_DATA_EVENTS", "s3_data_events"},
};

common::Status Apply(InstanceConfig* c, const std::string& key, const std::string& value,
                     const std::string& origin) {
  if (key == "data_dir") {
    c->data_dir = value;
    return common::Ok{};
  }
  if (key == "region") {
    c->region = value;
    return common::Ok{};
  }
  if (key == "kms_quota_profile") {
    if (value != "exam" && value != "current" && value != "off")
      return MakeError("InvalidArgument", origin + ": KMS quota profile '" + value + "' (exam, current or off)", 2);
    c->kms_quota_profile = value;
    return common::Ok{};
  }
  if (key == "s3_data_events") {
    if (value != "on" && value != "off")
      return MakeError("InvalidArgument", origin + ": S3 data events '" + value + "' (on or off)", 2);
    c->s3_data_events = value;
    return common::Ok{};
  }
  if (key == "kms_quota_scale") {
    char* end = nullptr;
    double scale = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(scale > 0))
      return MakeError("InvalidArgument", origin + ": KMS quota scale '" + value + "' is not a positive number", 2);
    c->kms_quota_scale = value;
    return common::Ok{};
  }
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
  } catch (const std::exception&) {
    return MakeError("InvalidArgument", origin + ": port '" + value + "' is not a number", 2);
  }
  if (port < 0 || port > 65535) return MakeError("InvalidArgument", origin + ": port out of range", 2);
  if (key == "s3_port") c->s3_port = port;
  if (key == "s3_tls_port") c->s3_tls_port = port;
  if (key == "kms_port") c->kms_port = port;
  if (key == "kms_tls_port") c->kms_tls_port = port;
  if (key == "console_port") c->console_port = port;
  return common::Ok{};
}

common::Status ApplyConfigFile(InstanceConfig* c, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return MakeError("InvalidConfig", path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg, 2);
  }
  if (!root.IsMap()) return common::Ok{};
  try {
    for (const auto& s : kSettings) {
      if (root[s.yaml]) S3LAB_TRY(Apply(c, s.yaml, root[s.yaml].as<std::string>(), path));
    }
    if (root["kms_quotas"]) {
      for (const auto& kv : root["kms_quotas"]) c->kms_quotas[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
    if (root["accounts"]) {
      for (const auto& a : root["accounts"]) {
        ExtraAccount account{a["id"].as<std::string>(), a["name"] ? a["name"].as<std::string>() : ""};
        c->accounts.push_back(account);
      }
    }
  } catch (const YAML::Exception& e) {
    return MakeError("InvalidConfig", path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg, 2);
  }
  return common::Ok{};
}

std::string Absolute(const std::string& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return ec ? p : abs.lexically_normal().string();
}

}  // namespace

common::Result<InstanceConfig> ResolveConfig(const std::vector<std::string>& args, bool for_up,
                                             std::vector<std::string>* rest) {
  std::map<std::string, std::string> flags;  // yaml key -> value
  std::string config_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    const Setting* match = nullptr;
    for (const auto& s : kSettings)
      if (name == s.flag) match = &s;
    if (!match && name != "--config") {
      rest->push_back(a);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return MakeError("InvalidArgument", name + " needs a value", 2);
      value = args[++i];
    }
    if (match)
      flags[match->yaml] = value;
    else
      config_path = value;
  }

  InstanceConfig c;
  if (config_path.empty() && std::getenv("S3LAB_CONFIG")) config_path = std::getenv("S3LAB_CONFIG");
  if (config_path.empty() && fs::exists("s3lab.yaml")) config_path = "s3lab.yaml";
  if (!config_path.empty()) S3LAB_TRY(ApplyConfigFile(&c, config_path));

  // The data dir decides which instance.json applies, so resolve it first.
  if (const char* e = std::getenv("S3LAB_DATA_DIR"); e && *e) c.data_dir = e;
  if (flags.count("data_dir")) c.data_dir = flags["data_dir"];
  c.data_dir = Absolute(c.data_dir);
  if (!for_up) {
    if (auto info = ReadInstanceInfo(c.data_dir)) {
      const std::string dir = c.data_dir;
      auto accounts = c.accounts;
      c = info->config;
      c.data_dir = dir;
      c.accounts = accounts;
    }
  }
  for (const auto& s : kSettings) {
    if (std::string(s.yaml) == "data_dir") continue;
    if (const char* e = std::getenv(s.env); e && *e) S3LAB_TRY(Apply(&c, s.yaml, e, s.env));
    if (flags.count(s.yaml)) S3LAB_TRY(Apply(&c, s.yaml, flags[s.yaml], s.flag));
  }
  return c;
}

std::string InstanceJsonPath(const InstanceConfig& c) {
  return (fs::path(c.data_dir) / "instance.json").string();
}
std::string PidFilePath(const InstanceConfig& c) { return (fs::path(c.data_dir) / "s3lab.pid").string(); }
std::string LockFilePath(const InstanceConfig& c) { return (fs::path(c.data_dir) / "s3lab.lock").string(); }
std::string CaBundlePath(const InstanceConfig& c) {
  return (fs::path(c.data_dir) / "tls" / "ca.pem").string();
}

common::Status WriteInstanceInfo(const InstanceInfo& info) {
  const auto& c = info.config;
  nlohmann::json j = {{"data_dir", c.data_dir},
                      {"s3_port", c.s3_port},
                      {"s3_tls_port", c.s3_tls_port},
                      {"kms_port", c.kms_port},
                      {"kms_tls_port", c.kms_tls_port},
                      {"console_port", c.console_port},
                      {"region", c.region},
                      {"pid", info.supervisor_pid},
                      {"s3_pid", info.s3_pid},
                      {"kms_pid", info.kms_pid},
                      {"started_millis", info.started_millis}};
  const std::string path = InstanceJsonPath(c), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return MakeError("IoError", "cannot write " + tmp, 1);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return MakeError("IoError", "cannot rename " + tmp + ": " + ec.message(), 1);
  return common::Ok{};
}

std::optional<InstanceInfo> ReadInstanceInfo(const std::string& data_dir) {
  std::ifstream in(fs::path(data_dir) / "instance.json");
  if (!in) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    InstanceInfo info;
    auto& c = info.config;
    c.data_dir = j.value("data_dir", data_dir);
    c.s3_port = j.value("s3_port", c.s3_port);
    c.s3_tls_port = j.value("s3_tls_port", c.s3_tls_port);
    c.kms_port = j.value("kms_port", c.kms_port);
    c.kms_tls_port = j.value("kms_tls_port", c.kms_tls_port);
    c.console_port = j.value("console_port", c.console_port);
    c.region = j.value("region", c.region);
    info.supervisor_pid = j.value("pid", 0);
    info.s3_pid = j.value("s3_pid", 0);
    info.kms_pid = j.value("kms_pid", 0);
    info.started_millis = j.value("started_millis", int64_t{0});
    return info;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool InstanceRunning(const InstanceConfig& config, int* supervisor_pid) {
  int fd = ::open(LockFilePath(config).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);  // releases our lock if we got it
  if (held && supervisor_pid) {
    *supervisor_pid = 0;
    std::ifstream in(PidFilePath(config));
    in >> *supervisor_pid;
  }
  return held;
}

std::vector<std::pair<std::string, std::string>> EnvironmentFor(const InstanceConfig& c,
                                                                const std::string& access_key_id,
                                                                const std::string& secret_access_key) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(c.s3_port)},
      {"AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:" + std::to_string(c.kms_port)},
  };
  if (!access_key_id.empty()) {
    env.emplace_back("AWS_ACCESS_KEY_ID", access_key_id);
    env.emplace_back("AWS_SECRET_ACCESS_KEY", secret_access_key);
  }
  env.emplace_back("AWS_DEFAULT_REGION", c.region);
  env.emplace_back("AWS_CA_BUNDLE", CaBundlePath(c));
  return env;
}

std::string ExportLines(const InstanceConfig& c, const std::string& access_key_id,
                        const std::string& secret_access_key) {
  std::ostringstream out;
  for (const auto& [k, v] : EnvironmentFor(c, access_key_id, secret_access_key)) {
    bool plain =
        !v.empty() &&
        v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-:+=@,") ==
            std::string::npos;
    std::string quoted = "'";
    for (char ch : v) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    out << "export " << k << "=" << (plain ? v : quoted + "'") << "\n";
  }
  return out.str();
}

}  // namespace runner
