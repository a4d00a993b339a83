// ListObjects (V1) and ListObjectsV2.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
// V1 pages with marker / NextMarker (NextMarker only when a delimiter was given, as AWS); V2 with an
// opaque continuation-token (base64 of the last key returned) or start-after, KeyCount, and Owner only
// with fetch-owner=true. max-keys counts Contents and CommonPrefixes together.
#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/list_common.h"
#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops {
namespace {

constexpr const char* kTokenPrefix = "s3lab1:";

std::string EncodeToken(const std::string& key) { return common::util::Base64Encode(kTokenPrefix + key); }

std::optional<std::string> DecodeToken(const std::string& token) {
  auto raw = common::util::Base64Decode(token);
  if (!raw || !common::util::StartsWith(*raw, kTokenPrefix)) return std::nullopt;
  return raw->substr(std::string(kTokenPrefix).size());
}

void WriteEntries(XmlWriter& w, const ListParams& p, const store::ListResult& r, const std::string* owner) {
  for (const auto& v : r.contents) {
    w.Open("Contents");
    WriteObjectFields(w, p, v, owner);
    w.Close("Contents");
  }
  for (const auto& cp : r.common_prefixes)
    w.Open("CommonPrefixes").Element("Prefix", ListEncode(p, cp)).Close("CommonPrefixes");
}

}  // namespace

Result<Response> ListObjects(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  auto p = ParseListParams(ctx);
  if (!p.ok()) return p.error();
  store::ListQuery q = ToListQuery(*p);
  q.marker = ctx.Query("marker").value_or("");
  auto r = Store(ctx).ListObjects(ctx.bucket, q);
  if (!r.ok()) return r.error();
  std::string owner = OwnerId(ctx, bucket->owner_account);
  XmlWriter w;
  w.Open("ListBucketResult", kS3Namespace);
  w.Element("Name", ctx.bucket);
  w.Element("Prefix", ListEncode(*p, p->prefix));
  w.Element("Marker", ListEncode(*p, q.marker));
  w.Element("MaxKeys", p->max_keys);
  if (!p->delimiter.empty()) w.Element("Delimiter", ListEncode(*p, p->delimiter));
  w.Bool("IsTruncated", r->is_truncated);
  if (r->is_truncated && !p->delimiter.empty()) w.Element("NextMarker", ListEncode(*p, r->next_marker));
  WriteEntries(w, *p, *r, &owner);
  if (p->url_encode) w.Element("EncodingType", "url");
  w.Close("ListBucketResult");
  return Response::Xml(w.Finish());
}

Result<Response> ListObjectsV2(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  if (ctx.Query("list-type").value_or("") != "2")
    return errors::InvalidArgument("Invalid List Type specified in Request", "list-type",
                                   ctx.Query("list-type").value_or(""));
  auto p = ParseListParams(ctx);
  if (!p.ok()) return p.error();
  store::ListQuery q = ToListQuery(*p);
  auto token = ctx.Query("continuation-token");
  std::string start_after = ctx.Query("start-after").value_or("");
  if (token) {
    auto key = DecodeToken(*token);
    if (!key || token->empty())
      return errors::InvalidArgument("The continuation token provided is incorrect", "continuation-token",
                                     *token);
    q.marker = *key;
  } else {
    q.marker = start_after;
  }
  auto r = Store(ctx).ListObjects(ctx.bucket, q);
  if (!r.ok()) return r.error();
  bool fetch_owner = ctx.Query("fetch-owner").value_or("") == "true";
  std::string owner = OwnerId(ctx, bucket->owner_account);
  XmlWriter w;
  w.Open("ListBucketResult", kS3Namespace);
  w.Element("Name", ctx.bucket);
  w.Element("Prefix", ListEncode(*p, p->prefix));
  if (token) w.Element("ContinuationToken", *token);
  if (!start_after.empty()) w.Element("StartAfter", ListEncode(*p, start_after));
  w.Element("KeyCount", static_cast<int64_t>(r->contents.size() + r->common_prefixes.size()));
  w.Element("MaxKeys", p->max_keys);
  if (!p->delimiter.empty()) w.Element("Delimiter", ListEncode(*p, p->delimiter));
  w.Bool("IsTruncated", r->is_truncated);
  if (r->is_truncated) w.Element("NextContinuationToken", EncodeToken(r->next_marker));
  WriteEntries(w, *p, *r, fetch_owner ? &owner : nullptr);
  if (p->url_encode) w.Element("EncodingType", "url");
  w.Close("ListBucketResult");
  return Response::Xml(w.Finish());
}

}  // namespace emulator::ops
