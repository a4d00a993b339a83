#include "kms/store/key_registry.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "kms/model/errors.h"

namespace kms::store {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS keys (
  account_id TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL,
  description TEXT NOT NULL, key_usage TEXT NOT NULL, key_spec TEXT NOT NULL, origin TEXT NOT NULL,
  key_manager TEXT NOT NULL, multi_region INTEGER NOT NULL, state TEXT NOT NULL,
  creation_ms INTEGER NOT NULL, deletion_ms INTEGER NOT NULL, pending_window_days INTEGER NOT NULL,
  rotation_enabled INTEGER NOT NULL, rotation_period_days INTEGER NOT NULL, next_rotation_ms INTEGER NOT NULL,
  policy TEXT NOT NULL, tags TEXT NOT NULL,
  PRIMARY KEY (account_id, region, key_id));
CREATE TABLE IF NOT EXISTS key_materials (
  account_id TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL, version INTEGER NOT NULL,
  material_id TEXT NOT NULL, wrapped BLOB NOT NULL, created_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, key_id, version));
CREATE TABLE IF NOT EXISTS aliases (
  account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, target_key_id TEXT NOT NULL,
  creation_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, name));
)sql";

std::string MaterialAad(const std::string& account_id, const std::string& region, const std::string& key_id,
                        uint32_t version) {
  return "s3lab/kms/material/" + account_id + "/" + region + "/" + key_id + "/" + std::to_string(version);
}

common::AwsError DbError(const std::exception& e) {
  return errors::Internal(std::string("kms.db: ") + e.what());
}

}  // namespace

KeyRegistry::KeyRegistry(std::unique_ptr<SQLite::Database> db, common::crypto::SecretBytes wrap_key)
    : db_(std::move(db)), wrap_key_(std::move(wrap_key)) {}

KeyRegistry::~KeyRegistry() = default;

common::Result<std::unique_ptr<KeyRegistry>> KeyRegistry::Open(const std::string& path,
                                                               common::crypto::SecretBytes wrap_key) {
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=NORMAL");
    db->setBusyTimeout(5000);
  } catch (const std::exception& e) {
    return DbError(e);
  }
  std::unique_ptr<KeyRegistry> registry(new KeyRegistry(std::move(db), std::move(wrap_key)));
  S3LAB_TRY(registry->CreateSchema());
  S3LAB_TRY(registry->LoadAll());
  return registry;
}

common::Status KeyRegistry::CreateSchema() {
  try {
    db_->exec(kSchema);
  } catch (const std::exception& e) {
    return DbError(e);
  }
  return common::Ok{};
}

std::string KeyRegistry::Wrap(const model::Key& key, const model::KeyMaterial& material) const {
  std::string iv = common::crypto::RandomBytes(12);
  return iv +
         common::crypto::AesGcmEncrypt(wrap_key_.view(), iv, material.key.view(),
                                       MaterialAad(key.account_id, key.region, key.key_id, material.version));
}

common::Result<std::string> KeyRegistry::Unwrap(const std::string& account_id, const std::string& region,
                                                const std::string& key_id, uint32_t version,
                                                const std::string& wrapped) const {
  if (wrapped.size() < 12 + 16) return errors::Internal("kms.db: truncated key material of " + key_id);
  auto plain = common::crypto::AesGcmDecrypt(wrap_key_.view(), wrapped.substr(0, 12), wrapped.substr(12),
                                             MaterialAad(account_id, region, key_id, version));
  if (!plain.ok())
    return errors::Internal("kms.db: key material of " + key_id + " does not unwrap (wrong master.key?)");
  return std::move(plain).value();
}

common::Status KeyRegistry::LoadAll() {
  std::lock_guard<std::mutex> lock(db_mutex_);
  try {
    std::unordered_map<std::string, std::map<std::string, std::shared_ptr<model::Key>>> loaded;
    SQLite::Statement q(*db_,
                        "SELECT account_id, region, key_id, description, key_usage, key_spec, origin, "
                        "key_manager, multi_region, state, creation_ms, deletion_ms, pending_window_days, "
                        "rotation_enabled, rotation_period_days, next_rotation_ms, policy, tags FROM keys");
    while (q.executeStep()) {
      auto key = std::make_shared<model::Key>();
      key->account_id = q.getColumn(0).getString();
      key->region = q.getColumn(1).getString();
      key->key_id = q.getColumn(2).getString();
      key->arn = model::KeyArn(key->region, key->account_id, key->key_id);
      key->description = q.getColumn(3).getString();
      key->key_usage = q.getColumn(4).getString();
      key->key_spec = q.getColumn(5).getString();
      key->origin = q.getColumn(6).getString();
      key->key_manager = q.getColumn(7).getString();
      key->multi_region = q.getColumn(8).getInt() != 0;
      key->state = model::KeyStateFromName(q.getColumn(9).getString());
      key->creation_millis = q.getColumn(10).getInt64();
      key->deletion_millis = q.getColumn(11).getInt64();
      key->pending_window_days = q.getColumn(12).getInt();
      key->rotation_enabled = q.getColumn(13).getInt() != 0;
      key->rotation_period_days = q.getColumn(14).getInt();
      key->next_rotation_millis = q.getColumn(15).getInt64();
      key->policy_text = q.getColumn(16).getString();
      auto parsed = common::policy::Parse(key->policy_text, common::policy::PolicyType::kResource);
      auto named = std::make_shared<common::policy::NamedPolicy>();
      named->name = "key policy";
      if (parsed.ok()) named->policy = std::move(parsed).value();
      key->policy = named;
      auto tags = nlohmann::json::parse(q.getColumn(17).getString(), nullptr, false);
      if (tags.is_object())
        for (auto& [k, v] : tags.items())
          if (v.is_string()) key->tags[k] = v.get<std::string>();
      loaded[Scope(key->account_id, key->region)][key->key_id] = key;
    }
    SQLite::Statement m(*db_,
                        "SELECT account_id, region, key_id, version, material_id, wrapped, created_ms "
                        "FROM key_materials ORDER BY account_id, region, key_id, version");
    while (m.executeStep()) {
      std::string account = m.getColumn(0).getString(), region = m.getColumn(1).getString();
      std::string key_id = m.getColumn(2).getString();
      auto scope_it = loaded.find(Scope(account, region));
      if (scope_it == loaded.end()) continue;
      auto key_it = scope_it->second.find(key_id);
      if (key_it == scope_it->second.end()) continue;
      auto version = static_cast<uint32_t>(m.getColumn(3).getInt64());
      auto plain = Unwrap(account, region, key_id, version, m.getColumn(5).getString());
      if (!plain.ok()) return plain.error();
      auto material = std::make_shared<model::KeyMaterial>();
      material->version = version;
      material->material_id = m.getColumn(4).getString();
      material->key = common::crypto::SecretBytes(std::move(plain).value());
      material->created_millis = m.getColumn(6).getInt64();
      key_it->second->materials.push_back(std::move(material));
    }
    SQLite::Statement a(
        *db_, "SELECT account_id, region, name, target_key_id, creation_ms, updated_ms FROM aliases");
    std::unique_lock<std::shared_mutex> cache_lock(cache_mutex_);
    while (a.executeStep()) {
      model::Alias alias;
      alias.account_id = a.getColumn(0).getString();
      alias.region = a.getColumn(1).getString();
      alias.name = a.getColumn(2).getString();
      alias.target_key_id = a.getColumn(3).getString();
      alias.creation_millis = a.getColumn(4).getInt64();
      alias.updated_millis = a.getColumn(5).getInt64();
      aliases_[Scope(alias.account_id, alias.region)][alias.name] = alias;
    }
    for (auto& [scope, keys] : loaded)
      for (auto& [id, key] : keys) keys_[scope][id] = key;
  } catch (const std::exception& e) {
    return DbError(e);
  }
  return common::Ok{};
}

KeyPtr KeyRegistry::FindKey(const std::string& account_id, const std::string& region,
                            const std::string& key_id) const {
  std::shared_lock<std::shared_mutex> lock(cache_mutex_);
  auto scope = keys_.find(Scope(account_id, region));
  if (scope == keys_.end()) return nullptr;
  auto it = scope->second.find(key_id);
  return it == scope->second.end() ? nullptr : it->second;
}

std::optional<model::Alias> KeyRegistry::FindAlias(const std::string& account_id, const std::string& region,
                                                   const std::string& alias_name) const {
  std::shared_lock<std::shared_mutex> lock(cache_mutex_);
  auto scope = aliases_.find(Scope(account_id, region));
  if (scope == aliases_.end()) return std::nullopt;
  auto it = scope->second.find(alias_name);
  if (it == scope->second.end()) return std::nullopt;
  return it->second;
}

std::vector<KeyPtr> KeyRegistry::ListKeys(const std::string& account_id, const std::string& region) const {
  std::shared_lock<std::shared_mutex> lock(cache_mutex_);
  std::vector<KeyPtr> out;
  auto scope = keys_.find(Scope(account_id, region));
  if (scope != keys_.end())
    for (const auto& [id, key] : scope->second) out.push_back(key);
  return out;
}

std::vector<model::Alias> KeyRegistry::ListAliases(const std::string& account_id,
                                                   const std::string& region) const {
  std::shared_lock<std::shared_mutex> lock(cache_mutex_);
  std::vector<model::Alias> out;
  auto scope = aliases_.find(Scope(account_id, region));
  if (scope != aliases_.end())
    for (const auto& [name, alias] : scope->second) out.push_back(alias);
  return out;
}

std::vector<KeyPtr> KeyRegistry::PendingDeletionKeys() const {
  std::shared_lock<std::shared_mutex> lock(cache_mutex_);
  std::vector<KeyPtr> out;
  for (const auto& [scope, keys] : keys_)
    for (const auto& [id, key] : keys)
      if (key->state == model::KeyState::kPendingDeletion) out.push_back(key);
  return out;
}

common::Status KeyRegistry::PutKey(const KeyPtr& key, const model::KeyMaterial* new_material) {
  {
    std::lock_guard<std::mutex> lock(db_mutex_);
    try {
      SQLite::Transaction tx(*db_);
      SQLite::Statement q(*db_, "INSERT OR REPLACE INTO keys VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      nlohmann::json tags = nlohmann::json::object();
      for (const auto& [k, v] : key->tags) tags[k] = v;
      int i = 1;
      q.bind(i++, key->account_id);
      q.bind(i++, key->region);
      q.bind(i++, key->key_id);
      q.bind(i++, key->description);
      q.bind(i++, key->key_usage);
      q.bind(i++, key->key_spec);
      q.bind(i++, key->origin);
      q.bind(i++, key->key_manager);
      q.bind(i++, key->multi_region ? 1 : 0);
      q.bind(i++, std::string(model::KeyStateName(key->state)));
      q.bind(i++, static_cast<int64_t>(key->creation_millis));
      q.bind(i++, static_cast<int64_t>(key->deletion_millis));
      q.bind(i++, key->pending_window_days);
      q.bind(i++, key->rotation_enabled ? 1 : 0);
      q.bind(i++, key->rotation_period_days);
      q.bind(i++, static_cast<int64_t>(key->next_rotation_millis));
      q.bind(i++, key->policy_text);
      q.bind(i++, tags.dump());
      q.exec();
      if (new_material != nullptr) {
        std::string wrapped = Wrap(*key, *new_material);
        SQLite::Statement m(*db_, "INSERT INTO key_materials VALUES (?,?,?,?,?,?,?)");
        m.bind(1, key->account_id);
        m.bind(2, key->region);
        m.bind(3, key->key_id);
        m.bind(4, static_cast<int64_t>(new_material->version));
        m.bind(5, new_material->material_id);
        m.bind(6, wrapped.data(), static_cast<int>(wrapped.size()));
        m.bind(7, static_cast<int64_t>(new_material->created_millis));
        m.exec();
      }
      tx.commit();
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }
  std::unique_lock<std::shared_mutex> lock(cache_mutex_);
  keys_[Scope(key->account_id, key->region)][key->key_id] = key;
  return common::Ok{};
}

common::Status KeyRegistry::DeleteKey(const std::string& account_id, const std::string& region,
                                      const std::string& key_id) {
  {
    std::lock_guard<std::mutex> lock(db_mutex_);
    try {
      SQLite::Transaction tx(*db_);
      for (const char* sql : {"DELETE FROM keys WHERE account_id=? AND region=? AND key_id=?",
                              "DELETE FROM key_materials WHERE account_id=? AND region=? AND key_id=?",
                              "DELETE FROM aliases WHERE account_id=? AND region=? AND target_key_id=?"}) {
        SQLite::Statement q(*db_, sql);
        q.bind(1, account_id);
        q.bind(2, region);
        q.bind(3, key_id);
        q.exec();
      }
      tx.commit();
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }
  std::unique_lock<std::shared_mutex> lock(cache_mutex_);
  std::string scope = Scope(account_id, region);
  keys_[scope].erase(key_id);
  auto& aliases = aliases_[scope];
  for (auto it = aliases.begin(); it != aliases.end();)
    it = it->second.target_key_id == key_id ? aliases.erase(it) : std::next(it);
  return common::Ok{};
}

common::Status KeyRegistry::PutAlias(const model::Alias& alias) {
  {
    std::lock_guard<std::mutex> lock(db_mutex_);
    try {
      SQLite::Statement q(*db_, "INSERT OR REPLACE INTO aliases VALUES (?,?,?,?,?,?)");
      q.bind(1, alias.account_id);
      q.bind(2, alias.region);
      q.bind(3, alias.name);
      q.bind(4, alias.target_key_id);
      q.bind(5, static_cast<int64_t>(alias.creation_millis));
      q.bind(6, static_cast<int64_t>(alias.updated_millis));
      q.exec();
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }
  std::unique_lock<std::shared_mutex> lock(cache_mutex_);
  aliases_[Scope(alias.account_id, alias.region)][alias.name] = alias;
  return common::Ok{};
}

common::Status KeyRegistry::DeleteAlias(const std::string& account_id, const std::string& region,
                                        const std::string& alias_name) {
  {
    std::lock_guard<std::mutex> lock(db_mutex_);
    try {
      SQLite::Statement q(*db_, "DELETE FROM aliases WHERE account_id=? AND region=? AND name=?");
      q.bind(1, account_id);
      q.bind(2, region);
      q.bind(3, alias_name);
      q.exec();
    } catch (const std::exception& e) {
      return DbError(e);
    }
  }
  std::unique_lock<std::shared_mutex> lock(cache_mutex_);
  aliases_[Scope(account_id, region)].erase(alias_name);
  return common::Ok{};
}

}  // namespace kms::store
