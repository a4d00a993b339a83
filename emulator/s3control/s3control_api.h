// S3 Control (2018-08-20) on the S3 endpoint: the access point management plane. Requests are REST-XML
// under /v20180820/, signed for service `s3`, with x-amz-account-id; boto3 and the aws CLI put the
// account id in front of the endpoint's host (`111122223333.localhost:4580`), so *.localhost (or
// *.127.0.0.1) must resolve to this machine (`s3lab up` says how). Implemented: CreateAccessPoint
// (bucket in this region, VpcConfiguration -> NetworkOrigin VPC, Block Public Access defaults on, an
// alias `<name>-<34 random>-s3alias`), GetAccessPoint, ListAccessPoints (bucket filter, paging),
// DeleteAccessPoint, Put/Get/DeleteAccessPointPolicy; other S3 Control operations answer 501
// NotImplemented. Requests THROUGH an access point (its alias or ARN as the bucket) are not routed yet.
//
// Only the account's own principals manage its access points (x-amz-account-id must be the caller's
// account; AccessDenied otherwise), authorized by the one policy engine as s3:<Operation> on
// arn:aws:s3:<region>:<account>:accesspoint/<name> with the caller's identity policies. Errors are
// S3-style XML inside <ErrorResponse> (NOTE: the wrapper follows S3 Control's documented examples,
// unverified here). Each call is one CloudTrail management event (eventSource s3.amazonaws.com,
// resource type AWS::S3::AccessPoint), committed before the reply.
#pragma once

#include <string>

#include "emulator/protocol/op.h"
#include "emulator/protocol/pipeline.h"

namespace emulator::s3control {

// True for S3 Control requests (path under /v20180820/ with x-amz-account-id).
bool IsS3ControlRequest(const common::http::Request& request);

Response Handle(Services& services, const common::http::Request& request, const std::string& body,
                const std::string& request_id, const std::string& host_id, common::Result<Caller> caller);

}  // namespace emulator::s3control
