// Detection of the aws CLI version. See aws_cli.h.
#include "labs/runner/aws_cli.h"

#include <cstdlib>
#include <regex>

#include "labs/runner/process.h"

namespace runner {

AwsCliVersion ParseAwsCliVersion(const std::string& output) {
  static const std::regex re(R"(aws-cli/(\d+)\.(\d+)\.(\d+))");
  std::smatch m;
  AwsCliVersion v;
  if (!std::regex_search(output, m, re)) return v;
  v.major = std::stoi(m[1]);
  v.minor = std::stoi(m[2]);
  v.patch = std::stoi(m[3]);
  v.text = m[0];
  return v;
}

std::string AwsCliProblem(const AwsCliVersion& v) {
  if (v.major == 0)
    return "no aws CLI found on PATH: install one that honours AWS_ENDPOINT_URL "
           "(pip install awscli, or AWS CLI v2 >= 2.13)";
  if ((v.major == 1 && v.minor < 29) || (v.major == 2 && v.minor < 13))
    return v.text +
           " ignores AWS_ENDPOINT_URL and would send requests to the real AWS: install aws CLI "
           "v1 >= 1.29 (pip install awscli) or v2 >= 2.13 and put it first on PATH";
  return "";
}

AwsCliVersion DetectAwsCli() {
  std::vector<std::string> env;
  if (const char* path = std::getenv("PATH")) env.push_back(std::string("PATH=") + path);
  if (const char* home = std::getenv("HOME")) env.push_back(std::string("HOME=") + home);
  CommandResult r = RunShellCommand("aws --version", env, "/", 5'000);
  if (r.exit_code != 0) return AwsCliVersion{};
  return ParseAwsCliVersion(r.stdout_text + r.stderr_text);
}

}  // namespace runner
