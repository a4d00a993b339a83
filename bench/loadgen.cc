// s3lab-loadgen: the load generator of bench/run.sh. N worker threads, one keep-alive httplib::Client
// each (TCP_NODELAY, `Accept-Encoding: identity` as botocore sends), every request SigV4-signed with
// common::sigv4::SignHeaders at send time — so the server verifies a real signature per request, as it
// would for boto3. Works against s3lab and moto_server alike (moto ignores signatures).
//
// Modes (one JSON line on stdout with the figures; progress and errors on stderr):
//   s3-put   PUT /<bucket>/<prefix><thread>-<i mod keys> with --size bytes (hex SHA-256 payload hash)
//   s3-get   GET of the same keys (written first, untimed, by the same workers)
//   kms-gdk  POST / TrentService.GenerateDataKey {"KeyId": <key-id>, "KeySpec": "AES_256"}
//   big-put  one streaming PUT of --size bytes (UNSIGNED-PAYLOAD), 1 MiB writes
//   big-get  one streaming GET, bytes counted and discarded
// --ca-file PEM: HTTPS against that CA (the instance's tls/ca.pem). --sse-c-key BASE64: every S3 request
// carries the three SSE-C headers (x-amz-server-side-encryption-customer-*, signed) with that 32-byte key.
// Example: s3lab-loadgen --mode s3-put --host 127.0.0.1 --port 4580 --access-key AK --secret-key SK
//          --bucket bench --size 4096 --concurrency 32 --duration 10
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/sigv4/signer.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"

namespace {

struct Options {
  std::string mode, host = "127.0.0.1", bucket = "bench", prefix = "obj-", key_id = "alias/bench";
  std::string access_key, secret_key, region = "us-east-1", key = "big.bin";
  std::string ca_file, sse_c_key;
  int port = 4580, concurrency = 1, keys = 64;
  double duration = 10;
  size_t size = 4096;
};

struct Stats {
  int64_t ok = 0, errors = 0, bytes = 0;
  std::vector<double> latencies_ms;
  std::string first_error;
};

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr, "s3lab-loadgen: %s\nsee the header of bench/loadgen.cc for the options\n", why);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string*> strs = {
      {"--mode", &o.mode},     {"--host", &o.host},         {"--bucket", &o.bucket},
      {"--prefix", &o.prefix}, {"--key-id", &o.key_id},     {"--access-key", &o.access_key},
      {"--key", &o.key},       {"--secret-key", &o.secret_key}, {"--region", &o.region},
      {"--ca-file", &o.ca_file}, {"--sse-c-key", &o.sse_c_key}};
  for (int i = 1; i < argc; i += 2) {
    std::string name = argv[i];
    if (i + 1 >= argc) Usage(("missing value for " + name).c_str());
    std::string value = argv[i + 1];
    if (auto it = strs.find(name); it != strs.end()) *it->second = value;
    else if (name == "--port") o.port = std::atoi(value.c_str());
    else if (name == "--concurrency") o.concurrency = std::max(1, std::atoi(value.c_str()));
    else if (name == "--keys") o.keys = std::max(1, std::atoi(value.c_str()));
    else if (name == "--duration") o.duration = std::atof(value.c_str());
    else if (name == "--size") o.size = std::strtoull(value.c_str(), nullptr, 10);
    else Usage(("unknown option " + name).c_str());
  }
  if (o.mode.empty() || o.access_key.empty() || o.secret_key.empty()) Usage("--mode, --access-key, --secret-key needed");
  return o;
}

// Signs and returns httplib headers for one request.
httplib::Headers Signed(const Options& o, const std::string& method, const std::string& path,
                        const std::string& service, const std::string& payload_hash,
                        std::map<std::string, std::string> extra = {}, const std::string& payload = "") {
  common::sigv4::SignInput in;
  in.method = method;
  in.host = o.host + ":" + std::to_string(o.port);
  in.raw_path = path;
  in.headers = extra;
  in.payload = payload;
  in.payload_hash = payload_hash;
  in.region = o.region;
  in.service = service;
  in.now_millis = common::util::RealNowMillis();
  in.add_content_sha256_header = service == "s3";
  httplib::Headers out;
  for (const auto& [k, v] : extra) out.emplace(k, v);
  for (const auto& [k, v] : common::sigv4::SignHeaders(in, {o.access_key, o.secret_key, ""})) {
    if (!extra.count(k)) out.emplace(k, v);
  }
  out.emplace("Accept-Encoding", "identity");
  return out;
}

// The SSE-C request headers of --sse-c-key (none without it).
std::map<std::string, std::string> S3Extra(const Options& o) {
  if (o.sse_c_key.empty()) return {};
  auto raw = common::util::Base64Decode(o.sse_c_key);
  if (!raw || raw->size() != 32) Usage("--sse-c-key must be base64 of 32 bytes");
  return {{"x-amz-server-side-encryption-customer-algorithm", "AES256"},
          {"x-amz-server-side-encryption-customer-key", o.sse_c_key},
          {"x-amz-server-side-encryption-customer-key-MD5", common::util::Base64Encode(common::crypto::Md5(*raw))}};
}

std::unique_ptr<httplib::Client> NewClient(const Options& o) {
  std::unique_ptr<httplib::Client> cli;
  if (o.ca_file.empty()) {
    cli = std::make_unique<httplib::Client>(o.host, o.port);
  } else {
    cli = std::make_unique<httplib::Client>("https://" + o.host + ":" + std::to_string(o.port));
    cli->set_ca_cert_path(o.ca_file.c_str());
    cli->enable_server_certificate_verification(true);
  }
  cli->set_keep_alive(true);
  cli->set_tcp_nodelay(true);
  cli->set_connection_timeout(10);
  cli->set_read_timeout(120);
  cli->set_write_timeout(120);
  return cli;
}

void Note(Stats& s, const httplib::Result& r, double ms, int64_t bytes) {
  if (r && r->status / 100 == 2) {
    ++s.ok;
    s.bytes += bytes;
    s.latencies_ms.push_back(ms);
    return;
  }
  ++s.errors;
  if (s.first_error.empty()) {
    s.first_error = r ? std::to_string(r->status) + " " + r->body.substr(0, 300) : httplib::to_string(r.error());
  }
}

// One worker of the request/response modes, until the deadline.
void Worker(const Options& o, int id, Clock::time_point deadline, Stats& s) {
  auto cli = NewClient(o);
  const std::string body(o.size, static_cast<char>('a' + id % 26));
  const std::string body_hash = common::crypto::Sha256Hex(body);
  const std::string gdk = "{\"KeyId\": \"" + o.key_id + "\", \"KeySpec\": \"AES_256\"}";
  for (int64_t i = 0; Clock::now() < deadline; ++i) {
    const std::string path = "/" + o.bucket + "/" + o.prefix + std::to_string(id) + "-" +
                             std::to_string(i % o.keys);
    auto t0 = Clock::now();
    if (o.mode == "s3-put") {
      auto r = cli->Put(path, Signed(o, "PUT", path, "s3", body_hash, S3Extra(o)), body, "application/octet-stream");
      Note(s, r, Since(t0) * 1e3, static_cast<int64_t>(body.size()));
    } else if (o.mode == "s3-get") {
      auto r = cli->Get(path, Signed(o, "GET", path, "s3", common::crypto::Sha256Hex(""), S3Extra(o)));
      Note(s, r, Since(t0) * 1e3, r ? static_cast<int64_t>(r->body.size()) : 0);
    } else {
      std::map<std::string, std::string> h = {{"Content-Type", "application/x-amz-json-1.1"},
                                              {"X-Amz-Target", "TrentService.GenerateDataKey"}};
      // Content-Type is in the signed headers already; an empty content_type stops httplib adding a second.
      auto r = cli->Post("/", Signed(o, "POST", "/", "kms", "", h, gdk), gdk, "");
      Note(s, r, Since(t0) * 1e3, 0);
    }
  }
}

// Untimed: worker `id` writes its --keys objects so that s3-get never asks for a missing key.
void Prefill(const Options& o, int id, Stats& s) {
  auto cli = NewClient(o);
  const std::string body(o.size, static_cast<char>('a' + id % 26));
  const std::string body_hash = common::crypto::Sha256Hex(body);
  for (int k = 0; k < o.keys; ++k) {
    const std::string path = "/" + o.bucket + "/" + o.prefix + std::to_string(id) + "-" + std::to_string(k);
    auto r = cli->Put(path, Signed(o, "PUT", path, "s3", body_hash, S3Extra(o)), body, "application/octet-stream");
    Note(s, r, 0, 0);
  }
}

Stats RunBig(const Options& o) {
  Stats s;
  auto cli = NewClient(o);
  const std::string path = "/" + o.bucket + "/" + o.key;
  auto t0 = Clock::now();
  if (o.mode == "big-put") {
    std::string block(1 << 20, '\0');
    for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 2654435761u) >> 13);
    auto r = cli->Put(path, Signed(o, "PUT", path, "s3", "UNSIGNED-PAYLOAD", S3Extra(o)), o.size,
                      [&](size_t offset, size_t length, httplib::DataSink& sink) {
                        size_t n = std::min(length, block.size() - offset % block.size());
                        return sink.write(block.data() + offset % block.size(), n);
                      },
                      "application/octet-stream");
    Note(s, r, Since(t0) * 1e3, static_cast<int64_t>(o.size));
  } else {
    int64_t got = 0;
    auto r = cli->Get(path, Signed(o, "GET", path, "s3", common::crypto::Sha256Hex(""), S3Extra(o)),
                      [&](const char*, size_t n) { got += static_cast<int64_t>(n); return true; });
    Note(s, r, Since(t0) * 1e3, got);
    if (r && r->status == 200 && static_cast<size_t>(got) != o.size) {
      s.first_error = "short body: " + std::to_string(got) + " of " + std::to_string(o.size);
      s.ok = 0, s.errors = 1;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const bool big = o.mode == "big-put" || o.mode == "big-get";
  if (!big && o.mode != "s3-put" && o.mode != "s3-get" && o.mode != "kms-gdk") Usage("unknown --mode");
  Stats total;
  if (o.mode == "s3-get") {
    std::vector<Stats> per(o.concurrency);
    std::vector<std::thread> threads;
    for (int i = 0; i < o.concurrency; ++i) threads.emplace_back(Prefill, std::cref(o), i, std::ref(per[i]));
    for (auto& t : threads) t.join();
    for (auto& s : per) {
      if (s.errors) {
        std::fprintf(stderr, "s3lab-loadgen: prefill failed: %s\n", s.first_error.c_str());
        return 1;
      }
    }
  }
  auto t0 = Clock::now();
  if (big) {
    total = RunBig(o);
  } else {
    std::vector<Stats> per(o.concurrency);
    std::vector<std::thread> threads;
    auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
    for (int i = 0; i < o.concurrency; ++i) threads.emplace_back(Worker, std::cref(o), i, deadline, std::ref(per[i]));
    for (auto& t : threads) t.join();
    for (auto& s : per) {
      total.ok += s.ok, total.errors += s.errors, total.bytes += s.bytes;
      total.latencies_ms.insert(total.latencies_ms.end(), s.latencies_ms.begin(), s.latencies_ms.end());
      if (total.first_error.empty()) total.first_error = s.first_error;
    }
  }
  const double secs = Since(t0);
  std::sort(total.latencies_ms.begin(), total.latencies_ms.end());
  auto pct = [&](double p) {
    return total.latencies_ms.empty() ? 0.0 : total.latencies_ms[static_cast<size_t>(p * (total.latencies_ms.size() - 1))];
  };
  std::string err;
  for (char c : total.first_error) err += (c == '"' || c == '\\') ? '\'' : (c < 0x20 ? ' ' : c);
  std::printf("{\"mode\": \"%s\", \"ok\": %lld, \"errors\": %lld, \"seconds\": %.3f, \"rps\": %.1f, "
              "\"mb_per_s\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"first_error\": \"%s\"}\n",
              o.mode.c_str(), static_cast<long long>(total.ok), static_cast<long long>(total.errors), secs,
              total.ok / secs, total.bytes / secs / 1e6, pct(0.5), pct(0.99), err.c_str());
  return total.ok > 0 ? 0 : 1;
}
