// KMS JSON 1.1 client of the S3 process (design, connection pool and error mapping in kms_client.h).
#include "emulator/sse/kms_client.h"

#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/sigv4/signer.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"

namespace emulator::sse {
namespace {

using common::AwsError;

std::string KmsErrorCode(std::string type) {
  auto hash = type.rfind('#');
  if (hash != std::string::npos) type = type.substr(hash + 1);
  return type;
}

// Wipes a string that held key material (reply bodies, parsed JSON strings).
void Wipe(std::string& s) { SecretBytes(std::move(s)); }

class HttpKmsClient : public KmsClient {
 public:
  explicit HttpKmsClient(KmsClientOptions options) : options_(std::move(options)) {
    const std::string& url = options_.endpoint;
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return;
    std::string scheme = url.substr(0, scheme_end);
    authority_ = url.substr(scheme_end + 3);
    if (auto slash = authority_.find('/'); slash != std::string::npos) authority_.resize(slash);
    valid_ = (scheme == "http" || scheme == "https") && !authority_.empty();
    base_url_ = scheme + "://" + authority_;
  }

  common::Result<GeneratedDataKey> GenerateDataKey(const KmsCaller& caller, const std::string& region,
                                                   const std::string& key_id,
                                                   const EncryptionContext& context) override {
    nlohmann::json body = {{"KeyId", key_id}, {"KeySpec", "AES_256"}};
    if (!context.empty()) body["EncryptionContext"] = context;
    auto reply = Call(caller, region, "GenerateDataKey", body.dump());
    if (!reply.ok()) return reply.error();
    GeneratedDataKey out;
    auto plaintext = Field(*reply, "Plaintext", true);
    auto blob = Field(*reply, "CiphertextBlob", true);
    auto arn = Field(*reply, "KeyId", false);
    if (!plaintext.ok()) return plaintext.error();
    if (!blob.ok()) return blob.error();
    if (!arn.ok()) return arn.error();
    out.plaintext = std::move(plaintext.value());
    out.ciphertext_blob = std::string(blob->view());
    out.key_arn = std::string(arn->view());
    if (out.plaintext.size() != 32) return KmsUnavailable("GenerateDataKey returned a key of the wrong size");
    return out;
  }

  common::Result<DecryptedKey> Decrypt(const KmsCaller& caller, const std::string& region,
                                       const std::string& ciphertext_blob,
                                       const EncryptionContext& context) override {
    nlohmann::json body = {{"CiphertextBlob", common::util::Base64Encode(ciphertext_blob)}};
    if (!context.empty()) body["EncryptionContext"] = context;
    auto reply = Call(caller, region, "Decrypt", body.dump());
    if (!reply.ok()) return reply.error();
    auto plaintext = Field(*reply, "Plaintext", true);
    auto arn = Field(*reply, "KeyId", false);
    if (!plaintext.ok()) return plaintext.error();
    if (!arn.ok()) return arn.error();
    return DecryptedKey{std::string(arn->view()), std::move(plaintext.value())};
  }

 private:
  // A string member of a reply, base64-decoded when `binary`; the JSON copy is wiped.
  static common::Result<SecretBytes> Field(nlohmann::json& reply, const char* name, bool binary) {
    auto it = reply.find(name);
    if (it == reply.end() || !it->is_string()) return KmsUnavailable(std::string("reply without ") + name);
    std::string& text = it->get_ref<std::string&>();
    std::optional<std::string> value = binary ? common::util::Base64Decode(text) : std::optional(text);
    Wipe(text);
    if (!value) return KmsUnavailable(std::string("reply with malformed ") + name);
    return SecretBytes(std::move(*value));
  }

  // An idle keep-alive client (nullptr when none).
  std::unique_ptr<httplib::Client> TakeIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.empty()) return nullptr;
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }

  std::unique_ptr<httplib::Client> NewConnection() const {
    auto c = std::make_unique<httplib::Client>(base_url_);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    c->set_connection_timeout(options_.timeout_seconds, 0);
    c->set_read_timeout(options_.timeout_seconds, 0);
    c->set_write_timeout(options_.timeout_seconds, 0);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    if (!options_.ca_file.empty()) c->set_ca_cert_path(options_.ca_file.c_str());
#endif
    return c;
  }

  void Release(std::unique_ptr<httplib::Client> c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(c));
  }

  httplib::Headers Sign(const KmsCaller& caller, const std::string& region, const std::string& target,
                        const std::string& body) const {
    common::sigv4::SignInput in;
    in.method = "POST";
    in.host = authority_;
    in.raw_path = "/";
    in.headers["content-type"] = "application/x-amz-json-1.1";
    in.headers["x-amz-target"] = "TrentService." + target;
    in.headers[common::identity::kCallerAccessKeyHeader] = caller.access_key_id;
    if (!caller.source_ip.empty()) in.headers[common::identity::kCallerSourceIpHeader] = caller.source_ip;
    in.headers[common::identity::kCallerSecureTransportHeader] = caller.secure_transport ? "true" : "false";
    in.payload = body;
    in.region = region;
    in.service = "kms";
    in.now_millis = common::util::RealNowMillis();  // SigV4 skew is checked against real time
    in.add_content_sha256_header = false;
    httplib::Headers headers;
    for (const auto& [k, v] : in.headers)
      if (k != "content-type") headers.emplace(k, v);  // httplib sends Content-Type from Post()
    for (const auto& [k, v] : common::sigv4::SignHeaders(
             in, {options_.credential.access_key_id, options_.credential.secret_access_key, ""}))
      headers.emplace(k == "host" ? "Host" : k, v);
    return headers;
  }

  common::Result<nlohmann::json> Call(const KmsCaller& caller, const std::string& region,
                                      const std::string& target, const std::string& body) {
    if (!valid_) return KmsUnavailable("bad --kms-endpoint '" + options_.endpoint + "'");
    httplib::Headers headers = Sign(caller, region, target, body);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    // A reused connection may have been closed by KMS meanwhile (keep-alive timeout, restart): then the
    // call is sent once more on a fresh connection. A fresh connection that fails is not retried.
    auto client = TakeIdle();
    bool reused = client != nullptr;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (client == nullptr) client = NewConnection();
      res = client->Post("/", headers, body, "application/x-amz-json-1.1");
      if (res) {
        Release(std::move(client));
        break;
      }
      client.reset();
      if (!reused) break;
      reused = false;
    }
    if (!res) return KmsUnavailable("KMS at " + options_.endpoint + ": " + httplib::to_string(res.error()));
    nlohmann::json reply = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    Wipe(res->body);
    if (res->status == 200) {
      if (!reply.is_object()) return KmsUnavailable("unparseable " + target + " reply");
      return reply;
    }
    std::string code, message;
    if (reply.is_object()) {
      if (auto t = reply.find("__type"); t != reply.end() && t->is_string()) code = KmsErrorCode(*t);
      for (const char* m : {"message", "Message"})
        if (auto it = reply.find(m); it != reply.end() && it->is_string()) message = *it;
    }
    if (code.empty()) return KmsUnavailable(target + " answered HTTP " + std::to_string(res->status));
    return S3ErrorForKms(code, message, res->status);
  }

  KmsClientOptions options_;
  std::string authority_;  // host:port as sent in Host and signed
  std::string base_url_;
  bool valid_ = false;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
};

}  // namespace

AwsError KmsUnavailable(const std::string& detail) {
  // NOTE: AWS S3 answers 503 when a dependency fails; the detail helps a learner whose KMS is not running.
  return common::MakeError("ServiceUnavailable",
                           "Service is unable to handle request. (s3lab: KMS did not answer: " + detail + ")",
                           503);
}

AwsError S3ErrorForKms(const std::string& kms_code, const std::string& message, int status) {
  if (kms_code == "AccessDeniedException") return common::MakeError("AccessDenied", "Access Denied", 403);
  if (kms_code == "ThrottlingException")
    return common::MakeError("SlowDown", "Please reduce your request rate for operations involving AWS KMS.",
                             503);
  // The service credential or the caller's key was refused: s3lab's own wiring, not the learner's request.
  if (kms_code == "UnrecognizedClientException" || kms_code == "InvalidSignatureException" ||
      kms_code == "IncompleteSignature" || kms_code == "MissingAuthenticationTokenException")
    return KmsUnavailable(kms_code + ": " + message);
  if (status >= 500) return KmsUnavailable(kms_code + ": " + message);
  return common::MakeError("KMS." + kms_code, message, 400);
}

std::unique_ptr<KmsClient> KmsClient::Create(KmsClientOptions options) {
  return std::make_unique<HttpKmsClient>(std::move(options));
}

}  // namespace emulator::sse
