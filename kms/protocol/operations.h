// The one KMS route table: X-Amz-Target operation name -> handler, IAM action, and whether the operation
// is a symmetric cryptographic operation (counted by the request quota). The handler runs the stages of
// ops/op.h, with authorization and the quota hook supplied by the pipeline in Stages.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "kms/ops/op.h"

namespace kms::protocol {

struct Operation;

// The pipeline's stages that sit between an operation's Prepare and Run.
struct Stages {
  // May note what decided a denial in ctx.decision.
  std::function<common::Status(ops::RequestContext&, const ops::AuthTarget&)> authorize;
  std::function<common::Status(const ops::RequestContext&, const Operation&)> admit;  // quota hook
};

using Handler = common::Result<nlohmann::json> (*)(const Stages& stages, ops::RequestContext& ctx,
                                                   const nlohmann::json& body);

struct Operation {
  const char* name;    // "GenerateDataKey" (X-Amz-Target: TrentService.GenerateDataKey)
  const char* action;  // IAM action of the request ("kms:GenerateDataKey"); ReEncrypt checks From and To
  bool crypto;         // shares the cryptographic request quota
  Handler handler;
};

const std::vector<Operation>& Operations();
// nullptr when the name is unknown.
const Operation* FindOperation(std::string_view name);

}  // namespace kms::protocol
