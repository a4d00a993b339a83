// Quota profiles (see profiles.h).
#include "kms/quota/profiles.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace kms::quota {
namespace {

const std::set<std::string>& MidRegions() {
  static const std::set<std::string> kRegions = {"us-east-2",      "ap-southeast-1", "ap-southeast-2",
                                                 "ap-northeast-1", "eu-central-1",   "eu-west-2"};
  return kRegions;
}

const std::set<std::string>& TopRegions() {
  static const std::set<std::string> kRegions = {"us-east-1", "us-west-2", "eu-west-1"};
  return kRegions;
}

struct Tiers {
  double base, mid, top;
};

Tiers ProfileTiers(const std::string& profile) {
  if (profile == "current") return {10000, 20000, 100000};
  return {5500, 10000, 30000};
}

std::string Rate(double r) {
  std::ostringstream out;
  if (r < 10)
    out << r << "/s";
  else
    out << static_cast<long long>(std::llround(r)) << "/s";
  return out.str();
}

}  // namespace

double RegionRate(const QuotaSettings& settings, const std::string& region) {
  if (auto it = settings.overrides.find(region); it != settings.overrides.end()) return it->second;
  if (settings.profile == "off") return 0;
  Tiers t = ProfileTiers(settings.profile);
  double rate = TopRegions().count(region) ? t.top : MidRegions().count(region) ? t.mid : t.base;
  return rate * settings.scale;
}

std::string ValidateSettings(const QuotaSettings& settings) {
  if (settings.profile != "exam" && settings.profile != "current" && settings.profile != "off")
    return "unknown quota profile '" + settings.profile + "' (exam, current or off)";
  if (!(settings.scale > 0) || !std::isfinite(settings.scale)) return "quota scale must be a positive number";
  for (const auto& [region, rate] : settings.overrides)
    if (!(rate > 0) || !std::isfinite(rate)) return "quota for " + region + " must be a positive number";
  return "";
}

bool AddOverride(QuotaSettings& settings, const std::string& spec) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= spec.size()) return false;
  char* end = nullptr;
  double rate = std::strtod(spec.c_str() + eq + 1, &end);
  if (end == nullptr || *end != '\0' || !(rate > 0)) return false;
  settings.overrides[spec.substr(0, eq)] = rate;
  return true;
}

std::string Describe(const QuotaSettings& settings) {
  std::ostringstream out;
  out << "KMS quota profile " << settings.profile;
  if (settings.profile == "off") {
    out << " (no request quota)";
  } else {
    Tiers t = ProfileTiers(settings.profile);
    double s = settings.scale;
    if (s != 1.0) out << " (scale x" << s << ")";
    out << ": " << Rate(t.base * s) << "; " << Rate(t.mid * s)
        << " in us-east-2, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-central-1, eu-west-2; "
        << Rate(t.top * s) << " in us-east-1, us-west-2, eu-west-1";
  }
  for (const auto& [region, rate] : settings.overrides) out << "; override " << region << " " << Rate(rate);
  return out.str();
}

}  // namespace kms::quota
