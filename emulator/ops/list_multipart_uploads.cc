// ListMultipartUploads — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
// GET /{Bucket}?uploads[&prefix][&delimiter][&key-marker][&upload-id-marker][&max-uploads][&encoding-type]:
// in-progress uploads in key order (then initiation order), common prefixes with a delimiter,
// pagination by key-marker/upload-id-marker (NextKeyMarker/NextUploadIdMarker), max-uploads default
// and cap 1000. encoding-type=url encodes Key, Prefix, Delimiter, markers and CommonPrefixes.
#include <cstdlib>

#include "common/util/clock.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/list_common.h"
#include "emulator/ops/multipart.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {

Result<Response> ListMultipartUploads(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  ListParams p;
  p.prefix = ctx.Query("prefix").value_or("");
  p.delimiter = ctx.Query("delimiter").value_or("");
  if (auto enc = ctx.Query("encoding-type")) {
    if (*enc != "url") return errors::InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", *enc);
    p.url_encode = true;
  }
  int64_t max_uploads = 1000;
  if (auto text = ctx.Query("max-uploads")) {
    char* end = nullptr;
    long long v = text->empty() ? -1 : std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || v < 0 || v > 2147483647)
      return errors::InvalidArgument("Provided max-uploads not an integer or within integer range", "max-uploads",
                                     *text);
    max_uploads = v;
  }
  store::ListQuery q;
  q.prefix = p.prefix;
  q.delimiter = p.delimiter;
  q.marker = ctx.Query("key-marker").value_or("");
  q.version_id_marker = q.marker.empty() ? "" : ctx.Query("upload-id-marker").value_or("");
  q.max_keys = static_cast<int>(std::min<int64_t>(max_uploads, 1000));
  auto list = Store(ctx).ListUploads(ctx.bucket, q);
  if (!list.ok()) return list.error();

  XmlWriter w;
  w.Open("ListMultipartUploadsResult", kS3Namespace);
  w.Element("Bucket", ctx.bucket);
  w.Element("KeyMarker", ListEncode(p, q.marker));
  w.Element("UploadIdMarker", q.version_id_marker);
  w.Element("NextKeyMarker", ListEncode(p, list->next_key_marker));
  if (!p.prefix.empty()) w.Element("Prefix", ListEncode(p, p.prefix));
  if (!p.delimiter.empty()) w.Element("Delimiter", ListEncode(p, p.delimiter));
  w.Element("NextUploadIdMarker", list->next_upload_id_marker);
  w.Element("MaxUploads", max_uploads);
  w.Bool("IsTruncated", list->is_truncated);
  for (const auto& u : list->uploads) {
    w.Open("Upload");
    w.Element("UploadId", u.upload_id);
    w.Element("Key", ListEncode(p, u.key));
    w.Element("Initiated", common::util::FormatIso8601(u.initiated_millis));
    w.Element("StorageClass", u.meta.storage_class);
    WriteOwner(w, OwnerId(ctx, u.owner_account));
    w.Open("Initiator");
    w.Element("ID", u.initiator_arn);
    w.Close("Initiator");
    if (!u.checksum_algorithm.empty()) {
      w.Element("ChecksumAlgorithm", u.checksum_algorithm);
      w.Element("ChecksumType", u.checksum_type);
    }
    w.Close("Upload");
  }
  for (const auto& cp : list->common_prefixes) {
    w.Open("CommonPrefixes");
    w.Element("Prefix", ListEncode(p, cp));
    w.Close("CommonPrefixes");
  }
  if (p.url_encode) w.Element("EncodingType", "url");
  w.Close("ListMultipartUploadsResult");
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
