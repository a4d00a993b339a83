// The lab run loop and its narration (guided and --auto), one lab at a time. Design in runner.h.
#include "labs/runner/runner.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "labs/runner/state.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

struct Paint {
  bool on;
  std::string Wrap(const char* code, const std::string& s) const {
    return on ? "\033[" + std::string(code) + "m" + s + "\033[0m" : s;
  }
  std::string Green(const std::string& s) const { return Wrap("32", s); }
  std::string Red(const std::string& s) const { return Wrap("31", s); }
  std::string Bold(const std::string& s) const { return Wrap("1", s); }
  std::string Dim(const std::string& s) const { return Wrap("2", s); }
};

std::string NewRunId() {
  std::random_device rd;
  std::mt19937_64 gen(rd() ^ static_cast<uint64_t>(NowMillis()));
  const char* hex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 8; ++i) id += hex[gen() % 16];
  return id;
}

// `text` with every line prefixed; at most `max_lines` lines (then a count of the rest).
std::string Indent(const std::string& text, const std::string& prefix, size_t max_lines) {
  std::istringstream in(text);
  std::string line, out;
  size_t n = 0, total = 0;
  while (std::getline(in, line)) {
    // Show what a terminal shows: progress meters rewrite their line with '\r'.
    if (auto cr = line.find_last_of('\r'); cr != std::string::npos && cr + 1 < line.size())
      line.erase(0, cr + 1);
    ++total;
    if (n < max_lines) out += prefix + line + "\n", ++n;
  }
  if (total > n) out += prefix + "... (" + std::to_string(total - n) + " more lines)\n";
  return out;
}

std::string FirstLine(const std::string& s, size_t max) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > max) line = line.substr(0, max - 3) + "...";
  return line;
}

const char* KindName(StepKind k) {
  switch (k) {
    case StepKind::kRun:
      return "run";
    case StepKind::kShell:
      return "shell";
    case StepKind::kHttp:
      return "http";
    case StepKind::kClock:
      return "clock";
    case StepKind::kBurst:
      return "burst";
    case StepKind::kSay:
      return "say";
  }
  return "?";
}

class LabRunner {
 public:
  LabRunner(const Lab& lab, const InstanceConfig& config, const RunOptions& options, std::ostream& out)
      : lab_(lab), opt_(options), out_(out), p_{options.color} {
    ctx_.config = config;
  }

  RunTotals Run() {
    out_ << "\n" << p_.Bold("== " + lab_.id + ": " + lab_.title) << "\n";
    if (!opt_.auto_mode) {
      if (!lab_.topics.empty()) {
        std::string t;
        for (const auto& x : lab_.topics) t += (t.empty() ? "" : ", ") + x;
        out_ << p_.Dim("Topics: " + t) << "\n";
      }
      if (!lab_.intro.empty()) out_ << "\n" << Indent(lab_.intro, "  ", 1000);
    }
    common::Status prepared = Prepare();
    if (prepared.ok() && !opt_.auto_mode && HasSetup()) out_ << "\n" << p_.Bold("Setup") << "\n";
    if (prepared.ok()) prepared = RunSetup(lab_, &ctx_, out_, !opt_.auto_mode);
    if (!prepared.ok()) {
      out_ << p_.Red("FAIL") << "  setup: " << prepared.error().message << "\n";
      out_ << "      " << lab_.steps.size() << " steps not run\n";
      totals_.failed++;
      record_["setup_error"] = prepared.error().message;
      Cleanup();
      return totals_;
    }
    if (opt_.auto_mode) out_ << "setup ok (run id " << ctx_.vars.Get("run_id") << ")\n";
    int counted = 0;
    for (const auto& s : lab_.steps)
      if (s.kind != StepKind::kSay) ++counted;
    int index = 0;
    for (const auto& step : lab_.steps) {
      if (step.kind != StepKind::kSay) ++index;
      if (!RunStep(step, index, counted)) break;
    }
    out_ << "lab " << lab_.id << ": " << totals_.passed << " passed, " << totals_.failed << " failed\n";
    Cleanup();
    return totals_;
  }

 private:
  common::Status Prepare() {
    char tmpl[] = "/tmp/s3lab-lab-XXXXXX";
    if (!::mkdtemp(tmpl)) return common::MakeError("IoError", "cannot create a work directory in /tmp", 0);
    ctx_.work_dir = tmpl;
    InitBaseEnvironment(&ctx_);
    const auto& c = ctx_.config;
    auto& v = ctx_.vars;
    std::error_code ec;
    v.Set("run_id", NewRunId());
    v.Set("data_dir", c.data_dir);
    v.Set("work_dir", ctx_.work_dir);
    v.Set("lab_dir", fs::absolute(fs::path(lab_.path), ec).parent_path().string());
    v.Set("region", c.region);
    v.Set("account_id", common::identity::kDefaultAccountId);
    v.Set("s3_endpoint", "http://127.0.0.1:" + std::to_string(c.s3_port));
    v.Set("kms_endpoint", "http://127.0.0.1:" + std::to_string(c.kms_port));
    v.Set("s3_tls_endpoint", "https://127.0.0.1:" + std::to_string(c.s3_tls_port));
    v.Set("kms_tls_endpoint", "https://127.0.0.1:" + std::to_string(c.kms_tls_port));
    v.Set("s3_port", std::to_string(c.s3_port));
    v.Set("kms_port", std::to_string(c.kms_port));
    v.Set("s3_tls_port", std::to_string(c.s3_tls_port));
    v.Set("kms_tls_port", std::to_string(c.kms_tls_port));
    v.Set("console_url", "http://127.0.0.1:" + std::to_string(c.console_port) + "/");
    v.Set("ca_bundle", CaBundlePath(c));
    v.Set("s3lab", fs::read_symlink("/proc/self/exe", ec).string());  // this CLI, for `${s3lab} cse ...`
    for (const auto& [name, raw] : lab_.vars) {
      auto value = v.Substitute(raw);
      if (!value.ok()) return value.error();
      v.Set(name, *value);
    }
    auto root = LoadAccount(c, common::identity::kDefaultAccountId);
    if (!root.ok()) return root.error();
    ctx_.principals["root"] = {root->root_access_key_id, root->root_secret_access_key, ""};
    ctx_.principals[std::string("root@") + common::identity::kDefaultAccountId] = ctx_.principals["root"];
    return common::Ok{};
  }

  bool HasSetup() const {
    return !lab_.files.empty() || !lab_.accounts.empty() || !lab_.users.empty() || !lab_.buckets.empty() ||
           !lab_.keys.empty();
  }

  // Appends this run to <data>/lab-runs.jsonl (one JSON object a line) for the console's Labs page.
  void WriteRecord() {
    record_["id"] = lab_.id;
    record_["title"] = lab_.title;
    record_["file"] = lab_.path;
    record_["run_id"] = ctx_.vars.Get("run_id");
    record_["mode"] = opt_.auto_mode ? "auto" : "guided";
    record_["started"] = FormatUtc(started_millis_);
    record_["finished"] = FormatUtc(NowMillis());
    record_["passed"] = totals_.passed;
    record_["failed"] = totals_.failed;
    record_["quit"] = totals_.quit;
    if (!record_.contains("steps")) record_["steps"] = nlohmann::json::array();
    std::ofstream(fs::path(ctx_.config.data_dir) / "lab-runs.jsonl", std::ios::app) << record_.dump() << "\n";
  }

  void Cleanup() {
    WriteRecord();
    std::error_code ec;
    if (totals_.failed == 0)
      fs::remove_all(ctx_.work_dir, ec);
    else
      out_ << p_.Dim("work directory kept for inspection: " + ctx_.work_dir) << "\n";
  }

  // Guided mode: waits for Enter; false when the learner typed q.
  bool Pause(const std::string& prompt) {
    if (!opt_.pause) return true;
    out_ << p_.Dim("  [Enter] " + prompt + ", q to quit > ") << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return true;
    return line != "q" && line != "quit";
  }

  // Returns false when the run must stop (the learner quit).
  bool RunStep(const Step& step, int index, int count) {
    auto say = ctx_.vars.Substitute(step.say);
    std::string say_text = say.ok() ? *say : step.say;
    if (step.kind == StepKind::kSay) {
      if (!opt_.auto_mode) {
        out_ << "\n" << Indent(say_text, "  ", 1000);
        if (!Pause("continue")) return Quit();
      }
      return true;
    }
    std::string shown;
    Outcome outcome;
    std::vector<std::string> errors;
    Execute(step, &shown, &outcome, &errors, index, count, say_text);
    if (totals_.quit) return false;

    CheckResult checks;
    if (errors.empty() && step.kind != StepKind::kClock) {
      Expect want = step.expect;
      auto sub = SubstituteExpect(want, ctx_.vars);
      if (!sub.ok())
        errors.push_back(sub.error().message);
      else
        checks = Evaluate(*sub, outcome);
      for (const auto& rule : step.save) {
        auto value = EvaluateSave(rule, outcome);
        if (!value.ok())
          errors.push_back("save " + rule.name + ": " + value.error().message);
        else {
          ctx_.vars.Set(rule.name, *value);
          checks.passes.push_back("saved ${" + rule.name + "} = " + FirstLine(*value, 80));
        }
      }
    }
    for (const auto& f : checks.failures) errors.push_back(f);
    const bool passed = errors.empty();
    (passed ? totals_.passed : totals_.failed)++;
    record_["steps"].push_back({{"n", index},
                                {"line", step.line},
                                {"kind", KindName(step.kind)},
                                {"passed", passed},
                                {"errors", errors}});
    Report(step, index, shown, outcome, checks, errors, passed);
    return true;
  }

  void Execute(const Step& step, std::string* shown, Outcome* outcome, std::vector<std::string>* errors,
               int index, int count, const std::string& say_text) {
    auto as = ctx_.vars.Substitute(step.as);
    std::optional<common::sigv4::Credentials> creds;
    if (!as.ok())
      errors->push_back(as.error().message);
    else if (auto r = ctx_.Resolve(*as); !r.ok())
      errors->push_back(r.error().message);
    else
      creds = *r;
    const std::string who = as.ok() && *as != "root" ? "   (as " + *as + ")" : "";

    HttpRequest http = step.http;
    BurstSpec burst = step.burst;
    std::string text;
    if (step.kind == StepKind::kHttp) {
      for (std::string* f : {&http.method, &http.path, &http.body, &http.host, &http.region}) {
        auto r = ctx_.vars.Substitute(*f);
        if (!r.ok())
          errors->push_back(r.error().message);
        else
          *f = *r;
      }
      for (auto& [k, v] : http.headers) {
        auto r = ctx_.vars.Substitute(v);
        if (!r.ok())
          errors->push_back(r.error().message);
        else
          v = *r;
      }
      *shown = http.method + " " + (http.tls ? "https" : "http") + " " + http.path + "  [" + http.service +
               (http.host.empty() ? "" : ", Host: " + http.host) + "]" +
               (as.ok() ? (*as == "anonymous" ? "  (anonymous)" : "  (signed as " + *as + ")") : "");
    } else if (step.kind == StepKind::kBurst) {
      for (std::string* f : {&burst.operation, &burst.region, &burst.rate, &burst.seconds, &burst.key}) {
        auto r = ctx_.vars.Substitute(*f);
        if (!r.ok())
          errors->push_back(r.error().message);
        else
          *f = *r;
      }
      if (burst.region.empty()) burst.region = ctx_.config.region;
      *shown = "s3lab load kms " + burst.operation + " --region " + burst.region + " --rate " + burst.rate +
               " --seconds " + burst.seconds + (burst.key.empty() ? "" : " --key " + burst.key);
      if (!creds) errors->push_back("a burst is signed: `as` cannot be anonymous");
    } else {
      auto r = ctx_.vars.Substitute(step.kind == StepKind::kClock ? step.clock : step.command);
      if (!r.ok())
        errors->push_back(r.error().message);
      else
        text = *r;
      *shown = step.kind == StepKind::kClock ? "s3lab clock " + text : text;
    }
    if (!opt_.auto_mode) {
      out_ << "\n"
           << p_.Bold("Step " + std::to_string(index) + " of " + std::to_string(count))
           << p_.Dim("  (line " + std::to_string(step.line) + ")") << "\n";
      if (!say_text.empty()) out_ << Indent(say_text, "  ", 1000);
      out_ << Indent(*shown, "  $ ", 1000);
      if (step.kind == StepKind::kHttp) {
        for (const auto& [k, v] : http.headers) out_ << "      " << k << ": " << v << "\n";
        if (!http.body.empty()) out_ << Indent(http.body, "      | ", 20);
      }
      if (!who.empty() && step.kind != StepKind::kHttp) out_ << p_.Dim(who) << "\n";
      if (!Pause("run")) {
        Quit();
        return;
      }
    }
    if (!errors->empty()) return;
    switch (step.kind) {
      case StepKind::kRun:
      case StepKind::kShell:
        *outcome = ExecuteCommand(ctx_, text, creds, step.timeout_seconds);
        break;
      case StepKind::kHttp:
        *outcome = ExecuteHttp(ctx_, http, creds, step.timeout_seconds);
        if (outcome->status == 0) errors->push_back(outcome->stderr_text);
        break;
      case StepKind::kClock: {
        auto delta = ParseLabDuration(text);
        if (!delta.ok()) {
          errors->push_back(delta.error().message);
          break;
        }
        auto offset = AdvanceClock(ctx_.config, *delta);
        if (!offset.ok()) {
          errors->push_back(offset.error().message);
          break;
        }
        // The services re-read the offset at most once a second.
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        outcome->stdout_text = "lab time is now " + FormatUtc(NowMillis() + *offset) + " (real time " +
                               FormatOffset(*offset) + ")\n";
        break;
      }
      case StepKind::kBurst:
        *outcome = ExecuteBurst(ctx_, burst, *creds, opt_.auto_mode ? nullptr : &out_);
        break;
      case StepKind::kSay:
        break;
    }
  }

  void Report(const Step& step, int index, const std::string& shown, const Outcome& o,
              const CheckResult& checks, const std::vector<std::string>& errors, bool passed) {
    if (opt_.auto_mode) {
      out_ << (passed ? p_.Green("PASS") : p_.Red("FAIL")) << "  " << index << "  " << KindName(step.kind)
           << "  " << FirstLine(shown, 100) << "\n";
      if (passed) return;
      out_ << "      " << lab_.path << ":" << step.line << "\n";
      for (const auto& e : errors) out_ << "      " << p_.Red("x ") << e << "\n";
      if (o.is_http)
        out_ << "      HTTP " << o.status << "\n";
      else if (step.kind != StepKind::kClock)
        out_ << "      exit code " << o.exit_code << "\n";
      if (!o.stdout_text.empty()) out_ << Indent(o.stdout_text, "      | ", 25);
      if (!o.stderr_text.empty()) out_ << Indent(o.stderr_text, "      ! ", 25);
      return;
    }
    if (o.is_http) {
      out_ << Indent("HTTP " + std::to_string(o.status), "    ", 1);
      for (const auto& [k, v] : o.headers)
        if (k.rfind("x-amz-", 0) == 0 || k == "content-type" || k == "etag")
          out_ << "    " << k << ": " << v << "\n";
    }
    if (!o.stdout_text.empty()) out_ << Indent(o.stdout_text, "    ", 40);
    if (!o.stderr_text.empty()) out_ << Indent(o.stderr_text, "    ", 20);
    for (const auto& s : checks.passes) out_ << "  " << p_.Green("✓ ") << s << "\n";
    for (const auto& e : errors) out_ << "  " << p_.Red("✗ ") << e << "\n";
  }

  bool Quit() {
    totals_.quit = true;
    out_ << "\nstopped by the learner\n";
    return false;
  }

  const Lab& lab_;
  RunOptions opt_;
  std::ostream& out_;
  Paint p_;
  RunContext ctx_;
  RunTotals totals_;
  nlohmann::json record_ = nlohmann::json::object();
  int64_t started_millis_ = NowMillis();
};

}  // namespace

RunTotals RunLab(const Lab& lab, const InstanceConfig& config, const RunOptions& options, std::ostream& out) {
  return LabRunner(lab, config, options, out).Run();
}

}  // namespace runner
