// KMS load engine (design in load.h).
#include "labs/runner/load.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/crypto/crypto.h"
#include "common/http/buffered_client.h"
#include "common/util/encoding.h"

namespace runner {
namespace {

using Clock = std::chrono::steady_clock;

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Signed {
  httplib::Headers headers;
  std::string body;
};

// A signed KMS JSON 1.1 request (reused until re-signed).
Signed SignKms(const LoadSpec& spec, const common::sigv4::Credentials& creds, const std::string& target,
               const std::string& body) {
  common::sigv4::SignInput in;
  in.method = "POST";
  in.host = spec.host + ":" + std::to_string(spec.port);
  in.raw_path = "/";
  in.headers["Content-Type"] = "application/x-amz-json-1.1";
  in.headers["X-Amz-Target"] = "TrentService." + target;
  in.payload = body;
  in.region = spec.region;
  in.service = "kms";
  in.now_millis = WallMillis();
  in.add_content_sha256_header = false;
  Signed s{{}, body};
  // httplib adds Host and Content-Type (passed to Post) itself: both are signed with the same values.
  s.headers.emplace("X-Amz-Target", in.headers["X-Amz-Target"]);
  for (const auto& [k, v] : common::sigv4::SignHeaders(in, creds))
    if (k != "host" && k != "Host") s.headers.emplace(k, v);
  return s;
}

struct Reply {
  int status = 0;
  std::string body;
};

Reply Send(httplib::ClientImpl& cli, const Signed& s) {
  auto res = cli.Post("/", s.headers, s.body, "application/x-amz-json-1.1");
  if (!res) return Reply{0, "connection failed: " + httplib::to_string(res.error())};
  return Reply{res->status, res->body};
}

std::unique_ptr<common::http::BufferedClient> NewClient(const LoadSpec& spec) {
  auto cli = std::make_unique<common::http::BufferedClient>(spec.host, spec.port);
  cli->set_keep_alive(true);
  cli->set_tcp_nodelay(true);
  cli->set_connection_timeout(5, 0);
  cli->SetTimeouts(30, 30);
  return cli;
}

// A setup call that may meet the quota left by an earlier burst: retried for up to 5 s.
common::Result<nlohmann::json> SetupCall(const LoadSpec& spec, const common::sigv4::Credentials& creds,
                                         httplib::ClientImpl& cli, const std::string& target, const nlohmann::json& body) {
  Reply r;
  for (int attempt = 0; attempt < 50; ++attempt) {
    r = Send(cli, SignKms(spec, creds, target, body.dump()));
    if (r.status != 400 || r.body.find("ThrottlingException") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (r.status != 200)
    return common::MakeError("LoadSetupFailed", target + " failed (" + std::to_string(r.status) + "): " + r.body, 400);
  return nlohmann::json::parse(r.body, nullptr, false);
}

// The request body of the measured operation (and the key ARN used).
common::Result<std::string> PrepareBody(const LoadSpec& spec, const common::sigv4::Credentials& creds,
                                        std::string* key_arn) {
  auto cli = NewClient(spec);
  const std::string& op = spec.operation;
  if (op == "GenerateRandom") return nlohmann::json{{"NumberOfBytes", 32}}.dump();
  std::string key = spec.key_id;
  if (key.empty()) {
    auto made = SetupCall(spec, creds, *cli, "CreateKey", {{"Description", "s3lab load"}});
    if (!made.ok()) return made.error();
    key = (*made)["KeyMetadata"]["Arn"].get<std::string>();
  }
  *key_arn = key;
  std::string plaintext = common::util::Base64Encode(common::crypto::RandomBytes(32));
  if (op == "GenerateDataKey" || op == "GenerateDataKeyWithoutPlaintext")
    return nlohmann::json{{"KeyId", key}, {"KeySpec", "AES_256"}}.dump();
  if (op == "Encrypt") return nlohmann::json{{"KeyId", key}, {"Plaintext", plaintext}}.dump();
  if (op == "Decrypt") {
    auto sealed = SetupCall(spec, creds, *cli, "Encrypt", {{"KeyId", key}, {"Plaintext", plaintext}});
    if (!sealed.ok()) return sealed.error();
    *key_arn = (*sealed)["KeyId"].get<std::string>();
    return nlohmann::json{{"CiphertextBlob", (*sealed)["CiphertextBlob"]}}.dump();
  }
  return common::MakeError("InvalidOperation",
                           "s3lab load: unknown operation " + op +
                               " (GenerateDataKey, GenerateDataKeyWithoutPlaintext, Encrypt, Decrypt, GenerateRandom)",
                           400);
}

struct Counters {
  explicit Counters(int seconds)
      : offered(seconds), accepted(seconds), throttled(seconds), failed(seconds) {}
  std::vector<std::atomic<int64_t>> offered, accepted, throttled, failed;
  LoadSecond At(int i) const {
    return LoadSecond{i + 1, offered[i].load(), accepted[i].load(), throttled[i].load(), failed[i].load()};
  }
};

}  // namespace

common::Result<LoadResult> RunLoad(const LoadSpec& spec, const common::sigv4::Credentials& credentials,
                                   const std::function<void(const LoadSecond&)>& on_second) {
  if (!(spec.rate > 0) || spec.seconds < 1 || spec.seconds > 600)
    return common::MakeError("InvalidArgument", "s3lab load: --rate must be > 0 and --seconds 1..600", 400);
  LoadResult result;
  auto body = PrepareBody(spec, credentials, &result.key_arn);
  if (!body.ok()) return body.error();
  result.connections = spec.connections > 0 ? spec.connections
                                            : std::clamp(static_cast<int>(spec.rate / 800), 4, 64);
  const int64_t total = static_cast<int64_t>(spec.rate * spec.seconds);
  const double interval_ns = 1e9 / spec.rate;
  // Requests sent after the last second (the service fell behind) are counted in up to 30 late seconds.
  const int slots = spec.seconds + 30;
  Counters counters(slots);
  std::atomic<int64_t> next{0};
  std::mutex failure_mutex;
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);

  auto worker = [&]() {
    auto cli = NewClient(spec);
    Signed req = SignKms(spec, credentials, spec.operation, *body);
    Clock::time_point signed_at = Clock::now();
    for (int64_t i = next++; i < total; i = next++) {
      Clock::time_point due = start + std::chrono::nanoseconds(static_cast<int64_t>(i * interval_ns));
      if (due > Clock::now()) std::this_thread::sleep_until(due);
      Clock::time_point sent = Clock::now();
      if (sent - signed_at > std::chrono::minutes(1)) {
        req = SignKms(spec, credentials, spec.operation, *body);
        signed_at = sent;
      }
      int s = std::clamp(static_cast<int>((sent - start) / std::chrono::seconds(1)), 0, slots - 1);
      ++counters.offered[s];
      Reply r = Send(*cli, req);
      if (r.status == 200) {
        ++counters.accepted[s];
      } else if (r.status == 400 && r.body.find("ThrottlingException") != std::string::npos) {
        ++counters.throttled[s];
      } else {
        ++counters.failed[s];
        std::lock_guard lock(failure_mutex);
        if (result.first_failure.empty()) result.first_failure = std::to_string(r.status) + " " + r.body;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < result.connections; ++c) threads.emplace_back(worker);
  if (on_second) {
    // Live output: a second is printed 300 ms after it ended (its replies are in by then).
    for (int s = 0; s < spec.seconds; ++s) {
      std::this_thread::sleep_until(start + std::chrono::seconds(s + 1) + std::chrono::milliseconds(300));
      on_second(counters.At(s));
    }
  }
  for (auto& t : threads) t.join();
  for (int s = 0; s < slots; ++s)
    if (s < spec.seconds || counters.offered[s].load() > 0) result.seconds.push_back(counters.At(s));
  return result;
}

LoadSecond LoadTotals(const LoadResult& result) {
  LoadSecond total;
  for (const auto& s : result.seconds) {
    total.offered += s.offered;
    total.accepted += s.accepted;
    total.throttled += s.throttled;
    total.failed += s.failed;
  }
  return total;
}

std::string LoadSummaryJson(const LoadSpec& spec, const LoadResult& result) {
  LoadSecond total = LoadTotals(result);
  int64_t steady = 0;
  nlohmann::ordered_json per_second = nlohmann::ordered_json::array();
  for (const auto& s : result.seconds) {
    if (s.second >= 2 && s.second <= spec.seconds) steady += s.accepted;
    per_second.push_back({{"second", s.second},
                          {"offered", s.offered},
                          {"accepted", s.accepted},
                          {"throttled", s.throttled},
                          {"failed", s.failed}});
  }
  nlohmann::ordered_json summary = {{"operation", spec.operation},
                                    {"region", spec.region},
                                    {"rate", spec.rate},
                                    {"seconds", spec.seconds},
                                    {"key", result.key_arn},
                                    {"offered", total.offered},
                                    {"accepted", total.accepted},
                                    {"throttled", total.throttled},
                                    {"failed", total.failed},
                                    {"accepted_per_second", spec.seconds >= 2 ? steady / (spec.seconds - 1)
                                                                              : total.accepted},
                                    {"per_second", per_second}};
  return summary.dump(2) + "\n";
}

std::string LoadHeader() { return "second    offered   accepted  throttled     failed"; }

std::string LoadRow(const LoadSecond& s) {
  char line[96];
  std::snprintf(line, sizeof line, "%6d %10lld %10lld %10lld %10lld", s.second, static_cast<long long>(s.offered),
                static_cast<long long>(s.accepted), static_cast<long long>(s.throttled),
                static_cast<long long>(s.failed));
  return line;
}

}  // namespace runner
