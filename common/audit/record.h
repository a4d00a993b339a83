// CloudTrail records. An Event is the typed description of one API call as a service pipeline saw it;
// BuildRecord turns it into the JSON record AWS writes, members in AWS's order:
//
//   eventVersion "1.11", userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
//   userAgent, [errorCode, errorMessage], requestParameters, responseElements, [additionalEventData],
//   requestID, eventID, readOnly, [resources], eventType, managementEvent, recipientAccountId,
//   [sharedEventID], eventCategory, [tlsDetails]
//
// errorCode/errorMessage sit after userAgent, where AWS puts them in delivered records. Callers fill
// requestParameters/responseElements themselves and must never put plaintext, key material, ciphertext
// blobs or secret access keys there (KMS: GenerateDataKey/Decrypt responseElements stay null).
// userIdentity: IAMUser {type, principalId, arn, accountId, accessKeyId, userName} or Root {type,
// principalId = account, arn, accountId, accessKeyId}, plus invokedBy when an AWS service made the call
// for the principal (S3 SSE-KMS: "s3.amazonaws.com", with sourceIPAddress/userAgent "s3.amazonaws.com").
// One call delivered to several accounts (a KMS call on another account's key reaches the caller's and the
// key owner's trails) is one record per account: the same content except eventID (each its own),
// recipientAccountId (the receiving account) and sharedEventID (one GUID shared by the copies; absent when
// a single account receives the event), as AWS's "CloudTrail record contents" page describes. SharedCopies
// makes the copies; Trail::AppendAll writes them together.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/identity/principal.h"

namespace common::policy {
struct Explanation;
}

namespace common::audit {

using OrderedJson = nlohmann::ordered_json;

struct Resource {
  std::string account_id;  // "" = no accountId member (AWS::S3::Object resources have none)
  std::string type;  // "AWS::KMS::Key", "AWS::S3::Bucket"
  std::string arn;
};

struct Event {
  common::identity::Principal principal;
  std::string invoked_by;  // "s3.amazonaws.com" when a service acted for the principal, else ""
  int64_t event_time_millis = 0;
  std::string event_source;  // "kms.amazonaws.com"
  std::string event_name;    // "GenerateDataKey"
  std::string region;
  std::string source_ip;
  std::string user_agent;
  std::string error_code;  // "" when the call succeeded
  std::string error_message;
  OrderedJson request_parameters;      // null when none
  OrderedJson response_elements;       // null when none
  OrderedJson additional_event_data;   // omitted when null
  std::string request_id;
  std::string event_id;  // uuid; BuildRecord keeps it, the trail fills it when empty
  bool read_only = false;
  std::vector<Resource> resources;  // omitted when empty
  std::string event_type = "AwsApiCall";
  bool management_event = true;
  std::string recipient_account_id;  // the account whose trail holds the record
  std::string shared_event_id;  // the same in every copy of an event delivered to several accounts, else ""
  std::string event_category = "Management";
  bool tls = false;  // tlsDetails only for requests that came over HTTPS
  std::string tls_version;  // tlsVersion ("TLSv1.3"); omitted when empty
  std::string tls_cipher;   // cipherSuite; omitted when empty
  std::string tls_host;     // clientProvidedHostHeader
  // What decided a denial (DecisionText), "" otherwise. NOT part of the record (AWS's records have no
  // such member): the trail stores it in the `decision` column of trail.db for the console.
  std::string decision;
};

// AWS's userIdentity object for a principal (Root / IAMUser / AWSService / Unknown).
OrderedJson UserIdentity(const common::identity::Principal& principal, const std::string& invoked_by);

// The full record. The event's event_id must be set (the trail does it).
OrderedJson BuildRecord(const Event& event);

// The copies of one event for the accounts that receive it: `event` as given (its recipient_account_id)
// followed by one copy per account in `also` (recipient_account_id = that account). With `also` empty,
// just `event`; otherwise every copy gets the same new sharedEventID and an empty event_id (the trail
// gives each its own). `also` must not repeat an account or name the event's own recipient.
std::vector<Event> SharedCopies(Event event, const std::vector<std::string>& also);

// BuildRecord(event).dump() (compact, invalid UTF-8 replaced), byte for byte, written straight into a
// string without building the JSON tree: the form the trail stores, on the KMS hot path.
std::string RecordText(const Event& event);
void AppendRecordText(std::string& out, const Event& event);  // the same, appended to out

// Appends s as a JSON string (quoted, escaped as nlohmann's dump does) to out.
void AppendJsonString(std::string& out, std::string_view s);

// The trail's `decision` column for a denial: a compact JSON object
//   {"effect": "ExplicitDeny", "reason", "policyType", "policy", "sid" (null without one),
//    "statementIndex", "statement" (the statement object as written)}  or
//   {"effect": "ImplicitDeny", "reason", "policyType", "considered": [policy, ...]}
// (see common::policy::Explanation for the texts).
std::string DecisionText(const common::policy::Explanation& why);

// The value LookupEvents matches for AttributeKey=Username: the IAM user name, "root" for root.
std::string LookupUsername(const common::identity::Principal& principal);

// AWS request/response member names in CloudTrail: PascalCase members become camelCase, recursively
// through nested structures and lists, except inside the members named in `maps` (string-to-string maps
// such as EncryptionContext keep their keys). Members named in `drop` are left out (Plaintext, ...).
OrderedJson CamelCaseMembers(const nlohmann::json& value, const std::vector<std::string>& maps,
                             const std::vector<std::string>& drop);

}  // namespace common::audit
