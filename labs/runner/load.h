// The load engine behind `s3lab load` and the lab `burst` step: one KMS cryptographic operation sent
// at a fixed offered rate for some seconds over keep-alive connections, counting per second what was
// offered, accepted (200), throttled (400 ThrottlingException) and failed (anything else).
//
// Design: request i is due at start + i/rate. `connections` worker threads (one keep-alive HTTP
// connection each) take the next index from a shared counter, wait until it is due and send it; a
// worker that falls behind sends at once, so the offered rate is what the service let us offer and
// is reported as measured (by send time), never assumed. Each worker signs its request once (SigV4,
// re-signed every minute): KMS has no replay protection. Connections are common/http/buffered_client.h
// (one send() per request, buffered reads): the generator costs ~16 us of CPU per request, so with
// the KMS service on the same two cores it offers (and the service answers) 30,000-34,000 req/s
// (bench/kms_quota.py). Throttled calls are not retried.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/sigv4/signer.h"

namespace runner {

struct LoadSpec {
  std::string operation = "GenerateDataKey";  // GenerateDataKey | Encrypt | Decrypt | GenerateRandom |
                                              // GenerateDataKeyWithoutPlaintext
  std::string region;                         // signing region (the quota's region)
  double rate = 1000;                         // offered requests per second
  int seconds = 3;
  std::string key_id;                         // "" = a new key made in the region for the run
  int connections = 0;                        // 0 = from the rate
  std::string host = "127.0.0.1";
  int port = 4590;                            // the KMS HTTP port
};

struct LoadSecond {
  int second = 0;  // 1-based
  int64_t offered = 0;
  int64_t accepted = 0;
  int64_t throttled = 0;
  int64_t failed = 0;
};

struct LoadResult {
  // One entry per second of the run, then any later second in which requests were still sent because
  // the service (or this machine) could not take the offered rate in time.
  std::vector<LoadSecond> seconds;
  std::string key_arn;
  std::string first_failure;  // status and body of the first failed request ("" = none)
  int connections = 0;
};

// Runs the load; on_second (optional) is called as each second completes (live output).
common::Result<LoadResult> RunLoad(const LoadSpec& spec, const common::sigv4::Credentials& credentials,
                                   const std::function<void(const LoadSecond&)>& on_second = {});

// The result as JSON (lab `burst` output and `s3lab load --json`): operation, region, rate, seconds, key,
// offered, accepted, throttled, failed, accepted_per_second (mean over seconds 2..N, or second 1 when
// N = 1) and per_second[] {second, offered, accepted, throttled, failed}.
std::string LoadSummaryJson(const LoadSpec& spec, const LoadResult& result);
// Sum of every second (late ones included); .second = 0.
LoadSecond LoadTotals(const LoadResult& result);

// A fixed-width table row / header for the per-second counts.
std::string LoadHeader();
std::string LoadRow(const LoadSecond& s);

}  // namespace runner
