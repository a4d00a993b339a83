// Strict parser for lab files. Internally a ParseError exception carries (line, message) from deep in
// the tree to ParseLab, which turns it (and any yaml-cpp exception) into a LabSyntax error value.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "labs/runner/lab.h"
#include "labs/runner/lab_yaml.h"
#include "labs/runner/vars.h"

namespace runner {
namespace {

using yamlutil::Bad;
using yamlutil::CheckKeys;
using yamlutil::Int;
using yamlutil::Line;
using yamlutil::ParseError;
using yamlutil::Str;
using yamlutil::StrList;

std::vector<SaveRule> ParseSave(const YAML::Node& n) {
  if (!n.IsMap()) throw Bad(n, "`save` must be a mapping of variable name to a JSON path or a rule");
  std::vector<SaveRule> rules;
  for (const auto& kv : n) {
    SaveRule rule;
    rule.name = Str(kv.first, "save name");
    if (!IsLabVariableName(rule.name))
      throw Bad(kv.first, "variable names are lower case letters, digits and _ (got '" + rule.name + "')");
    const YAML::Node& v = kv.second;
    if (v.IsScalar()) {
      rule.expr = v.Scalar();
    } else if (v.IsMap()) {
      CheckKeys(v, {"json", "regex", "from", "header"}, "save rule");
      if (v["json"])
        rule.expr = Str(v["json"], "json");
      else if (v["regex"])
        rule.kind = SaveRule::Kind::kRegex, rule.expr = Str(v["regex"], "regex");
      else if (v["header"])
        rule.kind = SaveRule::Kind::kHeader, rule.expr = Str(v["header"], "header");
      else
        throw Bad(v, "a save rule needs one of json, regex, header");
      if (v["from"]) {
        rule.source = Str(v["from"], "from");
        if (rule.source == "body") rule.source = "stdout";
        if (rule.source != "stdout" && rule.source != "stderr")
          throw Bad(v["from"], "`from` is stdout, stderr or body");
      }
    } else {
      throw Bad(v, "save value must be a JSON path or a mapping");
    }
    rules.push_back(rule);
  }
  return rules;
}

Expect ParseExpect(const YAML::Node& n) {
  if (!n.IsMap()) throw Bad(n, "`expect` must be a mapping");
  CheckKeys(n,
            {"exit_code", "status", "error_code", "stdout_contains", "stdout_not_contains", "not_contains",
             "body_contains", "body_not_contains", "stderr_contains", "matches", "regex", "json",
             "json_absent", "json_count", "json_min", "json_max", "headers", "headers_absent"},
            "expect");
  Expect e;
  if (n["exit_code"]) e.exit_code = Int(n["exit_code"], "exit_code");
  if (n["status"]) e.status = Int(n["status"], "status");
  if (n["error_code"]) e.error_code = Str(n["error_code"], "error_code");
  auto append = [&](const char* key, std::vector<std::string>* to) {
    if (!n[key]) return;
    auto list = StrList(n[key], key);
    to->insert(to->end(), list.begin(), list.end());
  };
  append("stdout_contains", &e.stdout_contains);
  append("body_contains", &e.stdout_contains);
  append("stdout_not_contains", &e.stdout_not_contains);
  append("not_contains", &e.stdout_not_contains);
  append("body_not_contains", &e.stdout_not_contains);
  append("stderr_contains", &e.stderr_contains);
  append("matches", &e.matches);
  append("regex", &e.matches);
  append("json_absent", &e.json_absent);
  append("headers_absent", &e.headers_absent);
  for (const char* key : {"json", "headers"}) {
    if (!n[key]) continue;
    if (!n[key].IsMap()) throw Bad(n[key], std::string("`") + key + "` must be a mapping");
    for (const auto& kv : n[key]) {
      if (!kv.second.IsScalar())
        throw Bad(kv.second, std::string(key) + " values are scalars (compare one field per line)");
      (std::string(key) == "json" ? e.json : e.headers).emplace_back(Str(kv.first, key), kv.second.Scalar());
    }
  }
  if (n["json_count"]) {
    if (!n["json_count"].IsMap())
      throw Bad(n["json_count"], "`json_count` must be a mapping of path to count");
    for (const auto& kv : n["json_count"])
      e.json_count.emplace_back(Str(kv.first, "path"), Int(kv.second, "count"));
  }
  for (const char* key : {"json_min", "json_max"}) {
    if (!n[key]) continue;
    if (!n[key].IsMap()) throw Bad(n[key], std::string("`") + key + "` must be a mapping of path to number");
    for (const auto& kv : n[key]) {
      double bound = 0;
      if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, bound))
        throw Bad(kv.second, std::string(key) + " values are numbers");
      (std::string(key) == "json_min" ? e.json_min : e.json_max).emplace_back(Str(kv.first, "path"), bound);
    }
  }
  return e;
}

HttpRequest ParseHttp(const YAML::Node& n) {
  if (!n.IsMap()) throw Bad(n, "`http` must be a mapping (method, path, headers, body, service, tls, host)");
  CheckKeys(n, {"method", "path", "headers", "body", "service", "tls", "scheme", "host", "region"}, "http");
  HttpRequest h;
  if (n["method"]) h.method = Str(n["method"], "method");
  if (n["path"]) h.path = Str(n["path"], "path");
  if (h.path.empty() || h.path[0] != '/') throw Bad(n["path"] ? n["path"] : n, "`path` starts with /");
  if (n["body"]) h.body = Str(n["body"], "body");
  if (n["service"]) h.service = Str(n["service"], "service");
  if (h.service != "s3" && h.service != "kms" && h.service != "iam" && h.service != "sts")
    throw Bad(n["service"], "`service` is s3, kms, iam or sts");
  if (n["tls"]) h.tls = yamlutil::Bool(n["tls"], "tls");
  if (n["scheme"]) {
    std::string s = Str(n["scheme"], "scheme");
    if (s != "http" && s != "https") throw Bad(n["scheme"], "`scheme` is http or https");
    h.tls = s == "https";
  }
  if (n["host"]) h.host = Str(n["host"], "host");
  if (n["region"]) h.region = Str(n["region"], "region");
  if (n["headers"]) {
    if (!n["headers"].IsMap()) throw Bad(n["headers"], "`headers` must be a mapping");
    for (const auto& kv : n["headers"])
      h.headers.emplace_back(Str(kv.first, "header"), Str(kv.second, "header value"));
  }
  return h;
}

BurstSpec ParseBurst(const YAML::Node& n) {
  if (!n.IsMap()) throw Bad(n, "`burst` must be a mapping (operation, region, rate, seconds, key)");
  CheckKeys(n, {"operation", "region", "rate", "seconds", "key"}, "burst");
  BurstSpec b;
  if (!n["rate"]) throw Bad(n, "a burst needs a `rate` (requests per second)");
  b.rate = Str(n["rate"], "rate");
  if (n["operation"]) b.operation = Str(n["operation"], "operation");
  if (n["region"]) b.region = Str(n["region"], "region");
  if (n["seconds"]) b.seconds = Str(n["seconds"], "seconds");
  if (n["key"]) b.key = Str(n["key"], "key");
  return b;
}

Step ParseStep(const YAML::Node& n) {
  if (!n.IsMap()) throw Bad(n, "a step is a mapping (run, shell, http, clock, burst or say)");
  CheckKeys(n, {"say", "run", "shell", "http", "clock", "burst", "as", "save", "expect", "timeout"}, "step");
  Step s;
  s.line = Line(n);
  int kinds = 0;
  if (n["run"]) s.kind = StepKind::kRun, s.command = Str(n["run"], "run"), ++kinds;
  if (n["shell"]) s.kind = StepKind::kShell, s.command = Str(n["shell"], "shell"), ++kinds;
  if (n["http"]) s.kind = StepKind::kHttp, s.http = ParseHttp(n["http"]), ++kinds;
  if (n["clock"]) s.kind = StepKind::kClock, s.clock = Str(n["clock"], "clock"), ++kinds;
  if (n["burst"]) s.kind = StepKind::kBurst, s.burst = ParseBurst(n["burst"]), ++kinds;
  if (kinds > 1) throw Bad(n, "a step has exactly one of run, shell, http, clock, burst");
  if (n["say"]) s.say = Str(n["say"], "say");
  if (kinds == 0 && s.say.empty()) throw Bad(n, "a step needs one of run, shell, http, clock, burst or say");
  if (n["as"]) {
    s.as = Str(n["as"], "as");
    if (s.kind != StepKind::kRun && s.kind != StepKind::kHttp && s.kind != StepKind::kShell &&
        s.kind != StepKind::kBurst)
      throw Bad(n["as"], "`as` applies to run, shell, http and burst steps");
  }
  if (n["save"]) {
    if (kinds == 0 || s.kind == StepKind::kClock)
      throw Bad(n["save"], "`save` needs a run, shell or http step");
    s.save = ParseSave(n["save"]);
  }
  if (n["expect"]) {
    if (kinds == 0 || s.kind == StepKind::kClock)
      throw Bad(n["expect"], "`expect` needs a run, shell or http step");
    s.expect = ParseExpect(n["expect"]);
    s.has_expect = true;
    if (s.kind == StepKind::kHttp && s.expect.exit_code)
      throw Bad(n["expect"], "http steps have `status`, not `exit_code`");
    if (s.kind != StepKind::kHttp && (s.expect.status || !s.expect.headers.empty()))
      throw Bad(n["expect"], "`status` and `headers` apply to http steps");
  }
  if (n["timeout"]) s.timeout_seconds = Int(n["timeout"], "timeout");
  return s;
}

void ParseSetup(const YAML::Node& n, Lab* lab) {
  if (!n.IsMap()) throw Bad(n, "`setup` must be a mapping (accounts, users, buckets, keys)");
  CheckKeys(n, {"accounts", "users", "buckets", "keys"}, "setup");
  for (const auto& a : yamlutil::Seq(n["accounts"], "accounts")) {
    CheckKeys(a, {"id", "name"}, "account");
    lab->accounts.push_back({Str(a["id"], "id"), a["name"] ? Str(a["name"], "name") : ""});
  }
  for (const auto& u : yamlutil::Seq(n["users"], "users")) {
    CheckKeys(u, {"name", "account", "policies", "managed_policies"}, "user");
    SetupUser user;
    user.line = Line(u);
    user.name = Str(u["name"], "name");
    if (u["account"]) user.account = Str(u["account"], "account");
    for (const auto& p : yamlutil::Seq(u["policies"], "policies")) {
      CheckKeys(p, {"name", "document"}, "policy");
      if (!p["document"]) throw Bad(p, "a policy needs a `document`");
      user.policies.push_back({Str(p["name"], "name"), yamlutil::ToJsonText(p["document"])});
    }
    if (u["managed_policies"]) user.managed_policy_arns = StrList(u["managed_policies"], "managed_policies");
    lab->users.push_back(user);
  }
  for (const auto& b : yamlutil::Seq(n["buckets"], "buckets")) {
    SetupBucket bucket;
    bucket.line = Line(b);
    if (b.IsScalar())
      bucket.name = b.Scalar();
    else {
      CheckKeys(b, {"name", "region", "as"}, "bucket");
      bucket.name = Str(b["name"], "name");
      if (b["region"]) bucket.region = Str(b["region"], "region");
      if (b["as"]) bucket.as = Str(b["as"], "as");
    }
    lab->buckets.push_back(bucket);
  }
  for (const auto& k : yamlutil::Seq(n["keys"], "keys")) {
    CheckKeys(k, {"alias", "description", "save", "as"}, "key");
    SetupKey key;
    key.line = Line(k);
    if (k["alias"]) key.alias = Str(k["alias"], "alias");
    if (k["description"]) key.description = Str(k["description"], "description");
    if (k["as"]) key.as = Str(k["as"], "as");
    if (k["save"]) key.save = Str(k["save"], "save");
    if (!key.save.empty() && !IsLabVariableName(key.save)) throw Bad(k["save"], "invalid variable name");
    lab->keys.push_back(key);
  }
}

// Every ${name} must be defined by a built-in, `vars`, a setup key's `save` or an earlier step.
void CheckVariables(const Lab& lab, const YAML::Node& root) {
  std::set<std::string> defined(BuiltinVariables().begin(), BuiltinVariables().end());
  auto need = [&](const std::string& text, int line) {
    for (const auto& name : ReferencedVariables(text))
      if (!defined.count(name)) throw ParseError{line, "${" + name + "} is not defined before this point"};
  };
  int vars_line = root["vars"] ? Line(root["vars"]) : 1;
  for (const auto& [k, v] : lab.vars) {
    need(v, vars_line);
    defined.insert(k);
  }
  int files_line = root["files"] ? Line(root["files"]) : 1;
  for (const auto& [k, v] : lab.files) need(k + v, files_line);
  for (const auto& k : lab.keys)
    if (!k.save.empty()) defined.insert(k.save), defined.insert(k.save + "_arn");
  for (const auto& u : lab.users) {
    need(u.name + u.account, u.line);
    for (const auto& p : u.policies) need(p.document + p.name, u.line);
  }
  for (const auto& b : lab.buckets) need(b.name + b.region, b.line);
  for (const auto& k : lab.keys) need(k.alias + k.description, k.line);
  for (const auto& s : lab.steps) {
    std::string all = s.say + s.command + s.clock + s.as + s.http.path + s.http.body + s.http.host +
                      s.http.method + s.burst.operation + s.burst.region + s.burst.rate + s.burst.seconds +
                      s.burst.key;
    for (const auto& [k, v] : s.http.headers) all += k + v;
    const Expect& e = s.expect;
    if (e.error_code) all += *e.error_code;
    for (const auto* list : {&e.stdout_contains, &e.stdout_not_contains, &e.stderr_contains, &e.matches,
                             &e.json_absent, &e.headers_absent})
      for (const auto& x : *list) all += x;
    for (const auto* pairs : {&e.json, &e.headers})
      for (const auto& [k, v] : *pairs) all += k + v;
    need(all, s.line);
    for (const auto& r : s.save) defined.insert(r.name);
  }
}

}  // namespace

const std::vector<std::string>& BuiltinVariables() {
  static const std::vector<std::string> names = {
      "run_id",      "data_dir",     "work_dir",        "lab_dir",          "region",  "account_id",
      "s3_endpoint", "kms_endpoint", "s3_tls_endpoint", "kms_tls_endpoint", "s3_port", "kms_port",
      "s3_tls_port", "kms_tls_port", "console_url",     "ca_bundle",        "s3lab"};
  return names;
}

common::Result<Lab> ParseLab(const std::string& text, const std::string& path) {
  Lab lab;
  lab.path = path;
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap())
      throw ParseError{1, "a lab file is a YAML mapping (id, title, topics, intro, setup, steps)"};
    CheckKeys(root, {"id", "title", "topics", "intro", "vars", "files", "setup", "steps"}, "lab");
    for (const char* key : {"id", "title", "steps"})
      if (!root[key]) throw ParseError{1, std::string("missing required key `") + key + "`"};
    lab.id = Str(root["id"], "id");
    lab.title = Str(root["title"], "title");
    if (root["topics"]) lab.topics = StrList(root["topics"], "topics");
    if (root["intro"]) lab.intro = Str(root["intro"], "intro");
    for (const char* key : {"vars", "files"}) {
      if (!root[key]) continue;
      if (!root[key].IsMap()) throw Bad(root[key], std::string("`") + key + "` must be a mapping");
      for (const auto& kv : root[key]) {
        std::string name = Str(kv.first, key);
        if (std::string(key) == "vars" && !IsLabVariableName(name))
          throw Bad(kv.first, "variable names are lower case letters, digits and _ (got '" + name + "')");
        (std::string(key) == "vars" ? lab.vars : lab.files).emplace_back(name, Str(kv.second, key));
      }
    }
    if (root["setup"]) ParseSetup(root["setup"], &lab);
    if (!root["steps"].IsSequence() || root["steps"].size() == 0)
      throw Bad(root["steps"], "`steps` must be a non-empty list");
    for (const auto& s : root["steps"]) lab.steps.push_back(ParseStep(s));
    CheckVariables(lab, root);
  } catch (const ParseError& e) {
    return common::MakeError("LabSyntax", path + ":" + std::to_string(e.line) + ": " + e.message, 0);
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg.empty() ? e.what() : e.msg;
    return common::MakeError("LabSyntax",
                             path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                 std::to_string(e.mark.column + 1) + ": YAML: " + msg,
                             0);
  }
  return lab;
}

common::Result<Lab> LoadLabFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return common::MakeError("LabNotFound", "cannot read lab file " + path, 0);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseLab(ss.str(), path);
}

}  // namespace runner
