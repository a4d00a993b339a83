// yaml-cpp helpers for the lab parser. See lab_yaml.h.
#include "labs/runner/lab_yaml.h"

#include <nlohmann/json.hpp>

namespace runner::yamlutil {
namespace {

nlohmann::json ToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& kv : node) obj[kv.first.Scalar()] = ToJson(kv.second);
    return obj;
  }
  if (node.IsSequence()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& item : node) arr.push_back(ToJson(item));
    return arr;
  }
  if (node.IsNull()) return nullptr;
  return node.Scalar();
}

}  // namespace

int Line(const YAML::Node& node) {
  if (!node.IsDefined()) return 1;
  int line = node.Mark().line;
  return line < 0 ? 1 : line + 1;
}

ParseError Bad(const YAML::Node& node, const std::string& message) { return ParseError{Line(node), message}; }

void CheckKeys(const YAML::Node& node, std::initializer_list<const char*> allowed, const std::string& what) {
  if (!node.IsMap()) throw Bad(node, "a " + what + " must be a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (ok) continue;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw Bad(kv.first, "unknown key `" + key + "` in " + what + " (allowed: " + list + ")");
  }
}

std::string Str(const YAML::Node& node, const std::string& what) {
  if (!node.IsDefined() || node.IsNull()) return "";
  if (!node.IsScalar())
    throw Bad(node, "`" + what + "` must be text, not a " + (node.IsMap() ? "mapping" : "list"));
  return node.Scalar();
}

std::vector<std::string> StrList(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) throw Bad(node, "`" + what + "` must be text or a list of texts");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(Str(item, what));
  return out;
}

int Int(const YAML::Node& node, const std::string& what) {
  std::string s = Str(node, what);
  try {
    size_t used = 0;
    int v = std::stoi(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw Bad(node, "`" + what + "` must be a whole number, got '" + s + "'");
}

bool Bool(const YAML::Node& node, const std::string& what) {
  std::string s = Str(node, what);
  if (s == "true" || s == "yes") return true;
  if (s == "false" || s == "no") return false;
  throw Bad(node, "`" + what + "` must be true or false, got '" + s + "'");
}

std::vector<YAML::Node> Seq(const YAML::Node& node, const std::string& what) {
  std::vector<YAML::Node> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) throw Bad(node, "`" + what + "` must be a list");
  for (const auto& item : node) out.push_back(item);
  return out;
}

std::string ToJsonText(const YAML::Node& node) {
  if (node.IsScalar()) {
    try {
      return nlohmann::json::parse(node.Scalar()).dump();
    } catch (const nlohmann::json::exception& e) {
      throw Bad(node, std::string("policy document is not valid JSON: ") + e.what());
    }
  }
  return ToJson(node).dump();
}

}  // namespace runner::yamlutil
