// AWS services calling KMS on behalf of a principal (S3 SSE-KMS, next issue). The calling service signs
// with its own service credentials, derived from master.key so that both processes of one data dir agree
// without storing them:
//   access key id  S3LABSVC<SERVICE>          e.g. S3LABSVCS3
//   secret         hex(DeriveKey(master, "s3lab/service-credentials/<service>"))
// and names the principal it acts for in signed headers:
//   x-s3lab-caller-access-key-id     the access key the principal signed its own request with (required)
//   x-s3lab-caller-source-ip         aws:SourceIp of the principal's request (optional)
//   x-s3lab-caller-secure-transport  "true"/"false" (optional)
// KMS then authorizes the *principal* with kms:ViaService = <service>.<region>.amazonaws.com, as AWS does.
// NOTE: these headers are honoured only on requests signed with service credentials.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/crypto/crypto.h"

namespace kms::protocol {

inline constexpr const char* kCallerAccessKeyHeader = "x-s3lab-caller-access-key-id";
inline constexpr const char* kCallerSourceIpHeader = "x-s3lab-caller-source-ip";
inline constexpr const char* kCallerSecureTransportHeader = "x-s3lab-caller-secure-transport";

struct ServiceCredential {
  std::string service;  // "s3"
  std::string access_key_id;
  std::string secret_access_key;
};

// The credential of one service, derived from the master key.
ServiceCredential DeriveServiceCredential(const common::crypto::SecretBytes& master,
                                          const std::string& service);

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
