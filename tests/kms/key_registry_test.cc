// The key registry: persistence across restarts, and no key material in plaintext at rest.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/util/encoding.h"
#include "kms_test_util.h"

namespace kms {
namespace {

using nlohmann::json;

std::string TempDb() {
  char path[] = "/tmp/s3lab-kms-test-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::remove(path);
  return path;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("Keys, aliases, state and material survive a restart") {
  std::string db = TempDb();
  std::string id, blob;
  {
    testing::Fixture f(db);
    id = f.NewKey({{"Description", "persist me"}});
    REQUIRE(f.Call("CreateAlias", {{"AliasName", "alias/keep"}, {"TargetKeyId", id}}).ok());
    REQUIRE(f.Call("DisableKey", {{"KeyId", id}}).ok());
    REQUIRE(f.Call("EnableKey", {{"KeyId", id}}).ok());
    auto enc =
        f.Call("Encrypt", {{"KeyId", "alias/keep"}, {"Plaintext", common::util::Base64Encode("durable")}});
    REQUIRE(enc.ok());
    blob = (*enc)["CiphertextBlob"];
  }
  testing::Fixture g(db);
  auto d = g.Call("DescribeKey", {{"KeyId", "alias/keep"}});
  REQUIRE(d.ok());
  CHECK((*d)["KeyMetadata"]["KeyId"] == id);
  CHECK((*d)["KeyMetadata"]["Description"] == "persist me");
  auto dec = g.Call("Decrypt", {{"CiphertextBlob", blob}});
  REQUIRE(dec.ok());
  CHECK(common::util::Base64Decode((*dec)["Plaintext"].get<std::string>()).value() == "durable");
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
}

TEST_CASE("The database never holds key material in plaintext") {
  std::string db = TempDb();
  {
    testing::Fixture f(db);
    std::string id = f.NewKey();
    auto key = f.service->registry().FindKey(testing::kAccount, testing::kRegion, id);
    REQUIRE(key);
    std::string material = key->current_material()->key.bytes();
    REQUIRE(material.size() == 32);
    std::string all = ReadAll(db) + ReadAll(db + "-wal");
    CHECK(all.find(material) == std::string::npos);
    CHECK(all.find(common::util::HexEncode(material)) == std::string::npos);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
}

TEST_CASE("A different wrap key cannot open the database") {
  std::string db = TempDb();
  {
    testing::Fixture f(db);
    f.NewKey();
  }
  auto other = store::KeyRegistry::Open(db, common::crypto::SecretBytes(std::string(32, 'x')));
  CHECK_FALSE(other.ok());
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
}

}  // namespace
}  // namespace kms
