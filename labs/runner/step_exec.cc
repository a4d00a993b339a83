// Executors for `run`/`shell` and `http` steps. See run_context.h.
#include <httplib.h>

#include <chrono>
#include <fstream>

#include "labs/runner/process.h"
#include "labs/runner/run_context.h"
#include "labs/runner/state.h"

extern char** environ;

namespace runner {

common::Result<std::optional<common::sigv4::Credentials>> RunContext::Resolve(const std::string& as) const {
  if (as == "anonymous") return std::optional<common::sigv4::Credentials>();
  auto it = principals.find(as);
  if (it == principals.end()) {
    std::string known = "anonymous";
    for (const auto& [name, _] : principals) known += ", " + name;
    return common::MakeError("UnknownPrincipal", "unknown principal '" + as + "' (known: " + known + ")", 0);
  }
  return std::optional<common::sigv4::Credentials>(it->second);
}

std::vector<std::string> RunContext::EnvFor(const std::optional<common::sigv4::Credentials>& creds) const {
  std::vector<std::string> env = base_env;
  for (const auto& [k, v] :
       EnvironmentFor(config, creds ? creds->access_key_id : "", creds ? creds->secret_access_key : ""))
    env.push_back(k + "=" + v);
  if (creds && !creds->session_token.empty()) env.push_back("AWS_SESSION_TOKEN=" + creds->session_token);
  return env;
}

void InitBaseEnvironment(RunContext* ctx) {
  ctx->base_env.clear();
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("AWS_", 0) == 0 || entry.rfind("S3LAB_", 0) == 0) continue;
    ctx->base_env.push_back(entry);
  }
  // The instance, so `${s3lab} trail`, `${s3lab} mfa` & co. in a step find it without flags.
  const InstanceConfig& c = ctx->config;
  ctx->base_env.push_back("S3LAB_DATA_DIR=" + c.data_dir);
  ctx->base_env.push_back("S3LAB_S3_PORT=" + std::to_string(c.s3_port));
  ctx->base_env.push_back("S3LAB_S3_TLS_PORT=" + std::to_string(c.s3_tls_port));
  ctx->base_env.push_back("S3LAB_KMS_PORT=" + std::to_string(c.kms_port));
  ctx->base_env.push_back("S3LAB_KMS_TLS_PORT=" + std::to_string(c.kms_tls_port));
  ctx->base_env.push_back("S3LAB_CONSOLE_PORT=" + std::to_string(c.console_port));
  ctx->base_env.push_back("S3LAB_REGION=" + c.region);
  const std::string config_file = ctx->work_dir + "/.aws-config";
  const std::string creds_file = ctx->work_dir + "/.aws-credentials";
  std::ofstream(config_file) << "[default]\n";
  std::ofstream(creds_file) << "";
  ctx->base_env.push_back("AWS_CONFIG_FILE=" + config_file);
  ctx->base_env.push_back("AWS_SHARED_CREDENTIALS_FILE=" + creds_file);
  ctx->base_env.push_back("AWS_EC2_METADATA_DISABLED=true");
  ctx->base_env.push_back("AWS_PAGER=");
}

Outcome ExecuteCommand(const RunContext& ctx, const std::string& command,
                       const std::optional<common::sigv4::Credentials>& creds, int timeout_seconds) {
  CommandResult r = RunShellCommand(command, ctx.EnvFor(creds), ctx.work_dir, timeout_seconds * 1000);
  Outcome o;
  o.exit_code = r.exit_code;
  o.stdout_text = std::move(r.stdout_text);
  o.stderr_text = std::move(r.stderr_text);
  if (r.timed_out) o.stderr_text += "\n[s3lab: killed after " + std::to_string(timeout_seconds) + " s]\n";
  if (r.exit_code == -1) o.stderr_text += "[s3lab: could not start /bin/sh]\n";
  return o;
}

Outcome ExecuteHttp(const RunContext& ctx, const HttpRequest& req,
                    const std::optional<common::sigv4::Credentials>& creds, int timeout_seconds) {
  Outcome o;
  o.is_http = true;
  const bool kms = req.service == "kms";
  const int port = kms ? (req.tls ? ctx.config.kms_tls_port : ctx.config.kms_port)
                       : (req.tls ? ctx.config.s3_tls_port : ctx.config.s3_port);
  const std::string host = req.host.empty() ? "127.0.0.1:" + std::to_string(port) : req.host;
  std::string raw_path = req.path, raw_query;
  if (auto q = raw_path.find('?'); q != std::string::npos) {
    raw_query = raw_path.substr(q + 1);
    raw_path.resize(q);
  }

  httplib::Request r;
  r.method = req.method;
  r.path = req.path;
  r.body = req.body;
  for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
  if (r.get_header_value("Host").empty()) r.headers.emplace("Host", host);
  if (creds) {
    common::sigv4::SignInput in;
    in.method = req.method;
    in.host = host;
    in.raw_path = raw_path;
    in.raw_query = raw_query;
    for (const auto& [k, v] : req.headers) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower != "host") in.headers[k] = v;
    }
    in.payload = req.body;
    in.region = req.region.empty() ? ctx.config.region : req.region;
    in.service = req.service;
    in.now_millis = NowMillis();
    in.add_content_sha256_header = !kms;
    for (const auto& [k, v] : common::sigv4::SignHeaders(in, *creds)) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "host") continue;  // already set, same value
      r.headers.emplace(k, v);
    }
  }

  auto finish = [&](httplib::ClientImpl& cli) {
    cli.set_url_encode(false);
    cli.set_connection_timeout(5, 0);
    cli.set_read_timeout(timeout_seconds, 0);
    cli.set_write_timeout(timeout_seconds, 0);
    cli.set_decompress(false);
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    if (!cli.send(r, res, err)) {
      o.status = 0;
      o.stderr_text = "request failed: " + httplib::to_string(err) + " (" + (req.tls ? "https" : "http") +
                      "://127.0.0.1:" + std::to_string(port) + ")";
      return;
    }
    o.status = res.status;
    o.stdout_text = res.body;
    for (const auto& [k, v] : res.headers) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "remote_addr" || lower == "remote_port" || lower == "local_addr" || lower == "local_port")
        continue;
      o.headers.emplace(lower, v);
    }
  };
  if (req.tls) {
    httplib::SSLClient cli("127.0.0.1", port);
    cli.set_ca_cert_path(CaBundlePath(ctx.config));
    cli.enable_server_certificate_verification(true);
    finish(cli);
  } else {
    httplib::ClientImpl cli("127.0.0.1", port);
    finish(cli);
  }
  return o;
}

std::string ShellQuote(const std::string& s) {
  if (!s.empty() &&
      s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-:+=@,%") ==
          std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace runner
