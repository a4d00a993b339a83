// Dotted JSON paths. See json_path.h.
#include "labs/runner/json_path.h"

#include <cctype>

namespace runner {
namespace {

common::AwsError Bad(const std::string& path, const std::string& why) {
  return common::MakeError("InvalidPath", "invalid JSON path '" + path + "': " + why, 0);
}

}  // namespace

common::Result<std::optional<nlohmann::json>> JsonAt(const nlohmann::json& doc, const std::string& path) {
  const nlohmann::json* cur = &doc;
  bool missing = false;
  size_t i = 0;
  bool expect_key = true;  // at the start or after '.'
  while (i < path.size()) {
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string::npos) return Bad(path, "missing ']'");
      std::string num = path.substr(i + 1, close - i - 1);
      long index = 0;
      try {
        size_t used = 0;
        index = std::stol(num, &used);
        if (used != num.size()) throw std::invalid_argument(num);
      } catch (const std::exception&) {
        return Bad(path, "index '" + num + "' is not a number");
      }
      if (!missing) {
        if (!cur->is_array())
          missing = true;
        else {
          long size = static_cast<long>(cur->size());
          if (index < 0) index += size;
          if (index < 0 || index >= size)
            missing = true;
          else
            cur = &(*cur)[static_cast<size_t>(index)];
        }
      }
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (path[i] == '.') {
      if (expect_key) return Bad(path, "empty segment");
      ++i;
      expect_key = true;
      continue;
    }
    if (!expect_key && i != 0) return Bad(path, "expected '.' or '[' at offset " + std::to_string(i));
    std::string key;
    if (path[i] == '"') {
      size_t close = path.find('"', i + 1);
      if (close == std::string::npos) return Bad(path, "unterminated quote");
      key = path.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      key = path.substr(i, end - i);
      i = end;
    }
    if (!missing) {
      if (!cur->is_object() || !cur->contains(key))
        missing = true;
      else
        cur = &(*cur)[key];
    }
    expect_key = false;
  }
  if (expect_key && !path.empty()) return Bad(path, "ends with '.'");
  if (missing) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(*cur);
}

std::string JsonToText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace runner
