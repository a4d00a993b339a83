// ${name} substitution. See vars.h.
#include "labs/runner/vars.h"

namespace runner {
namespace {

// Scans `text`; for each ${...} calls on_ref(name, start, end) where [start, end) covers "${...}".
// `$${` is reported as an escape via on_escape(start) covering "$${" (3 chars).
template <class OnRef, class OnEscape>
void Scan(const std::string& text, OnRef on_ref, OnEscape on_escape) {
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      on_escape(i);
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") == 0) {
      size_t close = text.find('}', i + 2);
      if (close != std::string::npos) {
        on_ref(text.substr(i + 2, close - i - 2), i, close + 1);
        i = close + 1;
        continue;
      }
    }
    ++i;
  }
}

}  // namespace

bool IsLabVariableName(const std::string& name) {
  if (name.empty() || !(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string Vars::Get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

common::Result<std::string> Vars::Substitute(const std::string& text) const {
  std::string out;
  size_t copied = 0;
  std::string unknown;
  Scan(
      text,
      [&](const std::string& name, size_t start, size_t end) {
        if (!IsLabVariableName(name)) return;  // shell's business
        out.append(text, copied, start - copied);
        copied = end;
        auto it = values_.find(name);
        if (it != values_.end())
          out += it->second;
        else if (unknown.empty())
          unknown = name;
      },
      [&](size_t start) {
        out.append(text, copied, start - copied);
        out += "${";
        copied = start + 3;
      });
  if (!unknown.empty())
    return common::MakeError("UnknownVariable", "${" + unknown + "} is not defined (yet)", 0);
  out.append(text, copied, std::string::npos);
  return out;
}

std::vector<std::string> ReferencedVariables(const std::string& text) {
  std::vector<std::string> names;
  Scan(
      text,
      [&](const std::string& name, size_t, size_t) {
        if (IsLabVariableName(name)) names.push_back(name);
      },
      [](size_t) {});
  return names;
}

}  // namespace runner
