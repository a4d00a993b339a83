// Which `aws` the learner's PATH runs, and whether it honours AWS_ENDPOINT_URL. The lab commands and
// the export lines rely on that variable (service-specific endpoint variables arrived in botocore
// 1.31: aws CLI v1 1.29 and v2 2.13). An older CLI, e.g. Debian 12's awscli 2.9, silently sends every
// request to the real AWS endpoints instead, so the runner refuses to start and `up` warns.
#pragma once

#include <string>

namespace runner {

struct AwsCliVersion {
  int major = 0, minor = 0, patch = 0;
  std::string text;  // "aws-cli/1.45.11"
};

// Parses the first "aws-cli/X.Y.Z" of `aws --version` output; major 0 when absent.
AwsCliVersion ParseAwsCliVersion(const std::string& output);

// "" when the CLI is fine for s3lab, else a sentence saying what is wrong and what to install.
std::string AwsCliProblem(const AwsCliVersion& version);

// Runs `aws --version` with PATH from this process (5 s timeout) and parses it.
AwsCliVersion DetectAwsCli();

}  // namespace runner
