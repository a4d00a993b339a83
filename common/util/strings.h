// Small string helpers shared by both services.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace common::util {

std::string ToLower(std::string_view s);
std::string Trim(std::string_view s);
// Collapses runs of spaces to one and trims (SigV4 canonical header values).
std::string CollapseSpaces(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
// Lower-case UUID v4 and S3-style ids.
std::string NewUuid();
// UUID v4 from a per-thread generator seeded with RAND_bytes: unique, not secret, and ~20x cheaper than
// NewUuid — for ids made on every request (KMS x-amzn-RequestId, CloudTrail eventID).
std::string NewFastUuid();
std::string NewRequestId();  // 16 upper-case hex chars (S3 x-amz-request-id)
std::string NewHostId();     // base64 of 48 random bytes (x-amz-id-2)

}  // namespace common::util
