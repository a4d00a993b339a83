// The CloudTrail record of one KMS call (every call whose caller is known: allowed, denied, throttled,
// failed, and authentication failures with a known access key), built by the pipeline after the call
// and appended to the process's trail journal before the reply leaves (common/audit/trail.h).
//
//   requestParameters  the request members as sent, camelCased (keyId, keySpec, numberOfBytes,
//                      encryptionContext, ...), never Plaintext or CiphertextBlob; Encrypt/Decrypt add
//                      encryptionAlgorithm SYMMETRIC_DEFAULT when the caller left it out, as AWS does.
//   responseElements   null, except CreateKey {keyMetadata}, ScheduleKeyDeletion and CancelKeyDeletion
//                      (key ARN, dates, state): never data keys or ciphertexts.
//   additionalEventData {keyMaterialId} when the operation used key material.
//   resources          [{accountId, type "AWS::KMS::Key", ARN}] for every key the call resolved.
//   readOnly           true for the cryptographic operations and Describe/Get/List, false otherwise.
//   userIdentity       the caller; when S3 calls for a user (ctx.via_service) the user with
//                      invokedBy "s3.amazonaws.com" and sourceIPAddress/userAgent "s3.amazonaws.com".
// Beside the record (Event::decision, never inside it): for an AccessDeniedException, the deciding
// statement or the implicit deny that the authorize stage noted in ctx.decision.
// A call on a key of another account (the key policy lets the caller's account use it; also S3 SSE-KMS
// for a user of another account) is delivered to the caller's account and to the key owner's: two
// records, the owner's with recipientAccountId = the owner and the same userIdentity (the caller, with
// the caller's accountId) and resources, both with one sharedEventID and each with its own eventID.
// A cross-account call refused with AccessDeniedException is recorded in the caller's account only, as
// the KMS developer guide ("Logging AWS KMS API calls with AWS CloudTrail") says. NOTE: other failures
// (ThrottlingException, DisabledException, ...) on a resolved key of another account are delivered to
// both accounts; AWS documents no exception for them (unverified).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/audit/record.h"
#include "common/error.h"
#include "common/http/request.h"
#include "kms/ops/op.h"
#include "kms/protocol/operations.h"

namespace kms::protocol {

// What the pipeline learnt about one call, kept for its record.
struct CallFacts {
  ops::RequestContext ctx;          // principal known when principal.type is not anonymous
  const Operation* op = nullptr;    // null until routed
  nlohmann::json body;              // the parsed request (null until parsed)
};

// Builds the record's event. result: the operation's JSON output, or its error.
common::audit::Event MakeKmsEvent(const CallFacts& facts, const common::http::Request& request,
                                  const common::Result<nlohmann::json>& result, int64_t now_millis);

// True when the call has a record: its caller and its operation are known.
bool HasRecord(const CallFacts& facts);

// The accounts that receive the record besides the caller's: the owners of the keys the call resolved
// that are not the caller's account, each once; none after an AccessDeniedException. Usually empty.
std::vector<std::string> KeyOwnerRecipients(const CallFacts& facts,
                                            const common::Result<nlohmann::json>& result);

}  // namespace kms::protocol
