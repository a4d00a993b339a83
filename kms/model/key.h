// The KMS data model: keys (metadata, policy, key material versions, tags) and aliases, scoped by
// (account, region). A Key is an immutable snapshot: the registry (store/key_registry.h) replaces the whole
// snapshot on every change (copy-on-write), so the hot crypto path reads a shared_ptr without locks held
// and never sees a half-applied update. Key material stays in SecretBytes, shared between snapshots.
//
// NOTE: only symmetric keys (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT, Origin AWS_KMS) exist in
// this issue; other specs are refused by CreateKey with UnsupportedOperationException.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/policy/policy.h"

namespace kms::model {

enum class KeyState { kEnabled, kDisabled, kPendingDeletion, kPendingImport };
const char* KeyStateName(KeyState state);
KeyState KeyStateFromName(const std::string& name);

// One version of a key's material. Rotation appends a version; ciphertexts name the version they used.
struct KeyMaterial {
  uint32_t version = 1;
  std::string material_id;          // 64 lower-case hex (KeyMaterialId on the wire)
  common::crypto::SecretBytes key;  // 32 bytes
  int64_t created_millis = 0;
};

struct Key {
  std::string account_id;
  std::string region;
  std::string key_id;  // uuid
  std::string arn;     // arn:aws:kms:<region>:<account>:key/<uuid>
  std::string description;
  std::string key_usage = "ENCRYPT_DECRYPT";
  std::string key_spec = "SYMMETRIC_DEFAULT";
  std::string origin = "AWS_KMS";
  std::string key_manager = "CUSTOMER";  // or "AWS"
  bool multi_region = false;
  KeyState state = KeyState::kEnabled;
  int64_t creation_millis = 0;
  int64_t deletion_millis = 0;  // set while PendingDeletion
  int pending_window_days = 0;  // set while PendingDeletion
  bool rotation_enabled = false;
  int rotation_period_days = 365;
  int64_t next_rotation_millis = 0;  // when rotation_enabled
  std::string policy_text;
  std::shared_ptr<const common::policy::NamedPolicy> policy;  // parsed policy_text
  std::vector<std::shared_ptr<const KeyMaterial>> materials;  // ordered by version; back() is current
  std::map<std::string, std::string> tags;

  bool enabled() const { return state == KeyState::kEnabled; }
  const KeyMaterial* current_material() const { return materials.empty() ? nullptr : materials.back().get(); }
  const KeyMaterial* material(uint32_t version) const;
};

struct Alias {
  std::string account_id;
  std::string region;
  std::string name;           // alias/ExampleAlias
  std::string target_key_id;  // uuid ("" for a predefined aws/ alias whose key does not exist yet)
  int64_t creation_millis = 0;
  int64_t updated_millis = 0;
  std::string arn() const { return "arn:aws:kms:" + region + ":" + account_id + ":" + name; }
};

std::string KeyArn(const std::string& region, const std::string& account_id, const std::string& key_id);

}  // namespace kms::model
