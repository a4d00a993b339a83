// A fresh ObjectStore in a temporary directory for each test, with a fixed clock.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "emulator/store/object_store.h"

namespace emulator::store::testing {

class TempStore {
 public:
  TempStore() : clock_(1'780'000'000'000) {
    dir_ = std::filesystem::temp_directory_path() /
           ("s3lab-store-test-" + std::to_string(std::random_device{}()) + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    master_ = common::crypto::RandomBytes(32);
    Reopen();
  }
  ~TempStore() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Reopen() {
    store_.reset();
    StoreOptions o;
    o.db_path = (dir_ / "s3.db").string();
    o.master_key = common::crypto::SecretBytes(master_);
    o.clock = &clock_;
    auto s = ObjectStore::Open(std::move(o));
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    store_ = std::move(s.value());
  }
  void Close() { store_.reset(); }
  ObjectStore& operator*() { return *store_; }
  ObjectStore* operator->() { return store_.get(); }
  std::filesystem::path dir() const { return dir_; }
  common::util::FixedClock& clock() { return clock_; }

  void MakeBucket(const std::string& name, const std::string& versioning = "") {
    BucketRecord b;
    b.name = name;
    b.owner_account = "111122223333";
    b.region = "us-east-1";
    REQUIRE(store_->CreateBucket(b).ok());
    if (!versioning.empty()) REQUIRE(store_->SetVersioning(name, versioning).ok());
  }
  ObjectVersion Put(const std::string& bucket, const std::string& key, const std::string& body) {
    auto w = store_->NewWriter(bucket, key, SseInfo{});
    REQUIRE(w.ok());
    REQUIRE((*w)->Write(body).ok());
    NewVersion v;
    v.etag = "etag-" + std::to_string(body.size());
    v.owner_account = "111122223333";
    auto c = (*w)->Commit(v);
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().code));
    return c.value();
  }
  std::string ReadAll(const ObjectVersion& v, int64_t offset = 0, int64_t length = -1) {
    auto r = store_->OpenReader(v);
    REQUIRE(r.ok());
    std::string out;
    REQUIRE((*r)->Read(offset, length, [&](std::string_view d) {
      out.append(d);
      return true;
    }).ok());
    return out;
  }
  std::string FileBytes(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string master_;
  common::util::FixedClock clock_;
  std::unique_ptr<ObjectStore> store_;
};

// Rows of a table of the store's s3.db, read with a connection of its own.
inline int64_t CountRows(const TempStore& t, const std::string& table) {
  SQLite::Database db((t.dir() / "s3.db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

inline std::string Pattern(size_t n, uint32_t seed = 7) {
  std::string s(n, '\0');
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

}  // namespace emulator::store::testing
