// Helpers shared by the bucket operations: name rules, the bucket lookup, the regions S3 knows.
#pragma once

#include <string>

#include "common/error.h"
#include "emulator/protocol/op.h"
#include "emulator/store/object_store.h"

namespace emulator::ops {

// S3 bucket naming rules (general purpose buckets): 3-63 characters of a-z 0-9 . -, starting and
// ending with a letter or digit, no "..", not an IPv4 address, none of AWS's reserved prefixes and
// suffixes (xn--, sthree-, amzn-s3-demo-, -s3alias, --ol-s3, .mrap, --x-s3, --table-s3).
bool ValidBucketName(const std::string& name);

// A region name AWS has (for LocationConstraint). "EU" is the legacy name of eu-west-1.
bool KnownRegion(const std::string& region);

// The bucket of the request (NoSuchBucket).
common::Result<store::BucketRecord> RequestBucket(RequestContext& ctx);

store::ObjectStore& Store(RequestContext& ctx);

// Canonical user id and display name of the bucket owner for Owner elements.
std::string OwnerId(RequestContext& ctx, const std::string& account_id);

}  // namespace emulator::ops
