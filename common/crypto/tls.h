// TLS material for the HTTPS listeners: a lab CA (<data_dir>/tls/ca.pem + ca.key, EC P-256, 10 years)
// and a server certificate it signs (server.pem + server.key, SAN DNS:localhost, DNS:*.localhost,
// IP:127.0.0.1, IP:::1, 825 days). Learners point AWS_CA_BUNDLE at ca.pem. Keys are written 0600.
// Idempotent and safe when the S3 and KMS processes start at once: creation runs under an flock on
// <data_dir>/tls/.lock; existing files are kept; an expired or missing server cert is re-issued.
#pragma once

#include <string>

#include "common/error.h"

namespace common::crypto {

// InternalError 500 with a readable message when the directory or files cannot be created.
Status EnsureTlsMaterial(const std::string& data_dir);

}  // namespace common::crypto
