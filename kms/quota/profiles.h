// KMS request-quota profiles: the shared "cryptographic operations (symmetric)" request rate per
// (account, region), in requests per second (AWS-REFERENCE.md §2.1).
//   exam    (default) the figures of the exam material and of AWS's docs until 2023:
//           5,500/s; 10,000/s in us-east-2, ap-southeast-1, ap-southeast-2, ap-northeast-1,
//           eu-central-1, eu-west-2; 30,000/s in us-east-1, us-west-2, eu-west-1.
//   current today's AWS page: 10,000 / 20,000 / 100,000 for the same region sets.
//   off     no quota (benchmarks of the service itself).
// Settings on top of a profile: per-region overrides (exact figures) and a scale factor (applied to
// profile figures, not to overrides) so a lab can show throttling at a few hundred requests per second.
#pragma once

#include <map>
#include <string>

#include "common/error.h"

namespace kms::quota {

struct QuotaSettings {
  std::string profile = "exam";               // "exam" | "current" | "off"
  double scale = 1.0;                         // > 0
  std::map<std::string, double> overrides;    // region -> requests per second
};

// Requests per second for a region under these settings; 0 = unlimited.
double RegionRate(const QuotaSettings& settings, const std::string& region);

// InvalidArgument-style error text for a bad profile, scale or override ("" when fine).
std::string ValidateSettings(const QuotaSettings& settings);

// Parses "REGION=RATE" (a --quota flag) into settings.overrides. False on a malformed value.
bool AddOverride(QuotaSettings& settings, const std::string& spec);

// One line for logs and `s3lab up`: "KMS quota profile exam (x1): 5500/s, 10000/s in ..., 30000/s in ...".
std::string Describe(const QuotaSettings& settings);

}  // namespace kms::quota
