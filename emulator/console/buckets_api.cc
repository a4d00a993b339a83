// GET /api/buckets and GET /api/buckets/<name>/versions: buckets and object versions of s3.db for the
// console's Buckets page, read through the ObjectStore (the same reads ListBuckets / ListObjectVersions do).
//
// /api/buckets: {"buckets": [{"name", "account", "region", "created", "versioning", "policy" (bool),
//   "encryption": {"sseAlgorithm", "kmsMasterKeyId", "bucketKeyEnabled"}}]} — every account's buckets
//   (accounts from the identity store), by account then name.
// /api/buckets/<name>/versions?prefix=&key_marker=&version_id_marker=&limit= (limit 1..1000, default 200):
//   {"bucket": {...as above}, "versions": [{"key", "versionId", "isLatest", "isDeleteMarker", "size",
//   "etag", "lastModified", "storageClass", "encryption": {"mode" ("SSE-S3" | "SSE-KMS" | "DSSE-KMS" |
//   "SSE-C"), "serverSideEncryption" (the x-amz-server-side-encryption value, "" for SSE-C),
//   "kmsKeyArn", "bucketKeyEnabled"}}], "isTruncated", "nextKeyMarker", "nextVersionIdMarker"}.
// Never the wrapped data key, the SSE-C key HMAC/salt/MD5 or object bytes. Unknown bucket: 404 NoSuchBucket.
#include <algorithm>
#include <string>

#include "common/util/clock.h"
#include "emulator/console/api_json.h"
#include "emulator/console/console.h"

namespace emulator::console {
namespace {

using OJson = nlohmann::ordered_json;

const char* ModeName(store::SseMode mode) {
  switch (mode) {
    case store::SseMode::kSseS3: return "SSE-S3";
    case store::SseMode::kSseKms: return "SSE-KMS";
    case store::SseMode::kSseKmsDsse: return "DSSE-KMS";
    case store::SseMode::kSseC: return "SSE-C";
  }
  return "";
}

OJson BucketJson(const store::BucketRecord& b) {
  return OJson{{"name", b.name},
               {"account", b.owner_account},
               {"region", b.region},
               {"created", common::util::FormatIso8601(b.created_millis)},
               {"versioning", b.versioning.empty() ? OJson(nullptr) : OJson(b.versioning)},
               {"policy", !b.policy.empty()},
               {"encryption",
                {{"sseAlgorithm", b.encryption.sse_algorithm},
                 {"kmsMasterKeyId", b.encryption.kms_master_key_id.empty()
                                        ? OJson(nullptr)
                                        : OJson(b.encryption.kms_master_key_id)},
                 {"bucketKeyEnabled", b.encryption.bucket_key_enabled}}}};
}

OJson VersionJson(const store::ObjectVersion& v) {
  OJson encryption = nullptr;
  if (!v.is_delete_marker) {
    const bool kms = v.sse.mode == store::SseMode::kSseKms || v.sse.mode == store::SseMode::kSseKmsDsse;
    encryption = OJson{{"mode", ModeName(v.sse.mode)},
                       {"serverSideEncryption", store::SseModeHeaderValue(v.sse.mode)},
                       {"kmsKeyArn", kms && !v.sse.kms_key_arn.empty() ? OJson(v.sse.kms_key_arn) : OJson(nullptr)},
                       {"bucketKeyEnabled", kms && v.sse.bucket_key_enabled}};
  }
  return OJson{{"key", v.key},
               {"versionId", v.version_id},
               {"isLatest", v.is_latest},
               {"isDeleteMarker", v.is_delete_marker},
               {"size", v.size},
               {"etag", v.etag.empty() ? OJson(nullptr) : OJson("\"" + v.etag + "\"")},
               {"lastModified", common::util::FormatIso8601(v.last_modified_millis)},
               {"storageClass", v.is_delete_marker ? OJson(nullptr) : OJson(v.meta.storage_class)},
               {"encryption", encryption}};
}

void HandleBuckets(const ConsoleServices& s, httplib::Response& res) {
  std::vector<std::string> accounts;
  if (s.identity)
    for (const auto& a : s.identity->ListAccounts()) accounts.push_back(a.id);
  std::sort(accounts.begin(), accounts.end());
  OJson buckets = OJson::array();
  for (const auto& account : accounts) {
    auto listed = s.store->ListBuckets(account);
    if (!listed.ok()) return SendError(res, 500, listed.error().code, listed.error().message);
    std::sort(listed->begin(), listed->end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& b : *listed) buckets.push_back(BucketJson(b));
  }
  SendJson(res, {{"buckets", std::move(buckets)}});
}

void HandleVersions(const ConsoleServices& s, const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1];
  auto bucket = s.store->GetBucket(name);
  if (!bucket.ok()) return SendError(res, bucket.error().http_status, bucket.error().code, bucket.error().message);
  bool bad = false;
  store::ListQuery q;
  q.prefix = Param(req, "prefix");
  q.marker = Param(req, "key_marker");
  q.version_id_marker = Param(req, "version_id_marker");
  q.max_keys = 200;
  if (auto limit = IntParam(req, "limit", &bad)) q.max_keys = static_cast<int>(std::clamp<int64_t>(*limit, 1, 1000));
  if (bad) return SendError(res, 400, "InvalidParameter", "limit must be an integer");
  auto listed = s.store->ListObjectVersions(name, q);
  if (!listed.ok()) return SendError(res, listed.error().http_status, listed.error().code, listed.error().message);
  OJson versions = OJson::array();
  for (const auto& v : listed->contents) versions.push_back(VersionJson(v));
  SendJson(res, {{"bucket", BucketJson(*bucket)},
                 {"versions", std::move(versions)},
                 {"isTruncated", listed->is_truncated},
                 {"nextKeyMarker", listed->is_truncated ? OJson(listed->next_marker) : OJson(nullptr)},
                 {"nextVersionIdMarker",
                  listed->is_truncated ? OJson(listed->next_version_id_marker) : OJson(nullptr)}});
}

}  // namespace

void InstallBucketsApi(httplib::Server& server, const ConsoleServices& services) {
  server.Get("/api/buckets", [services](const httplib::Request&, httplib::Response& res) {
    HandleBuckets(services, res);
  });
  server.Get(R"(/api/buckets/([^/]+)/versions)", [services](const httplib::Request& req, httplib::Response& res) {
    HandleVersions(services, req, res);
  });
}

}  // namespace emulator::console
