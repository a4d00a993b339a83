// AWS services calling KMS on behalf of a principal (S3 SSE-KMS). The calling service signs with its own
// service credential (common/identity/service_credentials.h: S3LABSVC<SERVICE>, secret derived from
// master.key) and names the principal it acts for in signed headers:
//   x-s3lab-caller-access-key-id     the access key the principal signed its own request with (required)
//   x-s3lab-caller-source-ip         aws:SourceIp of the principal's request (optional)
//   x-s3lab-caller-secure-transport  "true"/"false" (optional)
// KMS then authorizes the *principal* with kms:ViaService = <service>.<region>.amazonaws.com, as AWS does.
// NOTE: these headers are honoured only on requests signed with service credentials.
#pragma once

#include <map>
#include <string>

#include "common/identity/service_credentials.h"

namespace kms::protocol {

using common::identity::DeriveServiceCredential;
using common::identity::kCallerAccessKeyHeader;
using common::identity::kCallerSecureTransportHeader;
using common::identity::kCallerSourceIpHeader;
using common::identity::ServiceCredential;

class ServiceCallers {
 public:
  void Add(ServiceCredential credential) { by_key_[credential.access_key_id] = std::move(credential); }
  const ServiceCredential* Find(const std::string& access_key_id) const {
    auto it = by_key_.find(access_key_id);
    return it == by_key_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, ServiceCredential> by_key_;
};

}  // namespace kms::protocol
