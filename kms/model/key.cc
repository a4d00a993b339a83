#include "kms/model/key.h"

namespace kms::model {

const char* KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kEnabled:
      return "Enabled";
    case KeyState::kDisabled:
      return "Disabled";
    case KeyState::kPendingDeletion:
      return "PendingDeletion";
    case KeyState::kPendingImport:
      return "PendingImport";
  }
  return "Enabled";
}

KeyState KeyStateFromName(const std::string& name) {
  if (name == "Disabled") return KeyState::kDisabled;
  if (name == "PendingDeletion") return KeyState::kPendingDeletion;
  if (name == "PendingImport") return KeyState::kPendingImport;
  return KeyState::kEnabled;
}

const KeyMaterial* Key::material(uint32_t version) const {
  for (const auto& m : materials)
    if (m->version == version) return m.get();
  return nullptr;
}

std::string KeyArn(const std::string& region, const std::string& account_id, const std::string& key_id) {
  return "arn:aws:kms:" + region + ":" + account_id + ":key/" + key_id;
}

}  // namespace kms::model
