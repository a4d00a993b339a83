// The IAM (2010-05-08) and STS (2011-06-15) query APIs as boto3 and the aws CLI call them: POST / with
// a form body `Action=CreateUser&Version=2010-05-08&UserName=alice`, SigV4 scope service iam or sts.
// Responses are XML in the service namespace with ResponseMetadata/RequestId; errors are
//   <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>
//   <Code>NoSuchEntity</Code><Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>
// Every action is authorized through the policy engine as iam:<Action> on the user's ARN (root of the
// account is allowed; IAM users need an identity policy; sts:GetCallerIdentity is always allowed,
// as on AWS). Data lives in the identity store (common::identity).
#pragma once

#include <string>

#include "emulator/protocol/op.h"
#include "emulator/protocol/pipeline.h"

namespace emulator::iam {

// service: "iam" or "sts". caller: the authentication outcome (errors are rendered IAM-style).
Response HandleQuery(Services& services, const common::http::Request& request, const std::string& body,
                     const std::string& service, const std::string& request_id,
                     common::Result<Caller> caller);

}  // namespace emulator::iam
