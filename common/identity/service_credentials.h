// Credentials an AWS service of s3lab signs with when it calls another service for a principal (S3
// calling KMS for SSE-KMS). Both processes of one data dir derive them from master.key, so nothing is
// stored:
//   access key id  S3LABSVC<SERVICE>          e.g. S3LABSVCS3
//   secret         hex(DeriveKey(master, "s3lab/service-credentials/<service>"))
// The calling service names the principal it acts for in three signed headers (below); the called
// service (kms/protocol/pipeline.cc) then authorizes that principal with kms:ViaService =
// <service>.<region>.amazonaws.com, as AWS does. Here in common/ because the emulator may not link kms/.
#pragma once

#include <string>

#include "common/crypto/crypto.h"

namespace common::identity {

// The access key id the principal signed its own request with (required).
inline constexpr const char* kCallerAccessKeyHeader = "x-s3lab-caller-access-key-id";
// aws:SourceIp of the principal's request (optional).
inline constexpr const char* kCallerSourceIpHeader = "x-s3lab-caller-source-ip";
// aws:SecureTransport of the principal's request, "true"/"false" (optional).
inline constexpr const char* kCallerSecureTransportHeader = "x-s3lab-caller-secure-transport";

struct ServiceCredential {
  std::string service;  // "s3"
  std::string access_key_id;
  std::string secret_access_key;
};

// The credential of one service ("s3"), derived from the master key.
ServiceCredential DeriveServiceCredential(const common::crypto::SecretBytes& master,
                                          const std::string& service);

}  // namespace common::identity
