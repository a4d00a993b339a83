// SSE-C header validation (every row of AWS-REFERENCE §5.2 with code, message, ArgumentName/Value),
// the salted HMAC that replaces the key, and the read-side answers (missing key, wrong key, parts).
#include "emulator/sse/sse_c.h"

#include <doctest/doctest.h>

#include "common/crypto/crypto.h"
#include "common/util/encoding.h"

namespace {

using common::http::Request;
using emulator::sse::CustomerKey;
using emulator::sse::HeaderSet;
using emulator::sse::Purpose;
namespace sse = emulator::sse;
namespace crypto = common::crypto;

constexpr const char* kAlg = "x-amz-server-side-encryption-customer-algorithm";
constexpr const char* kKey = "x-amz-server-side-encryption-customer-key";
constexpr const char* kMd5 = "x-amz-server-side-encryption-customer-key-md5";
constexpr const char* kSrcAlg = "x-amz-copy-source-server-side-encryption-customer-algorithm";
constexpr const char* kSrcKey = "x-amz-copy-source-server-side-encryption-customer-key";
constexpr const char* kSrcMd5 = "x-amz-copy-source-server-side-encryption-customer-key-md5";

std::string B64(const std::string& s) { return common::util::Base64Encode(s); }
std::string KeyBytes(char fill) { return std::string(32, fill); }
std::string Md5B64(const std::string& raw) { return B64(crypto::Md5(raw)); }

Request Https() {
  Request r;
  r.method = "PUT";
  r.tls = true;
  return r;
}

// A request carrying the three headers for `raw` (or the copy-source variants).
Request WithKey(const std::string& raw, HeaderSet set = HeaderSet::kTarget, bool tls = true) {
  Request r = Https();
  r.tls = tls;
  bool src = set == HeaderSet::kCopySource;
  r.headers.emplace(src ? kSrcAlg : kAlg, "AES256");
  r.headers.emplace(src ? kSrcKey : kKey, B64(raw));
  r.headers.emplace(src ? kSrcMd5 : kMd5, Md5B64(raw));
  return r;
}

void Drop(Request& r, const char* name) { r.headers.erase(name); }
void Set(Request& r, const char* name, const std::string& value) {
  r.headers.erase(name);
  r.headers.emplace(name, value);
}

void CheckError(const common::AwsError& e, const std::string& code, int status, const std::string& message,
                const std::string& arg_name = "", const std::string& arg_value = "") {
  CHECK(e.code == code);
  CHECK(e.http_status == status);
  CHECK(e.message == message);
  CHECK(e.Extra("ArgumentName") == arg_name);
  CHECK(e.Extra("ArgumentValue") == arg_value);
}

const std::string kSse = "x-amz-server-side-encryption";
const std::string kInvalidKeyText = "The secret key was invalid for the specified algorithm.";
const std::string kWrongKeyText =
    "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret "
    "key.";

emulator::store::SseInfo Sealed(const std::string& raw) {
  Request r = WithKey(raw);
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE(key.ok());
  REQUIRE(key->has_value());
  return sse::SealCustomerKey(**key);
}

}  // namespace

TEST_CASE("ParseCustomerKey returns nothing when no SSE-C header is sent, also over HTTP") {
  Request r = Https();
  r.tls = false;
  r.headers.emplace("x-amz-server-side-encryption", "AES256");
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE(key.ok());
  CHECK_FALSE(key->has_value());
}

TEST_CASE("ParseCustomerKey accepts the three headers and keeps the raw key and its base64 MD5") {
  std::string raw = KeyBytes('k');
  Request r = WithKey(raw);
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE(key.ok());
  REQUIRE(key->has_value());
  CHECK((*key)->key.bytes() == raw);
  CHECK((*key)->key_md5_b64 == Md5B64(raw));
}

TEST_CASE("ParseCustomerKey reads the copy-source headers for kCopySource and ignores the target ones") {
  std::string raw = KeyBytes('s');
  Request r = WithKey(raw, HeaderSet::kCopySource);
  auto src = sse::ParseCustomerKey(r, HeaderSet::kCopySource);
  REQUIRE(src.ok());
  REQUIRE(src->has_value());
  CHECK((*src)->key.bytes() == raw);
  auto target = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE(target.ok());
  CHECK_FALSE(target->has_value());
}

TEST_CASE("SSE-C headers over plain HTTP are refused with InvalidRequest") {
  const std::string text =
      "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure "
      "connection.";
  for (HeaderSet set : {HeaderSet::kTarget, HeaderSet::kCopySource}) {
    Request r = WithKey(KeyBytes('k'), set, /*tls=*/false);
    auto key = sse::ParseCustomerKey(r, set);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidRequest", 400, text);
  }
  Request only_md5 = Https();
  only_md5.tls = false;
  only_md5.headers.emplace(kMd5, Md5B64(KeyBytes('k')));
  auto key = sse::ParseCustomerKey(only_md5, HeaderSet::kTarget);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidRequest", 400, text);
  // Also when the stored object is read or the headers are not applicable.
  emulator::store::SseInfo stored = Sealed(KeyBytes('k'));
  Request get = WithKey(KeyBytes('k'), HeaderSet::kTarget, false);
  auto opened = sse::OpenCustomerKey(get, stored, Purpose::kGet);
  REQUIRE_FALSE(opened.ok());
  CheckError(opened.error(), "InvalidRequest", 400, text);
  auto rejected = sse::RejectCustomerKey(get, HeaderSet::kTarget);
  REQUIRE_FALSE(rejected.ok());
  CheckError(rejected.error(), "InvalidRequest", 400, text);
}

TEST_CASE("SSE-C with x-amz-server-side-encryption is InvalidArgument naming the other method") {
  for (std::string mode : {"AES256", "aws:kms"}) {
    Request r = WithKey(KeyBytes('k'));
    r.headers.emplace("x-amz-server-side-encryption", mode);
    auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidArgument", 400,
               "Server Side Encryption with Customer provided key is incompatible with the encryption method "
               "specified",
               kSse, mode);
  }
  // The copy-source headers describe the source: they do not conflict with the target's method.
  Request copy = WithKey(KeyBytes('k'), HeaderSet::kCopySource);
  copy.headers.emplace("x-amz-server-side-encryption", "AES256");
  CHECK(sse::ParseCustomerKey(copy, HeaderSet::kCopySource).ok());
}

TEST_CASE("An algorithm other than AES256 is InvalidEncryptionAlgorithmError with the value sent") {
  for (std::string alg : {"KMS", "aes256", "AES128"}) {
    Request r = WithKey(KeyBytes('k'));
    Set(r, kAlg, alg);
    auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidEncryptionAlgorithmError", 400,
               "The Encryption request you specified is not valid. Supported value: AES256.", kSse, alg);
  }
}

TEST_CASE("Key and MD5 without the algorithm is InvalidArgument asking for a valid algorithm") {
  const std::string text =
      "Requests specifying Server Side Encryption with Customer provided keys must provide a valid "
      "encryption algorithm.";
  Request r = WithKey(KeyBytes('k'));
  Drop(r, kAlg);
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400, text, kSse, "null");
  Request only_md5 = Https();
  only_md5.headers.emplace(kMd5, Md5B64(KeyBytes('k')));
  auto md5 = sse::ParseCustomerKey(only_md5, HeaderSet::kTarget);
  REQUIRE_FALSE(md5.ok());
  CheckError(md5.error(), "InvalidArgument", 400, text, kSse, "null");
}

TEST_CASE("The algorithm without the key is InvalidArgument asking for a secret key") {
  const std::string text =
      "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate "
      "secret key.";
  for (bool with_md5 : {true, false}) {
    Request r = WithKey(KeyBytes('k'));
    Drop(r, kKey);
    if (!with_md5) Drop(r, kMd5);
    auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidArgument", 400, text, kSse, "null");
  }
  // Missing key is reported before an unsupported algorithm (LocalStack's recorded order).
  Request r = WithKey(KeyBytes('k'));
  Drop(r, kKey);
  Set(r, kAlg, "KMS");
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE_FALSE(key.ok());
  CHECK(key.error().code == "InvalidArgument");
}

TEST_CASE("A key that is not 32 bytes of base64 is InvalidArgument: the secret key was invalid") {
  for (std::string raw : {std::string(16, 'a'), std::string(31, 'a'), std::string(33, 'a'), std::string()}) {
    Request r = WithKey(KeyBytes('k'));
    Set(r, kKey, B64(raw) + (raw.empty() ? "AA" : ""));
    Set(r, kMd5, Md5B64(raw));
    auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidArgument", 400, kInvalidKeyText, kSse, "null");
  }
  Request r = WithKey(KeyBytes('k'));
  Set(r, kKey, "not*base64!");
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400, kInvalidKeyText, kSse, "null");
}

TEST_CASE("A missing MD5 on a write is InvalidArgument: the secret key was invalid") {
  Request r = WithKey(KeyBytes('k'));
  Drop(r, kMd5);
  auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400, kInvalidKeyText, kSse, "null");
}

TEST_CASE("An MD5 that is not the key's is InvalidArgument: the calculated MD5 did not match") {
  const std::string text = "The calculated MD5 hash of the key did not match the hash that was provided.";
  for (std::string md5 : {Md5B64(KeyBytes('x')), std::string("garbage!"), B64("short")}) {
    Request r = WithKey(KeyBytes('k'));
    Set(r, kMd5, md5);
    auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidArgument", 400, text, kSse, "null");
  }
  Request r = WithKey(KeyBytes('k'), HeaderSet::kCopySource);
  Set(r, kSrcMd5, Md5B64(KeyBytes('x')));
  auto key = sse::ParseCustomerKey(r, HeaderSet::kCopySource);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400, text, kSse, "null");
}

TEST_CASE("No error message or element ever quotes the customer key") {
  std::string raw = KeyBytes('q');
  Request r = WithKey(raw);
  Set(r, kMd5, Md5B64(KeyBytes('x')));
  r.headers.emplace("x-amz-server-side-encryption", "AES256");
  for (int i = 0; i < 2; ++i) {
    auto key = sse::ParseCustomerKey(r, HeaderSet::kTarget);
    REQUIRE_FALSE(key.ok());
    std::string all = key.error().message;
    for (const auto& [name, value] : key.error().extra) all += name + value;
    CHECK(all.find(B64(raw)) == std::string::npos);
    CHECK(all.find(raw) == std::string::npos);
    r.headers.erase("x-amz-server-side-encryption");
  }
}

TEST_CASE("SealCustomerKey keeps a salted HMAC and the MD5, never the key") {
  std::string raw = KeyBytes('k');
  emulator::store::SseInfo a = Sealed(raw), b = Sealed(raw);
  CHECK(a.mode == emulator::store::SseMode::kSseC);
  CHECK(a.sse_c_salt.size() >= 16);
  CHECK(a.sse_c_key_hmac == crypto::HmacSha256(a.sse_c_salt, raw));
  CHECK(a.sse_c_key_md5 == Md5B64(raw));
  CHECK(a.wrapped_key.empty());
  CHECK(a.sse_c_salt != b.sse_c_salt);  // a fresh random salt per version
  CHECK(a.sse_c_key_hmac != b.sse_c_key_hmac);
  for (const std::string* field : {&a.sse_c_salt, &a.sse_c_key_hmac, &a.sse_c_key_md5}) {
    CHECK(field->find(raw) == std::string::npos);
    CHECK(field->find(B64(raw)) == std::string::npos);
  }
}

TEST_CASE("CustomerKeyMatches accepts the same key and refuses another one or a non SSE-C version") {
  emulator::store::SseInfo stored = Sealed(KeyBytes('k'));
  CustomerKey same{crypto::SecretBytes(KeyBytes('k')), Md5B64(KeyBytes('k'))};
  CustomerKey other{crypto::SecretBytes(KeyBytes('o')), Md5B64(KeyBytes('o'))};
  CHECK(sse::CustomerKeyMatches(stored, same));
  CHECK_FALSE(sse::CustomerKeyMatches(stored, other));
  emulator::store::SseInfo tampered = stored;
  tampered.sse_c_key_hmac[0] = static_cast<char>(tampered.sse_c_key_hmac[0] ^ 1);
  CHECK_FALSE(sse::CustomerKeyMatches(tampered, same));
  emulator::store::SseInfo s3;
  CHECK_FALSE(sse::CustomerKeyMatches(s3, same));
}

TEST_CASE("OpenCustomerKey returns the key when GET, HEAD or the copy source sends the right one") {
  std::string raw = KeyBytes('k');
  emulator::store::SseInfo stored = Sealed(raw);
  for (Purpose p : {Purpose::kGet, Purpose::kHead, Purpose::kUploadPart}) {
    Request r = WithKey(raw);
    auto key = sse::OpenCustomerKey(r, stored, p);
    REQUIRE(key.ok());
    CHECK(key->bytes() == raw);
  }
  Request copy = WithKey(raw, HeaderSet::kCopySource);
  auto key = sse::OpenCustomerKey(copy, stored, Purpose::kCopySource);
  REQUIRE(key.ok());
  CHECK(key->bytes() == raw);
}

TEST_CASE("OpenCustomerKey without headers: InvalidRequest, stored with a form of SSE") {
  const std::string text =
      "The object was stored using a form of Server Side Encryption. The correct parameters must be provided "
      "to retrieve the object.";
  emulator::store::SseInfo stored = Sealed(KeyBytes('k'));
  for (Purpose p : {Purpose::kGet, Purpose::kHead, Purpose::kCopySource}) {
    Request r = Https();
    r.tls = false;  // also over HTTP: no SSE-C header was sent
    auto key = sse::OpenCustomerKey(r, stored, p);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "InvalidRequest", 400, text);
  }
  // The target headers do not open a copy source.
  Request r = WithKey(KeyBytes('k'));
  auto key = sse::OpenCustomerKey(r, stored, Purpose::kCopySource);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidRequest", 400, text);
}

TEST_CASE("OpenCustomerKey with a wrong key or without its MD5: 403 AccessDenied") {
  emulator::store::SseInfo stored = Sealed(KeyBytes('k'));
  for (Purpose p : {Purpose::kGet, Purpose::kHead}) {
    Request wrong = WithKey(KeyBytes('w'));
    auto key = sse::OpenCustomerKey(wrong, stored, p);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "AccessDenied", 403, kWrongKeyText);
    Request no_md5 = WithKey(KeyBytes('k'));
    Drop(no_md5, kMd5);
    key = sse::OpenCustomerKey(no_md5, stored, p);
    REQUIRE_FALSE(key.ok());
    CheckError(key.error(), "AccessDenied", 403, kWrongKeyText);
  }
  Request wrong_src = WithKey(KeyBytes('w'), HeaderSet::kCopySource);
  auto key = sse::OpenCustomerKey(wrong_src, stored, Purpose::kCopySource);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "AccessDenied", 403, kWrongKeyText);
}

TEST_CASE("OpenCustomerKey on a read still validates the headers with the PUT table") {
  emulator::store::SseInfo stored = Sealed(KeyBytes('k'));
  Request bad_alg = WithKey(KeyBytes('k'));
  Set(bad_alg, kAlg, "KMS");
  auto key = sse::OpenCustomerKey(bad_alg, stored, Purpose::kGet);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidEncryptionAlgorithmError", 400,
             "The Encryption request you specified is not valid. Supported value: AES256.", kSse, "KMS");
  Request short_key = WithKey(KeyBytes('k'));
  Set(short_key, kKey, B64("0123456789abcdef"));
  Set(short_key, kMd5, Md5B64("0123456789abcdef"));
  key = sse::OpenCustomerKey(short_key, stored, Purpose::kHead);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400, kInvalidKeyText, kSse, "null");
  Request bad_md5 = WithKey(KeyBytes('k'));
  Set(bad_md5, kMd5, Md5B64(KeyBytes('x')));
  key = sse::OpenCustomerKey(bad_md5, stored, Purpose::kGet);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400,
             "The calculated MD5 hash of the key did not match the hash that was provided.", kSse, "null");
}

TEST_CASE("UploadPart of an SSE-C upload: no headers and another key are InvalidRequest") {
  emulator::store::SseInfo stored = Sealed(KeyBytes('k'));
  Request none = Https();
  auto key = sse::OpenCustomerKey(none, stored, Purpose::kUploadPart);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidRequest", 400,
             "The multipart upload initiate requested encryption. Subsequent part requests must include the "
             "appropriate encryption parameters.");
  Request other = WithKey(KeyBytes('o'));
  key = sse::OpenCustomerKey(other, stored, Purpose::kUploadPart);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidRequest", 400,
             "The provided encryption parameters did not match the ones used originally.");
  Request no_md5 = WithKey(KeyBytes('k'));
  Drop(no_md5, kMd5);
  key = sse::OpenCustomerKey(no_md5, stored, Purpose::kUploadPart);
  REQUIRE_FALSE(key.ok());
  CheckError(key.error(), "InvalidArgument", 400, kInvalidKeyText, kSse, "null");
}

TEST_CASE("RejectCustomerKey refuses SSE-C headers for an object that is not SSE-C") {
  Request none = Https();
  CHECK(sse::RejectCustomerKey(none, HeaderSet::kTarget).ok());
  Request r = WithKey(KeyBytes('k'));
  auto status = sse::RejectCustomerKey(r, HeaderSet::kTarget);
  REQUIRE_FALSE(status.ok());
  CheckError(status.error(), "InvalidRequest", 400,
             "The encryption parameters are not applicable to this object.");
  CHECK(sse::RejectCustomerKey(r, HeaderSet::kCopySource).ok());
  Request src = WithKey(KeyBytes('k'), HeaderSet::kCopySource);
  CHECK_FALSE(sse::RejectCustomerKey(src, HeaderSet::kCopySource).ok());
}
