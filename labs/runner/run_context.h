// What one lab run carries between its setup and its steps: the instance, the variables, the
// principals (name -> keys) and the work directory; and the executors that turn one `run`, `shell`,
// `http` or `clock` step into an Outcome.
//
// Commands run through /bin/sh in the work directory (a fresh /tmp/s3lab-lab-* per run, where `files`
// are written) with the runner's environment minus every AWS_* variable, plus: the instance's export
// lines (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_KMS, AWS_DEFAULT_REGION, AWS_CA_BUNDLE), the principal's
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (none for `anonymous`), AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE pointing at empty files of the work dir (so a learner's ~/.aws never
// changes a result), AWS_EC2_METADATA_DISABLED=true and AWS_PAGER="".
#pragma once

#include <ostream>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/sigv4/signer.h"
#include "labs/runner/config.h"
#include "labs/runner/expect.h"
#include "labs/runner/lab.h"
#include "labs/runner/vars.h"

namespace runner {

struct RunContext {
  InstanceConfig config;
  Vars vars;
  std::map<std::string, common::sigv4::Credentials> principals;  // "root", "alice", "root@444455556666"
  std::string work_dir;
  std::vector<std::string> base_env;  // NAME=value, no AWS_* entries

  // nullopt = anonymous. Error "UnknownPrincipal" for a name no setup created.
  common::Result<std::optional<common::sigv4::Credentials>> Resolve(const std::string& as) const;
  // The full environment of a command run as `creds`.
  std::vector<std::string> EnvFor(const std::optional<common::sigv4::Credentials>& creds) const;
};

// Fills base_env from the process environment (drops AWS_*), creates the empty AWS config files.
void InitBaseEnvironment(RunContext* ctx);

// Runs an already substituted shell command as `creds`.
Outcome ExecuteCommand(const RunContext& ctx, const std::string& command,
                       const std::optional<common::sigv4::Credentials>& creds, int timeout_seconds);

// Sends an already substituted request, SigV4-signed with `creds` (anonymous when nullopt), over
// HTTP or HTTPS (verified against the instance CA). A transport error is an Outcome with status 0
// and the error text in stderr_text.
Outcome ExecuteHttp(const RunContext& ctx, const HttpRequest& request,
                    const std::optional<common::sigv4::Credentials>& creds, int timeout_seconds);

// Runs an already substituted burst (load.h) signed as `creds`. stdout_text is a JSON summary
// ({"operation", "region", "rate", "seconds", "offered", "accepted", "throttled", "failed",
// "accepted_per_second" (seconds 2..N), "per_second": [{second, offered, accepted, throttled, failed}]})
// for expect/save; `live`, when set, gets the per-second table as it runs. A bad number or a setup
// failure (e.g. the key cannot be made) is an Outcome with exit_code 1 and the reason in stderr_text.
Outcome ExecuteBurst(const RunContext& ctx, const BurstSpec& burst, const common::sigv4::Credentials& creds,
                     std::ostream* live);

// Shell-quotes one argument for display and for setup commands ('...' when needed).
std::string ShellQuote(const std::string& s);

}  // namespace runner
