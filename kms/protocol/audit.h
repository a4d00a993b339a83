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
// NOTE: AWS also delivers a cross-account call's record to the key owner's account (sharedEventID);
// s3lab records it in the caller's account only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

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

}  // namespace kms::protocol
