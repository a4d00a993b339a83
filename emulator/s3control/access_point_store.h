// S3 access points in <data>/control.db (emulator/store/control_db.h). An access point belongs to (account, region, name) and
// records its bucket (and the bucket's account), network origin (VPC when created with a
// VpcConfiguration, else Internet; fixed at creation), Block Public Access settings, alias and policy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace emulator::store {
class ControlDb;
}

namespace emulator::s3control {

struct AccessPoint {
  std::string account_id, region, name;
  std::string bucket, bucket_account_id;
  std::string vpc_id;  // "" = Internet origin
  bool block_public_acls = true, ignore_public_acls = true, block_public_policy = true,
       restrict_public_buckets = true;
  std::string alias;
  std::string policy;  // "" = none
  int64_t created_millis = 0;
};

class AccessPointStore {
 public:
  static common::Result<std::unique_ptr<AccessPointStore>> Open(const std::string& db_path);
  ~AccessPointStore();

  common::Result<bool> Create(const AccessPoint& ap);  // false: the name is taken
  std::optional<AccessPoint> Get(const std::string& account_id, const std::string& region, const std::string& name);
  // Access points of (account, region), by name, optionally of one bucket, names after `after`.
  std::vector<AccessPoint> List(const std::string& account_id, const std::string& region, const std::string& bucket,
                                const std::string& after, int limit);
  common::Status Delete(const std::string& account_id, const std::string& region, const std::string& name);
  common::Status SetPolicy(const std::string& account_id, const std::string& region, const std::string& name,
                           const std::string& policy);  // "" deletes

 private:
  explicit AccessPointStore(std::unique_ptr<store::ControlDb> db);

  std::unique_ptr<store::ControlDb> db_;
};

}  // namespace emulator::s3control
