// `s3lab mfa code SERIAL [--account ID]`: the current 6-digit code of a virtual MFA device made with
// `aws iam create-virtual-mfa-device` — the authenticator app of the lab. `s3lab mfa codes SERIAL` prints
// two consecutive codes (previous and current 30 s step), what `aws iam enable-mfa-device` asks for as
// --authentication-code1/2. Codes follow real time (common/crypto/totp.h), never the lab clock.
#include <iostream>
#include <string>
#include <vector>

#include "common/crypto/totp.h"
#include "common/identity/identity_store.h"
#include "labs/runner/commands.h"
#include "labs/runner/state.h"

namespace runner {

int CmdMfa(const InstanceConfig& config, const std::vector<std::string>& args) {
  if (args.size() < 2 || (args[0] != "code" && args[0] != "codes")) {
    std::cerr << "usage: s3lab mfa code|codes SERIAL [--account ID]\n"
                 "  SERIAL: the device ARN from aws iam create-virtual-mfa-device "
                 "(arn:aws:iam::111122223333:mfa/NAME)\n";
    return 2;
  }
  std::string account_id = common::identity::kDefaultAccountId;
  const std::string& serial = args[1];
  if (auto colon = serial.find("::"); serial.rfind("arn:aws:iam::", 0) == 0 && colon != std::string::npos)
    account_id = serial.substr(colon + 2, 12);
  for (size_t i = 2; i + 1 < args.size(); i += 2)
    if (args[i] == "--account") account_id = args[i + 1];
  auto seed = LoadMfaSeed(config, account_id, serial);
  if (!seed.ok()) {
    std::cerr << "s3lab mfa: " << seed.error().message << "\n";
    return 1;
  }
  int64_t now = NowMillis() / 1000;
  if (args[0] == "codes")
    std::cout << common::crypto::TotpCode(*seed, now - 30) << " " << common::crypto::TotpCode(*seed, now) << "\n";
  else
    std::cout << common::crypto::TotpCode(*seed, now) << "\n";
  return 0;
}

}  // namespace runner
