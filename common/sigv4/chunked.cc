// aws-chunked push decoder. Memory is bounded by one framing line (kMaxLine): chunk data is passed to
// the sink as it arrives and hashed incrementally, so a signed chunk is verified when its last byte has
// been seen. NOTE: the sink may therefore already hold the bytes of a chunk whose signature then fails;
// the caller discards the upload on any error, as it must for every other error too.
#include "common/sigv4/chunked.h"

#include <optional>

#include "common/sigv4/internal.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"

namespace common::sigv4 {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxTrailerBytes = 16384;
constexpr uint64_t kMinSignedChunk = 8192;

AwsError Malformed(const std::string& detail) {
  return internal::InvalidRequest("Malformed aws-chunked body: " + detail + ".");
}
AwsError Incomplete(const std::string& message) { return MakeError("IncompleteBody", message, 400); }
constexpr const char* kLengthMismatch =
    "You did not provide the number of bytes specified by the Content-Length HTTP header";

}  // namespace

struct AwsChunkedDecoder::State {
  enum class Phase { kSize, kData, kDataCr, kDataLf, kTrailer, kDone };
  PayloadMode mode;
  bool signed_chunks;
  std::string akid, amz_date, scope, previous_signature;
  crypto::SecretBytes key;
  int64_t decoded_length;
  Sink sink;

  Phase phase = Phase::kSize;
  std::string line;  // partial framing line, never more than kMaxLine
  uint64_t remaining = 0;
  uint64_t chunk_size = 0;
  int64_t chunk_index = 0;
  std::string chunk_signature;
  std::unique_ptr<crypto::Hasher> chunk_hash;
  std::string trailer_canonical;  // "name:value\n" per trailer, for the trailer signature
  std::string trailer_signature;
  size_t trailer_bytes = 0;
  std::optional<AwsError> error;  // sticky

  Status Verify(const std::string& prefix, const std::string& tail, const std::string& provided) {
    std::string sts = prefix + "\n" + amz_date + "\n" + scope + "\n" + previous_signature + "\n" + tail;
    std::string expected = util::HexEncode(crypto::HmacSha256(key.view(), sts));
    if (!crypto::ConstantTimeEquals(expected, provided))
      return internal::SignatureDoesNotMatch(akid, sts, provided, nullptr);
    previous_signature = provided;
    return Ok{};
  }

  Status EndChunk() {
    if (!signed_chunks) return Ok{};
    std::string data_hash = chunk_hash ? util::HexEncode(chunk_hash->Digest()) : internal::kEmptySha256;
    chunk_hash.reset();
    return Verify("AWS4-HMAC-SHA256-PAYLOAD", std::string(internal::kEmptySha256) + "\n" + data_hash,
                  chunk_signature);
  }

  Status SizeLine(std::string text) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    size_t semi = text.find(';');
    std::string hex = text.substr(0, semi);
    if (hex.empty() || hex.size() > 15) return Malformed("invalid chunk size '" + hex + "'");
    uint64_t size = 0;
    for (char c : hex) {
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return Malformed("invalid chunk size '" + hex + "'");
      size = size * 16 + static_cast<uint64_t>(d);
    }
    chunk_signature.clear();
    if (semi != std::string::npos) {
      for (const auto& ext : util::Split(std::string_view(text).substr(semi + 1), ';')) {
        std::string e = util::Trim(ext);
        if (util::StartsWith(e, "chunk-signature=")) chunk_signature = e.substr(16);
      }
    }
    if (signed_chunks) {
      if (chunk_signature.size() != 64)
        return Malformed("chunk " + std::to_string(chunk_index + 1) + " has no chunk-signature");
      if (size > 0 && chunk_index > 0 && chunk_size < kMinSignedChunk) {
        return MakeError("InvalidChunkSizeError",
                         "Only the last chunk is allowed to have a size less than 8192 bytes", 403)
            .With("Chunk", std::to_string(chunk_index))
            .With("BadChunkSize", std::to_string(chunk_size));
      }
      chunk_hash = crypto::Hasher::Create(crypto::Algorithm::kSha256);
    }
    ++chunk_index;
    chunk_size = size;
    if (size == 0) {
      S3LAB_TRY(EndChunk());
      phase = Phase::kTrailer;
      return Ok{};
    }
    remaining = size;
    phase = Phase::kData;
    return Ok{};
  }

  Status TrailerLine(std::string text, std::map<std::string, std::string>* trailers) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) return Complete();
    trailer_bytes += text.size();
    if (trailer_bytes > kMaxTrailerBytes) return Malformed("trailers too large");
    size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0) return Malformed("invalid trailer line");
    std::string name = util::ToLower(util::Trim(text.substr(0, colon)));
    std::string value = util::Trim(text.substr(colon + 1));
    if (name == "x-amz-trailer-signature") {
      trailer_signature = value;
      return Ok{};
    }
    if (!trailer_signature.empty()) return Malformed("trailer after x-amz-trailer-signature");
    (*trailers)[name] = value;
    trailer_canonical += name + ":" + value + "\n";
    return Ok{};
  }

  Status Complete() {
    if (mode == PayloadMode::kStreamingSignedTrailer) {
      if (trailer_signature.empty()) return Malformed("missing x-amz-trailer-signature");
      S3LAB_TRY(Verify("AWS4-HMAC-SHA256-TRAILER", crypto::Sha256Hex(trailer_canonical), trailer_signature));
    }
    phase = Phase::kDone;
    return Ok{};
  }
};

AwsChunkedDecoder::AwsChunkedDecoder(const AuthResult& auth, int64_t decoded_length, Sink sink)
    : state_(std::make_shared<State>()) {
  State& s = *state_;
  s.mode = auth.payload_mode;
  s.signed_chunks = auth.payload_mode == PayloadMode::kStreamingSigned ||
                    auth.payload_mode == PayloadMode::kStreamingSignedTrailer;
  s.akid = auth.access_key_id;
  s.amz_date = auth.amz_date;
  s.scope = auth.scope;
  s.previous_signature = auth.seed_signature;
  s.key = crypto::SecretBytes(auth.signing_key.bytes());
  s.decoded_length = decoded_length;
  s.sink = std::move(sink);
}

Status AwsChunkedDecoder::Feed(std::string_view bytes) {
  State& s = *state_;
  if (s.error) return *s.error;
  auto fail = [&s](AwsError e) -> Status {
    s.error = e;
    return e;
  };
  while (!bytes.empty()) {
    switch (s.phase) {
      case State::Phase::kSize:
      case State::Phase::kTrailer: {
        size_t nl = bytes.find('\n');
        size_t take = nl == std::string_view::npos ? bytes.size() : nl;
        if (s.line.size() + take > kMaxLine)
          return fail(Malformed("chunk header line longer than 4096 bytes"));
        s.line.append(bytes.substr(0, take));
        if (nl == std::string_view::npos) return Ok{};
        bytes.remove_prefix(nl + 1);
        std::string line = std::move(s.line);
        s.line.clear();
        Status st = s.phase == State::Phase::kSize ? s.SizeLine(std::move(line))
                                                   : s.TrailerLine(std::move(line), &trailers_);
        if (!st.ok()) return fail(st.error());
        break;
      }
      case State::Phase::kData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(s.remaining, bytes.size()));
        std::string_view piece = bytes.substr(0, n);
        decoded_bytes_ += static_cast<int64_t>(n);
        if (s.decoded_length >= 0 && decoded_bytes_ > s.decoded_length)
          return fail(Incomplete(kLengthMismatch));
        if (s.chunk_hash) s.chunk_hash->Update(piece);
        Status st = s.sink ? s.sink(piece) : Status(Ok{});
        if (!st.ok()) return fail(st.error());
        bytes.remove_prefix(n);
        s.remaining -= n;
        if (s.remaining == 0) s.phase = State::Phase::kDataCr;
        break;
      }
      case State::Phase::kDataCr:
        if (bytes[0] != '\r') return fail(Malformed("chunk data not followed by CRLF"));
        bytes.remove_prefix(1);
        s.phase = State::Phase::kDataLf;
        break;
      case State::Phase::kDataLf: {
        if (bytes[0] != '\n') return fail(Malformed("chunk data not followed by CRLF"));
        bytes.remove_prefix(1);
        Status st = s.EndChunk();
        if (!st.ok()) return fail(st.error());
        s.phase = State::Phase::kSize;
        break;
      }
      case State::Phase::kDone:
        // Tolerate stray line ends after the terminating blank line; anything else is framing garbage.
        if (bytes[0] != '\r' && bytes[0] != '\n') return fail(Malformed("data after the final chunk"));
        bytes.remove_prefix(1);
        break;
    }
  }
  return Ok{};
}

Status AwsChunkedDecoder::Finish() {
  State& s = *state_;
  if (s.error) return *s.error;
  // Some clients omit the blank line that ends the trailer section; accept a clean end after it.
  if (s.phase == State::Phase::kTrailer && s.line.empty()) {
    Status st = s.Complete();
    if (!st.ok()) return s.error = st.error(), st;
  }
  if (s.phase != State::Phase::kDone) {
    s.error = Incomplete("The request body terminated unexpectedly");
    return *s.error;
  }
  if (s.decoded_length >= 0 && decoded_bytes_ != s.decoded_length) {
    s.error = Incomplete(kLengthMismatch);
    return *s.error;
  }
  return Ok{};
}

}  // namespace common::sigv4
