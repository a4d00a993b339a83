#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "tests/emulator/store/store_test_util.h"

using namespace emulator::store;
using emulator::store::testing::Pattern;
using emulator::store::testing::TempStore;

using emulator::store::testing::CountRows;

TEST_CASE("CreateBucket refuses a taken name with the owner-specific error") {
  TempStore t;
  t.MakeBucket("notes");
  BucketRecord again{"notes", "111122223333", "us-east-1"};
  CHECK(t->CreateBucket(again).error().code == "BucketAlreadyOwnedByYou");
  BucketRecord other{"notes", "444455556666", "us-east-1"};
  auto r = t->CreateBucket(other);
  CHECK(r.error().code == "BucketAlreadyExists");
  CHECK(r.error().http_status == 409);
  CHECK(t->GetBucket("nope").error().code == "NoSuchBucket");
  CHECK(t->ListBuckets("111122223333")->size() == 1);
  CHECK(t->ListBuckets("444455556666")->empty());
}

TEST_CASE("Bucket settings persist across a reopen") {
  TempStore t;
  t.MakeBucket("cfg");
  REQUIRE(t->SetVersioning("cfg", "Enabled").ok());
  REQUIRE(t->SetEncryption("cfg", {"aws:kms", "alias/app", true}).ok());
  REQUIRE(t->SetPolicy("cfg", "{\"Version\":\"2012-10-17\"}").ok());
  REQUIRE(t->PutBucketConfig("cfg", "cors", "<CORSConfiguration/>").ok());
  t.Reopen();
  auto b = t->GetBucket("cfg");
  REQUIRE(b.ok());
  CHECK(b->versioning == "Enabled");
  CHECK(b->encryption == EncryptionConfig{"aws:kms", "alias/app", true});
  CHECK(b->policy == "{\"Version\":\"2012-10-17\"}");
  CHECK(t->GetBucketConfig("cfg", "cors").value() == std::optional<std::string>("<CORSConfiguration/>"));
  REQUIRE(t->DeleteBucketConfig("cfg", "cors").ok());
  CHECK_FALSE(t->GetBucketConfig("cfg", "cors").value().has_value());
  CHECK(t->SetVersioning("nope", "Enabled").error().code == "NoSuchBucket");
}

TEST_CASE("DeleteBucket answers BucketNotEmpty while any version or delete marker exists") {
  TempStore t;
  t.MakeBucket("v", "Enabled");
  t.Put("v", "k", "x");
  CHECK(t->DeleteObject("v", "k").ok());  // leaves a version and a marker
  auto err = t->DeleteBucket("v");
  CHECK(err.error().code == "BucketNotEmpty");
  CHECK(err.error().message == "The bucket you tried to delete is not empty. You must delete all versions in the bucket.");
  auto versions = t->ListObjectVersions("v", {});
  for (const auto& v : versions->contents) REQUIRE(t->DeleteObject("v", "k", v.version_id).ok());
  CHECK(t->DeleteBucket("v").ok());
  CHECK(t->GetBucket("v").error().code == "NoSuchBucket");
}

TEST_CASE("A multi-chunk object reads back whole and by ranges across chunk boundaries") {
  TempStore t;
  t.MakeBucket("b");
  std::string body = Pattern(3 * kChunkSize + 12345);
  ObjectVersion v = t.Put("b", "big.bin", body);
  CHECK(v.size == static_cast<int64_t>(body.size()));
  CHECK(v.version_id == "null");
  CHECK(v.is_latest);
  CHECK(v.sse.mode == SseMode::kSseS3);
  CHECK(v.sse.wrapped_key.size() == 61);
  CHECK(t.ReadAll(v) == body);
  CHECK(t.ReadAll(v, kChunkSize - 5, 10) == body.substr(kChunkSize - 5, 10));
  CHECK(t.ReadAll(v, 2 * kChunkSize, kChunkSize + 1) == body.substr(2 * kChunkSize, kChunkSize + 1));
  CHECK(t.ReadAll(v, body.size() - 3, 100) == body.substr(body.size() - 3));
  auto got = t->GetObject("b", "big.bin");
  REQUIRE(got.ok());
  CHECK(got->etag == v.etag);
  CHECK(t.ReadAll(*got) == body);
  CHECK(t->CountStaged().value() == 0);
}

TEST_CASE("An empty object has no chunks and reads back empty") {
  TempStore t;
  t.MakeBucket("b");
  ObjectVersion v = t.Put("b", "empty", "");
  CHECK(v.size == 0);
  CHECK(t.ReadAll(v).empty());
  CHECK(CountRows(t, "chunks") == 0);
}

TEST_CASE("Metadata, checksum and extra fields round-trip") {
  TempStore t;
  t.MakeBucket("b");
  auto w = t->NewWriter("b", "m", SseInfo{});
  REQUIRE((*w)->Write("hello").ok());
  NewVersion nv;
  nv.etag = "5d41402abc4b2a76b9719d911017c592";
  nv.meta.content_type = "text/plain";
  nv.meta.cache_control = "no-cache";
  nv.meta.user_metadata = {{"color", "blue"}, {"x-y", "ü"}};
  nv.checksum = {"CRC32", "NhCmhg==", "FULL_OBJECT"};
  REQUIRE((*w)->Commit(nv).ok());
  auto v = t->GetObject("b", "m");
  REQUIRE(v.ok());
  CHECK(v->meta.content_type == "text/plain");
  CHECK(v->meta.cache_control == "no-cache");
  CHECK(v->meta.user_metadata.at("x-y") == "ü");
  CHECK(v->checksum.value_b64 == "NhCmhg==");
  CHECK(v->checksum.type == "FULL_OBJECT");
  CHECK(v->last_modified_millis == 1'780'000'000'000);
  REQUIRE(t->UpdateVersionExtra("b", "m", "null", {{"tagging", "a=b"}}).ok());
  CHECK(t->GetObject("b", "m")->meta.extra.at("tagging") == "a=b");
}

TEST_CASE("Unversioned writes replace the null version and free its chunks") {
  TempStore t;
  t.MakeBucket("b");
  t.Put("b", "k", Pattern(2 * kChunkSize));
  ObjectVersion second = t.Put("b", "k", "second");
  CHECK(t->ListObjectVersions("b", {})->contents.size() == 1);
  CHECK(CountRows(t, "chunks") == 1);
  CHECK(t.ReadAll(*t->GetObject("b", "k")) == "second");
  auto del = t->DeleteObject("b", "k");
  REQUIRE(del.ok());
  CHECK_FALSE(del->marker_created);
  CHECK(t->GetObject("b", "k").error().code == "NoSuchKey");
  CHECK(CountRows(t, "chunks") == 0);
  (void)second;
}

TEST_CASE("Versioning keeps every version, delete adds a marker, deleting the marker restores the object") {
  TempStore t;
  t.MakeBucket("v", "Enabled");
  ObjectVersion a = t.Put("v", "k", "one");
  ObjectVersion b = t.Put("v", "k", "two");
  CHECK(a.version_id != b.version_id);
  CHECK(a.version_id.size() == 32);
  CHECK(t.ReadAll(*t->GetObject("v", "k")) == "two");
  CHECK(t.ReadAll(*t->GetObject("v", "k", a.version_id)) == "one");
  CHECK_FALSE(t->GetObject("v", "k", a.version_id)->is_latest);
  auto del = t->DeleteObject("v", "k");
  REQUIRE(del.ok());
  CHECK(del->marker_created);
  auto latest = t->GetObject("v", "k");
  REQUIRE(latest.ok());
  CHECK(latest->is_delete_marker);
  CHECK(latest->version_id == del->version_id);
  CHECK(t->ListObjects("v", {})->contents.empty());
  auto undo = t->DeleteObject("v", "k", del->version_id);
  REQUIRE(undo.ok());
  CHECK(undo->deleted_delete_marker);
  CHECK(t.ReadAll(*t->GetObject("v", "k")) == "two");
  CHECK(t->GetObject("v", "k")->is_latest);
  auto missing = t->GetObject("v", "k", "nope");
  CHECK(missing.error().code == "NoSuchVersion");
  CHECK(missing.error().Extra("VersionId") == "nope");
  CHECK(t->DeleteObject("v", "k", "nope")->version_id.empty());
}

TEST_CASE("Suspended versioning writes and deletes the null version, keeping older versions") {
  TempStore t;
  t.MakeBucket("s", "Enabled");
  ObjectVersion kept = t.Put("s", "k", "kept");
  REQUIRE(t->SetVersioning("s", "Suspended").ok());
  t.Put("s", "k", "null-1");
  t.Put("s", "k", "null-2");
  auto versions = t->ListObjectVersions("s", {});
  REQUIRE(versions->contents.size() == 2);
  CHECK(versions->contents[0].version_id == "null");
  CHECK(versions->contents[0].is_latest);
  CHECK(versions->contents[1].version_id == kept.version_id);
  auto del = t->DeleteObject("s", "k");
  CHECK(del->version_id == "null");
  CHECK(del->marker_created);
  versions = t->ListObjectVersions("s", {});
  REQUIRE(versions->contents.size() == 2);
  CHECK(versions->contents[0].is_delete_marker);
  CHECK(versions->contents[0].version_id == "null");
}

TEST_CASE("A writer destroyed without Commit leaves nothing visible and nothing staged") {
  TempStore t;
  t.MakeBucket("b");
  {
    auto w = t->NewWriter("b", "partial", SseInfo{});
    REQUIRE((*w)->Write(Pattern(2 * kChunkSize + 10)).ok());
    CHECK(t->CountStaged().value() == 1);
    CHECK(t->GetObject("b", "partial").error().code == "NoSuchKey");
  }
  CHECK(t->CountStaged().value() == 0);
  CHECK(CountRows(t, "chunks") == 0);
  CHECK(t->ListObjects("b", {})->contents.empty());
}

TEST_CASE("Chunks staged by a killed process are swept at the next Open") {
  TempStore t;
  t.MakeBucket("b");
  t.Put("b", "kept", "acknowledged");
  t.Close();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    t.Reopen();
    auto w = t->NewWriter("b", "torn", SseInfo{});
    bool ok = w.ok() && (*w)->Write(Pattern(3 * kChunkSize)).ok();
    _exit(ok ? 0 : 1);  // no destructors: like kill -9 mid-upload
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(CountRows(t, "staged") == 1);
  CHECK(CountRows(t, "chunks") == 4);
  t.Reopen();
  CHECK(t->CountStaged().value() == 0);
  CHECK(CountRows(t, "chunks") == 1);
  CHECK(t->GetObject("b", "torn").error().code == "NoSuchKey");
  CHECK(t.ReadAll(*t->GetObject("b", "kept")) == "acknowledged");
}

TEST_CASE("No plaintext body or data key appears anywhere in the database files") {
  TempStore t;
  t.MakeBucket("b");
  std::string marker = "S3LAB-PLAINTEXT-MARKER-7f3a";
  std::string body;
  while (body.size() < 3 * kChunkSize) body += marker;
  t.Put("b", "secret.txt", body);
  t.Put("b", "small.txt", marker);
  // An SSE-KMS style write with a known data key: the key itself must not be stored.
  SseInfo kms;
  kms.mode = SseMode::kSseKms;
  kms.kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/k";
  kms.wrapped_key = "opaque-kms-ciphertext-blob";
  std::string key_bytes = "0123456789abcdef0123456789ABCDEF";
  auto w = t->NewWriter("b", "kms.txt", kms, common::crypto::SecretBytes(key_bytes));
  REQUIRE(w.ok());
  REQUIRE((*w)->Write(marker + marker).ok());
  REQUIRE((*w)->Commit(NewVersion{}).ok());
  common::crypto::SecretBytes given(key_bytes);
  auto kv = t->GetObject("b", "kms.txt");
  auto r = t->OpenReader(*kv, &given);
  REQUIRE(r.ok());
  t.Close();
  for (const char* name : {"s3.db", "s3.db-wal"}) {
    std::string bytes = t.FileBytes(name);
    CHECK_MESSAGE(bytes.find(marker) == std::string::npos, name);
    CHECK_MESSAGE(bytes.find(key_bytes) == std::string::npos, name);
  }
  CHECK(t.FileBytes("s3.db").size() > 3 * kChunkSize);
}

TEST_CASE("Multipart parts are stitched into one version; unlisted and replaced parts are dropped") {
  TempStore t;
  t.MakeBucket("b");
  UploadRecord spec;
  spec.bucket = "b";
  spec.key = "mp.bin";
  spec.owner_account = "111122223333";
  spec.meta.content_type = "application/octet-stream";
  auto up = t->CreateUpload(spec);
  REQUIRE(up.ok());
  CHECK(up->upload_id.size() == 64);
  CHECK(up->sse.wrapped_key.size() == 61);
  auto put_part = [&](int n, const std::string& body) {
    auto w = t->NewPartWriter(*up, n);
    REQUIRE(w.ok());
    REQUIRE((*w)->Write(body).ok());
    PartRecord p;
    p.etag = std::to_string(n);
    p.etag.insert(0, 1, 'e');
    auto c = (*w)->CommitPart(p);
    REQUIRE(c.ok());
    CHECK(c->size == static_cast<int64_t>(body.size()));
  };
  std::string p1 = Pattern(kChunkSize + 7, 1), p2 = Pattern(100, 2), p3 = Pattern(2 * kChunkSize, 3);
  put_part(1, Pattern(10, 9));
  put_part(1, p1);  // replaces
  put_part(2, p2);
  put_part(3, p3);
  put_part(4, "dropped");
  auto parts = t->ListParts(*up, 0, 2);
  REQUIRE(parts.ok());
  CHECK(parts->parts.size() == 2);
  CHECK(parts->is_truncated);
  CHECK(parts->next_part_number_marker == 2);
  CHECK(t->ListParts(*up, 2, 10)->parts.size() == 2);
  CHECK(t->ListUploads("b", {})->uploads.size() == 1);
  NewVersion nv;
  nv.etag = "abc-3";
  nv.meta = up->meta;
  auto v = t->CompleteUpload(*up, {1, 2, 3}, nv);
  REQUIRE(v.ok());
  CHECK(v->size == static_cast<int64_t>(p1.size() + p2.size() + p3.size()));
  CHECK(v->part_sizes == std::vector<int64_t>{static_cast<int64_t>(p1.size()), 100, 2 * kChunkSize});
  auto got = t->GetObject("b", "mp.bin");
  REQUIRE(got.ok());
  CHECK(got->part_sizes.size() == 3);
  CHECK(got->meta.content_type == "application/octet-stream");
  CHECK(t.ReadAll(*got) == p1 + p2 + p3);
  CHECK(t.ReadAll(*got, p1.size() - 3, 110) == (p1 + p2 + p3).substr(p1.size() - 3, 110));
  CHECK(CountRows(t, "chunks") == 2 + 1 + 2);
  CHECK(CountRows(t, "parts") == 0);
  CHECK(t->ListUploads("b", {})->uploads.empty());
  CHECK(t->GetUpload("b", "mp.bin", up->upload_id).error().code == "NoSuchUpload");
  CHECK(t->CompleteUpload(*up, {1}, nv).error().code == "NoSuchUpload");
}

TEST_CASE("AbortMultipartUpload removes parts; later part commits answer NoSuchUpload") {
  TempStore t;
  t.MakeBucket("b");
  UploadRecord spec;
  spec.bucket = "b";
  spec.key = "k";
  auto up = t->CreateUpload(spec);
  REQUIRE(up.ok());
  auto w1 = t->NewPartWriter(*up, 1);
  REQUIRE((*w1)->Write(Pattern(kChunkSize + 1)).ok());
  REQUIRE((*w1)->CommitPart({}).ok());
  auto w2 = t->NewPartWriter(*up, 2);
  REQUIRE((*w2)->Write(Pattern(kChunkSize + 1)).ok());
  REQUIRE(t->AbortUpload(*up).ok());
  auto late = (*w2)->CommitPart({});
  CHECK(late.error().code == "NoSuchUpload");
  CHECK(late.error().http_status == 404);
  w2->reset();
  CHECK(CountRows(t, "chunks") == 0);
  CHECK(t->CountStaged().value() == 0);
  CHECK(t->AbortUpload(*up).error().code == "NoSuchUpload");
  CHECK(t->GetUpload("b", "other", up->upload_id).error().code == "NoSuchUpload");
}
