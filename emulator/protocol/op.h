// The operation interface of the S3 service: what a handler receives and what it returns.
//
// Pipeline (emulator/server.cc): parse (addressing.h) -> authenticate (common::sigv4) -> route
// (routes.cc, ONE table) -> authorize (common::policy, the row's IAM action and resource) -> handler
// (a function of this signature, one file per operation under emulator/ops/) -> render (errors.cc /
// server.cc). Handlers never see httplib: they get a RequestContext and return a Response or an
// AwsError built by the factories in errors.h (named after AWS codes).
//
// Adding an operation = one file emulator/ops/<snake_name>.cc defining `common::Result<Response>
// <Name>(RequestContext&)`, its declaration in emulator/ops/ops.h (multipart ops: in a header of
// their own, emulator/ops/multipart.h, owner H4), and ONE row in the table:
//   - bucket/object/config ops: emulator/protocol/routes.cc (owner H5);
//   - multipart ops: emulator/ops/multipart_routes.cc (owner H4), function AppendMultipartRoutes(),
//     one line per op, e.g.
//       rows.push_back({"PUT", PathForm::kObject, {"partNumber", "uploadId"}, "", "UploadPart",
//                       "s3:PutObject", kObjectArn, ops::UploadPart});
//     Those rows are placed BEFORE the generic object rows (they all require uploads/uploadId).
//     Put the more specific row first (UploadPartCopy, which also requires x-amz-copy-source, before
//     UploadPart).
//
// Bodies: RequestContext::body streams the *decoded* payload (aws-chunked framing removed, HTTP
// chunking removed by httplib) and verifies, after the last byte, x-amz-content-sha256 (hex),
// x-amz-checksum-* (header or trailer), Content-MD5 and x-amz-decoded-content-length. A handler that
// stores data must commit only after ForEach()/ReadAll() returned ok: a digest mismatch is reported
// there, after the last chunk was handed out.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/http/request.h"
#include "common/identity/principal.h"
#include "common/sigv4/auth.h"
#include "common/util/clock.h"
#include "emulator/store/types.h"

namespace common::identity {
class IdentityStore;
}
namespace common::audit {
class Trail;
}
namespace emulator::store {
class ObjectStore;
}
namespace emulator::glacier {
class GlacierStore;  // emulator/glacier/glacier_store.h
}
namespace emulator::s3control {
class AccessPointStore;  // emulator/s3control/access_point_store.h
}
namespace emulator::sse {
class KmsClient;       // emulator/sse/kms_client.h
class BucketKeyCache;  // emulator/sse/sse_kms.h
}

namespace emulator {

// Checksums of a body, available after it was fully read.
struct BodyDigests {
  int64_t length = 0;                 // decoded bytes
  std::string md5;                    // raw 16 bytes, always computed (ETag = hex in quotes)
  std::string checksum_algorithm;     // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" or "" (none asked)
  std::string checksum_b64;           // base64 of that checksum, verified against what the client sent
  bool checksum_from_client = false;  // true when the client sent the value (header or trailer)
};

// The decoded request body. One pass only: call ForEach() or ReadAll() once.
class BodyReader {
 public:
  using ChunkFn = std::function<common::Status(std::string_view chunk)>;
  virtual ~BodyReader() = default;
  // Hands every decoded chunk (any size, possibly none) to fn, then verifies digests and lengths.
  // Returns the first error of fn, of decoding (IncompleteBody, framing) or of verification (BadDigest,
  // XAmzContentSHA256Mismatch, InvalidRequest for a malformed checksum value).
  virtual common::Status ForEach(const ChunkFn& fn) = 0;
  // The whole body (small XML/JSON bodies). EntityTooLarge-style error when above max_bytes.
  common::Result<std::string> ReadAll(size_t max_bytes = 1 << 20);
  // Digests of what was read; valid after ForEach/ReadAll returned ok.
  virtual const BodyDigests& digests() const = 0;
  // Decoded length announced by the client (Content-Length or x-amz-decoded-content-length), -1 unknown.
  virtual int64_t declared_length() const = 0;
};

// Handles shared by every request (owned by main.cc, outlive the server).
struct Services {
  store::ObjectStore* store = nullptr;
  common::identity::IdentityStore* identity = nullptr;
  const common::util::Clock* clock = nullptr;
  std::string region = "us-east-1";  // the region this endpoint serves (--region)
  std::string kms_endpoint;          // --kms-endpoint ("" = none)
  sse::KmsClient* kms = nullptr;     // SSE-KMS calls to KMS (nullptr: SSE-KMS answers 503)
  sse::BucketKeyCache* bucket_keys = nullptr;  // plaintext S3 Bucket Keys, in memory, time-limited
  common::audit::Trail* trail = nullptr;       // CloudTrail records (<data>/trail.db); null = no audit
  bool data_events = false;                    // S3 object calls recorded as data events (--data-events)
  glacier::GlacierStore* glacier = nullptr;    // Glacier vaults (<data>/glacier.db); null = no Glacier
  s3control::AccessPointStore* access_points = nullptr;  // S3 access points (<data>/control.db)
};

struct Route;

// Everything a handler may look at.
struct RequestContext {
  const common::http::Request* http = nullptr;  // raw target, lower-case headers, tls, remote_addr
  std::string bucket;                           // "" for service-level requests
  std::string key;                              // decoded object key, "" for bucket/service requests
  bool virtual_host = false;                    // bucket came from the Host header
  common::identity::Principal principal;        // anonymous when unsigned
  common::sigv4::AuthResult auth;               // how it was signed (payload mode, scope region)
  BodyReader* body = nullptr;
  Services* services = nullptr;
  const Route* route = nullptr;
  // The target bucket as looked up once by the pipeline (nullopt when it does not exist or the request
  // names none). Ops read it through ops::RequestBucket(); an op that changes the bucket re-reads it.
  std::optional<store::BucketRecord> bucket_record;
  std::string request_id;  // x-amz-request-id of this request
  int64_t now_millis = 0;  // lab clock at arrival
  // Authorizes an additional action the operation needs (CopyObject's source read, DeleteObjects per
  // key). resource is a full ARN. Returns AccessDenied when not allowed. Set by the pipeline.
  std::function<common::Status(const std::string& action, const std::string& resource)> authorize;

  // Convenience accessors over http.
  std::optional<std::string> Header(const std::string& lower_name) const { return http->Header(lower_name); }
  std::string HeaderOr(const std::string& lower_name, const std::string& fallback = "") const {
    return http->HeaderOr(lower_name, fallback);
  }
  std::optional<std::string> Query(const std::string& name) const { return http->Query(name); }
  bool HasQuery(const std::string& name) const { return http->HasQuery(name); }
};

// A response. Either `body` (small, e.g. XML) or `stream` (object data).
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // names as AWS spells them
  std::string content_type;                                  // "application/xml" for XML bodies; "" = none
  std::string body;

  // Streaming body: `stream_length` bytes produced by one call of `stream`, which writes them in
  // order through `write` (false = client went away: stop and return false). HEAD never calls it,
  // but the Content-Length is stream_length. The pipeline does not slice: ranges are the handler's.
  int64_t stream_length = -1;
  std::function<bool(const std::function<bool(std::string_view)>& write)> stream;

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static Response Xml(std::string xml, int status = 200) {
    Response r;
    r.status = status;
    r.content_type = "application/xml";
    r.body = std::move(xml);
    return r;
  }
  static Response Empty(int status = 200) {
    Response r;
    r.status = status;
    return r;
  }
};

using Handler = common::Result<Response> (*)(RequestContext& ctx);

// Which part of the path a row applies to.
enum class PathForm {
  kService,  // "/"            (ListBuckets)
  kBucket,   // "/bkt"         (bucket ops and bucket sub-resources)
  kObject,   // "/bkt/key..."  (object ops)
};

// Resource ARN patterns for rows. {bucket} and {key} are substituted.
inline constexpr const char* kServiceArn = "arn:aws:s3:::*";  // ListAllMyBuckets, as AWS names it
inline constexpr const char* kBucketArn = "arn:aws:s3:::{bucket}";
inline constexpr const char* kObjectArn = "arn:aws:s3:::{bucket}/{key}";

// One row of the route table. A request matches when method and path form are equal, every name in
// `query` is present in the query string, and `header` ("" = no condition) is present. The first
// matching row wins, so specific rows come before generic ones.
struct Route {
  std::string method;  // "GET", "PUT", "POST", "DELETE", "HEAD"
  PathForm form = PathForm::kObject;
  std::vector<std::string> query;  // required sub-resources / parameters
  std::string header;              // required header (lower-case), "" = none
  std::string operation;           // AWS operation name, "PutObject" (audit event name)
  std::string action;              // IAM action, "s3:PutObject"; "" = the handler authorizes itself
  std::string resource;            // ARN pattern (kBucketArn, kObjectArn, kServiceArn)
  Handler handler = nullptr;
  // Action used instead of `action` when the request has ?versionId= (s3:GetObjectVersion, ...).
  std::string versioned_action = "";
};

// Multipart rows, defined in emulator/ops/multipart_routes.cc (H4). Appends to rows.
void AppendMultipartRoutes(std::vector<Route>& rows);

}  // namespace emulator
