// CloudTrail management events of the S3 process: bucket-level S3 calls (CreateBucket, PutBucketPolicy,
// GetBucketEncryption, ListBuckets, ...) and IAM/STS calls. S3 object calls (and ListObjects*,
// ListObjectVersions, ListMultipartUploads, DeleteObjects) are data events on AWS: LookupEvents never shows
// them, so s3lab does not store them. Each record is committed before the reply leaves, as for KMS.
//   S3:  eventSource s3.amazonaws.com, requestParameters {bucketName, Host, <sub-resource>: ""},
//        resources [{accountId, type AWS::S3::Bucket, ARN arn:aws:s3:::<bucket>}], readOnly for Get/List/Head.
//   IAM: eventSource iam.amazonaws.com (sts.amazonaws.com), awsRegion us-east-1, requestParameters the form
//        parameters camelCased (never secrets: responseElements stay null, so no secret access key).
#pragma once

#include <map>
#include <string>

#include "common/audit/record.h"
#include "common/http/request.h"
#include "common/identity/principal.h"

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
};

// True for the calls CloudTrail records as management events.
bool IsS3ManagementEvent(const S3CallFacts& facts);

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
