// A small path language over JSON output, enough for CLI results:
//   Buckets[0].Name
//   ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm
//   Contents[-1].Key    (negative index counts from the end)
//   Metadata."x-y.z"    (a quoted segment may hold dots and brackets)
// An empty path is the document itself.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/error.h"

namespace runner {

// The value at `path`, or nullopt when any segment is missing. Error "InvalidPath" for bad syntax.
common::Result<std::optional<nlohmann::json>> JsonAt(const nlohmann::json& doc, const std::string& path);

// How a JSON value reads in a lab: strings without quotes, other scalars as JSON text (5, true, null),
// arrays and objects as compact JSON.
std::string JsonToText(const nlohmann::json& value);

}  // namespace runner
