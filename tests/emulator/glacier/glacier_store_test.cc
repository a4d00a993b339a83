// GlacierStore (emulator/glacier/glacier_store.h): the tree hash, the 24-hour lock id, a Locked policy
// that ClearLock leaves alone, and archive bytes that never reach the database in plain.
#include "emulator/glacier/glacier_store.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "common/crypto/crypto.h"
#include "common/util/encoding.h"
#include "tests/common/temp_dir.h"

using emulator::glacier::GlacierStore;
using emulator::glacier::kLockIdLifetimeMillis;
using emulator::glacier::TreeHashHex;
using emulator::glacier::VaultRef;

namespace {

std::string Hex(const std::string& bytes) { return common::util::HexEncode(bytes); }

std::unique_ptr<GlacierStore> OpenStore(const std::string& dir) {
  auto store = GlacierStore::Open(dir + "/glacier.db", common::crypto::SecretBytes(std::string(32, 'k')));
  REQUIRE(store.ok());
  return std::move(*store);
}

}  // namespace

TEST_CASE("TreeHashHex: one leaf is its SHA-256; more leaves combine pairwise, an odd one carried up") {
  using common::crypto::Sha256;
  CHECK(TreeHashHex("abc") == common::crypto::Sha256Hex("abc"));
  const std::string mib(1 << 20, 'a'), tail(100, 'b');
  CHECK(TreeHashHex(mib + mib) == Hex(Sha256(Sha256(mib) + Sha256(mib))));
  const std::string three = mib + mib + tail;
  CHECK(TreeHashHex(three) == Hex(Sha256(Sha256(Sha256(mib) + Sha256(mib)) + Sha256(tail))));
}

TEST_CASE("An InProgress lock reads as absent once its lock id expired; ClearLock never removes a Locked one") {
  s3lab::testing::TempDir dir("glacier-store");
  auto store = OpenStore(dir.path);
  const VaultRef ref{"111122223333", "us-east-1", "v"};
  const int64_t t0 = 1'800'000'000'000;
  REQUIRE(store->CreateVault(ref, t0).value());
  CHECK_FALSE(store->CreateVault(ref, t0).value());  // already there
  REQUIRE(store->SetLock(ref, "{}", "InProgress", "L1", t0, t0 + kLockIdLifetimeMillis).ok());
  CHECK(store->GetVault(ref, t0 + kLockIdLifetimeMillis - 1)->lock_state == "InProgress");
  auto expired = store->GetVault(ref, t0 + kLockIdLifetimeMillis);
  CHECK(expired->lock_state.empty());
  CHECK(expired->lock_policy.empty());
  REQUIRE(store->SetLock(ref, "{}", "Locked", "L2", t0, 0).ok());
  REQUIRE(store->ClearLock(ref).ok());
  CHECK(store->GetVault(ref, t0 + 10 * kLockIdLifetimeMillis)->lock_state == "Locked");
}

TEST_CASE("Archive bytes are stored encrypted and counted in the vault") {
  s3lab::testing::TempDir dir("glacier-store");
  {
    auto store = OpenStore(dir.path);
    const VaultRef ref{"111122223333", "us-east-1", "v"};
    REQUIRE(store->CreateVault(ref, 1).value());
    const std::string body = "plain archive marker 0xC0FFEE";
    auto archive = store->PutArchive(ref, body, TreeHashHex(body), "d", 5);
    REQUIRE(archive.ok());
    CHECK(archive->id.size() == 138);
    CHECK(store->GetArchive(ref, archive->id)->size == static_cast<int64_t>(body.size()));
    CHECK_FALSE(store->GetArchive({"111122223333", "us-east-1", "other"}, archive->id).has_value());
    auto vault = store->GetVault(ref, 5);
    CHECK(vault->archives == 1);
    CHECK(vault->size_bytes == static_cast<int64_t>(body.size()));
  }
  for (const char* name : {"/glacier.db", "/glacier.db-wal"}) {
    std::ifstream in(dir.path + name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(bytes.find("plain archive marker") == std::string::npos);
  }
}
