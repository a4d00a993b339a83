// Streaming body decoding and verification (see body_reader.h).
#include "emulator/protocol/body_reader.h"

#include <chrono>
#include <optional>

#include "common/crypto/crypto.h"
#include "common/http/server_setup.h"
#include "common/sigv4/chunked.h"
#include "common/util/background_feed.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/protocol/errors.h"

namespace emulator {
namespace {

using common::Status;
using common::crypto::Algorithm;

// Bodies from this size on are digested on a second thread (common/util/background_feed.h).
constexpr int64_t kBackgroundDigestBytes = 8 << 20;

struct ChecksumKind {
  const char* name;    // "CRC32"
  const char* header;  // "x-amz-checksum-crc32"
  Algorithm algorithm;
  size_t bytes;
};
constexpr ChecksumKind kKinds[] = {
    {"CRC32", "x-amz-checksum-crc32", Algorithm::kCrc32, 4},
    {"CRC32C", "x-amz-checksum-crc32c", Algorithm::kCrc32c, 4},
    {"CRC64NVME", "x-amz-checksum-crc64nvme", Algorithm::kCrc64Nvme, 8},
    {"SHA1", "x-amz-checksum-sha1", Algorithm::kSha1, 20},
    {"SHA256", "x-amz-checksum-sha256", Algorithm::kSha256, 32},
};

const ChecksumKind* KindByName(const std::string& name) {
  std::string upper = name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& k : kKinds)
    if (upper == k.name) return &k;
  return nullptr;
}
const ChecksumKind* KindByHeader(const std::string& header) {
  std::string lower = common::util::ToLower(common::util::Trim(header));
  for (const auto& k : kKinds)
    if (lower == k.header) return &k;
  return nullptr;
}

class StreamingReader : public BodyReader {
 public:
  StreamingReader(const common::http::Request& request, const common::sigv4::AuthResult& auth,
                  RawSource source)
      : auth_(&auth), source_(std::move(source)) {
    (void)request;
  }

  Status ForEach(const ChunkFn& fn) override;
  const BodyDigests& digests() const override { return digests_; }
  int64_t declared_length() const override { return declared_length_; }

  bool aws_chunked_ = false;
  int64_t declared_length_ = -1;
  int64_t content_length_ = -1;
  std::string expected_md5_;            // raw, "" when no Content-MD5
  const ChecksumKind* kind_ = nullptr;  // checksum to compute
  std::string expected_checksum_b64_;   // from the header ("" = none or trailer)
  std::string trailer_name_;            // x-amz-checksum-* expected in the trailer

 private:
  const common::sigv4::AuthResult* auth_;  // owned by the RequestContext, outlives the reader
  RawSource source_;
  BodyDigests digests_;
  bool used_ = false;
};

Status StreamingReader::ForEach(const ChunkFn& fn) {
  if (used_) return errors::InternalError("body read twice");
  used_ = true;
  auto md5 = common::crypto::Hasher::Create(Algorithm::kMd5);
  std::unique_ptr<common::crypto::Hasher> checksum;
  if (kind_) checksum = common::crypto::Hasher::Create(kind_->algorithm);
  std::optional<common::sigv4::PayloadVerifier> sha;
  if (!aws_chunked_ && auth_->payload_mode == common::sigv4::PayloadMode::kSha256 &&
      !auth_->payload_sha256_hex.empty())
    sha.emplace(auth_->payload_sha256_hex);

  auto digest = [&](std::string_view piece) {
    md5->Update(piece);
    if (checksum) checksum->Update(piece);
    if (sha) sha->Update(piece);
  };
  // A large body is digested on a thread of its own, beside the request thread's work.
  std::optional<common::util::BackgroundFeed> background;
  if (std::max(content_length_, declared_length_) >= kBackgroundDigestBytes) background.emplace(digest);

  Status sink_status;
  int64_t decoded = 0;
  auto deliver = [&](std::string_view piece) -> Status {
    decoded += static_cast<int64_t>(piece.size());
    if (background) {
      background->Feed(piece);
    } else {
      digest(piece);
    }
    return fn(piece);
  };
  std::optional<common::sigv4::AwsChunkedDecoder> decoder;
  if (aws_chunked_) decoder.emplace(*auth_, declared_length_, deliver);

  // A read that fails after the client sent nothing for the server's whole read timeout is a stalled
  // client (AWS: RequestTimeout); one that fails sooner is a body that ended early (IncompleteBody).
  using SteadyClock = std::chrono::steady_clock;
  auto last_data = SteadyClock::now();
  bool ok = source_([&](const char* data, size_t size) {
    last_data = SteadyClock::now();
    std::string_view piece(data, size);
    sink_status = decoder ? decoder->Feed(piece) : deliver(piece);
    return sink_status.ok();
  });
  // One text for a short body, whichever layer noticed it.
  auto normalize = [](const common::Status& s) -> common::Status {
    if (!s.ok() && s.error().code == "IncompleteBody") return errors::IncompleteBody();
    return s;
  };
  if (!sink_status.ok()) return normalize(sink_status);
  if (!ok) {
    const auto stall_limit = std::chrono::seconds(common::http::ServerOptions{}.read_timeout_s - 1);
    if (SteadyClock::now() - last_data >= stall_limit) return errors::RequestTimeout();
    return errors::IncompleteBody();
  }
  if (decoder) {
    S3LAB_TRY(normalize(decoder->Finish()));
  } else if (content_length_ >= 0 && decoded != content_length_) {
    return errors::IncompleteBody();
  }
  if (declared_length_ >= 0 && decoded != declared_length_) return errors::IncompleteBody();
  if (background) background->Finish();
  if (sha) S3LAB_TRY(sha->Finish());

  digests_.length = decoded;
  digests_.md5 = md5->Digest();
  if (!expected_md5_.empty() && expected_md5_ != digests_.md5)
    return errors::BadDigestMd5(common::util::Base64Encode(expected_md5_),
                                common::util::Base64Encode(digests_.md5));
  if (kind_) {
    digests_.checksum_algorithm = kind_->name;
    digests_.checksum_b64 = common::util::Base64Encode(checksum->Digest());
    std::string expected = expected_checksum_b64_;
    if (expected.empty() && decoder && !trailer_name_.empty()) {
      auto it = decoder->trailers().find(trailer_name_);
      if (it != decoder->trailers().end()) {
        expected = common::util::Trim(it->second);
        auto raw = common::util::Base64Decode(expected);
        if (!raw || raw->size() != kind_->bytes)
          return errors::InvalidRequest(std::string("Value for ") + kind_->header +
                                        " trailing header is invalid.");
      }
    }
    if (!expected.empty()) {
      digests_.checksum_from_client = true;
      if (expected != digests_.checksum_b64)
        return errors::BadDigest(std::string("The ") + kind_->name +
                                 " you specified did not match the calculated checksum.");
    }
  }
  return common::Ok{};
}

}  // namespace

bool ChecksumAlgorithmFromName(const std::string& upper_name, Algorithm* out) {
  const ChecksumKind* k = KindByName(upper_name);
  if (!k) return false;
  *out = k->algorithm;
  return true;
}

common::Result<std::string> BodyReader::ReadAll(size_t max_bytes) {
  std::string out;
  Status s = ForEach([&](std::string_view piece) -> Status {
    if (out.size() + piece.size() > max_bytes)
      return common::MakeError("MaxMessageLengthExceeded", "Your request was too big.", 400);
    out.append(piece);
    return common::Ok{};
  });
  if (!s.ok()) return s.error();
  return out;
}

RawSource StringSource(std::string body) {
  return [body = std::move(body)](const std::function<bool(const char*, size_t)>& receive) {
    if (body.empty()) return true;
    return receive(body.data(), body.size());
  };
}

common::Result<std::unique_ptr<BodyReader>> MakeBodyReader(const common::http::Request& request,
                                                           const common::sigv4::AuthResult& auth,
                                                           RawSource source) {
  auto reader = std::make_unique<StreamingReader>(request, auth, std::move(source));
  using common::sigv4::PayloadMode;
  std::string encoding = common::util::ToLower(request.HeaderOr("content-encoding"));
  reader->aws_chunked_ = encoding.find("aws-chunked") != std::string::npos ||
                         auth.payload_mode == PayloadMode::kStreamingSigned ||
                         auth.payload_mode == PayloadMode::kStreamingSignedTrailer ||
                         auth.payload_mode == PayloadMode::kStreamingUnsignedTrailer;
  auto parse_len = [](const std::optional<std::string>& v) -> int64_t {
    if (!v || v->empty()) return -1;
    for (char c : *v)
      if (c < '0' || c > '9') return -2;
    return std::stoll(*v);
  };
  int64_t content_length = parse_len(request.Header("content-length"));
  int64_t decoded_length = parse_len(request.Header("x-amz-decoded-content-length"));
  if (content_length == -2 || decoded_length == -2)
    return errors::InvalidArgument("Invalid length", "Content-Length", request.HeaderOr("content-length"));
  if (reader->aws_chunked_) {
    reader->declared_length_ = decoded_length;
  } else {
    reader->content_length_ = content_length;
    reader->declared_length_ = content_length;
  }

  if (auto md5 = request.Header("content-md5")) {
    auto raw = common::util::Base64Decode(common::util::Trim(*md5));
    if (!raw || raw->size() != 16) return errors::InvalidDigest();
    reader->expected_md5_ = *raw;
  }
  // Checksum: at most one header; a trailer named in x-amz-trailer; or only the algorithm to compute.
  const ChecksumKind* header_kind = nullptr;
  for (const auto& k : kKinds) {
    auto v = request.Header(k.header);
    if (!v) continue;
    if (header_kind)
      return errors::InvalidRequest(
          "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    header_kind = &k;
    auto raw = common::util::Base64Decode(common::util::Trim(*v));
    if (!raw || raw->size() != k.bytes)
      return errors::InvalidRequest(std::string("Value for ") + k.header + " header is invalid.");
    reader->expected_checksum_b64_ = common::util::Trim(*v);
  }
  reader->kind_ = header_kind;
  if (auto trailer = request.Header("x-amz-trailer"); trailer && !header_kind) {
    if (const ChecksumKind* k = KindByHeader(*trailer)) {
      reader->kind_ = k;
      reader->trailer_name_ = k->header;
    }
  }
  if (!reader->kind_) {
    if (auto alg = request.Header("x-amz-sdk-checksum-algorithm")) reader->kind_ = KindByName(*alg);
  }
  if (!reader->kind_) {
    if (auto alg = request.Header("x-amz-checksum-algorithm")) reader->kind_ = KindByName(*alg);
  }
  return std::unique_ptr<BodyReader>(std::move(reader));
}

}  // namespace emulator
