// Test-only helper: writes identities into <data_dir>/iam.db so KMS integration tests can run before
// (or without) the S3 process, which owns iam.db in production.
//   kms_make_identity DIR                          ensure account 111122223333, print its root keys
//   kms_make_identity DIR --user NAME [--policy J] create user NAME (+ inline policy J), print its keys
//   kms_make_identity DIR --account ID             ensure another account, print its root keys
// Output: one JSON object {"account_id", "access_key_id", "secret_access_key", "arn"}.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/identity/identity_store.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: kms_make_identity DIR [--account ID] [--user NAME [--policy JSON]]\n";
    return 2;
  }
  std::string dir = argv[1], account = common::identity::kDefaultAccountId, user, policy;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--account")
      account = argv[i + 1];
    else if (flag == "--user")
      user = argv[i + 1];
    else if (flag == "--policy")
      policy = argv[i + 1];
  }
  auto store = common::identity::IdentityStore::Open(dir, true);
  if (!store.ok()) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  auto acct = (*store)->EnsureAccount(
      account, account == common::identity::kDefaultAccountId ? "lab" : "acct" + account);
  if (!acct.ok()) {
    std::cerr << acct.error().message << "\n";
    return 1;
  }
  nlohmann::json out = {{"account_id", acct->id}};
  if (user.empty()) {
    out["access_key_id"] = acct->root_access_key_id;
    out["secret_access_key"] = acct->root_secret_access_key;
    out["arn"] = "arn:aws:iam::" + acct->id + ":root";
  } else {
    auto u = (*store)->CreateUser(account, user, "/");
    if (!u.ok()) {
      std::cerr << u.error().message << "\n";
      return 1;
    }
    if (!policy.empty()) {
      auto s = (*store)->PutUserPolicy(account, user, "inline", policy);
      if (!s.ok()) {
        std::cerr << s.error().message << "\n";
        return 1;
      }
    }
    auto key = (*store)->CreateAccessKey(account, user);
    if (!key.ok()) {
      std::cerr << key.error().message << "\n";
      return 1;
    }
    out["access_key_id"] = key->access_key_id;
    out["secret_access_key"] = key->secret_access_key;
    out["arn"] = u->arn;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
