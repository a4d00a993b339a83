// Shared object-operation helpers (see object_common.h).
#include "emulator/ops/object_common.h"

#include <algorithm>
#include <cctype>

#include "common/crypto/crypto.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops {
namespace {

constexpr size_t kMaxUserMetadataBytes = 2048;

std::string StripQuotes(std::string s) {
  s = common::util::Trim(s);
  if (common::util::StartsWith(s, "W/")) s = s.substr(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// If-Match / If-None-Match lists: "*" or comma-separated (quoted) etags.
bool EtagListMatches(const std::string& list, const std::string& etag) {
  for (const auto& item : common::util::Split(list, ',')) {
    std::string t = StripQuotes(item);
    if (t == "*" || t == etag) return true;
  }
  return false;
}

}  // namespace

common::Result<store::ObjectMeta> MetaFromRequest(const RequestContext& ctx) {
  store::ObjectMeta meta;
  const auto& h = *ctx.http;
  meta.content_type = h.HeaderOr("content-type");
  // Content-Encoding without the aws-chunked token (S3 strips it).
  std::string enc;
  for (const auto& token : common::util::Split(h.HeaderOr("content-encoding"), ',')) {
    std::string t = common::util::Trim(token);
    if (t.empty() || common::util::ToLower(t) == "aws-chunked") continue;
    enc += (enc.empty() ? "" : ",") + t;
  }
  meta.content_encoding = enc;
  meta.content_disposition = h.HeaderOr("content-disposition");
  meta.content_language = h.HeaderOr("content-language");
  meta.cache_control = h.HeaderOr("cache-control");
  meta.expires = h.HeaderOr("expires");
  meta.website_redirect_location = h.HeaderOr("x-amz-website-redirect-location");
  std::string storage = h.HeaderOr("x-amz-storage-class", "STANDARD");
  static const char* kClasses[] = {
      "STANDARD",     "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
      "DEEP_ARCHIVE", "GLACIER_IR",         "OUTPOSTS",    "SNOW",       "EXPRESS_ONEZONE"};
  bool known = false;
  for (const char* c : kClasses) known = known || storage == c;
  if (!known)
    return errors::Make("InvalidStorageClass", "The storage class you specified is not valid")
        .With("StorageClassRequested", storage);
  meta.storage_class = storage;
  size_t meta_bytes = 0;
  for (const auto& [name, value] : h.headers) {
    if (!common::util::StartsWith(name, "x-amz-meta-")) continue;
    std::string short_name = name.substr(11);
    meta_bytes += short_name.size() + value.size();
    meta.user_metadata[short_name] = value;
  }
  if (meta_bytes > kMaxUserMetadataBytes)
    return errors::Make("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.")
        .With("Size", std::to_string(meta_bytes))
        .With("MaxSizeAllowed", std::to_string(kMaxUserMetadataBytes));
  return meta;
}

common::Status ValidateVersionId(const RequestContext& ctx) {
  auto id = ctx.Query("versionId");
  if (!id || *id == "null") return common::Ok{};
  bool ok = id->size() == 32 && std::all_of(id->begin(), id->end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
            });
  if (ok) return common::Ok{};
  return errors::InvalidArgument("Invalid version id specified", "versionId", *id);
}

std::string QuotedEtag(const std::string& etag) { return "\"" + etag + "\""; }

std::string SinglePartEtag(store::SseMode mode, const std::string& md5_raw) {
  if (mode == store::SseMode::kSseS3) return common::util::HexEncode(md5_raw);
  return common::util::HexEncode(common::crypto::RandomBytes(16));
}

void AddSseHeaders(Response& res, const store::SseInfo& sse) {
  if (sse.mode == store::SseMode::kSseC) {
    res.Header("x-amz-server-side-encryption-customer-algorithm", "AES256");
    res.Header("x-amz-server-side-encryption-customer-key-MD5", sse.sse_c_key_md5);
    return;
  }
  res.Header("x-amz-server-side-encryption", store::SseModeHeaderValue(sse.mode));
  if (sse.mode == store::SseMode::kSseKms || sse.mode == store::SseMode::kSseKmsDsse) {
    res.Header("x-amz-server-side-encryption-aws-kms-key-id", sse.kms_key_arn);
    if (sse.bucket_key_enabled) res.Header("x-amz-server-side-encryption-bucket-key-enabled", "true");
  }
}

void AddSseContextHeader(Response& res, const store::SseInfo& sse) {
  if (!sse.kms_context.empty()) res.Header("x-amz-server-side-encryption-context", sse.kms_context);
}

void AddObjectHeaders(Response& res, const store::ObjectVersion& v, bool versioned_bucket,
                      bool checksum_mode) {
  res.Header("ETag", QuotedEtag(v.etag));
  res.Header("Last-Modified", common::util::FormatHttpDate(v.last_modified_millis));
  res.Header("Accept-Ranges", "bytes");
  const auto& m = v.meta;
  res.content_type = m.content_type.empty() ? "binary/octet-stream" : m.content_type;
  if (!m.content_encoding.empty()) res.Header("Content-Encoding", m.content_encoding);
  if (!m.content_disposition.empty()) res.Header("Content-Disposition", m.content_disposition);
  if (!m.content_language.empty()) res.Header("Content-Language", m.content_language);
  if (!m.cache_control.empty()) res.Header("Cache-Control", m.cache_control);
  if (!m.expires.empty()) res.Header("Expires", m.expires);
  if (!m.website_redirect_location.empty())
    res.Header("x-amz-website-redirect-location", m.website_redirect_location);
  if (!m.storage_class.empty() && m.storage_class != "STANDARD")
    res.Header("x-amz-storage-class", m.storage_class);
  for (const auto& [name, value] : m.user_metadata) res.Header("x-amz-meta-" + name, value);
  if (versioned_bucket) res.Header("x-amz-version-id", v.version_id);
  AddSseHeaders(res, v.sse);
  if (checksum_mode && !v.checksum.algorithm.empty()) {
    res.Header("x-amz-checksum-" + common::util::ToLower(v.checksum.algorithm), v.checksum.value_b64);
    if (!v.checksum.type.empty()) res.Header("x-amz-checksum-type", v.checksum.type);
  }
}

void ApplyResponseOverrides(const RequestContext& ctx, Response& res) {
  static const std::pair<const char*, const char*> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"},
  };
  for (const auto& [param, header] : kOverrides) {
    auto v = ctx.Query(param);
    if (!v) continue;
    if (std::string(header) == "Content-Type") {
      res.content_type = *v;
      continue;
    }
    std::erase_if(res.headers, [&](const auto& h) { return h.first == header; });
    res.Header(header, *v);
  }
}

common::Result<Precondition> CheckPreconditions(const RequestContext& ctx, const std::string& etag,
                                                int64_t last_modified_millis) {
  int64_t modified_s = last_modified_millis / 1000;
  auto if_match = ctx.Header("if-match");
  auto if_none_match = ctx.Header("if-none-match");
  auto parse_date = [&](const char* name) -> std::optional<int64_t> {
    auto v = ctx.Header(name);
    if (!v) return std::nullopt;
    auto ms = common::util::ParseHttpDate(*v);
    if (!ms) return std::nullopt;  // unparseable dates are ignored, as on AWS
    return *ms / 1000;
  };
  if (if_match) {
    if (!EtagListMatches(*if_match, etag)) return errors::PreconditionFailed("If-Match");
  } else if (auto since = parse_date("if-unmodified-since"); since && modified_s > *since) {
    return errors::PreconditionFailed("If-Unmodified-Since");
  }
  if (if_none_match) {
    if (EtagListMatches(*if_none_match, etag)) return Precondition::kNotModified;
  } else if (auto since = parse_date("if-modified-since"); since && modified_s <= *since) {
    return Precondition::kNotModified;
  }
  return Precondition::kProceed;
}

common::Result<std::optional<ByteRange>> ParseRange(const std::string& header, int64_t size) {
  std::string h = common::util::Trim(header);
  if (!common::util::StartsWith(h, "bytes=")) return std::optional<ByteRange>();
  std::string spec = h.substr(6);
  if (spec.find(',') != std::string::npos) return std::optional<ByteRange>();  // multi-range: whole object
  auto dash = spec.find('-');
  if (dash == std::string::npos) return std::optional<ByteRange>();
  std::string a = common::util::Trim(spec.substr(0, dash));
  std::string b = common::util::Trim(spec.substr(dash + 1));
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() < 19 &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); });
  };
  ByteRange r;
  if (a.empty()) {  // suffix: last N bytes
    if (!digits(b)) return std::optional<ByteRange>();
    int64_t n = std::stoll(b);
    if (n == 0 || size == 0) return errors::InvalidRange(size, h);
    r.first = n >= size ? 0 : size - n;
    r.last = size - 1;
    return std::optional<ByteRange>(r);
  }
  if (!digits(a) || (!b.empty() && !digits(b))) return std::optional<ByteRange>();
  r.first = std::stoll(a);
  r.last = b.empty() ? size - 1 : std::stoll(b);
  if (!b.empty() && r.last < r.first) return std::optional<ByteRange>();  // syntactically invalid: ignored
  if (r.first >= size) return errors::InvalidRange(size, h);
  if (r.last >= size) r.last = size - 1;
  return std::optional<ByteRange>(r);
}

}  // namespace emulator::ops
