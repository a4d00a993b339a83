// Internals of the IAM/STS query API shared by iam_api.cc (dispatch, rendering) and iam_actions.cc.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/http/request.h"
#include "common/identity/principal.h"
#include "emulator/protocol/op.h"

namespace emulator::iam {

struct IamRequest {
  Services* services = nullptr;
  const common::http::Request* http = nullptr;
  std::string service;     // "iam" | "sts"
  std::string action;      // "CreateUser"
  std::string request_id;  // UUID
  common::identity::Principal principal;
  std::vector<std::pair<std::string, std::string>> policy_docs;
  std::map<std::string, std::string> params;  // decoded form + query parameters
  // What decided an AccessDenied (set by Authorize, which actions call on their const request), for
  // the call's CloudTrail row.
  mutable std::string decision;
};

// An action returns the inner XML of <ActionResult> ("" = no Result element).
using ActionFn = common::Result<std::string> (*)(const IamRequest& r);
const ActionFn* FindAction(const std::string& service, const std::string& action);
// The virtual MFA device actions (iam_mfa.cc); FindAction falls back to it.
const ActionFn* FindMfaAction(const std::string& action);

// IAM list pagination: MaxItems (1..1000, default 100) and Marker (opaque: base64 of the index of the
// next member). `members` are the rendered <member> elements in order; returns them wrapped in
// <list_element>, then <IsTruncated> and, when truncated, <Marker>. InvalidInput for a bad marker,
// ValidationError for MaxItems out of range.
common::Result<std::string> PageList(const IamRequest& r, const std::string& list_element,
                                     const std::vector<std::string>& members);

// <name>escaped text</name>; IAM's date format.
std::string Tag(const std::string& name, const std::string& text);
std::string Date(int64_t millis);

// iam:<action> on resource for the caller (root allowed; users need an identity policy).
common::Status Authorize(const IamRequest& r, const std::string& action, const std::string& resource);
std::string UserArn(const IamRequest& r, const std::string& user_name);
std::string Param(const IamRequest& r, const std::string& name);
// ValidationError "Value null at 'userName' ..." when absent.
common::Result<std::string> Required(const IamRequest& r, const std::string& name);

}  // namespace emulator::iam
