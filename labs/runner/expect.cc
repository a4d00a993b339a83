// Judging a step's outcome against its `expect` block, error-code extraction and `save` rules.
#include "labs/runner/expect.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "labs/runner/json_path.h"

namespace runner {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const std::string* Header(const Outcome& o, const std::string& name) {
  auto it = o.headers.find(Lower(name));
  return it == o.headers.end() ? nullptr : &it->second;
}

common::Result<std::regex> Compile(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::multiline);
  } catch (const std::regex_error& e) {
    return common::MakeError("InvalidRegex", "invalid regex '" + pattern + "': " + e.what(), 0);
  }
}

std::string Short(const std::string& s, size_t max = 200) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "...";
}

// Parses the output as JSON once; nullopt + failure recorded when it is not JSON.
struct JsonCache {
  bool tried = false;
  std::optional<nlohmann::json> doc;
  const nlohmann::json* Get(const Outcome& o) {
    if (!tried) {
      tried = true;
      try {
        doc = nlohmann::json::parse(o.stdout_text);
      } catch (const nlohmann::json::exception&) {
      }
    }
    return doc ? &*doc : nullptr;
  }
};

}  // namespace

std::string ExtractErrorCode(const Outcome& o) {
  static const std::regex cli(R"(An error occurred \(([^)]+)\))");
  static const std::regex xml(R"(<Code>([^<]+)</Code>)");
  std::smatch m;
  if (std::regex_search(o.stderr_text, m, cli)) return m[1];
  if (std::regex_search(o.stdout_text, m, cli)) return m[1];
  if (!o.is_http) return "";
  if (std::regex_search(o.stdout_text, m, xml)) return m[1];
  try {
    auto j = nlohmann::json::parse(o.stdout_text);
    for (const char* key : {"__type", "code", "Code"}) {
      if (j.is_object() && j.contains(key) && j[key].is_string()) {
        std::string t = j[key].get<std::string>();
        auto hash = t.rfind('#');
        return hash == std::string::npos ? t : t.substr(hash + 1);
      }
    }
  } catch (const nlohmann::json::exception&) {
  }
  return "";
}

CheckResult Evaluate(const Expect& e, const Outcome& o) {
  CheckResult r;
  auto check = [&](bool ok, const std::string& pass_text, const std::string& fail_text) {
    if (ok)
      r.passes.push_back(pass_text);
    else {
      r.failures.push_back(fail_text);
      r.passed = false;
    }
  };
  const std::string out_name = o.is_http ? "body" : "output";
  if (!o.is_http) {
    if (e.exit_code) {
      check(o.exit_code == *e.exit_code, "exit code " + std::to_string(o.exit_code),
            "expected exit code " + std::to_string(*e.exit_code) + ", got " + std::to_string(o.exit_code));
    } else if (e.error_code) {
      check(o.exit_code != 0, "exit code " + std::to_string(o.exit_code) + " (a failure, as expected)",
            "expected the command to fail, it exited 0");
    } else {
      check(o.exit_code == 0, "exit code 0", "expected exit code 0, got " + std::to_string(o.exit_code));
    }
  } else {
    if (e.status) {
      check(o.status == *e.status, "HTTP " + std::to_string(o.status),
            "expected HTTP status " + std::to_string(*e.status) + ", got " + std::to_string(o.status));
    } else if (e.error_code) {
      check(o.status >= 300, "HTTP " + std::to_string(o.status),
            "expected an error status, got " + std::to_string(o.status));
    } else {
      check(o.status >= 200 && o.status < 300, "HTTP " + std::to_string(o.status),
            "expected a 2xx status, got " + std::to_string(o.status));
    }
  }
  if (e.error_code) {
    std::string got = ExtractErrorCode(o);
    check(got == *e.error_code, "error code " + got,
          "expected error code " + *e.error_code + ", got " + (got.empty() ? "none" : got));
  }
  for (const auto& s : e.stdout_contains)
    check(o.stdout_text.find(s) != std::string::npos, out_name + " contains '" + s + "'",
          out_name + " does not contain '" + s + "'");
  for (const auto& s : e.stdout_not_contains)
    check(o.stdout_text.find(s) == std::string::npos, out_name + " does not contain '" + s + "'",
          out_name + " contains '" + s + "' but should not");
  for (const auto& s : e.stderr_contains)
    check(o.stderr_text.find(s) != std::string::npos, "stderr contains '" + s + "'",
          "stderr does not contain '" + s + "'");
  for (const auto& pattern : e.matches) {
    auto re = Compile(pattern);
    if (!re.ok()) {
      check(false, "", re.error().message);
      continue;
    }
    check(std::regex_search(o.stdout_text, *re), out_name + " matches /" + pattern + "/",
          out_name + " does not match /" + pattern + "/");
  }

  JsonCache cache;
  auto with_json = [&](const std::string& path, auto&& fn) {
    const nlohmann::json* doc = cache.Get(o);
    if (!doc) return check(false, "", out_name + " is not JSON (checking " + path + ")");
    auto at = JsonAt(*doc, path);
    if (!at.ok()) return check(false, "", at.error().message);
    fn(*at);
  };
  for (const auto& [path, want] : e.json) {
    with_json(path, [&](const std::optional<nlohmann::json>& v) {
      if (!v) return check(false, "", path + " is missing (expected " + want + ")");
      std::string got = JsonToText(*v);
      check(got == want, path + " = " + got, path + ": expected " + want + ", got " + Short(got));
    });
  }
  for (const auto& path : e.json_absent) {
    with_json(path, [&](const std::optional<nlohmann::json>& v) {
      check(!v, path + " is absent", path + " is present (" + (v ? Short(JsonToText(*v)) : "") + ")");
    });
  }
  for (const auto& [path, want] : e.json_count) {
    with_json(path, [&](const std::optional<nlohmann::json>& v) {
      int got = v && (v->is_array() || v->is_object()) ? static_cast<int>(v->size()) : 0;
      check(got == want, path + " has " + std::to_string(got) + " entries",
            path + ": expected " + std::to_string(want) + " entries, got " + std::to_string(got));
    });
  }
  for (const auto* bounds : {&e.json_min, &e.json_max}) {
    const bool min = bounds == &e.json_min;
    for (const auto& [path, bound] : *bounds) {
      with_json(path, [&](const std::optional<nlohmann::json>& v) {
        if (!v || !v->is_number()) return check(false, "", path + " is not a number");
        double got = v->get<double>();
        std::string text = JsonToText(*v), want = JsonToText(nlohmann::json(bound));
        check(min ? got >= bound : got <= bound, path + " = " + text + (min ? " >= " : " <= ") + want,
              path + ": expected " + (min ? ">= " : "<= ") + want + ", got " + text);
      });
    }
  }
  for (const auto& [name, want] : e.headers) {
    const std::string* got = Header(o, name);
    check(got && *got == want, name + ": " + want,
          "header " + name + ": expected " + want + ", got " + (got ? *got : "(absent)"));
  }
  for (const auto& name : e.headers_absent) {
    const std::string* got = Header(o, name);
    check(!got, "no header " + name, "header " + name + " is present: " + (got ? *got : ""));
  }
  return r;
}

common::Result<Expect> SubstituteExpect(const Expect& in, const Vars& vars) {
  Expect e = in;
  auto sub = [&](std::string* s) -> common::Status {
    auto r = vars.Substitute(*s);
    if (!r.ok()) return r.error();
    *s = *r;
    return common::Ok{};
  };
  if (e.error_code) S3LAB_TRY(sub(&*e.error_code));
  for (auto* list : {&e.stdout_contains, &e.stdout_not_contains, &e.stderr_contains, &e.matches,
                     &e.json_absent, &e.headers_absent})
    for (auto& s : *list) S3LAB_TRY(sub(&s));
  for (auto* pairs : {&e.json, &e.headers})
    for (auto& [k, v] : *pairs) {
      S3LAB_TRY(sub(&k));
      S3LAB_TRY(sub(&v));
    }
  for (auto& [k, v] : e.json_count) S3LAB_TRY(sub(&k));
  for (auto* bounds : {&e.json_min, &e.json_max})
    for (auto& [k, v] : *bounds) S3LAB_TRY(sub(&k));
  return e;
}

common::Result<std::string> EvaluateSave(const SaveRule& rule, const Outcome& o) {
  using Kind = SaveRule::Kind;
  if (rule.kind == Kind::kHeader) {
    const std::string* v = Header(o, rule.expr);
    if (!v) return common::MakeError("SaveFailed", "header " + rule.expr + " is absent", 0);
    return *v;
  }
  if (rule.kind == Kind::kRegex) {
    auto re = Compile(rule.expr);
    if (!re.ok()) return re.error();
    const std::string& src = rule.source == "stderr" ? o.stderr_text : o.stdout_text;
    std::smatch m;
    if (!std::regex_search(src, m, *re))
      return common::MakeError("SaveFailed", rule.source + " does not match /" + rule.expr + "/", 0);
    return m.size() > 1 ? m[1].str() : m[0].str();
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(o.stdout_text);
  } catch (const nlohmann::json::exception&) {
    return common::MakeError("SaveFailed", "output is not JSON (saving " + rule.name + ")", 0);
  }
  auto at = JsonAt(doc, rule.expr);
  if (!at.ok()) return at.error();
  if (!*at) return common::MakeError("SaveFailed", rule.expr + " is missing (saving " + rule.name + ")", 0);
  return JsonToText(**at);
}

}  // namespace runner
