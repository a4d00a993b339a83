// ListParts — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html
// GET /{Bucket}/{Key}?uploadId=ID[&max-parts=N][&part-number-marker=M]: ListPartsResult with the parts
// after the marker in ascending order (at most max-parts, default and cap 1000), Initiator, Owner,
// StorageClass and the upload's checksum algorithm/type; per part its checksum in that algorithm.
#include <cstdlib>

#include "common/util/clock.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/list_common.h"
#include "emulator/ops/multipart.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {
namespace {

// Non-negative integer query parameter; nullopt when malformed.
std::optional<int64_t> IntParam(const RequestContext& ctx, const std::string& name, int64_t fallback) {
  auto text = ctx.Query(name);
  if (!text) return fallback;
  char* end = nullptr;
  long long v = text->empty() ? -1 : std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || v < 0 || v > 2147483647) return std::nullopt;
  return v;
}

}  // namespace

Result<Response> ListParts(RequestContext& ctx) {
  auto upload = multipart::RequestUpload(ctx);
  if (!upload.ok()) return upload.error();
  auto max_parts = IntParam(ctx, "max-parts", 1000);
  if (!max_parts)
    return errors::InvalidArgument("Provided max-parts not an integer or within integer range", "max-parts",
                                   ctx.Query("max-parts").value_or(""));
  auto marker = IntParam(ctx, "part-number-marker", 0);
  if (!marker)
    return errors::InvalidArgument("Provided part-number-marker not an integer or within integer range",
                                   "part-number-marker", ctx.Query("part-number-marker").value_or(""));
  int limit = static_cast<int>(std::min<int64_t>(*max_parts, 1000));
  auto parts = Store(ctx).ListParts(*upload, static_cast<int>(std::min<int64_t>(*marker, 100000)), limit);
  if (!parts.ok()) return parts.error();

  XmlWriter w;
  w.Open("ListPartsResult", kS3Namespace);
  w.Element("Bucket", ctx.bucket);
  w.Element("Key", ctx.key);
  w.Element("UploadId", upload->upload_id);
  w.Element("PartNumberMarker", *marker);
  w.Element("NextPartNumberMarker", parts->next_part_number_marker);
  w.Element("MaxParts", *max_parts);
  w.Bool("IsTruncated", parts->is_truncated);
  for (const auto& p : parts->parts) {
    w.Open("Part");
    w.Element("PartNumber", p.part_number);
    w.Element("LastModified", common::util::FormatIso8601(p.last_modified_millis));
    w.Element("ETag", QuotedEtag(p.etag));
    w.Element("Size", p.size);
    if (!upload->checksum_algorithm.empty() && !p.checksum_b64.empty())
      w.Element(multipart::ChecksumElementName(upload->checksum_algorithm), p.checksum_b64);
    w.Close("Part");
  }
  std::string owner = OwnerId(ctx, upload->owner_account);
  w.Open("Initiator");
  w.Element("ID", upload->initiator_arn);
  w.Close("Initiator");
  WriteOwner(w, owner);
  w.Element("StorageClass", upload->meta.storage_class);
  if (!upload->checksum_algorithm.empty()) {
    w.Element("ChecksumAlgorithm", upload->checksum_algorithm);
    w.Element("ChecksumType", upload->checksum_type);
  }
  w.Close("ListPartsResult");
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
