#include "common/crypto/master_key.h"

#include <openssl/crypto.h>

#include "common/crypto/file_util.h"

namespace common::crypto {

Result<SecretBytes> LoadOrCreateMasterKey(const std::string& data_dir) {
  auto fail = [&](const std::string& what) {
    return MakeError("InternalError", "master key: " + what + " in " + data_dir, 500);
  };
  if (!internal::MakeDirs(data_dir, 0700)) return fail("cannot create the data directory");
  internal::FileLock lock(data_dir + "/.master.key.lock");
  if (!lock.ok()) return fail("cannot lock .master.key.lock");
  const std::string path = data_dir + "/master.key";
  std::string bytes;
  if (internal::FileExists(path)) {
    if (!internal::ReadFile(path, &bytes)) return fail("cannot read master.key");
    if (bytes.size() != 32) {
      OPENSSL_cleanse(bytes.data(), bytes.size());
      return fail("master.key is not 32 bytes");
    }
    return SecretBytes(std::move(bytes));
  }
  SecretBytes key = RandomKey(32);
  if (!internal::WriteFileAtomic(path, key.bytes(), 0600)) return fail("cannot write master.key");
  return key;
}

// RFC 5869 with L = 32 (one HMAC block): PRK = HMAC(salt = 32 zero bytes, IKM); OKM = HMAC(PRK, info ||
// 0x01).
SecretBytes DeriveKey(const SecretBytes& master, std::string_view label) {
  SecretBytes prk(HmacSha256(std::string(32, '\0'), master.view()));
  std::string info(label);
  info.push_back('\x01');
  return SecretBytes(HmacSha256(prk.view(), info));
}

}  // namespace common::crypto
