// MFA Delete (AWS-REFERENCE §9.1): a versioning bucket whose owner turned on MfaDelete requires the
// x-amz-mfa header ("<device serial> <6-digit code>", over HTTPS) for any PutBucketVersioning and for
// every permanent version delete (DeleteObject / DeleteObjects with a VersionId). The device must be
// the bucket owner's ROOT user's virtual MFA device (IAM, emulator/iam/iam_mfa.cc); codes follow real
// time (common/crypto/totp.h). The state is kept as the bucket configuration document "mfa-delete"
// ("Enabled" / "Disabled"; absent = never configured).
#pragma once

#include <string>

#include "common/error.h"
#include "emulator/protocol/op.h"
#include "emulator/store/types.h"

namespace emulator::ops {

// "Enabled", "Disabled" or "" (never configured).
std::string MfaDeleteState(RequestContext& ctx, const std::string& bucket);
common::Status SetMfaDeleteState(RequestContext& ctx, const std::string& bucket, const std::string& state);

// Verifies x-amz-mfa for a protected request on `bucket`: missing -> 403 AccessDenied "Mfa
// Authentication must be used for this request"; plain HTTP -> 400 InvalidRequest; malformed ->
// 400 InvalidArgument; unknown device, not the owner's root device, or a wrong code -> 403 AccessDenied.
common::Status CheckMfa(RequestContext& ctx, const store::BucketRecord& bucket);

}  // namespace emulator::ops
