// Where a request points: bucket and key from the Host header and the RAW request target (never
// httplib's percent-decoded path). Virtual-host style when the host name is `<bucket>.localhost`,
// `<bucket>.s3.amazonaws.com` or `<bucket>.s3.<region>.amazonaws.com` (optionally with a port);
// path style otherwise (`/bucket/key`). IP literals and plain `localhost` are always path style.
//   "/"            -> service      "/bkt" "/bkt/" -> bucket      "/bkt/a%20b" -> key "a b"
//   "/bkt//x"      -> key "/x"     (S3 keeps empty path segments)
// Errors: InvalidURI for a malformed percent escape, KeyTooLongError above 1024 bytes.
#pragma once

#include <string>

#include "common/error.h"
#include "common/http/request.h"

namespace emulator {

struct Addressing {
  std::string bucket;
  std::string key;
  bool virtual_host = false;
};

// Bucket named by a Host header value ("" when the host is not virtual-host style).
std::string BucketFromHost(const std::string& host);

common::Result<Addressing> ParseAddressing(const common::http::Request& request);

}  // namespace emulator
