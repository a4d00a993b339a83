#include "common/crypto/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "common/crypto/file_util.h"

namespace common::crypto {
namespace {

template <auto F>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    F(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;

constexpr long kDay = 24L * 3600;

PkeyPtr NewKey() { return PkeyPtr(EVP_EC_gen("P-256")); }

bool AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Builds and signs a certificate. issuer == nullptr: self-signed (issuer_key must be key).
X509Ptr MakeCert(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, const char* cn, long days, bool ca) {
  X509Ptr cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* sn = X509_get_serialNumber(cert.get());
  BN_to_ASN1_INTEGER(bn, sn);
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kDay);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * kDay);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("s3lab"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* iss = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
  bool ok = true;
  if (ca) {
    ok = AddExt(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
         AddExt(cert.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign") &&
         AddExt(cert.get(), iss, NID_subject_key_identifier, "hash") &&
         AddExt(cert.get(), iss, NID_authority_key_identifier, "keyid:always");
  } else {
    ok = AddExt(cert.get(), iss, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExt(cert.get(), iss, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
         AddExt(cert.get(), iss, NID_ext_key_usage, "serverAuth") &&
         AddExt(cert.get(), iss, NID_subject_key_identifier, "hash") &&
         AddExt(cert.get(), iss, NID_authority_key_identifier, "keyid:always") &&
         AddExt(cert.get(), iss, NID_subject_alt_name, "DNS:localhost,DNS:*.localhost,IP:127.0.0.1,IP:::1");
  }
  if (!ok || X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return nullptr;
  return cert;
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string out(data, static_cast<size_t>(n));
  return out;
}

X509Ptr LoadCert(const std::string& path) {
  std::string pem;
  if (!internal::ReadFile(path, &pem)) return nullptr;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

PkeyPtr LoadKey(const std::string& path) {
  std::string pem;
  if (!internal::ReadFile(path, &pem)) return nullptr;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  OPENSSL_cleanse(pem.data(), pem.size());
  return key;
}

bool StillValid(X509* cert) {
  // Re-issue when fewer than 30 days remain.
  time_t soon = time(nullptr) + 30 * kDay;
  return X509_cmp_time(X509_get0_notAfter(cert), &soon) > 0;
}

}  // namespace

Status EnsureTlsMaterial(const std::string& data_dir) {
  const std::string dir = data_dir + "/tls";
  auto fail = [&](const std::string& what) {
    return MakeError("InternalError", "TLS material: " + what, 500);
  };
  if (!internal::MakeDirs(dir, 0700)) return fail("cannot create " + dir);
  internal::FileLock lock(dir + "/.lock");
  if (!lock.ok()) return fail("cannot lock " + dir + "/.lock");

  const std::string ca_pem = dir + "/ca.pem", ca_key = dir + "/ca.key";
  const std::string srv_pem = dir + "/server.pem", srv_key = dir + "/server.key";
  X509Ptr ca;
  PkeyPtr ca_pkey;
  bool new_ca = false;
  if (internal::FileExists(ca_pem) && internal::FileExists(ca_key)) {
    ca = LoadCert(ca_pem);
    ca_pkey = LoadKey(ca_key);
    if (!ca || !ca_pkey)
      return fail("cannot parse " + ca_pem + " / " + ca_key + " (delete them to regenerate)");
  } else {
    ca_pkey = NewKey();
    if (!ca_pkey) return fail("cannot generate the CA key");
    ca = MakeCert(ca_pkey.get(), nullptr, ca_pkey.get(), "s3lab local CA", 3650, true);
    if (!ca) return fail("cannot sign the CA certificate");
    if (!internal::WriteFileAtomic(ca_key, KeyPem(ca_pkey.get()), 0600) ||
        !internal::WriteFileAtomic(ca_pem, CertPem(ca.get()), 0644))
      return fail("cannot write " + ca_pem);
    new_ca = true;
  }
  if (!new_ca && internal::FileExists(srv_pem) && internal::FileExists(srv_key)) {
    X509Ptr srv = LoadCert(srv_pem);
    if (srv && StillValid(srv.get())) return Ok{};
  }
  PkeyPtr key = NewKey();
  if (!key) return fail("cannot generate the server key");
  X509Ptr cert = MakeCert(key.get(), ca.get(), ca_pkey.get(), "localhost", 825, false);
  if (!cert) return fail("cannot sign the server certificate");
  if (!internal::WriteFileAtomic(srv_key, KeyPem(key.get()), 0600) ||
      !internal::WriteFileAtomic(srv_pem, CertPem(cert.get()), 0644))
    return fail("cannot write " + srv_pem);
  return Ok{};
}

}  // namespace common::crypto
