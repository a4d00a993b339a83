// The request-quota stage of the KMS pipeline, called for the symmetric cryptographic operations after
// authorization and before the operation (DESIGN.md "KMS quotas"). The service uses TokenBuckets
// (token_buckets.h: per account and region, rates from profiles.h); AllowAll is for tests.
#pragma once

#include <string>

#include "common/error.h"

namespace kms::quota {

class QuotaGate {
 public:
  virtual ~QuotaGate() = default;
  // Ok to proceed, or ThrottlingException. Called on the hot path: must not block.
  virtual common::Status Admit(const std::string& account_id, const std::string& region,
                               const char* operation) = 0;
};

class AllowAll final : public QuotaGate {
 public:
  common::Status Admit(const std::string& /*account_id*/, const std::string& /*region*/,
                       const char* /*operation*/) override {
    return common::Ok{};
  }
};

}  // namespace kms::quota
