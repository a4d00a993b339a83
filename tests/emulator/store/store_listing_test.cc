#include <doctest/doctest.h>

#include "tests/emulator/store/store_test_util.h"

using namespace emulator::store;
using emulator::store::testing::TempStore;

namespace {

std::vector<std::string> Keys(const ListResult& r) {
  std::vector<std::string> out;
  for (const auto& v : r.contents) out.push_back(v.key);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("ListObjects rolls keys up into common prefixes with a delimiter") {
  TempStore t;
  t.MakeBucket("b");
  for (const char* k : {"a.txt", "photos/2024/x.jpg", "photos/2025/y.jpg", "photos/z.jpg", "readme", "zeta/1"})
    t.Put("b", k, k);
  auto all = t->ListObjects("b", {});
  CHECK(Keys(*all) == V{"a.txt", "photos/2024/x.jpg", "photos/2025/y.jpg", "photos/z.jpg", "readme", "zeta/1"});
  CHECK_FALSE(all->is_truncated);

  ListQuery q;
  q.delimiter = "/";
  auto top = t->ListObjects("b", q);
  CHECK(Keys(*top) == V{"a.txt", "readme"});
  CHECK(top->common_prefixes == V{"photos/", "zeta/"});

  q.prefix = "photos/";
  auto photos = t->ListObjects("b", q);
  CHECK(Keys(*photos) == V{"photos/z.jpg"});
  CHECK(photos->common_prefixes == V{"photos/2024/", "photos/2025/"});

  ListQuery p;
  p.prefix = "photos/20";
  CHECK(Keys(*t->ListObjects("b", p)) == V{"photos/2024/x.jpg", "photos/2025/y.jpg"});
  CHECK(t->ListObjects("nope", p).error().code == "NoSuchBucket");
}

TEST_CASE("ListObjects pages one entry at a time through keys and common prefixes") {
  TempStore t;
  t.MakeBucket("b");
  for (const char* k : {"a", "d/1", "d/2", "d/3", "e", "f/1"}) t.Put("b", k, k);
  ListQuery q;
  q.delimiter = "/";
  q.max_keys = 1;
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = t->ListObjects("b", q);
    REQUIRE(page.ok());
    for (const auto& v : page->contents) seen.push_back(v.key);
    for (const auto& cp : page->common_prefixes) seen.push_back(cp);
    CHECK(page->contents.size() + page->common_prefixes.size() == 1);
    if (!page->is_truncated) break;
    q.marker = page->next_marker;
  }
  CHECK(seen == V{"a", "d/", "e", "f/"});
}

TEST_CASE("ListObjects honours marker, max-keys and truncation without a delimiter") {
  TempStore t;
  t.MakeBucket("b");
  for (int i = 0; i < 25; ++i) t.Put("b", std::string(1, 'k').append(std::to_string(100 + i)), "x");
  ListQuery q;
  q.max_keys = 10;
  auto p1 = t->ListObjects("b", q);
  CHECK(p1->contents.size() == 10);
  CHECK(p1->is_truncated);
  CHECK(p1->next_marker == "k109");
  q.marker = p1->next_marker;
  auto p2 = t->ListObjects("b", q);
  CHECK(p2->contents.front().key == "k110");
  q.marker = "k119";
  auto p3 = t->ListObjects("b", q);
  CHECK(p3->contents.size() == 5);
  CHECK_FALSE(p3->is_truncated);
  q.max_keys = 0;
  CHECK(t->ListObjects("b", q)->contents.empty());
}

TEST_CASE("ListObjects skips delete markers and shows only the latest version") {
  TempStore t;
  t.MakeBucket("v", "Enabled");
  t.Put("v", "a", "1");
  t.Put("v", "a", "2");
  t.Put("v", "b", "1");
  REQUIRE(t->DeleteObject("v", "b").ok());
  auto r = t->ListObjects("v", {});
  REQUIRE(r->contents.size() == 1);
  CHECK(r->contents[0].key == "a");
  CHECK(r->contents[0].size == 1);
  CHECK(t.ReadAll(r->contents[0]) == "2");
}

TEST_CASE("ListObjectVersions lists newest first per key and pages with the version-id marker") {
  TempStore t;
  t.MakeBucket("v", "Enabled");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(t.Put("v", "a", std::to_string(i)).version_id);
  ids.push_back(t.Put("v", "b", "b").version_id);
  auto all = t->ListObjectVersions("v", {});
  REQUIRE(all->contents.size() == 4);
  CHECK(all->contents[0].version_id == ids[2]);
  CHECK(all->contents[0].is_latest);
  CHECK(all->contents[2].version_id == ids[0]);
  CHECK_FALSE(all->contents[2].is_latest);
  ListQuery q;
  q.max_keys = 2;
  auto p1 = t->ListObjectVersions("v", q);
  CHECK(p1->is_truncated);
  CHECK(p1->next_marker == "a");
  CHECK(p1->next_version_id_marker == ids[1]);
  q.marker = p1->next_marker;
  q.version_id_marker = p1->next_version_id_marker;
  auto p2 = t->ListObjectVersions("v", q);
  REQUIRE(p2->contents.size() == 2);
  CHECK(p2->contents[0].version_id == ids[0]);
  CHECK(p2->contents[1].key == "b");
  CHECK_FALSE(p2->is_truncated);
}

TEST_CASE("ListUploads orders by key and initiation and rolls up prefixes") {
  TempStore t;
  t.MakeBucket("b");
  auto make = [&](const std::string& key) {
    UploadRecord u;
    u.bucket = "b";
    u.key = key;
    return t->CreateUpload(u).value().upload_id;
  };
  std::string a1 = make("a"), a2 = make("a"), d = make("dir/x"), z = make("z");
  auto all = t->ListUploads("b", {});
  REQUIRE(all->uploads.size() == 4);
  CHECK(all->uploads[0].upload_id == a1);
  CHECK(all->uploads[1].upload_id == a2);
  ListQuery q;
  q.delimiter = "/";
  auto top = t->ListUploads("b", q);
  CHECK(top->uploads.size() == 3);
  CHECK(top->common_prefixes == V{"dir/"});
  ListQuery page;
  page.max_keys = 1;
  page.marker = "a";
  page.version_id_marker = a1;
  auto next = t->ListUploads("b", page);
  REQUIRE(next->uploads.size() == 1);
  CHECK(next->uploads[0].upload_id == a2);
  CHECK(next->is_truncated);
  CHECK(next->next_upload_id_marker == a2);
  (void)d;
  (void)z;
}
