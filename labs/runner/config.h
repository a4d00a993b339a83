// Instance settings shared by every `s3lab` command: where the state lives and which ports the two
// services listen on. Each setting is resolved in this order, first found wins:
//   1. a command-line flag (--data-dir, --s3-port, --s3-tls-port, --kms-port, --kms-tls-port,
//      --console-port, --region, --kms-quota-profile, --kms-quota-scale, --s3-data-events, --config),
//   2. an environment variable (S3LAB_DATA_DIR, S3LAB_S3_PORT, S3LAB_S3_TLS_PORT, S3LAB_KMS_PORT,
//      S3LAB_KMS_TLS_PORT, S3LAB_CONSOLE_PORT, S3LAB_REGION, S3LAB_KMS_QUOTA_PROFILE,
//      S3LAB_KMS_QUOTA_SCALE, S3LAB_S3_DATA_EVENTS, S3LAB_CONFIG),
//   3. for every command but `up`: <data>/instance.json, written by the running `up`,
//   4. the YAML config file (--config, S3LAB_CONFIG, else ./s3lab.yaml when present),
//   5. the defaults: .s3lab/ in the current directory, ports 4580/4581/4590/4591/4500, us-east-1.
// Two instances run side by side with different --data-dir and ports.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace runner {

struct ExtraAccount {
  std::string id;
  std::string name;
};

struct InstanceConfig {
  std::string data_dir = ".s3lab";  // made absolute by ResolveConfig
  int s3_port = 4580;
  int s3_tls_port = 4581;
  int kms_port = 4590;
  int kms_tls_port = 4591;
  int console_port = 4500;
  std::string region = "us-east-1";
  std::vector<ExtraAccount> accounts;  // config file `accounts:`; `up` ensures they exist
  // KMS request quotas (kms/quota/profiles.h), passed to s3lab-kms by `up`: profile exam | current |
  // off, a scale factor, and exact per-region rates (config file `kms_quotas: {us-west-1: 100}`).
  std::string kms_quota_profile = "exam";
  std::string kms_quota_scale = "1";
  std::map<std::string, std::string> kms_quotas;
  // CloudTrail data events for S3 object calls (s3lab-s3 --data-events): "off" as on AWS, where a trail
  // records them only with a data-event selector; "on" records them (console, `s3lab trail`).
  std::string s3_data_events = "off";
};

// What `up` records in <data>/instance.json while it runs.
struct InstanceInfo {
  InstanceConfig config;
  int supervisor_pid = 0;
  int s3_pid = 0;
  int kms_pid = 0;
  int64_t started_millis = 0;
};

// Splits `args` into the instance flags (consumed) and the rest (returned in `rest`), then applies
// the environment, instance.json (unless `for_up`) and the config file. Errors: unknown value forms
// (a port that is not a number), an unreadable config file.
common::Result<InstanceConfig> ResolveConfig(const std::vector<std::string>& args, bool for_up,
                                             std::vector<std::string>* rest);

std::string InstanceJsonPath(const InstanceConfig& config);
std::string PidFilePath(const InstanceConfig& config);
std::string LockFilePath(const InstanceConfig& config);
std::string CaBundlePath(const InstanceConfig& config);

common::Status WriteInstanceInfo(const InstanceInfo& info);
// nullopt when the file is missing or unreadable.
std::optional<InstanceInfo> ReadInstanceInfo(const std::string& data_dir);

// True when an `up` holds the instance lock of this data dir (the lock lives as long as `up`).
bool InstanceRunning(const InstanceConfig& config, int* supervisor_pid);

// The export lines `up` and `env` print; `access_key_id`/`secret` empty = omitted.
std::string ExportLines(const InstanceConfig& config, const std::string& access_key_id,
                        const std::string& secret_access_key);

// The same values as (name, value) pairs, for the lab runner's child environments.
std::vector<std::pair<std::string, std::string>> EnvironmentFor(const InstanceConfig& config,
                                                                const std::string& access_key_id,
                                                                const std::string& secret_access_key);

}  // namespace runner
