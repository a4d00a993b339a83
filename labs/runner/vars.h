// ${name} substitution for lab text. Names are lower-case identifiers ([a-z_][a-z0-9_]*); a
// reference to an unknown lower-case name is an error, while upper-case ones (${HOME}, ${AWS_REGION})
// and anything else are left for the shell untouched. `$${` writes a literal `${`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"

namespace runner {

class Vars {
 public:
  void Set(const std::string& name, const std::string& value) { values_[name] = value; }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name) const;
  const std::map<std::string, std::string>& all() const { return values_; }

  // Replaces every ${name}; error "UnknownVariable" naming the first unknown lower-case name.
  common::Result<std::string> Substitute(const std::string& text) const;

 private:
  std::map<std::string, std::string> values_;
};

// The lab-variable names referenced in `text` (lower-case ${...} only), in order of appearance.
std::vector<std::string> ReferencedVariables(const std::string& text);

// True for a valid lab variable name.
bool IsLabVariableName(const std::string& name);

}  // namespace runner
