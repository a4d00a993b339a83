// Service credentials derived from master.key (see service_credentials.h).
#include "common/identity/service_credentials.h"

#include <cctype>

#include "common/crypto/master_key.h"
#include "common/util/encoding.h"

namespace common::identity {

ServiceCredential DeriveServiceCredential(const common::crypto::SecretBytes& master,
                                          const std::string& service) {
  std::string upper = service;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  common::crypto::SecretBytes derived =
      common::crypto::DeriveKey(master, "s3lab/service-credentials/" + service);
  return ServiceCredential{service, "S3LABSVC" + upper, common::util::HexEncode(derived.view())};
}

}  // namespace common::identity
