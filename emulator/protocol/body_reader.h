// The S3 request body as the client framed it, decoded and verified while it streams:
//   plain (Content-Length)           bytes as they come
//   Content-Encoding: aws-chunked    common::sigv4::AwsChunkedDecoder (unsigned trailer, signed chunks)
//   x-amz-content-sha256: <hex>      SHA-256 checked after the last byte (XAmzContentSHA256Mismatch)
//   x-amz-checksum-<alg> header      checked after the last byte (BadDigest "The CRC32 you specified...")
//   x-amz-trailer: x-amz-checksum-*  the trailer value checked instead
//   Content-MD5                      format checked up front (InvalidDigest), value at the end (BadDigest)
//   x-amz-decoded-content-length     must equal the decoded byte count (IncompleteBody)
// The MD5 (for the ETag) and the requested checksum (x-amz-sdk-checksum-algorithm or the one sent) are
// computed on the way and exposed as digests(); for bodies from 8 MiB on, all digests run on a second
// thread (common/util/background_feed.h), so a large upload is not bound by MD5's single-core speed.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/error.h"
#include "common/http/request.h"
#include "common/sigv4/auth.h"
#include "emulator/protocol/op.h"

namespace emulator {

// Pulls raw bytes from the transport: calls `receive` for every piece until the body ends; returns
// false when the connection failed or `receive` returned false.
using RawSource = std::function<bool(const std::function<bool(const char* data, size_t size)>& receive)>;

// Validates the framing headers up front (InvalidDigest, InvalidRequest for bad or multiple checksum
// headers) and returns a reader over `source`. `auth` must outlive the reader.
common::Result<std::unique_ptr<BodyReader>> MakeBodyReader(const common::http::Request& request,
                                                           const common::sigv4::AuthResult& auth,
                                                           RawSource source);

// A reader over an in-memory body (tests, buffered IAM bodies).
RawSource StringSource(std::string body);

// "CRC32" -> kCrc32 etc.; false when unknown.
bool ChecksumAlgorithmFromName(const std::string& upper_name, common::crypto::Algorithm* out);

}  // namespace emulator
