// `s3lab load kms OPERATION --region R --rate N --seconds S [--key ID] [--connections C] [--account ID]`:
// the load engine (load.h) from the command line, signed as the root user of the account (default
// 111122223333). Prints one row per second as it completes, then totals and the accepted rate over
// seconds 2..N (the first second may spend the one-second burst). --json prints only the summary of
// load.h LoadSummaryJson (the live rows are read while replies may still be in flight; the JSON is final).
#include <iostream>
#include <string>
#include <vector>

#include "common/identity/identity_store.h"
#include "labs/runner/commands.h"
#include "labs/runner/load.h"
#include "labs/runner/state.h"

namespace runner {
namespace {

int Usage() {
  std::cerr << "usage: s3lab load kms OPERATION [--region R] [--rate N] [--seconds S] [--key ID] "
               "[--connections C] [--account ID] [--json]\n"
               "  OPERATION: GenerateDataKey, GenerateDataKeyWithoutPlaintext, Encrypt, Decrypt, GenerateRandom\n";
  return 2;
}

}  // namespace

int CmdLoad(const InstanceConfig& config, const std::vector<std::string>& args) {
  if (args.size() < 2 || args[0] != "kms") return Usage();
  LoadSpec spec;
  spec.operation = args[1];
  spec.region = config.region;
  spec.port = config.kms_port;
  std::string account_id = common::identity::kDefaultAccountId;
  bool json = false;
  try {
    if (!ParseFlags(args, 2, {{"--json", &json}},
                    {{"--region", [&](const std::string& v) { spec.region = v; }},
                     {"--rate", [&](const std::string& v) { spec.rate = std::stod(v); }},
                     {"--seconds", [&](const std::string& v) { spec.seconds = std::stoi(v); }},
                     {"--key", [&](const std::string& v) { spec.key_id = v; }},
                     {"--connections", [&](const std::string& v) { spec.connections = std::stoi(v); }},
                     {"--account", [&](const std::string& v) { account_id = v; }}}))
      return Usage();
  } catch (const std::exception&) {
    return Usage();
  }
  auto account = LoadAccount(config, account_id);
  if (!account.ok()) {
    std::cerr << "s3lab: " << account.error().message << "\n";
    return 1;
  }
  common::sigv4::Credentials creds{account->root_access_key_id, account->root_secret_access_key, ""};
  if (!json)
    std::cout << "KMS " << spec.operation << " at " << spec.rate << " req/s for " << spec.seconds << " s in "
            << spec.region << " (account " << account_id << ")\n"
            << LoadHeader() << std::endl;
  auto result = RunLoad(spec, creds, [json](const LoadSecond& s) {
    if (!json) std::cout << LoadRow(s) << std::endl;
  });
  if (!result.ok()) {
    std::cerr << "s3lab load: " << result.error().message << "\n";
    return 1;
  }
  LoadSecond total = LoadTotals(*result);
  if (json) {
    std::cout << LoadSummaryJson(spec, *result);
    return total.failed == 0 ? 0 : 1;
  }
  int64_t steady_accepted = 0;
  for (const auto& s : result->seconds) {
    if (s.second > spec.seconds) std::cout << LoadRow(s) << "  (late: sent after the last second)\n";
    if (s.second >= 2 && s.second <= spec.seconds) steady_accepted += s.accepted;
  }
  std::cout << " total " << LoadRow(total).substr(6) << "\n";
  if (spec.seconds >= 2)
    std::cout << "accepted over seconds 2-" << spec.seconds << ": "
              << steady_accepted / (spec.seconds - 1) << " req/s\n";
  std::cout << "key " << result->key_arn << ", " << result->connections << " connections\n";
  if (!result->first_failure.empty()) std::cout << "first failure: " << result->first_failure << "\n";
  return total.failed == 0 ? 0 : 1;
}

}  // namespace runner
