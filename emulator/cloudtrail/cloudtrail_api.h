// CloudTrail (2013-11-01) as served by the S3 process: JSON 1.1, `POST /` with
// `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>`, SigV4 scope
// service `cloudtrail`. Errors are `{"__type": "<Code>", "message": "<text>"}` with HTTP 400 (403 for
// authentication), x-amzn-RequestId on every response. Every operation is authorized through the one
// policy engine as cloudtrail:<Operation> on "*" (root allowed; IAM users need an identity policy).
// Records come from <data>/trail.db (common/audit/trail.h), appended by both services.
// Operations: LookupEvents (lookup_events.cc). Others answer UnknownOperationException.
#pragma once

#include <string>

#include "common/audit/trail.h"
#include "emulator/protocol/op.h"
#include "emulator/protocol/pipeline.h"

namespace emulator::cloudtrail {

inline constexpr const char* kTargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

// What an operation sees: the caller and the trail. Operations never see HTTP.
struct CloudTrailRequest {
  Services* services = nullptr;
  common::audit::Trail* trail = nullptr;  // services->trail
  common::identity::Principal principal;
  std::string region;  // of the credential scope
  int64_t now_millis = 0;
};

// One operation: JSON body in, JSON body out (or an AwsError rendered by the dispatcher).
using Operation = common::Result<nlohmann::json> (*)(const CloudTrailRequest& r, const nlohmann::json& body);
common::Result<nlohmann::json> LookupEvents(const CloudTrailRequest& r, const nlohmann::json& body);

// Handles one CloudTrail request. services.trail may be null (then LookupEvents answers no events).
Response HandleJson(Services& services, const common::http::Request& request, const std::string& body,
                    common::Result<Caller> caller);

}  // namespace emulator::cloudtrail
