// ListObjectVersions — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
// Versions and delete markers in key order, newest first within a key, paged by key-marker /
// version-id-marker (a version-id-marker needs a key-marker: InvalidArgument).
#include "common/util/clock.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/list_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops {

Result<Response> ListObjectVersions(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto p = ParseListParams(ctx);
  if (!p.ok()) return p.error();
  store::ListQuery q = ToListQuery(*p);
  q.marker = ctx.Query("key-marker").value_or("");
  q.version_id_marker = ctx.Query("version-id-marker").value_or("");
  if (!q.version_id_marker.empty() && q.marker.empty())
    return errors::InvalidArgument("A version-id marker cannot be specified without a key marker.",
                                   "version-id-marker", q.version_id_marker);
  auto r = Store(ctx).ListObjectVersions(ctx.bucket, q);
  if (!r.ok()) return r.error();
  std::string owner = OwnerId(ctx, bucket->owner_account);
  XmlWriter w;
  w.Open("ListVersionsResult", kS3Namespace);
  w.Element("Name", ctx.bucket);
  w.Element("Prefix", ListEncode(*p, p->prefix));
  w.Element("KeyMarker", ListEncode(*p, q.marker));
  w.Element("VersionIdMarker", q.version_id_marker);
  if (r->is_truncated) {
    w.Element("NextKeyMarker", ListEncode(*p, r->next_marker));
    w.Element("NextVersionIdMarker", r->next_version_id_marker);
  }
  w.Element("MaxKeys", p->max_keys);
  if (!p->delimiter.empty()) w.Element("Delimiter", ListEncode(*p, p->delimiter));
  w.Bool("IsTruncated", r->is_truncated);
  for (const auto& v : r->contents) {
    if (v.is_delete_marker) {
      w.Open("DeleteMarker");
      w.Element("Key", ListEncode(*p, v.key));
      w.Element("VersionId", v.version_id);
      w.Bool("IsLatest", v.is_latest);
      w.Element("LastModified", common::util::FormatIso8601(v.last_modified_millis));
      WriteOwner(w, owner);
      w.Close("DeleteMarker");
      continue;
    }
    w.Open("Version");
    w.Element("Key", ListEncode(*p, v.key));
    w.Element("VersionId", v.version_id);
    w.Bool("IsLatest", v.is_latest);
    w.Element("LastModified", common::util::FormatIso8601(v.last_modified_millis));
    w.Element("ETag", "\"" + v.etag + "\"");
    if (!v.checksum.algorithm.empty()) {
      w.Element("ChecksumAlgorithm", v.checksum.algorithm);
      if (!v.checksum.type.empty()) w.Element("ChecksumType", v.checksum.type);
    }
    w.Element("Size", v.size);
    w.Element("StorageClass", v.meta.storage_class.empty() ? "STANDARD" : v.meta.storage_class);
    WriteOwner(w, owner);
    w.Close("Version");
  }
  for (const auto& cp : r->common_prefixes)
    w.Open("CommonPrefixes").Element("Prefix", ListEncode(*p, cp)).Close("CommonPrefixes");
  if (p->url_encode) w.Element("EncodingType", "url");
  w.Close("ListVersionsResult");
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
