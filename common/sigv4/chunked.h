// aws-chunked bodies (`Content-Encoding: aws-chunked`), after httplib has removed HTTP chunking:
//   <hex-size>[;chunk-signature=<64 hex>]\r\n<data>\r\n ... 0[;chunk-signature=..]\r\n[trailers]\r\n
// A push decoder: Feed() any split of the bytes, decoded payload goes to the sink, Finish() checks the
// end. Signed modes verify every chunk signature (and the trailer signature) against the seed
// signature; trailers (x-amz-checksum-*) are collected and returned. Malformed framing, a bad chunk
// signature, a length different from x-amz-decoded-content-length: an AwsError, never a crash.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/sigv4/auth.h"

namespace common::sigv4 {

class AwsChunkedDecoder {
 public:
  using Sink = std::function<Status(std::string_view decoded)>;
  // auth supplies the payload mode and, for signed modes, the signing material.
  // decoded_length: x-amz-decoded-content-length, or -1 when absent.
  AwsChunkedDecoder(const AuthResult& auth, int64_t decoded_length, Sink sink);
  Status Feed(std::string_view bytes);
  Status Finish();
  // Trailer headers (lower-case names), available after Finish().
  const std::map<std::string, std::string>& trailers() const { return trailers_; }
  int64_t decoded_bytes() const { return decoded_bytes_; }

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::map<std::string, std::string> trailers_;
  int64_t decoded_bytes_ = 0;
};

}  // namespace common::sigv4
