#include "kms/model/errors.h"

namespace kms::errors {

namespace {
AwsError E(const char* code, std::string message, int status = 400) {
  return common::MakeError(code, std::move(message), status);
}
}  // namespace

AwsError Validation(std::string message) { return E("ValidationException", std::move(message)); }
AwsError ValidationValue(const std::string& value, const std::string& member, const std::string& constraint) {
  return Validation("1 validation error detected: Value '" + value + "' at '" + member +
                    "' failed to satisfy constraint: " + constraint);
}
AwsError ValidationNoValue(const std::string& member, const std::string& constraint) {
  return Validation("1 validation error detected: Value at '" + member +
                    "' failed to satisfy constraint: " + constraint);
}
AwsError Serialization(std::string message) { return E("SerializationException", std::move(message)); }
AwsError UnknownOperation() { return E("UnknownOperationException", ""); }
AwsError NotFound(std::string message) { return E("NotFoundException", std::move(message)); }
AwsError InvalidKeyId(const std::string& key_id) { return NotFound("Invalid keyId '" + key_id + "'"); }
AwsError KeyDoesNotExist(const std::string& key_arn) {
  return NotFound("Key '" + key_arn + "' does not exist");
}
AwsError InvalidArn(std::string message) { return E("InvalidArnException", std::move(message)); }
AwsError AliasNotFound(const std::string& alias_arn) {
  return NotFound("Alias " + alias_arn + " is not found.");
}
AwsError AlreadyExists(std::string message) { return E("AlreadyExistsException", std::move(message)); }
AwsError Disabled(const std::string& key_arn) { return E("DisabledException", key_arn + " is disabled."); }
AwsError InvalidState(std::string message) { return E("KMSInvalidStateException", std::move(message)); }
AwsError PendingDeletion(const std::string& key_arn) {
  return InvalidState(key_arn + " is pending deletion.");
}
AwsError InvalidCiphertext() { return E("InvalidCiphertextException", ""); }
AwsError IncorrectKey() {
  return E("IncorrectKeyException",
           "The key ID in the request does not identify a CMK that can perform this operation.");
}
AwsError InvalidKeyUsage(std::string message) { return E("InvalidKeyUsageException", std::move(message)); }
AwsError DryRun() {
  return E("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");
}
AwsError AccessDenied(std::string message) { return E("AccessDeniedException", std::move(message)); }
AwsError NotAuthorized() { return E("NotAuthorizedException", ""); }
AwsError MalformedPolicyDocument(std::string message) {
  return E("MalformedPolicyDocumentException", std::move(message));
}
AwsError UnsupportedOperation(std::string message) {
  return E("UnsupportedOperationException", std::move(message));
}
AwsError Tag(std::string message) { return E("TagException", std::move(message)); }
AwsError LimitExceeded(std::string message) { return E("LimitExceededException", std::move(message)); }
AwsError InvalidMarker() { return E("InvalidMarkerException", "Invalid marker"); }
AwsError Internal(std::string message) { return E("KMSInternalException", std::move(message), 500); }
AwsError UnrecognizedClient() {
  return E("UnrecognizedClientException", "The security token included in the request is invalid.");
}
AwsError InvalidSignature(std::string message) { return E("InvalidSignatureException", std::move(message)); }
AwsError IncompleteSignature(std::string message) {
  return E("IncompleteSignatureException", std::move(message));
}
AwsError MissingAuthenticationToken() {
  return E("MissingAuthenticationTokenException", "Missing Authentication Token");
}
AwsError Throttling() {
  return E("ThrottlingException",
           "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.");
}

}  // namespace kms::errors
