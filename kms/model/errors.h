// KMS errors as values: one factory per wire code, spelled as AWS spells it (../shared/AWS-REFERENCE.md
// §1.2-§1.5). Every KMS client error is HTTP 400; KMSInternalException is 500. The JSON body is
// {"__type": code, "message": text} (rendered by protocol/json_protocol).
#pragma once

#include <string>

#include "common/error.h"

namespace kms::errors {

using common::AwsError;

AwsError Validation(std::string message);
// "1 validation error detected: Value '<v>' at '<member>' failed to satisfy constraint: <constraint>"
AwsError ValidationValue(const std::string& value, const std::string& member, const std::string& constraint);
// The same without the value (blobs): "1 validation error detected: Value at '<member>' failed ..."
AwsError ValidationNoValue(const std::string& member, const std::string& constraint);
AwsError Serialization(std::string message);
AwsError UnknownOperation();
AwsError NotFound(std::string message);
AwsError InvalidKeyId(const std::string& key_id);      // "Invalid keyId 'x'"
AwsError KeyDoesNotExist(const std::string& key_arn);  // "Key 'arn' does not exist"
AwsError InvalidArn(std::string message);              // InvalidArnException
AwsError AliasNotFound(const std::string& alias_arn);  // "Alias arn:... is not found."
AwsError AlreadyExists(std::string message);
AwsError Disabled(const std::string& key_arn);         // "<arn> is disabled."
AwsError InvalidState(std::string message);            // KMSInvalidStateException
AwsError PendingDeletion(const std::string& key_arn);  // "<arn> is pending deletion."
AwsError InvalidCiphertext();                          // empty message
AwsError IncorrectKey();
AwsError InvalidKeyUsage(std::string message);
AwsError DryRun();
AwsError AccessDenied(std::string message);
AwsError NotAuthorized();  // alias/aws/ reserved names
AwsError MalformedPolicyDocument(std::string message);
AwsError UnsupportedOperation(std::string message);
AwsError Tag(std::string message);  // TagException
AwsError LimitExceeded(std::string message);
AwsError InvalidMarker();
AwsError Internal(std::string message);
// Authentication failures.
AwsError UnrecognizedClient();
AwsError InvalidSignature(std::string message);
AwsError IncompleteSignature(std::string message);
AwsError MissingAuthenticationToken();
AwsError Throttling();

}  // namespace kms::errors
