// The CloudTrail record of a KMS call (see audit.h).
#include "kms/protocol/audit.h"

#include <algorithm>
#include <string_view>

#include "common/util/strings.h"

namespace kms::protocol {
namespace {

using common::audit::OrderedJson;

// Members never written to a record: data keys, plaintexts, ciphertexts.
const std::vector<std::string>& SecretMembers() {
  static const std::vector<std::string> kDrop = {"Plaintext", "CiphertextBlob", "CiphertextForRecipient",
                                                 "Recipient"};
  return kDrop;
}

// String-to-string maps whose keys are the caller's, not member names.
const std::vector<std::string>& MapMembers() {
  static const std::vector<std::string> kMaps = {"EncryptionContext", "SourceEncryptionContext",
                                                 "DestinationEncryptionContext"};
  return kMaps;
}

bool StartsWithAny(std::string_view name, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes)
    if (common::util::StartsWith(name, p)) return true;
  return false;
}

OrderedJson RequestParameters(const std::string& op, const nlohmann::json& body) {
  if (!body.is_object() || body.empty()) {
    if (op == "Decrypt" || op == "Encrypt") return OrderedJson{{"encryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
    return nullptr;
  }
  OrderedJson params = common::audit::CamelCaseMembers(body, MapMembers(), SecretMembers());
  if ((op == "Decrypt" || op == "Encrypt") && !params.contains("encryptionAlgorithm"))
    params["encryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
  if (params.empty()) return nullptr;
  return params;
}

OrderedJson ResponseElements(const std::string& op, const nlohmann::json& output) {
  if (op != "CreateKey" && op != "ScheduleKeyDeletion" && op != "CancelKeyDeletion") return nullptr;
  if (!output.is_object()) return nullptr;
  return common::audit::CamelCaseMembers(output, {}, SecretMembers());
}

// The region of the SigV4 credential scope when authentication failed before the pipeline read it.
std::string ScopeRegion(const common::http::Request& request) {
  std::string auth = request.HeaderOr("authorization");
  auto pos = auth.find("Credential=");
  if (pos == std::string::npos) return "us-east-1";
  auto parts = common::util::Split(auth.substr(pos + 11, auth.find_first_of(", ", pos) - (pos + 11)), '/');
  return parts.size() >= 5 && !parts[2].empty() ? parts[2] : "us-east-1";
}

}  // namespace

bool HasRecord(const CallFacts& facts) { return facts.op != nullptr && !facts.ctx.principal.anonymous(); }

std::vector<std::string> KeyOwnerRecipients(const CallFacts& facts,
                                            const common::Result<nlohmann::json>& result) {
  std::vector<std::string> owners;
  if (!result.ok() && result.error().code == "AccessDeniedException") return owners;
  const std::string& caller = facts.ctx.principal.account_id;
  for (const auto& key : facts.ctx.audit_keys) {
    if (key->account_id == caller) continue;
    if (std::find(owners.begin(), owners.end(), key->account_id) == owners.end())
      owners.push_back(key->account_id);
  }
  return owners;
}

common::audit::Event MakeKmsEvent(const CallFacts& facts, const common::http::Request& request,
                                  const common::Result<nlohmann::json>& result, int64_t now_millis) {
  const ops::RequestContext& ctx = facts.ctx;
  const std::string op = facts.op->name;
  common::audit::Event e;
  e.principal = ctx.principal;
  e.event_time_millis = ctx.now_millis != 0 ? ctx.now_millis : now_millis;
  e.event_source = "kms.amazonaws.com";
  e.event_name = op;
  e.region = !ctx.region.empty() ? ctx.region : ScopeRegion(request);
  if (!ctx.via_service.empty()) {
    // "s3.us-east-1.amazonaws.com" -> "s3.amazonaws.com"
    const std::string service = ctx.via_service.substr(0, ctx.via_service.find('.'));
    e.invoked_by = service + ".amazonaws.com";
    e.source_ip = e.invoked_by;
    e.user_agent = e.invoked_by;
  } else {
    e.source_ip = request.remote_addr;
    e.user_agent = request.HeaderOr("user-agent");
  }
  if (!result.ok()) {
    e.error_code = result.error().code;
    e.error_message = result.error().message;
  }
  e.request_parameters = RequestParameters(op, facts.body);
  if (result.ok()) {
    e.response_elements = ResponseElements(op, *result);
    if (result->is_object() && result->contains("KeyMaterialId") && (*result)["KeyMaterialId"].is_string())
      e.additional_event_data = OrderedJson{{"keyMaterialId", (*result)["KeyMaterialId"]}};
  }
  e.request_id = ctx.request_id;
  e.read_only = facts.op->crypto || StartsWithAny(op, {"Describe", "Get", "List"});
  for (const auto& key : ctx.audit_keys) {
    bool seen = false;  // ReEncrypt may name one key twice
    for (const auto& r : e.resources) seen = seen || r.arn == key->arn;
    if (!seen) e.resources.push_back({key->account_id, "AWS::KMS::Key", key->arn});
  }
  if (e.resources.empty() && op == "CreateKey" && result.ok() && result->contains("KeyMetadata")) {
    const auto& meta = (*result)["KeyMetadata"];
    e.resources.push_back({meta.value("AWSAccountId", ctx.account_id), "AWS::KMS::Key",
                           meta.value("Arn", std::string())});
  }
  e.recipient_account_id = ctx.principal.account_id;
  e.tls = request.tls && ctx.via_service.empty();
  e.tls_version = request.tls_version;
  e.tls_cipher = request.tls_cipher;
  e.tls_host = request.HeaderOr("host");
  e.decision = ctx.decision;  // a denial's deciding statement: trail.db's decision column, not the record
  return e;
}

}  // namespace kms::protocol
