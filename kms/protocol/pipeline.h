// The KMS request pipeline, the same for every operation and both listeners (HTTP and HTTPS):
//
//   parse (buffered JSON body) -> authenticate (SigV4, common::sigv4::Authenticate; errors re-coded
//   to KMS's UnrecognizedClientException / InvalidSignatureException / MissingAuthenticationToken...)
//   -> route (X-Amz-Target through the table of operations.h) -> operation stages (Parse, Prepare,
//   authorize each target [authz/], quota hook for crypto operations [quota/], Run, Render)
//   -> render ({"__type","message"} errors, x-amzn-RequestId, application/x-amz-json-1.1)
//   -> audit: the call's CloudTrail record is committed to the trail before the reply is returned
//   (protocol/audit.h; a call whose caller is unknown has no record).
//
// No HTTP library types here: the server adapter hands in a common::http::Request and the body.
#pragma once

#include <string>

#include "common/audit/trail.h"
#include "common/error.h"
#include "common/http/request.h"
#include "common/identity/identity_store.h"
#include "common/util/clock.h"
#include "kms/protocol/audit.h"
#include "kms/protocol/operations.h"
#include "kms/protocol/service_callers.h"
#include "kms/quota/quota.h"
#include "kms/service.h"

namespace kms::protocol {

struct Reply {
  int status = 200;
  std::string body;
  std::string request_id;
};

inline constexpr const char* kContentType = "application/x-amz-json-1.1";

class Pipeline {
 public:
  // All pointers are borrowed and must outlive the pipeline. callers and trail may be null (no audit).
  Pipeline(KmsService* service, common::identity::IdentityStore* identity, const common::util::Clock* clock,
           quota::QuotaGate* quota, const ServiceCallers* callers, common::audit::Trail* trail = nullptr);

  Reply Handle(const common::http::Request& request, const std::string& body) const;

  // Maps an authentication error of common::sigv4 to KMS's code and text.
  static common::AwsError MapAuthError(const common::AwsError& error, const common::http::Request& request,
                                       int64_t now_millis);

 private:
  // facts: what the call revealed about itself, for its record.
  common::Result<nlohmann::json> Dispatch(const common::http::Request& request, const std::string& body,
                                          const std::string& request_id, CallFacts& facts) const;
  static Reply ErrorReply(const common::AwsError& error, const std::string& request_id);

  KmsService* service_;
  common::identity::IdentityStore* identity_;
  const common::util::Clock* clock_;  // lab time: what operations see
  // Real time for SigV4: clients sign with the wall clock, so the 15-minute skew check must not follow
  // the lab clock (`s3lab clock +8d` would otherwise expire every signature).
  common::util::LabClock real_clock_;
  quota::QuotaGate* quota_;
  const ServiceCallers* callers_;
  common::audit::Trail* trail_;
  Stages stages_;
};

}  // namespace kms::protocol
