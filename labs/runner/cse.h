// `s3lab cse put FILE s3://bucket/key --key-id KEY [--context k=v ...]` and
// `s3lab cse get s3://bucket/key FILE [--context k=v ...] [--key-id KEY]`: client-side encryption in
// the Amazon S3 Encryption Client v2 format (cse_format.h) with a KMS data key (kms+context).
//
// put: KMS GenerateDataKey (AES_256, context = user pairs + aws:x-amz-cek-alg) signed as the caller,
//      AES-256-GCM over the file in 1 MiB chunks while it streams to S3 PutObject (random 12-byte IV,
//      16-byte tag appended), envelope in x-amz-meta-x-amz-* metadata. S3 only ever sees ciphertext.
// get: GetObject; from its headers, before any body byte, the envelope is checked and KMS Decrypt is
//      called with the matdesc as encryption context (and KeyId when --key-id is given); the body is
//      decrypted chunk by chunk into a temporary file next to FILE, renamed to FILE only once the
//      GCM tag verified. --context, when given, must equal the stored context (the Java client's rule).
// Memory stays at a few MiB whatever the file size. Endpoints, region and credentials: cse_client.h.
// Exit 0 on success, 1 with a one-line `s3lab cse <op>: ...` reason on stderr, 2 on bad usage.
#pragma once

#include <string>
#include <vector>

#include "labs/runner/config.h"

namespace runner {

int CmdCse(const InstanceConfig& config, const std::vector<std::string>& args);

// The get flow (cse_get.cc), after CmdCse parsed the arguments.
int CseGet(const InstanceConfig& config, const std::vector<std::string>& positional, const std::string& key_id,
           const std::vector<std::string>& context);

}  // namespace runner
