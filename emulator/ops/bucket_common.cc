// Bucket helpers and the bucket lookup used by authorization (see bucket_common.h, authorize.h).
#include "emulator/ops/bucket_common.h"

#include <set>

#include "common/identity/identity_store.h"
#include "common/util/strings.h"
#include "emulator/protocol/authorize.h"

namespace emulator {

std::optional<BucketAuthInfo> LookupBucketForAuth(Services& services, const std::string& bucket) {
  if (!services.store) return std::nullopt;
  auto record = services.store->GetBucket(bucket);
  if (!record.ok()) return std::nullopt;
  return BucketAuthInfo{record->owner_account, record->region, record->policy};
}

namespace ops {

using common::util::EndsWith;
using common::util::StartsWith;

bool ValidBucketName(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  if (name.find("..") != std::string::npos) return false;
  // An IPv4 address (four dot-separated numbers).
  auto parts = common::util::Split(name, '.');
  if (parts.size() == 4) {
    bool all_digits = true;
    for (const auto& p : parts)
      all_digits = all_digits && !p.empty() && p.find_first_not_of("0123456789") == std::string::npos;
    if (all_digits) return false;
  }
  for (const char* prefix : {"xn--", "sthree-", "amzn-s3-demo-"})
    if (StartsWith(name, prefix)) return false;
  for (const char* suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"})
    if (EndsWith(name, suffix)) return false;
  return true;
}

bool KnownRegion(const std::string& region) {
  static const std::set<std::string> kRegions = {"af-south-1",     "ap-east-1",
                                                 "ap-east-2",      "ap-northeast-1",
                                                 "ap-northeast-2", "ap-northeast-3",
                                                 "ap-south-1",     "ap-south-2",
                                                 "ap-southeast-1", "ap-southeast-2",
                                                 "ap-southeast-3", "ap-southeast-4",
                                                 "ap-southeast-5", "ap-southeast-7",
                                                 "ca-central-1",   "ca-west-1",
                                                 "cn-north-1",     "cn-northwest-1",
                                                 "eu-central-1",   "eu-central-2",
                                                 "eu-north-1",     "eu-south-1",
                                                 "eu-south-2",     "eu-west-1",
                                                 "eu-west-2",      "eu-west-3",
                                                 "il-central-1",   "me-central-1",
                                                 "me-south-1",     "mx-central-1",
                                                 "sa-east-1",      "us-east-1",
                                                 "us-east-2",      "us-gov-east-1",
                                                 "us-gov-west-1",  "us-west-1",
                                                 "us-west-2",      "EU"};
  return kRegions.count(region) > 0;
}

store::ObjectStore& Store(RequestContext& ctx) { return *ctx.services->store; }

common::Result<store::BucketRecord> RequestBucket(RequestContext& ctx) {
  return Store(ctx).GetBucket(ctx.bucket);
}

std::string OwnerId(RequestContext& ctx, const std::string& account_id) {
  if (ctx.services->identity) {
    if (auto account = ctx.services->identity->GetAccount(account_id)) return account->canonical_user_id;
  }
  return account_id;
}

}  // namespace ops
}  // namespace emulator
