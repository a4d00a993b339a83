// Test fixture for KMS units: an in-memory key registry, a fixed lab clock, and a caller (root of the
// lab account by default) running operations through the real route table, authorizer and stages.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/crypto/crypto.h"
#include "common/util/clock.h"
#include "kms/authz/authorizer.h"
#include "kms/protocol/operations.h"
#include "kms/quota/quota.h"
#include "kms/service.h"
#include "kms/store/key_registry.h"

namespace kms::testing {

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kRegion = "us-east-1";
inline constexpr int64_t kStartMillis = 1795000000000;  // 2026-11-18
inline constexpr int64_t kDayMillis = 24LL * 3600 * 1000;

struct Fixture {
  common::util::FixedClock clock{kStartMillis};
  std::unique_ptr<KmsService> service;
  quota::AllowAll quota;
  protocol::Stages stages;
  ops::RequestContext ctx;

  explicit Fixture(const std::string& db_path = ":memory:") {
    auto registry = store::KeyRegistry::Open(db_path, common::crypto::SecretBytes(std::string(32, 'w')));
    service = std::make_unique<KmsService>(std::move(registry).value(), &clock);
    stages.authorize = [](const ops::RequestContext& c, const ops::AuthTarget& t) {
      return authz::Authorize(c, t);
    };
    stages.admit = [](const ops::RequestContext&, const protocol::Operation&) { return common::Status(); };
    ctx.service = service.get();
    ctx.principal.type = common::identity::PrincipalType::kRoot;
    ctx.principal.account_id = kAccount;
    ctx.principal.arn = std::string("arn:aws:iam::") + kAccount + ":root";
    ctx.principal.user_id = kAccount;
    ctx.identity_policies = std::make_shared<std::vector<common::policy::NamedPolicy>>();
    ctx.account_id = kAccount;
    ctx.region = kRegion;
    ctx.secure_transport = true;
    ctx.source_ip = "127.0.0.1";
  }

  // Runs operation `name` with `body`; the result or the error.
  common::Result<nlohmann::json> Call(const std::string& name, const nlohmann::json& body) {
    const protocol::Operation* op = protocol::FindOperation(name);
    if (op == nullptr) return common::MakeError("UnknownOperationException", "", 400);
    ctx.now_millis = clock.NowMillis();
    return op->handler(stages, ctx, body);
  }

  // Creates a key and returns its id.
  std::string NewKey(const nlohmann::json& body = nlohmann::json::object()) {
    auto r = Call("CreateKey", body);
    return r.ok() ? (*r)["KeyMetadata"]["KeyId"].get<std::string>() : std::string();
  }

  std::string Arn(const std::string& key_id) const {
    return std::string("arn:aws:kms:") + kRegion + ":" + kAccount + ":key/" + key_id;
  }

  void AdvanceDays(int days) { clock.Set(clock.NowMillis() + days * kDayMillis); }
};

}  // namespace kms::testing
