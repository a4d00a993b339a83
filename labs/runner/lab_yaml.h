// yaml-cpp helpers for the strict lab parser: typed accessors that report the line of the offending
// node through a ParseError, and YAML -> JSON text for inline policy documents.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace runner::yamlutil {

struct ParseError {
  int line;
  std::string message;
};

int Line(const YAML::Node& node);  // 1-based; 1 when unknown
ParseError Bad(const YAML::Node& node, const std::string& message);
// Error on any key of the mapping `node` not in `allowed` (names the key and what it belongs to).
void CheckKeys(const YAML::Node& node, std::initializer_list<const char*> allowed, const std::string& what);
std::string Str(const YAML::Node& node, const std::string& what);  // scalar (null reads as "")
std::vector<std::string> StrList(const YAML::Node& node, const std::string& what);  // scalar or list
int Int(const YAML::Node& node, const std::string& what);
bool Bool(const YAML::Node& node, const std::string& what);
std::vector<YAML::Node> Seq(const YAML::Node& node, const std::string& what);  // absent = empty
// A mapping/list becomes JSON (scalars as strings); a scalar must already be JSON text.
std::string ToJsonText(const YAML::Node& node);

}  // namespace runner::yamlutil
