// CloudTrail events of the S3 process. Management events: bucket-level S3 calls (CreateBucket,
// PutBucketPolicy, GetBucketEncryption, ListBuckets, ...) and IAM/STS calls. Data events: S3 object calls
// (and ListObjects*, ListObjectVersions, ListMultipartUploads, DeleteObjects), as a trail with an S3
// data-event selector records them on AWS: eventCategory "Data", managementEvent false, so LookupEvents
// never shows them (AWS's Event history does not either) but the console and `s3lab trail` do. As on
// AWS, where only a trail with a data-event selector records them, they are off unless the S3 process
// runs with `--data-events on` (`s3lab up --s3-data-events on`). Each record is committed before the
// reply leaves, as for KMS. Anonymous calls are not recorded (NOTE: AWS records them with an
// AWSAccount "anonymous" identity).
//   data: requestParameters {bucketName, Host, key, the query's sub-resources, the request's SSE
//        headers but never an SSE-C key}, responseElements the SSE and version headers of a write (else
//        null), additionalEventData {SignatureVersion, CipherSuite (HTTPS), bytesTransferredIn,
//        SSEApplied (PutObject, CopyObject, CreateMultipartUpload: Default_SSE_S3 / Default_SSE_KMS when
//        the bucket default applied, SSE_S3 / SSE_KMS / SSE_C / DSSE_KMS when the request asked),
//        AuthenticationMethod (AuthHeader / QueryString), x-amz-id-2, bytesTransferredOut}, resources
//        [AWS::S3::Object (no accountId), AWS::S3::Bucket]. Delivered to the caller's account and, when
//        another account owns the bucket, to the owner's too (one sharedEventID).
//   S3:  eventSource s3.amazonaws.com, requestParameters {bucketName, Host, <sub-resource>: ""},
//        resources [{accountId, type AWS::S3::Bucket, ARN arn:aws:s3:::<bucket>}], readOnly for Get/List/Head.
//   IAM: eventSource iam.amazonaws.com (sts.amazonaws.com), awsRegion us-east-1, requestParameters the form
//        parameters camelCased (never secrets: responseElements stay null, so no secret access key).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/audit/record.h"
#include "common/http/request.h"
#include "common/identity/principal.h"
#include "common/sigv4/auth.h"

namespace emulator::cloudtrail {

// What the S3 pipeline learnt about one call (set once the route matched).
struct S3CallFacts {
  bool routed = false;
  common::identity::Principal principal;
  std::string operation;  // route operation name, "PutBucketPolicy"
  std::string bucket;
  std::string key;
  std::string region;         // the bucket's region, else the endpoint's
  std::string bucket_owner;   // account id, "" when unknown
  std::string decision;       // what decided an AccessDenied (authorize.h), "" otherwise
  common::sigv4::AuthKind auth = common::sigv4::AuthKind::kAnonymous;
};

// What a data event takes from the answer (nothing of it for a failed call).
struct S3Outcome {
  std::string error_code, error_message;  // "" for success
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;  // response headers, or null
  int64_t bytes_out = 0;                                                     // response body bytes
  std::string host_id;                                                       // x-amz-id-2
};

// The members every record of the S3 process shares: identity, time, caller address and agent, error,
// request id, recipient (the caller's account), TLS details. Callers set source, name, region, ...
common::audit::Event BaseEvent(const common::identity::Principal& principal, const common::http::Request& request,
                               const std::string& request_id, int64_t now_millis, const std::string& error_code,
                               const std::string& error_message);

// True for the calls CloudTrail records as management events.
bool IsS3ManagementEvent(const S3CallFacts& facts);

// True for the calls CloudTrail records as data events (object calls by a signed caller).
bool IsS3DataEvent(const S3CallFacts& facts);

common::audit::Event MakeS3DataEvent(const S3CallFacts& facts, const common::http::Request& request,
                                     const std::string& request_id, int64_t now_millis, const S3Outcome& outcome);

// The accounts besides the caller's that receive a data event: the bucket owner's when it differs.
std::vector<std::string> DataEventAlsoTo(const S3CallFacts& facts);

// error_code "" for success.
common::audit::Event MakeS3Event(const S3CallFacts& facts, const common::http::Request& request,
                                 const std::string& request_id, int64_t now_millis, const std::string& error_code,
                                 const std::string& error_message);

// IAM/STS: params are the decoded form parameters (Action and Version are left out). The caller sets
// the event's decision for a denial.
common::audit::Event MakeIamEvent(const std::string& service, const std::string& action,
                                  const common::identity::Principal& principal,
                                  const std::map<std::string, std::string>& params,
                                  const common::http::Request& request, const std::string& request_id,
                                  int64_t now_millis, const std::string& error_code, const std::string& error_message);

}  // namespace emulator::cloudtrail
