// ACL request headers under BucketOwnerEnforced (see acl.cc): x-amz-acl other than private /
// bucket-owner-full-control, or any x-amz-grant-* header -> AccessControlListNotSupported.
// Used by PutObject, CopyObject and the Put*Acl operations (and CreateMultipartUpload).
#pragma once

#include "common/error.h"
#include "emulator/protocol/op.h"

namespace emulator::ops {

common::Status CheckAclHeaders(const RequestContext& ctx);

}  // namespace emulator::ops
