// The source of CopyObject and UploadPartCopy: the x-amz-copy-source header ("[/]bucket/key[?versionId=id]",
// key URL-encoded) and the x-amz-copy-source-if-{match,none-match,modified-since,unmodified-since}
// preconditions (412 PreconditionFailed, Condition "x-amz-copy-source-If-Match" & co.).
#pragma once

#include <string>

#include "common/error.h"
#include "emulator/protocol/op.h"
#include "emulator/store/types.h"

namespace emulator::ops {

struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;  // "" = latest
};

// InvalidArgument (ArgumentName x-amz-copy-source) for a malformed value.
common::Result<CopySource> ParseCopySource(const std::string& header);

// Evaluates the copy-source conditions against the source version.
common::Status CheckSourcePreconditions(RequestContext& ctx, const store::ObjectVersion& source);

}  // namespace emulator::ops
