// IAM error values with AWS's codes, statuses and texts (IAM query API error shapes are rendered by the
// S3 process's iam/ folder). One factory per case so callers and tests spell the same message.
#pragma once

#include <string>

#include "common/error.h"

namespace common::identity::errors {

inline AwsError NoSuchUser(const std::string& name) {
  return MakeError("NoSuchEntity", "The user with name " + name + " cannot be found.", 404);
}
inline AwsError NoSuchAccount(const std::string& id) {
  return MakeError("NoSuchEntity", "The account with id " + id + " cannot be found.", 404);
}
inline AwsError NoSuchUserPolicy(const std::string& user, const std::string& policy) {
  return MakeError("NoSuchEntity", "The user policy with name " + policy + " cannot be found.", 404)
      .With("UserName", user);
}
inline AwsError NoSuchMfaDevice(const std::string& serial) {
  return MakeError("NoSuchEntity", "VirtualMFADevice with serial number " + serial + " doesn't exist.", 404);
}
inline AwsError MfaDeviceAlreadyExists(const std::string& name) {
  return MakeError("EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", 409)
      .With("DeviceName", name);
}
inline AwsError MfaDeviceInUse() {
  return MakeError("EntityAlreadyExists", "MFA Device is already in use.", 409);
}
inline AwsError NoSuchAccessKey(const std::string& key_id) {
  return MakeError("NoSuchEntity", "The Access Key with id " + key_id + " cannot be found.", 404);
}
inline AwsError NoSuchPolicy(const std::string& arn) {
  return MakeError("NoSuchEntity", "Policy " + arn + " does not exist or is not attachable.", 404);
}
inline AwsError PolicyNotAttached(const std::string& arn) {
  return MakeError("NoSuchEntity", "Policy " + arn + " was not found.", 404);
}
inline AwsError UserAlreadyExists(const std::string& name) {
  return MakeError("EntityAlreadyExists", "User with name " + name + " already exists.", 409);
}
inline AwsError PolicyAlreadyExists(const std::string& name) {
  return MakeError("EntityAlreadyExists",
                   "A policy called " + name + " already exists. Duplicate names are not allowed.", 409);
}
// what: "access keys", "policies" (inline), "detach all policies" is spelled by DeleteConflictAttached.
inline AwsError DeleteConflict(const std::string& what) {
  return MakeError("DeleteConflict", "Cannot delete entity, must delete " + what + " first.", 409);
}
inline AwsError DeleteConflictAttached() {
  return MakeError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
}
inline AwsError AccessKeyLimit() {
  return MakeError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409);
}
inline AwsError MalformedPolicyDocument(const std::string& message) {
  return MakeError("MalformedPolicyDocument", message, 400);
}
// AWS's generic validation text, e.g. member "userName", pattern "[\w+=,.@-]+".
inline AwsError ValidationError(const std::string& value, const std::string& member,
                                const std::string& rule) {
  return MakeError("ValidationError",
                   "1 validation error detected: Value '" + value + "' at '" + member +
                       "' failed to satisfy constraint: " + rule,
                   400);
}
inline AwsError ServiceFailure(const std::string& what) {
  return MakeError("ServiceFailure", "iam.db: " + what, 500);
}

}  // namespace common::identity::errors
