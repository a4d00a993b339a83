// The request-quota stage of the KMS pipeline, called for the symmetric cryptographic operations after
// authorization and before the operation (DESIGN.md "KMS quotas"). This issue ships the hook only:
// AllowAll admits everything. The next issue plugs in token buckets per (account, region) answering
// ThrottlingException (errors::Throttling()).
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
