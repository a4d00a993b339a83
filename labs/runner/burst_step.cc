// The lab `burst` step: the load engine of `s3lab load` (load.h) run as the step's principal against
// the instance's KMS port, summarised as JSON for `expect` and `save` (shape in run_context.h).
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
  o.stdout_text = LoadSummaryJson(spec, *result);
  int64_t failed = LoadTotals(*result).failed;
  if (failed > 0) {
    o.exit_code = 1;
    o.stderr_text = "first failure: " + result->first_failure;
  }
  return o;
}

}  // namespace runner
