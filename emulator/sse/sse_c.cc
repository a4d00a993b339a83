// SSE-C: validation of the customer-key headers and the salted HMAC that stands in for the key.
//
// The key arrives base64 in a header on every request and leaves this file only inside SecretBytes
// (the caller uses it as the object's data key). What is kept is SseInfo{sse_c_salt (32 random bytes),
// sse_c_key_hmac = HMAC-SHA256(key = salt, data = customer key), sse_c_key_md5 (base64, echoed on
// responses)}; a later request proves it holds the same key by producing the same HMAC (compared in
// constant time). No error built here quotes the key: ArgumentValue is "null" or the algorithm/mode.
//
// Order of checks (AWS-REFERENCE §5.2, LocalStack's snapshot-tested validator): HTTPS, SSE-C together
// with x-amz-server-side-encryption (writes), algorithm missing, key missing, algorithm not AES256, key
// not 32 bytes of base64, MD5 missing, MD5 not the key's.
#include "emulator/sse/sse_c.h"

#include "common/util/encoding.h"
#include "emulator/protocol/errors.h"

namespace emulator::sse {
namespace {

namespace crypto = common::crypto;
using common::AwsError;
using common::Result;

constexpr const char* kArgumentName = "x-amz-server-side-encryption";
constexpr size_t kSaltBytes = 32;
constexpr size_t kKeyBytes = 32;

constexpr const char* kInsecure =
    "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure "
    "connection.";
constexpr const char* kIncompatible =
    "Server Side Encryption with Customer provided key is incompatible with the encryption method specified";
constexpr const char* kBadAlgorithm =
    "The Encryption request you specified is not valid. Supported value: AES256.";
constexpr const char* kNoAlgorithm =
    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption "
    "algorithm.";
constexpr const char* kNoKey =
    "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate "
    "secret key.";
constexpr const char* kInvalidKey = "The secret key was invalid for the specified algorithm.";
constexpr const char* kMd5Mismatch =
    "The calculated MD5 hash of the key did not match the hash that was provided.";
constexpr const char* kParamsRequired =
    "The object was stored using a form of Server Side Encryption. The correct parameters must be provided "
    "to retrieve the object.";
constexpr const char* kWrongKey =
    "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret "
    "key.";
constexpr const char* kPartWithoutKey =
    "The multipart upload initiate requested encryption. Subsequent part requests must include the "
    "appropriate encryption parameters.";
constexpr const char* kPartOtherKey =
    "The provided encryption parameters did not match the ones used originally.";
constexpr const char* kNotApplicable = "The encryption parameters are not applicable to this object.";

struct HeaderNames {
  std::string algorithm, key, md5;
};

HeaderNames NamesOf(HeaderSet set) {
  std::string prefix = set == HeaderSet::kCopySource ? "x-amz-copy-source-server-side-encryption-customer-"
                                                     : "x-amz-server-side-encryption-customer-";
  return {prefix + "algorithm", prefix + "key", prefix + "key-md5"};  // request header names are lower case
}

AwsError Invalid(const char* message, const std::string& value = "null") {
  return errors::Make("InvalidArgument", message)
      .With("ArgumentName", kArgumentName)
      .With("ArgumentValue", value);
}

bool AnyCustomerHeader(const common::http::Request& request, HeaderSet set) {
  HeaderNames n = NamesOf(set);
  return request.HasHeader(n.algorithm) || request.HasHeader(n.key) || request.HasHeader(n.md5);
}

// What the headers hold once valid. md5_sent is false only when the caller allowed a missing MD5.
struct Parsed {
  CustomerKey key;
  bool md5_sent = true;
};

// The shared validator. `write` adds the x-amz-server-side-encryption conflict check and makes a
// missing MD5 an InvalidArgument (reads answer it with AccessDenied, see OpenCustomerKey).
Result<std::optional<Parsed>> Parse(const common::http::Request& request, HeaderSet set, bool write) {
  if (!AnyCustomerHeader(request, set)) return std::optional<Parsed>{};
  if (!request.tls) return errors::InvalidRequest(kInsecure);
  if (write && set == HeaderSet::kTarget) {
    if (auto sse = request.Header("x-amz-server-side-encryption")) return Invalid(kIncompatible, *sse);
  }
  HeaderNames n = NamesOf(set);
  std::optional<std::string> algorithm = request.Header(n.algorithm);
  std::optional<std::string> key_b64 = request.Header(n.key);
  std::optional<std::string> md5_b64 = request.Header(n.md5);
  // NOTE: an MD5 header alone counts as SSE-C headers without an algorithm (AWS unverified; LocalStack
  // ignores it). Empty header values count as missing, as botocore never sends them.
  if (!algorithm || algorithm->empty()) return Invalid(kNoAlgorithm);
  if (!key_b64 || key_b64->empty()) return Invalid(kNoKey);
  if (*algorithm != "AES256") {
    return errors::Make("InvalidEncryptionAlgorithmError", kBadAlgorithm)
        .With("ArgumentName", kArgumentName)
        .With("ArgumentValue", *algorithm);
  }
  crypto::SecretBytes key(common::util::Base64Decode(*key_b64).value_or(std::string()));
  if (key.size() != kKeyBytes) return Invalid(kInvalidKey);
  std::string md5 = crypto::Md5(key.view());
  Parsed parsed{CustomerKey{std::move(key), common::util::Base64Encode(md5)}, true};
  if (!md5_b64 || md5_b64->empty()) {
    if (write) return Invalid(kInvalidKey);  // AWS-REFERENCE §5.2: "MD5 missing" on PUT
    parsed.md5_sent = false;
    return std::optional<Parsed>(std::move(parsed));
  }
  std::optional<std::string> sent = common::util::Base64Decode(*md5_b64);
  if (!sent || !crypto::ConstantTimeEquals(*sent, md5)) return Invalid(kMd5Mismatch);
  return std::optional<Parsed>(std::move(parsed));
}

}  // namespace

common::Result<std::optional<CustomerKey>> ParseCustomerKey(const common::http::Request& request,
                                                            HeaderSet headers) {
  // Write rules for both header sets: a missing MD5 is InvalidArgument (OpenCustomerKey has the read rules).
  auto parsed = Parse(request, headers, /*write=*/true);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->has_value()) return std::optional<CustomerKey>{};
  return std::optional<CustomerKey>(std::move((*parsed)->key));
}

store::SseInfo SealCustomerKey(const CustomerKey& key) {
  store::SseInfo sse;
  sse.mode = store::SseMode::kSseC;
  sse.sse_c_salt = crypto::RandomBytes(kSaltBytes);
  sse.sse_c_key_hmac = crypto::HmacSha256(sse.sse_c_salt, key.key.view());
  sse.sse_c_key_md5 = key.key_md5_b64;
  return sse;
}

bool CustomerKeyMatches(const store::SseInfo& stored, const CustomerKey& key) {
  if (stored.mode != store::SseMode::kSseC || stored.sse_c_salt.empty() || stored.sse_c_key_hmac.empty()) {
    return false;
  }
  return crypto::ConstantTimeEquals(crypto::HmacSha256(stored.sse_c_salt, key.key.view()),
                                    stored.sse_c_key_hmac);
}

common::Result<SecretBytes> OpenCustomerKey(const common::http::Request& request,
                                            const store::SseInfo& stored, Purpose purpose) {
  if (stored.mode != store::SseMode::kSseC)
    return errors::InternalError("OpenCustomerKey on a non SSE-C key");
  const bool part = purpose == Purpose::kUploadPart;
  const HeaderSet set = purpose == Purpose::kCopySource ? HeaderSet::kCopySource : HeaderSet::kTarget;
  // UploadPart is a write of the upload's key: a missing MD5 is InvalidArgument as on PutObject.
  auto parsed = Parse(request, set, /*write=*/part);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->has_value()) return errors::InvalidRequest(part ? kPartWithoutKey : kParamsRequired);
  Parsed& p = **parsed;
  // NOTE: the copy-source answers (no headers -> InvalidRequest, wrong key -> 403) follow GetObject's;
  // AWS records only the first (opendal issue 1858).
  if (!p.md5_sent || !CustomerKeyMatches(stored, p.key)) {
    return part ? errors::InvalidRequest(kPartOtherKey) : errors::AccessDenied(kWrongKey);
  }
  return std::move(p.key.key);
}

common::Status RejectCustomerKey(const common::http::Request& request, HeaderSet headers) {
  if (!AnyCustomerHeader(request, headers)) return common::Ok{};
  if (!request.tls) return errors::InvalidRequest(kInsecure);
  return errors::InvalidRequest(kNotApplicable);
}

}  // namespace emulator::sse
