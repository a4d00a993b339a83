#include "kms/service.h"

#include <cctype>
#include <limits>

#include "common/crypto/crypto.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "kms/model/default_policies.h"
#include "kms/model/errors.h"

namespace kms {

namespace {

constexpr int64_t kDayMillis = 24LL * 3600 * 1000;

std::shared_ptr<const model::KeyMaterial> NewMaterial(uint32_t version, int64_t now) {
  auto m = std::make_shared<model::KeyMaterial>();
  m->version = version;
  m->material_id = common::util::HexEncode(common::crypto::RandomBytes(32));
  m->key = common::crypto::RandomKey(32);
  m->created_millis = now;
  return m;
}

}  // namespace

const std::vector<std::string>& PredefinedAwsAliases() {
  static const std::vector<std::string> kAliases = {
      "alias/aws/acm", "alias/aws/dynamodb", "alias/aws/ebs",     "alias/aws/elasticfilesystem",
      "alias/aws/es",  "alias/aws/glue",     "alias/aws/kinesis", "alias/aws/lambda",
      "alias/aws/rds", "alias/aws/redshift", "alias/aws/s3",      "alias/aws/secretsmanager",
      "alias/aws/ssm", "alias/aws/xray"};
  return kAliases;
}

KmsService::KmsService(std::unique_ptr<store::KeyRegistry> registry, const common::util::Clock* clock)
    : registry_(std::move(registry)),
      clock_(clock),
      next_deletion_millis_(std::numeric_limits<int64_t>::max()) {
  for (const auto& key : registry_->PendingDeletionKeys()) NoteDeletion(key->deletion_millis);
}

void KmsService::NoteDeletion(int64_t deletion_millis) {
  int64_t cur = next_deletion_millis_.load();
  while (deletion_millis < cur && !next_deletion_millis_.compare_exchange_weak(cur, deletion_millis)) {
  }
}

void KmsService::SweepDeletions() {
  int64_t now = NowMillis();
  if (now < next_deletion_millis_.load(std::memory_order_relaxed)) return;
  auto lock = registry_->WriteLock();
  int64_t next = std::numeric_limits<int64_t>::max();
  for (const auto& key : registry_->PendingDeletionKeys()) {
    if (key->deletion_millis <= now) {
      (void)registry_->DeleteKey(key->account_id, key->region, key->key_id);
    } else {
      next = std::min(next, key->deletion_millis);
    }
  }
  next_deletion_millis_.store(next);
}

common::Result<KeyPtr> KmsService::Resolve(const std::string& raw, const std::string& account_id,
                                           const std::string& region, bool allow_alias,
                                           bool create_aws_managed) {
  auto ref = model::ParseKeyRef(raw, account_id, region, allow_alias);
  if (!ref.ok()) return ref.error();
  return Resolve(*ref, create_aws_managed);
}

common::Result<KeyPtr> KmsService::Resolve(const model::KeyRef& ref, bool create_aws_managed) {
  SweepDeletions();
  std::string key_id = ref.key_id;
  if (ref.is_alias()) {
    auto alias = registry_->FindAlias(ref.account_id, ref.region, ref.alias_name);
    if (!alias || alias->target_key_id.empty()) {
      bool predefined = false;
      for (const auto& name : PredefinedAwsAliases()) predefined = predefined || name == ref.alias_name;
      if (predefined && create_aws_managed)
        return GetOrCreateAwsManagedKey(ref.account_id, ref.region, ref.alias_name.substr(10));
      return errors::AliasNotFound("arn:aws:kms:" + ref.region + ":" + ref.account_id + ":" + ref.alias_name);
    }
    key_id = alias->target_key_id;
  }
  KeyPtr key = registry_->FindKey(ref.account_id, ref.region, key_id);
  if (!key) return errors::KeyDoesNotExist(model::KeyArn(ref.region, ref.account_id, key_id));
  if (key->rotation_enabled && key->next_rotation_millis <= NowMillis()) return MaybeRotate(std::move(key));
  return key;
}

common::Result<KeyPtr> KmsService::MaybeRotate(KeyPtr key) {
  // NOTE: AWS rotates within a day of NextRotationDate; the lab rotates on first use after it.
  return Update(*key, [this](model::Key& k) -> common::Status {
    int64_t now = NowMillis();
    if (!k.rotation_enabled || k.next_rotation_millis > now) return common::Ok{};
    uint32_t version = k.materials.empty() ? 1 : k.materials.back()->version + 1;
    k.materials.push_back(NewMaterial(version, now));
    k.next_rotation_millis = now + k.rotation_period_days * kDayMillis;
    return common::Ok{};
  });
}

common::Status KmsService::CheckState(const model::Key& key, KeyUse use) {
  switch (key.state) {
    case model::KeyState::kPendingDeletion:
      if (use != KeyUse::kDescribe) return errors::PendingDeletion(key.arn);
      break;
    case model::KeyState::kPendingImport:
      if (use == KeyUse::kCrypto) return errors::InvalidState(key.arn + " is pending import.");
      break;
    case model::KeyState::kDisabled:
      if (use == KeyUse::kCrypto) return errors::Disabled(key.arn);
      break;
    case model::KeyState::kEnabled:
      break;
  }
  return common::Ok{};
}

common::Status KmsService::SetPolicy(model::Key& key, const std::string& policy_text) {
  auto parsed = common::policy::Parse(policy_text, common::policy::PolicyType::kResource);
  if (!parsed.ok()) return errors::MalformedPolicyDocument(parsed.error().message);
  auto named = std::make_shared<common::policy::NamedPolicy>();
  named->name = "key policy";
  named->policy = std::move(parsed).value();
  key.policy_text = policy_text;
  key.policy = std::move(named);
  return common::Ok{};
}

common::Result<KeyPtr> KmsService::CreateKey(const std::string& account_id, const std::string& region,
                                             const std::string& description, const std::string& policy_text,
                                             const std::map<std::string, std::string>& tags,
                                             const std::string& key_manager) {
  auto key = std::make_shared<model::Key>();
  key->account_id = account_id;
  key->region = region;
  key->key_id = common::util::NewUuid();
  key->arn = model::KeyArn(region, account_id, key->key_id);
  key->description = description;
  key->key_manager = key_manager;
  key->creation_millis = NowMillis();
  key->tags = tags;
  S3LAB_TRY(SetPolicy(*key, policy_text));
  if (key_manager == "AWS") {
    // AWS managed keys rotate every year, always.
    key->rotation_enabled = true;
    key->next_rotation_millis = key->creation_millis + 365 * kDayMillis;
  }
  auto material = NewMaterial(1, key->creation_millis);
  key->materials.push_back(material);
  S3LAB_TRY(registry_->PutKey(key, material.get()));
  return KeyPtr(key);
}

common::Result<KeyPtr> KmsService::Update(const model::Key& key,
                                          const std::function<common::Status(model::Key&)>& fn) {
  auto lock = registry_->WriteLock();
  // Re-read under the lock so concurrent updates of one key apply one after the other.
  KeyPtr current = registry_->FindKey(key.account_id, key.region, key.key_id);
  if (!current) return errors::KeyDoesNotExist(key.arn);
  auto copy = std::make_shared<model::Key>(*current);
  size_t materials_before = copy->materials.size();
  S3LAB_TRY(fn(*copy));
  const model::KeyMaterial* added =
      copy->materials.size() > materials_before ? copy->materials.back().get() : nullptr;
  S3LAB_TRY(registry_->PutKey(copy, added));
  if (copy->state == model::KeyState::kPendingDeletion) NoteDeletion(copy->deletion_millis);
  return KeyPtr(copy);
}

common::Result<KeyPtr> KmsService::GetOrCreateAwsManagedKey(const std::string& account_id,
                                                            const std::string& region,
                                                            const std::string& service) {
  std::string alias_name = "alias/aws/" + service;
  if (auto alias = registry_->FindAlias(account_id, region, alias_name);
      alias && !alias->target_key_id.empty())
    if (KeyPtr key = registry_->FindKey(account_id, region, alias->target_key_id)) return key;
  auto lock = registry_->WriteLock();
  if (auto alias = registry_->FindAlias(account_id, region, alias_name);
      alias && !alias->target_key_id.empty())
    if (KeyPtr key = registry_->FindKey(account_id, region, alias->target_key_id)) return key;
  std::string display = service;
  for (auto& c : display) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string what = service == "s3" ? "objects" : "resources";
  auto key =
      CreateKey(account_id, region,
                "Default key that protects my " + display + " " + what + " when no other key is defined",
                model::AwsManagedKeyPolicy(account_id, region, service), {}, "AWS");
  if (!key.ok()) return key.error();
  model::Alias alias{account_id, region, alias_name, (*key)->key_id, NowMillis(), NowMillis()};
  S3LAB_TRY(registry_->PutAlias(alias));
  return key;
}

}  // namespace kms
