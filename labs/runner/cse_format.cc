// S3 Encryption Client v2 metadata: building and checking. See cse_format.h.
#include "labs/runner/cse_format.h"

#include <nlohmann/json.hpp>

#include "common/util/encoding.h"

namespace runner::cse {
namespace {

using common::MakeError;

common::AwsError Unsupported(const std::string& why) { return MakeError("UnsupportedFormat", why, 0); }

}  // namespace

std::optional<std::pair<std::string, std::string>> ParseS3Url(const std::string& url) {
  if (url.rfind("s3://", 0) != 0) return std::nullopt;
  auto slash = url.find('/', 5);
  if (slash == std::string::npos || slash == 5 || slash + 1 >= url.size()) return std::nullopt;
  return std::make_pair(url.substr(5, slash - 5), url.substr(slash + 1));
}

common::Result<Context> ParseContextArgs(const std::vector<std::string>& pairs) {
  Context out;
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return MakeError("InvalidContext", "--context takes key=value, got '" + p + "'", 0);
    std::string k = p.substr(0, eq), v = p.substr(eq + 1);
    if (k == kCekAlgContextKey)
      return MakeError("InvalidContext",
                       std::string(kCekAlgContextKey) + " is a reserved key for the S3 encryption client", 0);
    if (!out.emplace(k, v).second)
      return MakeError("InvalidContext", "--context key '" + k + "' given twice", 0);
  }
  return out;
}

Context KmsContext(const Context& user_context) {
  Context c = user_context;
  c[kCekAlgContextKey] = kCekAlg;
  return c;
}

std::string MatdescJson(const Context& kms_context) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : kms_context) j[k] = v;
  return j.dump(-1, ' ', /*ensure_ascii=*/true);
}

common::Result<Context> ParseMatdesc(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Unsupported("x-amz-matdesc is not a JSON object: " + text);
  Context c;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return Unsupported("x-amz-matdesc value of '" + k + "' is not a string");
    c[k] = v.get<std::string>();
  }
  return c;
}

std::map<std::string, std::string> EnvelopeMetadata(const std::string& encrypted_key, const std::string& iv,
                                                    const Context& kms_context, uint64_t plaintext_length) {
  return {
      {"x-amz-key-v2", common::util::Base64Encode(encrypted_key)},
      {"x-amz-iv", common::util::Base64Encode(iv)},
      {"x-amz-matdesc", MatdescJson(kms_context)},
      {"x-amz-wrap-alg", kWrapAlg},
      {"x-amz-cek-alg", kCekAlg},
      {"x-amz-tag-len", kTagLenBits},
      {"x-amz-unencrypted-content-length", std::to_string(plaintext_length)},
  };
}

common::Result<Envelope> ReadEnvelope(const std::map<std::string, std::string>& m) {
  auto get = [&](const char* name) -> const std::string* {
    auto it = m.find(name);
    return it == m.end() ? nullptr : &it->second;
  };
  if (get("x-amz-crypto-instr-file"))
    return Unsupported("the envelope is in an instruction file (x-amz-crypto-instr-file); s3lab cse reads "
                       "metadata envelopes only");
  if (get("x-amz-c") || get("x-amz-3"))
    return Unsupported("S3 Encryption Client v3 message format (x-amz-c/x-amz-3) is not supported, only v2");
  const std::string* key = get("x-amz-key-v2");
  if (!key && get("x-amz-key"))
    return Unsupported("S3 Encryption Client v1 format (x-amz-key) is not supported, only v2 (x-amz-key-v2)");
  if (!key)
    return MakeError("NotEncrypted",
                     "not a client-side encrypted object: no x-amz-meta-x-amz-key-v2 metadata", 0);
  if (get("x-amz-key")) return Unsupported("both x-amz-key (v1) and x-amz-key-v2 (v2) are present");
  for (const char* required : {"x-amz-iv", "x-amz-matdesc", "x-amz-wrap-alg", "x-amz-cek-alg"})
    if (!get(required)) return Unsupported(std::string("metadata x-amz-meta-") + required + " is missing");
  if (*get("x-amz-wrap-alg") != kWrapAlg)
    return Unsupported("key wrap algorithm '" + *get("x-amz-wrap-alg") + "' is not supported, only " + kWrapAlg);
  if (*get("x-amz-cek-alg") != kCekAlg)
    return Unsupported("content algorithm '" + *get("x-amz-cek-alg") + "' is not supported, only " + kCekAlg);
  const std::string* tag_len = get("x-amz-tag-len");
  if (!tag_len) return Unsupported("metadata x-amz-meta-x-amz-tag-len is missing (required with AES/GCM)");
  if (*tag_len != kTagLenBits) return Unsupported("tag length '" + *tag_len + "' is not supported, only 128");

  Envelope e;
  auto k = common::util::Base64Decode(*key);
  if (!k || k->empty()) return Unsupported("x-amz-key-v2 is not valid base64");
  e.encrypted_key = std::move(*k);
  auto iv = common::util::Base64Decode(*get("x-amz-iv"));
  if (!iv || iv->size() != 12) return Unsupported("x-amz-iv is not the base64 of 12 bytes");
  e.iv = std::move(*iv);
  e.matdesc = *get("x-amz-matdesc");
  auto ctx = ParseMatdesc(e.matdesc);
  if (!ctx.ok()) return ctx.error();
  e.kms_context = std::move(*ctx);
  auto alg = e.kms_context.find(kCekAlgContextKey);
  if (alg == e.kms_context.end())
    return Unsupported(std::string("required key ") + kCekAlgContextKey + " is missing from x-amz-matdesc");
  if (alg->second != kCekAlg)
    return Unsupported("x-amz-matdesc names content algorithm '" + alg->second +
                       "' but x-amz-cek-alg says " + kCekAlg + ": the object may be altered");
  if (const std::string* len = get("x-amz-unencrypted-content-length")) {
    if (len->empty() || len->size() > 19 || len->find_first_not_of("0123456789") != std::string::npos)
      return Unsupported("x-amz-unencrypted-content-length '" + *len + "' is not a number");
    e.has_plaintext_length = true;
    e.plaintext_length = std::stoull(*len);
  }
  return e;
}

Context UserPart(const Context& kms_context) {
  Context c = kms_context;
  c.erase(kCekAlgContextKey);
  c.erase("kms_cmk_id");
  return c;
}

}  // namespace runner::cse
