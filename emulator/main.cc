// s3lab-s3: the S3 endpoint (plus IAM and STS) of s3lab. Flags (docs/WORKPLAN.md):
//   --data-dir DIR --bind 127.0.0.1 --port 4580 --tls-port 4581 --console-port 4500
//   --kms-endpoint http://127.0.0.1:4590 --region us-east-1 [--web-dir DIR] [--bucket-key-seconds 300]
// --bucket-key-seconds: how long a plaintext S3 Bucket Key stays cached in memory (0 = no caching).
// --data-events on|off: record S3 object calls as CloudTrail data events (default off, as on AWS).
// `--tls-port 0` / `--console-port 0` turn a listener off. Prints `ready` once every listener is bound,
// logs to stderr, stops cleanly on SIGTERM/SIGINT, exits 1 with a message when a port is taken.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/crypto/master_key.h"
#include "common/crypto/tls.h"
#include "common/audit/trail.h"
#include "common/identity/identity_store.h"
#include "common/identity/service_credentials.h"
#include "common/util/clock.h"
#include "emulator/console/console.h"
#include "emulator/server.h"
#include "emulator/sse/kms_client.h"
#include "emulator/sse/sse_kms.h"
#include "emulator/glacier/glacier_store.h"
#include "emulator/s3control/access_point_store.h"
#include "emulator/store/object_store.h"

namespace {

struct Flags {
  std::string data_dir = ".s3lab";
  std::string region = "us-east-1";
  std::string kms_endpoint = "http://127.0.0.1:4590";
  int bucket_key_seconds = 300;
  bool data_events = false;
  emulator::ListenOptions listen;
};

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "s3lab-s3: %s\nusage: s3lab-s3 [--data-dir DIR] [--bind ADDR] [--port N] [--tls-port N] "
               "[--console-port N] [--kms-endpoint URL] [--region R] [--web-dir DIR] [--bucket-key-seconds N] "
               "[--data-events on|off]\n",
               why.c_str());
  return 2;
}

bool ParseFlags(int argc, char** argv, Flags* f, std::string* error) {
  if (const char* env = std::getenv("S3LAB_DATA_DIR")) f->data_dir = env;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string v;
    auto eq = a.find('=');
    if (eq != std::string::npos) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (i + 1 < argc) {
      v = argv[++i];
    } else {
      *error = "missing value for " + a;
      return false;
    }
    try {
      if (a == "--data-dir")
        f->data_dir = v;
      else if (a == "--bind")
        f->listen.bind = v;
      else if (a == "--port")
        f->listen.port = std::stoi(v);
      else if (a == "--tls-port")
        f->listen.tls_port = std::stoi(v);
      else if (a == "--console-port")
        f->listen.console_port = std::stoi(v);
      else if (a == "--kms-endpoint")
        f->kms_endpoint = v;
      else if (a == "--region")
        f->region = v;
      else if (a == "--web-dir")
        f->listen.web_dir = v;
      else if (a == "--bucket-key-seconds")
        f->bucket_key_seconds = std::stoi(v);
      else if (a == "--data-events" && (v == "on" || v == "off"))
        f->data_events = v == "on";
      else {
        *error = "unknown flag " + a;
        return false;
      }
    } catch (const std::exception&) {
      *error = "bad value for " + a + ": " + v;
      return false;
    }
  }
  return true;
}

std::string FindWebDir(const char* argv0) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("S3LAB_WEB_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::canonical(fs::path(argv0), ec);
  // The console's pages live in <web>/public: the build's own source tree first, so a build directory
  // anywhere (S3LAB_BUILD_DIR) finds them, then the usual places relative to the binary and the cwd.
  std::vector<fs::path> candidates = {exe.parent_path() / "../../web", exe.parent_path() / "../web"};
#ifdef S3LAB_SOURCE_WEB_DIR
  candidates.insert(candidates.begin(), fs::path(S3LAB_SOURCE_WEB_DIR));
#endif
  candidates.push_back(fs::path("web"));
  for (const fs::path& p : candidates) {
    if (fs::is_directory(p / "public", ec)) return fs::weakly_canonical(p, ec).string();
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  std::string error;
  if (!ParseFlags(argc, argv, &flags, &error)) return Usage(error);
  if (flags.listen.web_dir.empty()) flags.listen.web_dir = FindWebDir(argv[0]);

  // Block the stop signals in every thread; main waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::error_code ec;
  std::filesystem::create_directories(flags.data_dir, ec);
  auto identity = common::identity::IdentityStore::Open(flags.data_dir, /*writable=*/true);
  if (!identity.ok()) {
    std::fprintf(stderr, "s3lab-s3: cannot open %s/iam.db: %s\n", flags.data_dir.c_str(),
                 identity.error().message.c_str());
    return 1;
  }
  auto account = (*identity)->EnsureAccount(common::identity::kDefaultAccountId, "lab");
  if (!account.ok()) {
    std::fprintf(stderr, "s3lab-s3: cannot create the lab account: %s\n", account.error().message.c_str());
    return 1;
  }
  if (flags.listen.tls_port > 0) {
    auto tls = common::crypto::EnsureTlsMaterial(flags.data_dir);
    if (!tls.ok()) {
      std::fprintf(stderr, "s3lab-s3: TLS material: %s\n", tls.error().message.c_str());
      return 1;
    }
    flags.listen.cert_file = flags.data_dir + "/tls/server.pem";
    flags.listen.key_file = flags.data_dir + "/tls/server.key";
  }
  common::identity::IdentityStore* identity_store = identity->get();
  common::util::LabClock clock([identity_store] { return identity_store->ClockOffsetMillis(); });

  auto master_key = common::crypto::LoadOrCreateMasterKey(flags.data_dir);
  if (!master_key.ok()) {
    std::fprintf(stderr, "s3lab-s3: master key: %s\n", master_key.error().message.c_str());
    return 1;
  }
  std::unique_ptr<emulator::sse::KmsClient> kms_client;
  if (!flags.kms_endpoint.empty()) {
    emulator::sse::KmsClientOptions kms_options;
    kms_options.endpoint = flags.kms_endpoint;
    kms_options.credential = common::identity::DeriveServiceCredential(*master_key, "s3");
    kms_options.ca_file = flags.data_dir + "/tls/ca.pem";
    kms_client = emulator::sse::KmsClient::Create(std::move(kms_options));
  }
  auto glacier = emulator::glacier::GlacierStore::Open(flags.data_dir + "/glacier.db", *master_key);
  if (!glacier.ok()) {
    std::fprintf(stderr, "s3lab-s3: %s\n", glacier.error().message.c_str());
    return 1;
  }
  auto access_points = emulator::s3control::AccessPointStore::Open(flags.data_dir + "/control.db");
  if (!access_points.ok()) {
    std::fprintf(stderr, "s3lab-s3: %s\n", access_points.error().message.c_str());
    return 1;
  }
  emulator::sse::BucketKeyCache bucket_keys(static_cast<int64_t>(flags.bucket_key_seconds) * 1000);
  emulator::store::StoreOptions store_options;
  store_options.db_path = flags.data_dir + "/s3.db";
  store_options.master_key = std::move(master_key.value());
  store_options.clock = &clock;
  auto store = emulator::store::ObjectStore::Open(std::move(store_options));
  if (!store.ok()) {
    std::fprintf(stderr, "s3lab-s3: cannot open %s/s3.db: %s\n", flags.data_dir.c_str(),
                 store.error().message.c_str());
    return 1;
  }

  emulator::Services services;
  services.glacier = glacier->get();
  services.access_points = access_points->get();
  services.store = store->get();
  services.identity = identity_store;
  services.clock = &clock;
  services.region = flags.region;
  services.kms_endpoint = flags.kms_endpoint;
  services.kms = kms_client.get();
  services.bucket_keys = &bucket_keys;
  auto trail = common::audit::Trail::Open(flags.data_dir + "/trail.db");  // CloudTrail records
  if (!trail.ok()) {
    std::fprintf(stderr, "s3lab-s3: %s\n", trail.error().message.c_str());
    return 1;
  }
  services.trail = trail->get();
  services.data_events = flags.data_events;
  emulator::Pipeline pipeline(&services);
  emulator::console::ConsoleServices console;  // the browser console on --console-port (read-only)
  console.store = services.store;
  console.identity = identity_store;
  console.kms_endpoint = flags.kms_endpoint;
  console.ca_file = flags.data_dir + "/tls/ca.pem";
  console.trail_path = flags.data_dir + "/trail.db";
  console.web_dir = flags.listen.web_dir;
  flags.listen.console_setup = [console](httplib::Server& s) { emulator::console::Install(s, console); };
  emulator::Server server(&pipeline);
  auto started = server.Start(flags.listen);
  if (!started.ok()) {
    std::fprintf(stderr, "s3lab-s3: %s\n", started.error().message.c_str());
    return 1;
  }
  std::cout << "ready" << std::endl;
  std::fprintf(
      stderr, "s3lab-s3: listening on %s:%d (http)%s, data in %s\n", flags.listen.bind.c_str(),
      flags.listen.port,
      flags.listen.tls_port > 0 ? (", :" + std::to_string(flags.listen.tls_port) + " (https)").c_str() : "",
      flags.data_dir.c_str());
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "s3lab-s3: stopping (signal %d)\n", sig);
  server.Stop();
  return 0;
}
