// GenerateRandom: https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateRandom.html
// Account-level action (resource "*"), counted in the cryptographic request quota.
// NOTE: CustomKeyStoreId and Recipient are accepted and ignored.
#include "common/util/encoding.h"
#include "kms/model/errors.h"
#include "kms/ops/crypto_ops.h"
#include "kms/protocol/json_fields.h"

namespace kms::ops {

Result<GenerateRandom::Input> GenerateRandom::Parse(const Json& body) {
  auto bytes = protocol::OptionalInt(body, "NumberOfBytes");
  if (!bytes.ok()) return bytes.error();
  if (!bytes->has_value()) return errors::Validation("NumberOfBytes is required.");
  S3LAB_TRY(protocol::CheckRange(**bytes, "NumberOfBytes", 1, 1024));
  return Input{static_cast<size_t>(**bytes)};
}

Result<GenerateRandom::Plan> GenerateRandom::Prepare(RequestContext& /*ctx*/, const Input& /*in*/) {
  Plan plan;
  plan.auth.push_back(AuthTarget{"kms:GenerateRandom", nullptr, "*", nullptr});
  return plan;
}

Result<GenerateRandom::Output> GenerateRandom::Run(RequestContext& /*ctx*/, const Input& in,
                                                   const Plan& /*plan*/) {
  return Output{common::crypto::RandomKey(in.number_of_bytes)};
}

Json GenerateRandom::Render(const Output& out) {
  return Json{{"Plaintext", common::util::Base64Encode(out.plaintext.view())}};
}

}  // namespace kms::ops
