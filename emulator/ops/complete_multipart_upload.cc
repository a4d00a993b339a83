// CompleteMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
// POST /{Bucket}/{Key}?uploadId=ID with <CompleteMultipartUpload><Part><PartNumber/><ETag/>...</Part>
// </CompleteMultipartUpload>. Checks, in AWS's order: at least one part (InvalidRequest), ascending
// part numbers (InvalidPartOrder), every part uploaded with that ETag and, when given, that checksum
// (InvalidPart), every part but the last at least 5 MiB (EntityTooSmall). Then the store stitches the
// parts into one version in one transaction. ETag = hex(md5 of the binary part MD5s) + "-N".
// Conditional completes: If-None-Match: * (412 when the key exists) and If-Match.
#include <cstdlib>
#include <map>

#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/multipart.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"
#include "emulator/protocol/xml.h"

namespace emulator::ops {
namespace {

struct RequestedPart {
  int number = 0;
  std::string etag;      // unquoted
  std::string checksum;  // base64 in the upload's algorithm, "" = not given
};

std::string Unquote(std::string s) {
  s = common::util::Trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

Result<std::vector<RequestedPart>> ParseParts(RequestContext& ctx, const store::UploadRecord& upload) {
  auto body = ctx.body->ReadAll(1 << 22);
  if (!body.ok()) return body.error();
  auto doc = ParseXml(*body, "CompleteMultipartUpload");
  if (!doc.ok()) return doc.error();
  pugi::xml_node root = (*doc)->document_element();
  std::vector<RequestedPart> parts;
  std::string checksum_element =
      upload.checksum_algorithm.empty() ? "" : multipart::ChecksumElementName(upload.checksum_algorithm);
  for (const pugi::xml_node& node : Children(root, "Part")) {
    RequestedPart p;
    std::string number = common::util::Trim(ChildText(node, "PartNumber"));
    char* end = nullptr;
    long value = number.empty() ? -1 : std::strtol(number.c_str(), &end, 10);
    if (number.empty() || *end != '\0' || value < 0 || value > 100000) return errors::MalformedXML();
    p.number = static_cast<int>(value);
    p.etag = Unquote(ChildText(node, "ETag"));
    if (!checksum_element.empty()) p.checksum = common::util::Trim(ChildText(node, checksum_element));
    parts.push_back(std::move(p));
  }
  if (parts.empty()) return errors::InvalidRequest("You must specify at least one part");
  return parts;
}

common::Status CheckParts(const store::UploadRecord& upload, const std::vector<RequestedPart>& requested,
                          const std::vector<store::PartRecord>& stored) {
  for (size_t i = 1; i < requested.size(); ++i) {
    if (requested[i].number <= requested[i - 1].number) {
      return errors::Make("InvalidPartOrder",
                          "The list of parts was not in ascending order. Parts must be ordered by part number.")
          .With("UploadId", upload.upload_id);
    }
  }
  std::map<int, const store::PartRecord*> by_number;
  for (const auto& p : stored) by_number[p.part_number] = &p;
  for (size_t i = 0; i < requested.size(); ++i) {
    const RequestedPart& want = requested[i];
    auto found = by_number.find(want.number);
    const store::PartRecord* have = found == by_number.end() ? nullptr : found->second;
    if (have == nullptr || have->etag != want.etag ||
        (!want.checksum.empty() && !have->checksum_b64.empty() && want.checksum != have->checksum_b64)) {
      return multipart::InvalidPart(upload.upload_id, want.number, want.etag);
    }
    if (i + 1 < requested.size() && have->size < multipart::kMinPartSize) {
      return errors::Make("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
          .With("ProposedSize", std::to_string(have->size))
          .With("MinSizeAllowed", std::to_string(multipart::kMinPartSize))
          .With("PartNumber", std::to_string(want.number))
          .With("ETag", have->etag);
    }
  }
  return common::Ok{};
}

common::Status CheckWriteConditions(RequestContext& ctx) {
  auto if_none = ctx.Header("if-none-match");
  auto if_match = ctx.Header("if-match");
  if (!if_none && !if_match) return common::Ok{};
  auto current = Store(ctx).GetObject(ctx.bucket, ctx.key);
  bool exists = current.ok() && !current->is_delete_marker;
  if (if_none && common::util::Trim(*if_none) == "*" && exists) return errors::PreconditionFailed("If-None-Match");
  if (if_match) {
    if (!exists) return errors::NoSuchKey(ctx.key);
    std::string want = Unquote(*if_match);
    if (want != "*" && want != current->etag) return errors::PreconditionFailed("If-Match");
  }
  return common::Ok{};
}

std::string Location(RequestContext& ctx) {
  std::string scheme = ctx.http->tls ? "https://" : "http://";
  std::string host = ctx.HeaderOr("host", "localhost");
  if (ctx.virtual_host) return scheme + host + "/" + common::util::UriEncode(ctx.key, false);
  return scheme + host + "/" + ctx.bucket + "/" + common::util::UriEncode(ctx.key, false);
}

}  // namespace

Result<Response> CompleteMultipartUpload(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto upload = multipart::RequestUpload(ctx);
  if (!upload.ok()) return upload.error();
  auto requested = ParseParts(ctx, *upload);
  if (!requested.ok()) return requested.error();
  auto stored = Store(ctx).GetParts(*upload);
  if (!stored.ok()) return stored.error();
  S3LAB_TRY(CheckParts(*upload, *requested, *stored));
  S3LAB_TRY(CheckWriteConditions(ctx));

  std::string md5s;
  std::vector<int> numbers;
  std::vector<std::string> checksums;
  std::vector<int64_t> sizes;
  std::map<int, const store::PartRecord*> by_number;
  for (const auto& p : *stored) by_number[p.part_number] = &p;
  for (const auto& want : *requested) {
    const store::PartRecord& p = *by_number.at(want.number);  // CheckParts found every one
    md5s += common::util::HexDecode(p.etag).value_or("");
    checksums.push_back(p.checksum_b64);
    sizes.push_back(p.size);
    numbers.push_back(want.number);
  }
  store::NewVersion nv;
  nv.etag = common::util::HexEncode(common::crypto::Md5(md5s)) + "-" + std::to_string(numbers.size());
  nv.owner_account = upload->owner_account;
  nv.meta = upload->meta;
  auto checksum = multipart::ObjectChecksum(*upload, checksums, sizes);
  if (!checksum.ok()) return checksum.error();
  nv.checksum = *checksum;
  auto version = Store(ctx).CompleteUpload(*upload, numbers, std::move(nv));
  if (!version.ok()) return version.error();

  XmlWriter w;
  w.Open("CompleteMultipartUploadResult", kS3Namespace);
  w.Element("Location", Location(ctx));
  w.Element("Bucket", ctx.bucket);
  w.Element("Key", ctx.key);
  w.Element("ETag", QuotedEtag(version->etag));
  if (!version->checksum.algorithm.empty()) {
    w.Element(multipart::ChecksumElementName(version->checksum.algorithm), version->checksum.value_b64);
    w.Element("ChecksumType", version->checksum.type);
  }
  w.Close("CompleteMultipartUploadResult");
  Response res = Response::Xml(w.Finish());
  multipart::AddUploadSseHeaders(res, version->sse);
  if (!bucket->versioning.empty()) res.Header("x-amz-version-id", version->version_id);
  return res;
}

}  // namespace emulator::ops
