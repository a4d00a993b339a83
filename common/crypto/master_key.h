// The data dir's master key: 32 random bytes in <data_dir>/master.key (mode 0600), created on first use
// under an flock so the S3 and KMS processes starting together agree on one key. Services never use it
// directly: they derive purpose-bound keys with HKDF-SHA256 (DeriveKey(master, "kms/backing-keys")).
// NOTE: a local lab: the master key sits in plain on disk next to the data it protects.
#pragma once

#include <string>
#include <string_view>

#include "common/crypto/crypto.h"
#include "common/error.h"

namespace common::crypto {

// Loads <data_dir>/master.key or creates it (and data_dir) when missing. InternalError 500 on I/O failure
// or when the file exists with a size other than 32 bytes.
Result<SecretBytes> LoadOrCreateMasterKey(const std::string& data_dir);

// HKDF-SHA256(ikm = master, salt = none, info = label) -> 32 bytes.
SecretBytes DeriveKey(const SecretBytes& master, std::string_view label);

}  // namespace common::crypto
