// Lab setup through the real APIs: the same aws CLI commands a learner would type (so setup shows up
// in the audit trail like any other call), run as the owning account's root. Accounts are the one
// exception: AWS has no API for them, so they are written to iam.db (as `s3lab account add` does).
// Re-running a lab on the same instance is safe: existing users are reused (their old access keys
// are deleted first, IAM allows two), an existing bucket of the same owner is fine, an existing alias
// is pointed at the new key.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "labs/runner/runner.h"
#include "labs/runner/state.h"

namespace runner {
namespace {

namespace fs = std::filesystem;
using common::MakeError;

struct SetupRunner {
  RunContext* ctx;
  std::ostream& log;
  bool verbose;

  common::Result<Outcome> Cmd(const std::string& as, const std::string& command,
                              std::initializer_list<const char*> tolerated = {}) {
    auto creds = ctx->Resolve(as);
    if (!creds.ok()) return creds.error();
    if (verbose) log << "  setup$ " << command << (as == "root" ? "" : "   (as " + as + ")") << "\n";
    Outcome o = ExecuteCommand(*ctx, command, *creds, 60);
    if (o.exit_code == 0) return o;
    std::string code = ExtractErrorCode(o);
    for (const char* t : tolerated)
      if (code == t) return o;
    return MakeError("SetupFailed",
                     "`" + command + "` failed (exit " + std::to_string(o.exit_code) +
                         "): " + (o.stderr_text.empty() ? o.stdout_text : o.stderr_text),
                     0);
  }

  common::Result<std::string> Sub(const std::string& text) { return ctx->vars.Substitute(text); }

  // The root principal of `account` ("" = the default lab account), loading it from iam.db if needed.
  common::Result<std::string> RootOf(const std::string& account) {
    if (account.empty() || account == common::identity::kDefaultAccountId) return std::string("root");
    std::string name = "root@" + account;
    if (!ctx->principals.count(name)) {
      auto a = LoadAccount(ctx->config, account);
      if (!a.ok()) return a.error();
      ctx->principals[name] = {a->root_access_key_id, a->root_secret_access_key, ""};
    }
    return name;
  }
};

common::Result<nlohmann::json> ParseJson(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return MakeError("SetupFailed", what + " did not print JSON: " + text.substr(0, 200), 0);
  }
}

}  // namespace

common::Status RunSetup(const Lab& lab, RunContext* ctx, std::ostream& log, bool verbose) {
  SetupRunner s{ctx, log, verbose};
  for (const auto& [raw_name, raw_content] : lab.files) {
    auto name = s.Sub(raw_name);
    if (!name.ok()) return name.error();
    auto content = s.Sub(raw_content);
    if (!content.ok()) return content.error();
    fs::path p = fs::path(ctx->work_dir) / *name;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream(p, std::ios::binary) << *content;
    if (verbose) log << "  setup: wrote " << *name << " (" << content->size() << " bytes)\n";
  }
  for (const auto& a : lab.accounts) {
    auto id = s.Sub(a.id);
    if (!id.ok()) return id.error();
    auto account = AddAccount(ctx->config, *id, a.name.empty() ? *id : a.name);
    if (!account.ok()) return account.error();
    ctx->principals["root@" + *id] = {account->root_access_key_id, account->root_secret_access_key, ""};
    if (verbose) log << "  setup: account " << *id << " ready (principal root@" << *id << ")\n";
  }
  // Keys made by a root user come before the users (a user policy may name ${key_arn}); keys made by
  // a user of the lab come after the users exist.
  auto make_key = [&](const SetupKey& k) -> common::Status {
    auto as = s.Sub(k.as);
    if (!as.ok()) return as.error();
    auto description = s.Sub(k.description);
    if (!description.ok()) return description.error();
    std::string cmd = "aws kms create-key";
    if (!description->empty()) cmd += " --description " + ShellQuote(*description);
    auto created = s.Cmd(*as, cmd);
    if (!created.ok()) return created.error();
    auto meta = ParseJson(created->stdout_text, "create-key");
    if (!meta.ok()) return meta.error();
    const std::string key_id = (*meta)["KeyMetadata"].value("KeyId", "");
    const std::string arn = (*meta)["KeyMetadata"].value("Arn", "");
    if (!k.save.empty()) {
      ctx->vars.Set(k.save, key_id);
      ctx->vars.Set(k.save + "_arn", arn);
    }
    if (!k.alias.empty()) {
      auto alias = s.Sub(k.alias);
      if (!alias.ok()) return alias.error();
      auto made =
          s.Cmd(*as, "aws kms create-alias --alias-name " + ShellQuote(*alias) + " --target-key-id " + key_id,
                {"AlreadyExistsException"});
      if (!made.ok()) return made.error();
      if (made->exit_code != 0)
        S3LAB_TRY(s.Cmd(
            *as, "aws kms update-alias --alias-name " + ShellQuote(*alias) + " --target-key-id " + key_id));
    }
    if (verbose)
      log << "  setup: KMS key " << key_id << (k.save.empty() ? "" : " saved as ${" + k.save + "}") << "\n";
    return common::Ok{};
  };
  auto by_root = [](const SetupKey& k) { return k.as == "root" || k.as.rfind("root@", 0) == 0; };
  for (const auto& k : lab.keys)
    if (by_root(k)) S3LAB_TRY(make_key(k));
  for (const auto& u : lab.users) {
    auto name = s.Sub(u.name);
    if (!name.ok()) return name.error();
    auto account = s.Sub(u.account);
    if (!account.ok()) return account.error();
    auto root = s.RootOf(*account);
    if (!root.ok()) return root.error();
    const std::string q = ShellQuote(*name);
    S3LAB_TRY(s.Cmd(*root, "aws iam create-user --user-name " + q, {"EntityAlreadyExists"}));
    for (const auto& p : u.policies) {
      auto doc = s.Sub(p.document);
      if (!doc.ok()) return doc.error();
      const std::string file = "policy-" + *name + "-" + p.name + ".json";
      std::ofstream(fs::path(ctx->work_dir) / file) << nlohmann::json::parse(*doc).dump(2) << "\n";
      S3LAB_TRY(s.Cmd(*root, "aws iam put-user-policy --user-name " + q + " --policy-name " +
                                 ShellQuote(p.name) + " --policy-document file://" + ShellQuote(file)));
    }
    for (const auto& arn : u.managed_policy_arns) {
      auto a = s.Sub(arn);
      if (!a.ok()) return a.error();
      S3LAB_TRY(
          s.Cmd(*root, "aws iam attach-user-policy --user-name " + q + " --policy-arn " + ShellQuote(*a)));
    }
    auto listed = s.Cmd(*root, "aws iam list-access-keys --user-name " + q);
    if (!listed.ok()) return listed.error();
    auto keys = ParseJson(listed->stdout_text, "list-access-keys");
    if (!keys.ok()) return keys.error();
    for (const auto& k : keys->value("AccessKeyMetadata", nlohmann::json::array()))
      S3LAB_TRY(s.Cmd(*root, "aws iam delete-access-key --user-name " + q + " --access-key-id " +
                                 k.value("AccessKeyId", std::string())));
    auto created = s.Cmd(*root, "aws iam create-access-key --user-name " + q);
    if (!created.ok()) return created.error();
    auto key = ParseJson(created->stdout_text, "create-access-key");
    if (!key.ok()) return key.error();
    const auto& ak = (*key)["AccessKey"];
    const std::string principal = account->empty() ? *name : *name + "@" + *account;
    ctx->principals[principal] = {ak.value("AccessKeyId", ""), ak.value("SecretAccessKey", ""), ""};
    if (account->empty())  // the default account's users also answer to <user>@111122223333
      ctx->principals[*name + "@" + common::identity::kDefaultAccountId] = ctx->principals[principal];
    if (verbose)
      log << "  setup: user " << principal << " has access key " << ak.value("AccessKeyId", "") << "\n";
  }
  for (const auto& b : lab.buckets) {
    auto name = s.Sub(b.name);
    if (!name.ok()) return name.error();
    auto region = s.Sub(b.region);
    if (!region.ok()) return region.error();
    auto as = s.Sub(b.as);
    if (!as.ok()) return as.error();
    std::string cmd = "aws s3api create-bucket --bucket " + ShellQuote(*name);
    if (!region->empty() && *region != "us-east-1")
      cmd += " --region " + *region + " --create-bucket-configuration LocationConstraint=" + *region;
    S3LAB_TRY(s.Cmd(*as, cmd, {"BucketAlreadyOwnedByYou"}));
  }
  for (const auto& k : lab.keys)
    if (!by_root(k)) S3LAB_TRY(make_key(k));
  return common::Ok{};
}

}  // namespace runner
