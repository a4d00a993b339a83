// The lab `burst` step: the load engine of `s3lab load` (load.h) run as the step's principal against
// the instance's KMS port, summarised as JSON for `expect` and `save` (shape in run_context.h).
#include <nlohmann/json.hpp>
#include <string>

#include "labs/runner/lab.h"
#include "labs/runner/load.h"
#include "labs/runner/run_context.h"

namespace runner {

Outcome ExecuteBurst(const RunContext& ctx, const BurstSpec& burst, const common::sigv4::Credentials& creds,
                     std::ostream* live) {
  Outcome o;
  LoadSpec spec;
  spec.operation = burst.operation;
  spec.region = burst.region;
  spec.key_id = burst.key;
  spec.port = ctx.config.kms_port;
  try {
    size_t used = 0;
    spec.rate = std::stod(burst.rate, &used);
    if (used != burst.rate.size()) throw std::invalid_argument("rate");
    spec.seconds = std::stoi(burst.seconds, &used);
    if (used != burst.seconds.size()) throw std::invalid_argument("seconds");
  } catch (const std::exception&) {
    o.exit_code = 1;
    o.stderr_text = "burst: rate and seconds must be numbers (got '" + burst.rate + "', '" + burst.seconds + "')";
    return o;
  }
  if (live) *live << "    " << LoadHeader() << "\n";
  auto result = RunLoad(spec, creds, [&](const LoadSecond& s) {
    if (live) *live << "    " << LoadRow(s) << std::endl;
  });
  if (!result.ok()) {
    o.exit_code = 1;
    o.stderr_text = result.error().message;
    return o;
  }
  nlohmann::ordered_json summary = {{"operation", spec.operation}, {"region", spec.region}, {"rate", spec.rate},
                                    {"seconds", spec.seconds},     {"key", result->key_arn}};
  int64_t offered = 0, accepted = 0, throttled = 0, failed = 0, steady = 0;
  nlohmann::ordered_json per_second = nlohmann::ordered_json::array();
  for (const auto& s : result->seconds) {
    offered += s.offered;
    accepted += s.accepted;
    throttled += s.throttled;
    failed += s.failed;
    if (s.second >= 2 && s.second <= spec.seconds) steady += s.accepted;
    per_second.push_back({{"second", s.second},
                          {"offered", s.offered},
                          {"accepted", s.accepted},
                          {"throttled", s.throttled},
                          {"failed", s.failed}});
  }
  summary["offered"] = offered;
  summary["accepted"] = accepted;
  summary["throttled"] = throttled;
  summary["failed"] = failed;
  summary["accepted_per_second"] = spec.seconds >= 2 ? steady / (spec.seconds - 1) : accepted;
  summary["per_second"] = per_second;
  o.stdout_text = summary.dump(2) + "\n";
  if (failed > 0) {
    o.exit_code = 1;
    o.stderr_text = "first failure: " + result->first_failure;
  }
  return o;
}

}  // namespace runner
