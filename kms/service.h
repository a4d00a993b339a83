// KmsService: the state every operation works on — the key registry, the lab clock — and the rules that
// are the same for every operation: resolving a KeyId (id, ARN, alias, alias ARN) to a key of an
// (account, region), key-state checks with AWS's exact texts, creating keys, copy-on-write updates,
// AWS managed keys (alias/aws/<service>), rotation and deletion driven by the lab clock.
//
// Deletion and rotation are lazy: a key whose DeletionDate has passed (lab time) is purged the next time
// anything resolves or lists it; a key whose NextRotationDate has passed gets new material the next time
// it is resolved. Both are checks of two integers on the hot path.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/util/clock.h"
#include "kms/model/key.h"
#include "kms/model/key_ref.h"
#include "kms/store/key_registry.h"

namespace kms {

using store::KeyPtr;

// What a key-state check is for: crypto operations refuse Disabled keys, management ones do not.
enum class KeyUse { kCrypto, kManage, kDescribe };

// Predefined aliases AWS lists even before their key exists (ListAliases).
const std::vector<std::string>& PredefinedAwsAliases();

class KmsService {
 public:
  KmsService(std::unique_ptr<store::KeyRegistry> registry, const common::util::Clock* clock);

  store::KeyRegistry& registry() { return *registry_; }
  int64_t NowMillis() const { return clock_->NowMillis(); }

  // Resolves a parsed reference. Errors: NotFound "Key '<arn>' does not exist" / "Alias <arn> is not
  // found.". create_aws_managed: a predefined alias/aws/<service> creates its AWS managed key (DescribeKey).
  common::Result<KeyPtr> Resolve(const model::KeyRef& ref, bool create_aws_managed = false);
  // Parses and resolves a KeyId member in one go.
  common::Result<KeyPtr> Resolve(const std::string& raw, const std::string& account_id,
                                 const std::string& region, bool allow_alias,
                                 bool create_aws_managed = false);

  // Key-state rules (AWS-REFERENCE §1.5): PendingDeletion -> KMSInvalidStateException "<arn> is pending
  // deletion.", PendingImport -> "... is pending import.", Disabled (crypto only) -> DisabledException.
  static common::Status CheckState(const model::Key& key, KeyUse use);

  // Creates a symmetric key with fresh material. policy_text must already be validated.
  common::Result<KeyPtr> CreateKey(const std::string& account_id, const std::string& region,
                                   const std::string& description, const std::string& policy_text,
                                   const std::map<std::string, std::string>& tags,
                                   const std::string& key_manager);
  // Copy-on-write update under the registry write lock: fn edits a copy; the copy is persisted and cached.
  common::Result<KeyPtr> Update(const model::Key& key, const std::function<common::Status(model::Key&)>& fn);
  // Replaces the key's policy (text and parsed form).
  static common::Status SetPolicy(model::Key& key, const std::string& policy_text);

  // The AWS managed key behind alias/aws/<service> of an account and region, created on first use with
  // KeyManager AWS and its service-only key policy. S3 calls this (through KMS) for aws/s3.
  common::Result<KeyPtr> GetOrCreateAwsManagedKey(const std::string& account_id, const std::string& region,
                                                  const std::string& service);

  // Purges keys whose deletion date has passed (lab time). Cheap when nothing is due.
  void SweepDeletions();

 private:
  common::Result<KeyPtr> MaybeRotate(KeyPtr key);

  void NoteDeletion(int64_t deletion_millis);

  std::unique_ptr<store::KeyRegistry> registry_;
  const common::util::Clock* clock_;
  std::atomic<int64_t> next_deletion_millis_;  // earliest DeletionDate of any key, INT64_MAX when none
};

}  // namespace kms
