#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/crypto/master_key.h"
#include "common/crypto/tls.h"
#include "common/util/encoding.h"
#include "tests/common/temp_dir.h"

using namespace common::crypto;

namespace {

using s3lab::testing::TempDir;

int Mode(const std::string& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

std::string Slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("LoadOrCreateMasterKey creates 32 bytes with mode 0600 and returns the same key afterwards") {
  TempDir dir;
  std::string data_dir = dir.path + "/nested/data";
  auto first = LoadOrCreateMasterKey(data_dir);
  REQUIRE(first.ok());
  CHECK(first->size() == 32);
  CHECK(Mode(data_dir + "/master.key") == 0600);
  auto second = LoadOrCreateMasterKey(data_dir);
  REQUIRE(second.ok());
  CHECK(second->bytes() == first->bytes());
}

TEST_CASE("LoadOrCreateMasterKey gives one key to threads racing on a fresh data dir") {
  TempDir dir;
  std::vector<std::string> keys(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto k = LoadOrCreateMasterKey(dir.path);
      if (k.ok()) keys[i] = k->bytes();
    });
  for (auto& t : threads) t.join();
  for (auto& k : keys) CHECK(k == keys[0]);
  CHECK(keys[0].size() == 32);
}

TEST_CASE("LoadOrCreateMasterKey refuses a master.key of the wrong size") {
  TempDir dir;
  std::ofstream(dir.path + "/master.key") << "short";
  auto r = LoadOrCreateMasterKey(dir.path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "InternalError");
  CHECK(r.error().http_status == 500);
}

TEST_CASE("DeriveKey is HKDF-SHA256 and separates labels") {
  // RFC 5869 A.3 (no salt, no info, L=42): the first 32 bytes.
  SecretBytes ikm(std::string(22, '\x0b'));
  CHECK(common::util::HexEncode(DeriveKey(ikm, "").bytes()) ==
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
  SecretBytes master = RandomKey();
  CHECK(DeriveKey(master, "kms").bytes() != DeriveKey(master, "s3").bytes());
  CHECK(DeriveKey(master, "kms").bytes() == DeriveKey(master, "kms").bytes());
}

TEST_CASE("EnsureTlsMaterial writes a CA and a server certificate for localhost signed by it") {
  TempDir dir;
  REQUIRE(EnsureTlsMaterial(dir.path).ok());
  std::string tls = dir.path + "/tls";
  CHECK(Mode(tls + "/server.key") == 0600);
  CHECK(Mode(tls + "/ca.key") == 0600);
  std::string ca_pem = Slurp(tls + "/ca.pem"), srv_pem = Slurp(tls + "/server.pem");
  BIO* b1 = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  BIO* b2 = BIO_new_mem_buf(srv_pem.data(), static_cast<int>(srv_pem.size()));
  X509* ca = PEM_read_bio_X509(b1, nullptr, nullptr, nullptr);
  X509* srv = PEM_read_bio_X509(b2, nullptr, nullptr, nullptr);
  REQUIRE(ca);
  REQUIRE(srv);
  CHECK(X509_verify(srv, X509_get0_pubkey(ca)) == 1);
  CHECK(X509_check_host(srv, "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(srv, "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(srv, "::1", 0) == 1);
  CHECK(X509_check_ca(ca) >= 1);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, srv, nullptr);
  CHECK(X509_verify_cert(ctx) == 1);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(ca);
  X509_free(srv);
  BIO_free(b1);
  BIO_free(b2);

  // Idempotent: a second call keeps the files.
  REQUIRE(EnsureTlsMaterial(dir.path).ok());
  CHECK(Slurp(tls + "/ca.pem") == ca_pem);
  CHECK(Slurp(tls + "/server.pem") == srv_pem);
}

TEST_CASE("EnsureTlsMaterial re-issues a deleted server certificate with the existing CA") {
  TempDir dir;
  REQUIRE(EnsureTlsMaterial(dir.path).ok());
  std::string ca_pem = Slurp(dir.path + "/tls/ca.pem");
  std::filesystem::remove(dir.path + "/tls/server.pem");
  REQUIRE(EnsureTlsMaterial(dir.path).ok());
  CHECK(Slurp(dir.path + "/tls/ca.pem") == ca_pem);
  CHECK_FALSE(Slurp(dir.path + "/tls/server.pem").empty());
}
