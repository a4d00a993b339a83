// The S3 process's client of the KMS service (JSON 1.1 over HTTP; the emulator never links kms/).
//
// S3 calls KMS *for a principal*, as AWS does (forward access): every call is SigV4-signed with the
// service credential S3LABSVCS3 (common/identity/service_credentials.h) in the bucket's region and names
// the caller in three signed headers (access key id, source IP, secure transport); KMS then evaluates
// the key policy and the caller's IAM policies with kms:ViaService = s3.<region>.amazonaws.com.
//
// Connections: a small pool of keep-alive httplib clients (one per concurrent call, at most
// max_idle_connections kept), TCP_NODELAY on; a call that fails on a reused connection is retried once
// on a fresh one. Thread-safe.
//
// Errors as S3 answers them (AWS-REFERENCE §3.1; S3ErrorForKms below):
//   NotFoundException / DisabledException / KMSInvalidStateException / any other KMS 4xx code
//       -> 400 KMS.<code> with KMS's message (S3 relays key problems with the KMS. prefix)
//   AccessDeniedException -> 403 AccessDenied "Access Denied" (S3 hides KMS's text: the exam trap)
//   ThrottlingException   -> 503 SlowDown "Please reduce your request rate for operations involving AWS
//       KMS." (the text AWS S3 answers, seen in public SDK error reports; botocore retries 503s)
//   KMS 5xx, unreachable, unparseable reply, or the service credential refused (a data dir mismatch)
//       -> 503 ServiceUnavailable; never a 500 and never a crash.
// Plaintext keys only ever leave this file in SecretBytes; the reply buffers holding them are wiped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/crypto/crypto.h"
#include "common/error.h"
#include "common/identity/service_credentials.h"

namespace emulator::sse {

using common::crypto::SecretBytes;
using EncryptionContext = std::map<std::string, std::string>;

// The principal S3 acts for.
struct KmsCaller {
  std::string access_key_id;  // the key the principal signed its S3 request with
  std::string source_ip;      // aws:SourceIp of the S3 request ("" = not sent)
  bool secure_transport = false;
};

struct GeneratedDataKey {
  std::string key_arn;          // KMS answers the key ARN whatever form KeyId had
  std::string ciphertext_blob;  // raw bytes
  SecretBytes plaintext;        // 32 bytes
};

struct DecryptedKey {
  std::string key_arn;
  SecretBytes plaintext;
};

struct KmsClientOptions {
  std::string endpoint;  // "http://127.0.0.1:4590" (https:// needs ca_file)
  common::identity::ServiceCredential credential;
  std::string ca_file;  // CA bundle for an https endpoint
  int timeout_seconds = 10;
  size_t max_idle_connections = 16;
};

class KmsClient {
 public:
  virtual ~KmsClient() = default;
  // GenerateDataKey {KeyId, KeySpec: AES_256, EncryptionContext} in `region`.
  virtual common::Result<GeneratedDataKey> GenerateDataKey(const KmsCaller& caller, const std::string& region,
                                                           const std::string& key_id,
                                                           const EncryptionContext& context) = 0;
  // Decrypt {CiphertextBlob, EncryptionContext} in `region`.
  virtual common::Result<DecryptedKey> Decrypt(const KmsCaller& caller, const std::string& region,
                                               const std::string& ciphertext_blob,
                                               const EncryptionContext& context) = 0;

  // The HTTP client. Errors at construction (bad endpoint URL) surface on each call as 503.
  static std::unique_ptr<KmsClient> Create(KmsClientOptions options);
};

// What S3 answers for a KMS error reply {"__type": kms_code, "message": message} with HTTP `status`.
common::AwsError S3ErrorForKms(const std::string& kms_code, const std::string& message, int status);
// What S3 answers when KMS cannot be reached or answers nonsense.
common::AwsError KmsUnavailable(const std::string& detail);

}  // namespace emulator::sse
