// MFA Delete checks (see mfa_delete.h).
#include "emulator/ops/mfa_delete.h"

#include <chrono>

#include "common/crypto/totp.h"
#include "common/identity/identity_store.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/protocol/errors.h"
#include "emulator/store/object_store.h"

namespace emulator::ops {
namespace {

constexpr const char* kConfigName = "mfa-delete";

int64_t RealSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string MfaDeleteState(RequestContext& ctx, const std::string& bucket) {
  auto state = Store(ctx).GetBucketConfig(bucket, kConfigName);
  return state.ok() && *state ? **state : "";
}

common::Status SetMfaDeleteState(RequestContext& ctx, const std::string& bucket, const std::string& state) {
  return Store(ctx).PutBucketConfig(bucket, kConfigName, state);
}

common::Status CheckMfa(RequestContext& ctx, const store::BucketRecord& bucket) {
  auto header = ctx.Header("x-amz-mfa");
  if (!header) return errors::AccessDenied("Mfa Authentication must be used for this request");
  // NOTE: AWS refuses x-amz-mfa over plain HTTP; the exact text is unverified.
  if (!ctx.http->tls)
    return errors::InvalidRequest("Requests specifying MFA must be made over a secure connection.");
  std::string value = common::util::Trim(*header);
  auto space = value.rfind(' ');
  if (space == std::string::npos || space == 0 || value.size() - space - 1 != 6)
    return errors::InvalidArgument(
        "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}",
        "x-amz-mfa", value);
  std::string serial = common::util::Trim(value.substr(0, space));
  std::string code = value.substr(space + 1);
  // NOTE: AWS's text for a wrong code or device is unverified; AccessDenied as for a missing one.
  auto device = ctx.services->identity->GetMfaDevice(bucket.owner_account, serial);
  if (!device.ok() || !device->root || !common::crypto::TotpMatches(device->seed, code, RealSeconds()))
    return errors::AccessDenied("Mfa Authentication must be used for this request");
  return common::Ok{};
}

}  // namespace emulator::ops
