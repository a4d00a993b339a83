// Encodings of the store's columns: JSON for metadata, SSE facts, checksums and part lists; packed
// binary segment lists; random ids; row decoding. See sqlite_store.h for the schema.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/util/encoding.h"
#include "emulator/store/sqlite_store.h"

namespace emulator::store {

const char* SseModeHeaderValue(SseMode mode) {
  switch (mode) {
    case SseMode::kSseS3: return "AES256";
    case SseMode::kSseKms: return "aws:kms";
    case SseMode::kSseKmsDsse: return "aws:kms:dsse";
    case SseMode::kSseC: return "";
  }
  return "";
}

namespace internal {

using nlohmann::json;

namespace {

void PutBe64(std::string& out, int64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (i * 8)) & 0xff));
}
int64_t GetBe64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<int64_t>(v);
}
std::string Str(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json::object();
}

}  // namespace

std::string PackSegments(const std::vector<Segment>& segments) {
  std::string out;
  out.reserve(segments.size() * 32);
  for (const auto& s : segments) {
    PutBe64(out, s.data_id);
    out += s.uuid;
    PutBe64(out, s.size);
  }
  return out;
}

std::vector<Segment> UnpackSegments(const std::string& blob) {
  std::vector<Segment> out;
  for (size_t off = 0; off + 32 <= blob.size(); off += 32) {
    out.push_back({GetBe64(blob.data() + off), blob.substr(off + 8, 16), GetBe64(blob.data() + off + 24)});
  }
  return out;
}

std::string ChunkAad(const std::string& uuid, int64_t index) {
  std::string aad = uuid;
  PutBe64(aad, index);
  return aad;
}

std::string MetaToJson(const ObjectMeta& m) {
  json j = json::object();
  auto put = [&](const char* name, const std::string& v) {
    if (!v.empty()) j[name] = v;
  };
  put("ct", m.content_type);
  put("ce", m.content_encoding);
  put("cd", m.content_disposition);
  put("cl", m.content_language);
  put("cc", m.cache_control);
  put("ex", m.expires);
  put("wr", m.website_redirect_location);
  if (m.storage_class != "STANDARD") j["sc"] = m.storage_class;
  if (!m.user_metadata.empty()) j["um"] = m.user_metadata;
  if (!m.extra.empty()) j["x"] = m.extra;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ObjectMeta MetaFromJson(const std::string& text) {
  json j = Parse(text);
  ObjectMeta m;
  m.content_type = Str(j, "ct");
  m.content_encoding = Str(j, "ce");
  m.content_disposition = Str(j, "cd");
  m.content_language = Str(j, "cl");
  m.cache_control = Str(j, "cc");
  m.expires = Str(j, "ex");
  m.website_redirect_location = Str(j, "wr");
  if (j.contains("sc")) m.storage_class = Str(j, "sc");
  if (j.contains("um") && j["um"].is_object()) m.user_metadata = j["um"].get<std::map<std::string, std::string>>();
  if (j.contains("x") && j["x"].is_object()) m.extra = j["x"].get<std::map<std::string, std::string>>();
  return m;
}

std::string SseToJson(const SseInfo& s) {
  json j = {{"m", static_cast<int>(s.mode)}};
  if (!s.kms_key_arn.empty()) j["k"] = s.kms_key_arn;
  if (s.bucket_key_enabled) j["bk"] = true;
  if (!s.kms_context.empty()) j["ctx"] = s.kms_context;
  if (!s.sse_c_key_hmac.empty()) j["ch"] = common::util::Base64Encode(s.sse_c_key_hmac);
  if (!s.sse_c_salt.empty()) j["cs"] = common::util::Base64Encode(s.sse_c_salt);
  if (!s.sse_c_key_md5.empty()) j["cm"] = s.sse_c_key_md5;
  return j.dump();
}

SseInfo SseFromJson(const std::string& text, std::string wrapped_key) {
  json j = Parse(text);
  SseInfo s;
  if (j.contains("m") && j["m"].is_number_integer()) s.mode = static_cast<SseMode>(j["m"].get<int>());
  s.kms_key_arn = Str(j, "k");
  s.bucket_key_enabled = j.value("bk", false);
  s.kms_context = Str(j, "ctx");
  s.sse_c_key_hmac = common::util::Base64Decode(Str(j, "ch")).value_or("");
  s.sse_c_salt = common::util::Base64Decode(Str(j, "cs")).value_or("");
  s.sse_c_key_md5 = Str(j, "cm");
  s.wrapped_key = std::move(wrapped_key);
  return s;
}

std::string ChecksumToJson(const Checksum& c) {
  if (c.algorithm.empty()) return "";
  return json{{"a", c.algorithm}, {"v", c.value_b64}, {"t", c.type}}.dump();
}

Checksum ChecksumFromJson(const std::string& text) {
  if (text.empty()) return {};
  json j = Parse(text);
  return {Str(j, "a"), Str(j, "v"), Str(j, "t")};
}

std::string PartsToJson(const std::vector<int64_t>& sizes, const std::vector<std::string>& checksums) {
  if (sizes.empty()) return "";
  return json{{"s", sizes}, {"c", checksums}}.dump();
}

void PartsFromJson(const std::string& text, std::vector<int64_t>* sizes, std::vector<std::string>* checksums) {
  if (text.empty()) return;
  json j = Parse(text);
  if (j.contains("s") && j["s"].is_array()) *sizes = j["s"].get<std::vector<int64_t>>();
  if (j.contains("c") && j["c"].is_array()) *checksums = j["c"].get<std::vector<std::string>>();
}

std::string RandomId(size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  std::string bytes = common::crypto::RandomBytes(length);
  std::string out(length, 'A');
  for (size_t i = 0; i < length; ++i) out[i] = kAlphabet[static_cast<unsigned char>(bytes[i]) & 63];
  return out;
}

std::string ColumnBytes(SQLite::Statement& s, int i) {
  SQLite::Column c = s.getColumn(i);
  const char* p = static_cast<const char*>(c.getBlob());
  return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(c.getBytes()));
}

ObjectVersion DecodeVersion(SQLite::Statement& s) {
  ObjectVersion v;
  v.seq = s.getColumn(0).getInt64();
  v.bucket = ColumnBytes(s, 1);
  v.key = ColumnBytes(s, 2);
  v.version_id = ColumnBytes(s, 3);
  v.is_delete_marker = s.getColumn(4).getInt() != 0;
  v.is_latest = s.getColumn(5).getInt() != 0;
  v.size = s.getColumn(6).getInt64();
  v.etag = ColumnBytes(s, 7);
  v.last_modified_millis = s.getColumn(8).getInt64();
  v.owner_account = ColumnBytes(s, 9);
  v.meta = MetaFromJson(ColumnBytes(s, 10));
  v.checksum = ChecksumFromJson(ColumnBytes(s, 11));
  v.sse = SseFromJson(ColumnBytes(s, 12), ColumnBytes(s, 13));
  PartsFromJson(ColumnBytes(s, 14), &v.part_sizes, &v.part_checksums);
  return v;
}

common::AwsError Internal(const std::string& what) {
  std::fprintf(stderr, "s3lab-s3: object store: %s\n", what.c_str());
  return common::MakeError("InternalError", "We encountered an internal error. Please try again.", 500);
}
common::AwsError NoSuchBucketError(const std::string& bucket) {
  return common::MakeError("NoSuchBucket", "The specified bucket does not exist", 404).With("BucketName", bucket);
}
common::AwsError NoSuchUploadError(const std::string& upload_id) {
  return common::MakeError("NoSuchUpload",
                           "The specified upload does not exist. The upload ID may be invalid, or the upload may "
                           "have been aborted or completed.",
                           404)
      .With("UploadId", upload_id);
}

}  // namespace internal
}  // namespace emulator::store
