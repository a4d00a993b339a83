// The few AWS managed policies labs attach to users. Their documents are abridged copies of AWS's
// (same effect for S3 and KMS; NOTE: services s3lab does not emulate are left out of the documents).
#pragma once

#include <string_view>
#include <vector>

#include "common/identity/identity_store.h"

namespace common::identity {

// All built-in AWS managed policies (account_id "aws", path "/").
const std::vector<ManagedPolicy>& AwsManagedPolicies();
// nullptr when arn is not one of them.
const ManagedPolicy* FindAwsManagedPolicy(std::string_view arn);

}  // namespace common::identity
