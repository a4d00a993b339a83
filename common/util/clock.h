// Time. One lab clock for everything time-based: real time plus an offset that labs advance
// (`s3lab clock +2d`). The offset lives in iam.db (see identity/identity_store.h); services read it
// through a Clock so tests inject fixed times. Formats are the ones AWS puts on the wire.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace common::util {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMillis() const = 0;  // lab time, ms since epoch
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

// Real time + an offset obtained from a provider (called at most once per second; cheap).
class LabClock : public Clock {
 public:
  explicit LabClock(std::function<int64_t()> offset_millis_provider = nullptr);
  int64_t NowMillis() const override;

 private:
  std::function<int64_t()> provider_;
  mutable std::atomic<int64_t> cached_offset_{0};
  mutable std::atomic<int64_t> fetched_at_{-1};
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t millis) : millis_(millis) {}
  int64_t NowMillis() const override { return millis_; }
  void Set(int64_t millis) { millis_ = millis; }

 private:
  int64_t millis_;
};

int64_t RealNowMillis();
std::string FormatIso8601(int64_t millis);          // 2026-11-27T02:47:25.000Z (S3 XML LastModified)
std::string FormatIso8601Seconds(int64_t millis);   // 2026-11-27T02:47:25Z (CloudTrail eventTime)
std::string FormatAmzDate(int64_t millis);          // 20261127T024725Z
std::string FormatHttpDate(int64_t millis);         // Fri, 27 Nov 2026 02:47:25 GMT
std::optional<int64_t> ParseAmzDate(std::string_view s);    // yyyyMMddTHHmmssZ -> millis
std::optional<int64_t> ParseHttpDate(std::string_view s);   // RFC 7231 / RFC 850 / asctime -> millis
std::optional<int64_t> ParseIso8601(std::string_view s);    // with or without fraction, Z
// "+2d", "+3h", "+90m", "+30s", "-1d": a signed duration in millis.
std::optional<int64_t> ParseDuration(std::string_view s);

}  // namespace common::util
