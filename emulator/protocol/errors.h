// S3 errors as values: one factory per AWS error code (the function name IS the wire code), one table
// code -> HTTP status (errors.cc, kStatusTable), and the XML envelope AWS sends:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key>
//   <RequestId>...</RequestId><HostId>...</HostId></Error>
// Messages are AWS's exact texts (../shared/AWS-REFERENCE.md §15, §7.4). HEAD responses carry no body.
#pragma once

#include <string>

#include "common/error.h"

namespace emulator::errors {

using common::AwsError;

// Extras whose name starts with this prefix are response headers, not body elements
// (x-amz-delete-marker on NoSuchKey, x-amz-bucket-region, ...). WithHeader() adds one.
inline constexpr const char* kHeaderExtraPrefix = "header:";
inline AwsError WithHeader(AwsError error, const std::string& name, const std::string& value) {
  error.extra.emplace_back(kHeaderExtraPrefix + name, value);
  return error;
}

// HTTP status of an S3 error code (400 when the code is unknown to the table).
int StatusOf(const std::string& code);
// Builds an error with the table's status.
AwsError Make(const std::string& code, const std::string& message);
// The XML error body.
std::string RenderXml(const AwsError& error, const std::string& request_id, const std::string& host_id);

AwsError AccessDenied(const std::string& message = "Access Denied");
AwsError AccessControlListNotSupported();
AwsError BadDigest(
    const std::string& message);  // "The CRC32 you specified did not match the calculated checksum."
AwsError BadDigestMd5(const std::string& expected_b64, const std::string& calculated_b64);
AwsError BucketAlreadyExists(const std::string& bucket);
AwsError BucketAlreadyOwnedByYou(const std::string& bucket);
AwsError BucketNotEmpty(const std::string& bucket, bool versioned);
AwsError EntityTooLarge(int64_t proposed, int64_t max);
AwsError IllegalLocationConstraintException(const std::string& constraint);
AwsError IncompleteBody();
AwsError RequestTimeout();  // a client that stalled for the whole read timeout
AwsError RequestHeaderSectionTooLarge(int64_t max_size);  // answered by common/http's connection loop
AwsError InternalError(const std::string& detail = "");
AwsError InvalidArgument(const std::string& message, const std::string& name, const std::string& value);
AwsError InvalidBucketName(const std::string& bucket);
AwsError InvalidDigest();
AwsError InvalidLocationConstraint(const std::string& constraint);
AwsError InvalidRange(int64_t object_size, const std::string& range);
AwsError InvalidPartNumber(int64_t part_count, int64_t requested);
AwsError InvalidRequest(const std::string& message);
AwsError InvalidURI(const std::string& uri);
AwsError KeyTooLongError();
AwsError MalformedPolicy(const std::string& message);
AwsError MalformedXML();
AwsError MethodNotAllowed(const std::string& method, const std::string& resource_type);
AwsError MissingContentLength();
AwsError NoSuchBucket(const std::string& bucket);
AwsError NoSuchBucketPolicy(const std::string& bucket);
AwsError NoSuchKey(const std::string& key);
AwsError NoSuchVersion(const std::string& key, const std::string& version_id);
AwsError NotImplemented(const std::string& message, const std::string& header = "");
AwsError NotModified();
AwsError PreconditionFailed(const std::string& condition);
AwsError ServerSideEncryptionConfigurationNotFoundError(const std::string& bucket);

}  // namespace emulator::errors
