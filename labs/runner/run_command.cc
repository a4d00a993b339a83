// `s3lab run LAB.yaml... [--auto]`: parses every lab first, checks the aws CLI and the instance, runs
// the labs in order and prints the final "N passed, N failed" line. Design in runner.h.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "labs/runner/aws_cli.h"
#include "labs/runner/process.h"
#include "labs/runner/runner.h"

namespace runner {

int RunLabsCommand(const std::vector<std::string>& args, const InstanceConfig& config) {
  RunOptions options;
  std::vector<std::string> paths;
  for (const auto& a : args) {
    if (a == "--auto")
      options.auto_mode = true;
    else if (a.rfind("--", 0) == 0) {
      std::cerr << "s3lab run: unknown option " << a << "\n";
      return 2;
    } else
      paths.push_back(a);
  }
  if (paths.empty()) {
    std::cerr << "usage: s3lab run <lab.yaml>... [--auto]\n";
    return 2;
  }
  options.pause = !options.auto_mode && ::isatty(0);
  options.color = ::isatty(1) && !std::getenv("NO_COLOR");
  RunTotals total;
  std::vector<Lab> labs;
  for (const auto& p : paths) {
    auto lab = LoadLabFile(p);
    if (!lab.ok()) {
      std::cout << "FAIL  " << lab.error().message << "\n";
      total.failed++;
    } else {
      labs.push_back(std::move(*lab));
    }
  }
  bool needs_aws = false;
  for (const auto& lab : labs) {
    needs_aws = needs_aws || !lab.users.empty() || !lab.buckets.empty() || !lab.keys.empty();
    for (const auto& s : lab.steps) needs_aws = needs_aws || s.kind == StepKind::kRun;
  }
  if (needs_aws) {
    if (std::string problem = AwsCliProblem(DetectAwsCli()); !problem.empty()) {
      std::cout << "FAIL  " << problem << "\n";
      total.failed += static_cast<int>(labs.size());
      labs.clear();
    }
  }
  if (!labs.empty() && !(PortReachable(config.s3_port, 1000) && PortReachable(config.kms_port, 1000))) {
    std::cout << "FAIL  s3lab is not reachable on ports " << config.s3_port << " (S3) and " << config.kms_port
              << " (KMS) for " << config.data_dir
              << ": start it with `./s3lab up` (or pass --data-dir/--s3-port/"
              << "--kms-port)\n";
    total.failed += static_cast<int>(labs.size());
    labs.clear();
  }
  for (const auto& lab : labs) {
    RunTotals t = RunLab(lab, config, options, std::cout);
    total.passed += t.passed;
    total.failed += t.failed;
    if (t.quit) {
      total.quit = true;
      break;
    }
  }
  std::cout << "\n" << total.passed << " passed, " << total.failed << " failed\n" << std::flush;
  return total.failed == 0 && !total.quit ? 0 : 1;
}

}  // namespace runner
