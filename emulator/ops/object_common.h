// Pieces shared by the object operations: request-header validation (SSE, metadata), metadata from
// request headers, object headers on responses (ETag, Last-Modified, x-amz-meta-*, SSE, checksums,
// response-* overrides), conditional requests (If-Match & co., RFC 7232 as S3 applies it) and Range.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "emulator/protocol/op.h"
#include "emulator/store/types.h"

namespace emulator::ops {

// SSE request headers are validated and applied by emulator/sse/sse_request.h (PrepareWrite/OpenKey).

// ObjectMeta from Content-Type & co. and x-amz-meta-* (MetadataTooLarge above 2 KB of user metadata).
common::Result<store::ObjectMeta> MetaFromRequest(const RequestContext& ctx);

// "\"<etag>\"".
std::string QuotedEtag(const std::string& etag);
// ETag of a single-part object (PutObject, CopyObject) from the raw MD5 of its data: the hex MD5 for
// SSE-S3; for SSE-KMS and SSE-C 32 random hex digits, as AWS ("not an MD5 digest of their object
// data"). NOTE: parts of SSE-KMS/SSE-C uploads keep MD5 ETags here.
std::string SinglePartEtag(store::SseMode mode, const std::string& md5_raw);

// Headers of an object version on GET/HEAD/PUT responses. checksum_mode: include x-amz-checksum-*.
void AddObjectHeaders(Response& res, const store::ObjectVersion& v, bool versioned_bucket,
                      bool checksum_mode);
// x-amz-server-side-encryption (and friends) of a version.
void AddSseHeaders(Response& res, const store::SseInfo& sse);
// x-amz-server-side-encryption-context as the client sent it (PutObject, CopyObject,
// CreateMultipartUpload responses only; GET/HEAD do not carry it).
void AddSseContextHeader(Response& res, const store::SseInfo& sse);
// response-content-type & co. override the stored values (GET only).
void ApplyResponseOverrides(const RequestContext& ctx, Response& res);

enum class Precondition { kProceed, kNotModified };
// Evaluates If-Match, If-Unmodified-Since (412 PreconditionFailed), If-None-Match, If-Modified-Since
// (kNotModified) in AWS's order.
common::Result<Precondition> CheckPreconditions(const RequestContext& ctx, const std::string& etag,
                                                int64_t last_modified_millis);

struct ByteRange {
  int64_t first = 0;
  int64_t last = 0;  // inclusive
};
// Parses `Range: bytes=...` for an object of `size` bytes. nullopt = no (usable) range: serve the whole
// object (AWS ignores malformed and multi-range headers). InvalidRange (416) when unsatisfiable.
// NOTE: cpp-httplib refuses a syntactically malformed Range ("bytes=abc") with 416 before the request
// reaches s3lab (server.cc gives it the InvalidRange XML); AWS would serve the whole object.
common::Result<std::optional<ByteRange>> ParseRange(const std::string& header, int64_t size);

// ?versionId= must be "null" or an id of the shape S3 hands out (32 characters of A-Za-z0-9._-);
// anything else is InvalidArgument "Invalid version id specified" (as AWS, which cannot decode it).
common::Status ValidateVersionId(const RequestContext& ctx);

// True when the bucket has ever had versioning enabled ("Enabled" or "Suspended").
inline bool VersioningEverEnabled(const std::string& state) { return !state.empty(); }

}  // namespace emulator::ops
