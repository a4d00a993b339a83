// SigV2 entry points used by Authenticate() (auth_v2.cc).
#pragma once

#include <string>

#include "common/sigv4/auth.h"

namespace common::sigv4::internal {

// Authorization: AWS <AKID>:<base64 HMAC-SHA1>
Result<AuthResult> HeaderV2(const http::Request& request, const Options& options, const std::string& header);
// ?AWSAccessKeyId=..&Expires=<epoch>&Signature=..
Result<AuthResult> QueryV2(const http::Request& request, const Options& options);

}  // namespace common::sigv4::internal
