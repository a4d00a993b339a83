// The S3 request pipeline, independent of httplib so tests drive it directly:
//   parse (addressing.h) -> authenticate (common::sigv4, keys from common::identity) -> route
//   (routes.h) -> region check -> authorize (authorize.h, common::policy) -> body reader -> handler
//   -> response headers (x-amz-request-id, x-amz-id-2, Server: AmazonS3) and XML errors.
// Requests whose SigV4 scope names iam or sts (POST /, form body) go to the IAM/STS query API
// (emulator/iam/), which renders its own error shape; scope cloudtrail (POST /, JSON 1.1) goes to
// emulator/cloudtrail/.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/http/request.h"
#include "common/policy/policy.h"
#include "emulator/cloudtrail/s3_events.h"
#include "emulator/protocol/body_reader.h"
#include "emulator/protocol/op.h"

namespace emulator {

struct PipelineResult {
  Response response;
  bool body_consumed = true;  // false when the handler never read a request body that was sent
};

class Pipeline {
 public:
  explicit Pipeline(Services* services) : services_(services) {}
  // Handles one request end to end. Never throws; library exceptions become InternalError.
  PipelineResult Handle(const common::http::Request& request, RawSource body);

 private:
  // facts: who called which operation, for the CloudTrail record (emulator/cloudtrail/s3_events.h).
  common::Result<Response> HandleS3(const common::http::Request& request, RawSource& body,
                                    const std::string& request_id, bool* body_consumed,
                                    cloudtrail::S3CallFacts* facts);
  Services* services_;
};

// An authenticated caller: how the request was signed, who signed it, their identity policies.
struct Caller {
  common::sigv4::AuthResult auth;
  common::identity::Principal principal;                                     // anonymous when unsigned
  std::vector<std::pair<std::string, std::string>> policy_docs;              // (name, JSON)
  std::shared_ptr<const std::vector<common::policy::NamedPolicy>> policies;  // parsed; null = anonymous
};
// Authenticates with keys from the identity store and the lab clock. buffered_body: pass it when the
// body was read first (IAM/STS), so a signed payload hash is checked.
common::Result<Caller> AuthenticateRequest(Services& services, const common::http::Request& request,
                                           const std::string* buffered_body);

// The service named in a SigV4 credential scope (Authorization header or X-Amz-Credential), "" if none.
std::string ScopeService(const common::http::Request& request);

}  // namespace emulator
