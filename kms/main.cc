// s3lab-kms: the KMS service of s3lab (JSON 1.1 over HTTP and HTTPS).
//   s3lab-kms --data-dir DIR --bind 127.0.0.1 --port 4590 --tls-port 4591 [--threads N]
//             [--quota-profile exam|current|off] [--quota-scale X] [--quota REGION=RATE ...] [--audit on|off]
// Opens <data>/master.key (creating it), <data>/tls/ (creating it), waits up to 10 s for <data>/iam.db
// (the S3 process creates it) and opens it read-only, opens <data>/kms.db, prints "ready" on stdout once
// listening, logs to stderr, stops cleanly on SIGTERM/SIGINT. --tls-port 0 turns HTTPS off.
// Every call is recorded in <data>/trail.db (CloudTrail, common/audit/trail.h); --audit off (benchmarks
// only) turns that off.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "common/audit/trail.h"
#include "common/crypto/master_key.h"
#include "common/crypto/tls.h"
#include "common/identity/identity_store.h"
#include "common/util/clock.h"
#include "kms/protocol/pipeline.h"
#include "kms/protocol/service_callers.h"
#include "kms/quota/token_buckets.h"
#include "kms/server.h"
#include "kms/service.h"

namespace {

struct Flags {
  std::string data_dir = ".s3lab";
  kms::ServerConfig server;
  kms::quota::QuotaSettings quota;
  bool audit = true;
};

[[noreturn]] void Usage(const std::string& error) {
  std::cerr << "s3lab-kms: " << error << "\n"
            << "usage: s3lab-kms [--data-dir DIR] [--bind ADDR] [--port N] [--tls-port N (0 = off)] "
               "[--threads N]\n"
               "       [--quota-profile exam|current|off] [--quota-scale X] [--quota REGION=RATE]...\n"
               "       [--audit on|off]\n";
  std::exit(2);
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  if (const char* env = std::getenv("S3LAB_DATA_DIR")) flags.data_dir = env;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (arg != "--help" && arg != "-h") {
      if (i + 1 >= argc) Usage("missing value for " + arg);
      value = argv[++i];
    }
    try {
      if (arg == "--data-dir")
        flags.data_dir = value;
      else if (arg == "--bind")
        flags.server.bind = value;
      else if (arg == "--port")
        flags.server.port = std::stoi(value);
      else if (arg == "--tls-port")
        flags.server.tls_port = std::stoi(value);
      else if (arg == "--threads")
        flags.server.threads = std::stoi(value);
      else if (arg == "--quota-profile")
        flags.quota.profile = value;
      else if (arg == "--audit") {
        if (value != "on" && value != "off") Usage("bad --audit " + value + " (on|off)");
        flags.audit = value == "on";
      } else if (arg == "--quota-scale")
        flags.quota.scale = std::stod(value);
      else if (arg == "--quota") {
        if (!kms::quota::AddOverride(flags.quota, value)) Usage("bad --quota " + value + " (REGION=RATE)");
      } else if (arg == "--help" || arg == "-h")
        Usage("help");
      else
        Usage("unknown flag " + arg);
    } catch (const std::exception&) {
      Usage("bad value for " + arg + ": " + value);
    }
  }
  if (std::string bad = kms::quota::ValidateSettings(flags.quota); !bad.empty()) Usage(bad);
  return flags;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

int Fail(const std::string& what, const common::AwsError& error) {
  std::cerr << "s3lab-kms: " << what << ": " << error.message << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  // Signals are handled by a dedicated thread (sigwait), never inside httplib's threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto master = common::crypto::LoadOrCreateMasterKey(flags.data_dir);
  if (!master.ok()) return Fail("master key", master.error());
  if (flags.server.tls_port > 0) {
    auto tls = common::crypto::EnsureTlsMaterial(flags.data_dir);
    if (!tls.ok()) return Fail("TLS material", tls.error());
    flags.server.cert_path = flags.data_dir + "/tls/server.pem";
    flags.server.key_path = flags.data_dir + "/tls/server.key";
  }
  std::string iam_db = flags.data_dir + "/iam.db";
  for (int waited = 0; !FileExists(iam_db) && waited < 100; ++waited)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto identity = common::identity::IdentityStore::Open(flags.data_dir, /*writable=*/false);
  if (!identity.ok()) return Fail("identity store " + iam_db, identity.error());
  common::identity::IdentityStore* identity_store = identity->get();
  common::util::LabClock clock([identity_store] { return identity_store->ClockOffsetMillis(); });

  auto registry = kms::store::KeyRegistry::Open(flags.data_dir + "/kms.db",
                                                common::crypto::DeriveKey(*master, "kms/backing-keys"));
  if (!registry.ok()) return Fail("key store", registry.error());
  kms::KmsService service(std::move(*registry), &clock);
  kms::quota::TokenBuckets quota(flags.quota);
  kms::protocol::ServiceCallers callers;
  callers.Add(kms::protocol::DeriveServiceCredential(*master, "s3"));
  std::unique_ptr<common::audit::Trail> trail;
  if (flags.audit) {
    auto opened = common::audit::Trail::Open(flags.data_dir + "/trail.db");
    if (!opened.ok()) return Fail("audit trail", opened.error());
    trail = std::move(*opened);
  }
  kms::protocol::Pipeline pipeline(&service, identity_store, &clock, &quota, &callers, trail.get());
  flags.server.quota_stats = [&quota] { return kms::quota::StatsJson(quota); };

  kms::KmsServer server(&pipeline);
  auto bound = server.Bind(flags.server);
  if (!bound.ok()) return Fail("listen", bound.error());
  std::thread signal_thread([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::cerr << "s3lab-kms: signal " << sig << ", stopping" << std::endl;
    server.Stop();
  });
  signal_thread.detach();
  std::cerr << "s3lab-kms: listening on http://" << flags.server.bind << ":" << server.port();
  if (server.tls_port() > 0) std::cerr << " and https://" << flags.server.bind << ":" << server.tls_port();
  std::cerr << " (data " << flags.data_dir << ")" << std::endl;
  std::cerr << "s3lab-kms: " << kms::quota::Describe(flags.quota) << std::endl;
  std::cout << "ready" << std::endl;
  server.Run();
  return 0;
}
