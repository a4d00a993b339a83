// Multipart upload operations (owner H4) and the helpers they share.
// S3 rules implemented here (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html):
// part numbers 1..10000; Complete takes parts in ascending order, each with the ETag UploadPart
// returned, every part but the last at least 5 MiB; unlisted parts are discarded; the object's ETag
// is hex(md5(md5(part 1) || ... || md5(part N))) + "-N". Checksums: the algorithm named at
// CreateMultipartUpload (x-amz-checksum-algorithm) applies to every part (computed by s3lab when a
// part arrives without one) and gives the object a COMPOSITE checksum — the checksum of the
// concatenated binary part checksums + "-N" — or, with x-amz-checksum-type: FULL_OBJECT (CRC32,
// CRC32C, CRC64NVME), the CRC of the whole object, combined from the part CRCs.
// All data stays under the upload's single SSE-S3 data key (emulator/store).
#pragma once

#include <cstdint>
#include <string>

#include "common/crypto/crypto.h"
#include "emulator/protocol/op.h"
#include "emulator/store/object_store.h"

namespace emulator::ops {

using common::Result;

Result<Response> CreateMultipartUpload(RequestContext& ctx);
Result<Response> UploadPart(RequestContext& ctx);
Result<Response> UploadPartCopy(RequestContext& ctx);
Result<Response> CompleteMultipartUpload(RequestContext& ctx);
Result<Response> AbortMultipartUpload(RequestContext& ctx);
Result<Response> ListParts(RequestContext& ctx);
Result<Response> ListMultipartUploads(RequestContext& ctx);

namespace multipart {

inline constexpr int64_t kMinPartSize = 5LL * 1024 * 1024;
inline constexpr int64_t kMaxPartSize = 5LL * 1024 * 1024 * 1024;
inline constexpr int kMaxPartNumber = 10000;

// ?partNumber=: an integer 1..10000, else InvalidArgument (ArgumentName partNumber).
Result<int> ParsePartNumber(const RequestContext& ctx);
// The upload named by ?uploadId= for the request's bucket and key (NoSuchBucket, NoSuchUpload).
Result<store::UploadRecord> RequestUpload(RequestContext& ctx);

// "CRC32" -> kCrc32 ...; false for anything else.
bool ChecksumAlgorithmOf(const std::string& name, common::crypto::Algorithm* out);
// A part's checksum: what the client sent (verified by the body reader), else computed by `hasher`
// (created when the upload names an algorithm). "" when neither.
// Object checksum from part checksums (base64 each) for the upload's algorithm and type.
Result<store::Checksum> ObjectChecksum(const store::UploadRecord& upload,
                                       const std::vector<std::string>& part_checksums,
                                       const std::vector<int64_t>& part_sizes);
// CRC of A||B from crc(A), crc(B) and |B| for the reflected CRCs S3 uses (CRC32, CRC32C, CRC64NVME).
uint64_t CrcCombine(common::crypto::Algorithm algorithm, uint64_t crc_a, uint64_t crc_b, int64_t length_b);

// Response headers every multipart response carries for the upload's encryption.
void AddUploadSseHeaders(Response& res, const store::SseInfo& sse);
// "x-amz-checksum-crc32" for "CRC32".
std::string ChecksumHeaderName(const std::string& algorithm);
// "ChecksumCRC32" for "CRC32".
std::string ChecksumElementName(const std::string& algorithm);

common::AwsError NoSuchUpload(const std::string& upload_id);
common::AwsError InvalidPart(const std::string& upload_id, int part_number, const std::string& etag);

}  // namespace multipart
}  // namespace emulator::ops
