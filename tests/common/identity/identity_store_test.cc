// IdentityStore over a temporary iam.db: users, keys, policies, persistence, a second connection.
#include "common/identity/identity_store.h"
#include "tests/common/temp_dir.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

namespace {

using s3lab::testing::TempDir;

using common::identity::IdentityStore;
using common::identity::PrincipalType;

std::unique_ptr<IdentityStore> OpenStore(const std::string& dir, bool writable = true) {
  auto store = IdentityStore::Open(dir, writable);
  REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().message));
  return std::move(store.value());
}

constexpr const char* kAcct = "111122223333";
constexpr const char* kS3Read =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]})";

}  // namespace

TEST_CASE("EnsureAccount creates the account with root keys once and is idempotent") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  auto a = store->EnsureAccount(kAcct, "lab");
  REQUIRE(a.ok());
  CHECK(a->id == kAcct);
  CHECK(a->name == "lab");
  CHECK(a->canonical_user_id.size() == 64);
  CHECK(a->root_access_key_id.rfind("AKIA", 0) == 0);
  CHECK(a->root_access_key_id.size() == 20);
  CHECK(a->root_secret_access_key.size() == 40);
  auto again = store->EnsureAccount(kAcct, "renamed");
  REQUIRE(again.ok());
  CHECK(again->root_access_key_id == a->root_access_key_id);
  CHECK(store->ListAccounts().size() == 1);
  auto root = store->LookupAccessKey(a->root_access_key_id);
  REQUIRE(root);
  CHECK(root->principal.type == PrincipalType::kRoot);
  CHECK(root->principal.arn == "arn:aws:iam::111122223333:root");
  CHECK(root->principal.user_id == kAcct);
  CHECK(root->principal.canonical_user_id == a->canonical_user_id);
  CHECK(root->secret_access_key == a->root_secret_access_key);
  CHECK(store->EnsureAccount("12345", "x").error().code == "ValidationError");
}

TEST_CASE("CreateUser makes AWS-shaped ids and refuses duplicates and unknown users with IAM errors") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
  auto alice = store->CreateUser(kAcct, "alice", "/engineering/");
  REQUIRE(alice.ok());
  CHECK(alice->user_id.rfind("AIDA", 0) == 0);
  CHECK(alice->user_id.size() == 21);
  CHECK(alice->arn == "arn:aws:iam::111122223333:user/engineering/alice");
  auto dup = store->CreateUser(kAcct, "ALICE", "/");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == "EntityAlreadyExists");
  CHECK(dup.error().http_status == 409);
  CHECK(dup.error().message == "User with name ALICE already exists.");
  auto missing = store->GetUser(kAcct, "bob");
  CHECK(missing.error().code == "NoSuchEntity");
  CHECK(missing.error().http_status == 404);
  CHECK(missing.error().message == "The user with name bob cannot be found.");
  CHECK(store->CreateUser(kAcct, "bad name", "/").error().code == "ValidationError");
  CHECK(store->ListUsers(kAcct).size() == 1);
}

TEST_CASE("Access keys: two per user, then LimitExceeded; deleting needs the right owner") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
  REQUIRE(store->CreateUser(kAcct, "alice", "").ok());
  auto k1 = store->CreateAccessKey(kAcct, "alice");
  auto k2 = store->CreateAccessKey(kAcct, "alice");
  REQUIRE(k1.ok());
  REQUIRE(k2.ok());
  CHECK(k1->access_key_id != k2->access_key_id);
  auto k3 = store->CreateAccessKey(kAcct, "alice");
  CHECK(k3.error().code == "LimitExceeded");
  CHECK(k3.error().message == "Cannot exceed quota for AccessKeysPerUser: 2");
  CHECK(store->ListAccessKeys(kAcct, "alice").size() == 2);
  CHECK(store->DeleteAccessKey(kAcct, "bob", k1->access_key_id).error().code == "NoSuchEntity");
  CHECK(store->DeleteAccessKey(kAcct, "alice", k1->access_key_id).ok());
  CHECK_FALSE(store->LookupAccessKey(k1->access_key_id));
  CHECK(store->UpdateAccessKey(kAcct, "alice", k2->access_key_id, "Inactive").ok());
  CHECK_FALSE(store->LookupAccessKey(k2->access_key_id));
  CHECK(store->UpdateAccessKey(kAcct, "alice", k2->access_key_id, "Active").ok());
  CHECK(store->LookupAccessKey(k2->access_key_id));
  CHECK(store->CreateAccessKey(kAcct, "nobody").error().message ==
        "The user with name nobody cannot be found.");
}

TEST_CASE("LookupAccessKey returns the user with inline and attached policies, parsed") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
  REQUIRE(store->CreateUser(kAcct, "alice", "/").ok());
  auto key = store->CreateAccessKey(kAcct, "alice");
  REQUIRE(key.ok());
  REQUIRE(store->PutUserPolicy(kAcct, "alice", "read", kS3Read).ok());
  auto managed = store->CreatePolicy(kAcct, "KmsUse", "/",
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                                        "Action":"kms:Decrypt","Resource":"*"}]})");
  REQUIRE(managed.ok());
  CHECK(managed->arn == "arn:aws:iam::111122223333:policy/KmsUse");
  CHECK(managed->policy_id.rfind("ANPA", 0) == 0);
  REQUIRE(store->AttachUserPolicy(kAcct, "alice", managed->arn).ok());
  REQUIRE(store->AttachUserPolicy(kAcct, "alice", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess").ok());

  auto info = store->LookupAccessKey(key->access_key_id);
  REQUIRE(info);
  CHECK(info->secret_access_key == key->secret_access_key);
  CHECK(info->principal.type == PrincipalType::kUser);
  CHECK(info->principal.user_name == "alice");
  CHECK(info->principal.arn == "arn:aws:iam::111122223333:user/alice");
  CHECK(info->principal.access_key_id == key->access_key_id);
  REQUIRE(info->policies.size() == 3);
  CHECK(info->policies[0].first == "read");
  CHECK(info->policies[1].first == "arn:aws:iam::111122223333:policy/KmsUse");
  CHECK(info->policies[2].first == "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
  REQUIRE(info->parsed_policies);
  CHECK(info->parsed_policies->size() == 3);

  common::policy::Context ctx;
  ctx.principal = info->principal;
  ctx.action = "kms:Decrypt";
  ctx.resource = "arn:aws:kms:us-east-1:111122223333:key/k";
  CHECK(common::policy::Authorize(ctx, *info->parsed_policies, nullptr).allowed());

  auto attached = store->ListAttachedUserPolicies(kAcct, "alice");
  REQUIRE(attached.ok());
  CHECK(attached->size() == 2);
  CHECK(store->DetachUserPolicy(kAcct, "alice", managed->arn).ok());
  CHECK(store->LookupAccessKey(key->access_key_id)->policies.size() == 2);
}

TEST_CASE("Policy errors: MalformedPolicyDocument, missing inline policy, unattachable ARN") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
  REQUIRE(store->CreateUser(kAcct, "alice", "/").ok());
  auto bad = store->PutUserPolicy(kAcct, "alice", "p", "not json");
  CHECK(bad.error().code == "MalformedPolicyDocument");
  CHECK(bad.error().http_status == 400);
  CHECK(bad.error().message == "Syntax errors in policy.");
  auto resource = store->PutUserPolicy(
      kAcct, "alice", "p", R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bkt"}]})");
  CHECK(resource.error().message == "Resource bkt must be in ARN format or \"*\".");
  auto action = store->CreatePolicy(
      kAcct, "p", "/", R"({"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})");
  CHECK(action.error().message ==
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  auto principal = store->PutUserPolicy(
      kAcct, "alice", "p",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})");
  CHECK(principal.error().message == "Policy document should not specify a principal.");
  CHECK(store->GetUserPolicy(kAcct, "alice", "nope").error().message ==
        "The user policy with name nope cannot be found.");
  auto attach = store->AttachUserPolicy(kAcct, "alice", "arn:aws:iam::111122223333:policy/Nope");
  CHECK(attach.error().code == "NoSuchEntity");
  CHECK(attach.error().message ==
        "Policy arn:aws:iam::111122223333:policy/Nope does not exist or is not attachable.");
  REQUIRE(store->CreatePolicy(kAcct, "Dup", "/", kS3Read).ok());
  CHECK(store->CreatePolicy(kAcct, "Dup", "/", kS3Read).error().code == "EntityAlreadyExists");
}

TEST_CASE("DeleteUser refuses while keys or policies remain, then succeeds") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
  REQUIRE(store->CreateUser(kAcct, "alice", "/").ok());
  auto key = store->CreateAccessKey(kAcct, "alice");
  REQUIRE(store->PutUserPolicy(kAcct, "alice", "read", kS3Read).ok());
  REQUIRE(store->AttachUserPolicy(kAcct, "alice", "arn:aws:iam::aws:policy/AdministratorAccess").ok());
  auto s = store->DeleteUser(kAcct, "alice");
  CHECK(s.error().code == "DeleteConflict");
  CHECK(s.error().http_status == 409);
  CHECK(s.error().message == "Cannot delete entity, must delete access keys first.");
  REQUIRE(store->DeleteAccessKey(kAcct, "alice", key->access_key_id).ok());
  CHECK(store->DeleteUser(kAcct, "alice").error().message ==
        "Cannot delete entity, must delete policies first.");
  REQUIRE(store->DeleteUserPolicy(kAcct, "alice", "read").ok());
  CHECK(store->DeleteUser(kAcct, "alice").error().message ==
        "Cannot delete entity, must detach all policies first.");
  REQUIRE(store->DetachUserPolicy(kAcct, "alice", "arn:aws:iam::aws:policy/AdministratorAccess").ok());
  CHECK(store->DeleteUser(kAcct, "alice").ok());
  CHECK(store->DeleteUser(kAcct, "alice").error().code == "NoSuchEntity");
}

TEST_CASE("Everything survives a restart of the store") {
  TempDir dir;
  std::string key_id, secret;
  {
    auto store = OpenStore(dir.path);
    REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
    REQUIRE(store->CreateUser(kAcct, "alice", "/").ok());
    auto key = store->CreateAccessKey(kAcct, "alice");
    key_id = key->access_key_id;
    secret = key->secret_access_key;
    REQUIRE(store->PutUserPolicy(kAcct, "alice", "read", kS3Read).ok());
    REQUIRE(store->SetClockOffsetMillis(2 * 86400000LL).ok());
  }
  auto store = OpenStore(dir.path);
  auto info = store->LookupAccessKey(key_id);
  REQUIRE(info);
  CHECK(info->secret_access_key == secret);
  CHECK(info->policies.size() == 1);
  CHECK(store->ClockOffsetMillis() == 2 * 86400000LL);
  CHECK(store->GetAccount(kAcct)->name == "lab");
}

TEST_CASE("A read-only second connection sees the writer's commits (data_version)") {
  TempDir dir;
  auto writer = OpenStore(dir.path);
  REQUIRE(writer->EnsureAccount(kAcct, "lab").ok());
  auto reader = OpenStore(dir.path, /*writable=*/false);
  CHECK(reader->CreateUser(kAcct, "x", "/").error().code == "ServiceFailure");
  REQUIRE(writer->CreateUser(kAcct, "alice", "/").ok());
  auto key = writer->CreateAccessKey(kAcct, "alice");
  REQUIRE(key.ok());
  // An unknown key forces a data_version check at once: no waiting for a fresh key.
  auto info = reader->LookupAccessKey(key->access_key_id);
  REQUIRE(info);
  CHECK(info->policies.empty());
  REQUIRE(writer->PutUserPolicy(kAcct, "alice", "read", kS3Read).ok());
  REQUIRE(writer->SetClockOffsetMillis(-5000).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // > the snapshot check interval
  CHECK(reader->LookupAccessKey(key->access_key_id)->policies.size() == 1);
  CHECK(reader->ClockOffsetMillis() == -5000);
}

TEST_CASE("A read-only open waits for iam.db to appear") {
  TempDir dir;
  bool created = false;
  std::thread creator([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto w = IdentityStore::Open(dir.path, true);
    created = w.ok() && (*w)->EnsureAccount(kAcct, "lab").ok();
  });
  auto reader = IdentityStore::Open(dir.path, false);
  creator.join();
  REQUIRE(created);
  REQUIRE(reader.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // > the snapshot check interval
  CHECK((*reader)->GetAccount(kAcct).has_value());
}

TEST_CASE("Root access keys can be added for the account (user name empty)") {
  TempDir dir;
  auto store = OpenStore(dir.path);
  REQUIRE(store->EnsureAccount(kAcct, "lab").ok());
  auto second = store->CreateAccessKey(kAcct, "");
  REQUIRE(second.ok());
  CHECK(store->LookupAccessKey(second->access_key_id)->principal.type == PrincipalType::kRoot);
  CHECK(store->CreateAccessKey(kAcct, "").error().code == "LimitExceeded");
}

TEST_CASE("Lookups from many threads stay consistent while another connection writes") {
  TempDir dir;
  auto writer = OpenStore(dir.path);
  REQUIRE(writer->EnsureAccount(kAcct, "lab").ok());
  REQUIRE(writer->CreateUser(kAcct, "alice", "/").ok());
  auto key = writer->CreateAccessKey(kAcct, "alice");
  REQUIRE(key.ok());
  auto reader = OpenStore(dir.path, /*writable=*/false);
  std::atomic<bool> stop{false};
  std::atomic<int> misses{0}, lookups{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      while (!stop) {
        auto info = reader->LookupAccessKey(key->access_key_id);
        if (!info || !info->parsed_policies || info->parsed_policies->size() != info->policies.size())
          ++misses;
        ++lookups;
      }
    });
  }
  auto wait_for_lookups = [&](int at_least) {
    while (lookups < at_least) std::this_thread::yield();
  };
  wait_for_lookups(100);  // the readers are running before the first write
  for (int i = 0; i < 20; ++i) {
    std::string name = "p";  // not "p" + to_string(i): GCC 12 warns falsely (-Wrestrict, PR 105329)
    name += std::to_string(i);
    REQUIRE(writer->PutUserPolicy(kAcct, "alice", name, kS3Read).ok());
    REQUIRE(writer->DeleteUserPolicy(kAcct, "alice", name).ok());
  }
  const int after_writes = lookups + 100;
  wait_for_lookups(after_writes);
  stop = true;
  for (auto& t : threads) t.join();
  CHECK(misses == 0);
}

TEST_CASE("A read-only store opens iam.db after the writer has exited") {
  TempDir dir;
  std::string root_key;
  {
    auto writer = OpenStore(dir.path);
    auto account = writer->EnsureAccount(kAcct, "lab");
    REQUIRE(account.ok());
    root_key = account->root_access_key_id;
  }
  auto reader = OpenStore(dir.path, /*writable=*/false);
  CHECK(reader->LookupAccessKey(root_key).has_value());
  CHECK(reader->ListAccounts().size() == 1);
}
