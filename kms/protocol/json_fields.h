// Reading KMS JSON 1.1 request members into typed values with AWS's error texts:
//   wrong JSON type        -> SerializationException
//   missing required       -> ValidationException "1 validation error detected: Value null at 'keyId'
//                             failed to satisfy constraint: Member must not be null"
//   length / range / enum  -> "1 validation error detected: Value '<v>' at '<member>' failed to satisfy
//                             constraint: Member must have length less than or equal to N" (and friends)
// Member names in messages are camelCase ('keyId'), as AWS writes them.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace kms::protocol {

using Json = nlohmann::json;
using common::Result;
using common::Status;

std::string CamelMember(const std::string& member);

Result<std::optional<std::string>> OptionalString(const Json& body, const char* member);
// Required string with a length range (in characters as bytes).
Result<std::string> RequiredString(const Json& body, const char* member, size_t min_len, size_t max_len);
Status CheckLength(const std::string& value, const char* member, size_t min_len, size_t max_len);
Status CheckEnum(const std::string& value, const char* member, const std::vector<std::string>& allowed);
Result<std::optional<int64_t>> OptionalInt(const Json& body, const char* member);
Status CheckRange(int64_t value, const char* member, int64_t min, int64_t max);
Result<std::optional<bool>> OptionalBool(const Json& body, const char* member);
// Base64 blob; length checks do not echo the (secret) value.
Result<std::optional<std::string>> OptionalBlob(const Json& body, const char* member, size_t min_len,
                                                size_t max_len);
Result<std::map<std::string, std::string>> StringMap(const Json& body, const char* member);
Result<std::vector<std::string>> StringList(const Json& body, const char* member);
// Tags: [{"TagKey": k, "TagValue": v}], key 1..128, value 0..256.
Result<std::vector<std::pair<std::string, std::string>>> TagList(const Json& body, const char* member);

}  // namespace kms::protocol
