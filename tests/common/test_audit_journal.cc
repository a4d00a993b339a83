// The journals in front of trail.db (common/audit/journal.h): lines round-trip, only complete lines are
// imported, a crash between writing lines and storing the offset imports each line exactly once, and
// journals whose writer is gone are imported and deleted.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdlib.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/audit/journal.h"
#include "common/audit/trail.h"
#include "common/audit/trail_console.h"
#include "tests/common/temp_dir.h"

using namespace common::audit;

namespace {

using s3lab::testing::TempDir;

JournalRow Row(const std::string& name, int64_t time) {
  JournalRow r;
  r.event_id = "id-" + name + "-" + std::to_string(time);
  r.event_time = time;
  r.account_id = "111122223333";
  r.event_source = "kms.amazonaws.com";
  r.event_name = name;
  r.username = "alice";
  r.access_key_id = "AKIAALICE";
  r.read_only = true;
  r.region = "us-east-1";
  r.resource_types = "|AWS::KMS::Key|";
  r.resource_names = "|arn:aws:kms:us-east-1:111122223333:key/k|";
  r.record = R"({"eventName":")" + name + R"(","note":"tab\there"})";
  return r;
}

void AppendRaw(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

int64_t Count(const std::string& db, const std::string& where = "1=1") {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM events WHERE " + where).getInt64();
}

// A trail.db with the schema (a Trail opened and closed) and its journal folder.
struct Fixture {
  TempDir dir;
  std::string db = dir.path + "/trail.db";
  std::string journals = dir.path + "/trail";
  Fixture() { REQUIRE(Trail::Open(db).ok()); }
};

}  // namespace

TEST_CASE("A journal line holds the row's columns and the record text unchanged") {
  JournalRow in = Row("Decrypt", 1234);
  in.username = "b\"ob\\";
  in.error_code = "AccessDeniedException";
  in.management = false;
  const std::string line = EncodeJournalLine(in);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  JournalRow out;
  REQUIRE(DecodeJournalLine(line.substr(0, line.size() - 1), &out));
  CHECK(out.event_id == in.event_id);
  CHECK(out.event_time == 1234);
  CHECK(out.username == "b\"ob\\");
  CHECK(out.error_code == "AccessDeniedException");
  CHECK_FALSE(out.management);
  CHECK(out.read_only);
  CHECK(out.resource_names == in.resource_names);
  CHECK(out.record == in.record);
  CHECK_FALSE(DecodeJournalLine("not a journal line", &out));
  CHECK_FALSE(DecodeJournalLine("[\"x\"]\t{}", &out));
}

TEST_CASE("A denial's decision travels as a 14th column into trail.db; lines without one store NULL") {
  Fixture f;
  JournalRow denied = Row("Decrypt", 1);
  denied.error_code = "AccessDeniedException";
  denied.decision = R"({"effect":"ExplicitDeny","sid":"DenyAlice"})";
  const std::string line = EncodeJournalLine(denied);
  JournalRow decoded;
  REQUIRE(DecodeJournalLine(line.substr(0, line.size() - 1), &decoded));
  CHECK(decoded.decision == denied.decision);
  const std::string plain = EncodeJournalLine(Row("Encrypt", 2));
  CHECK(nlohmann::json::parse(plain.substr(0, plain.find('\t'))).size() == 13);  // allowed calls: no 14th
  REQUIRE(DecodeJournalLine(plain.substr(0, plain.size() - 1), &decoded));
  CHECK(decoded.decision.empty());  // a line of a journal written before the column existed decodes too
  AppendRaw(f.journals + "/dead-9-1-0.jsonl", line + plain);
  auto importer = JournalImporter::Open(f.db, f.journals);
  REQUIRE(importer.ok());
  REQUIRE((*importer)->ImportAll().ok());
  CHECK(Count(f.db, "decision = '{\"effect\":\"ExplicitDeny\",\"sid\":\"DenyAlice\"}'") == 1);
  CHECK(Count(f.db, "decision IS NULL AND event_name = 'Encrypt'") == 1);
}

TEST_CASE("Only complete lines are imported: a torn last line waits for its newline") {
  Fixture f;
  const std::string path = f.journals + "/dead-1-1-0.jsonl";
  const std::string second = EncodeJournalLine(Row("Decrypt", 2));
  AppendRaw(path, EncodeJournalLine(Row("Encrypt", 1)) + second.substr(0, 40));
  auto importer = JournalImporter::Open(f.db, f.journals);
  REQUIRE(importer.ok());
  {
    // Hold the journal's lock, as a live writer does, so the importer does not drop the torn line.
    int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    auto done = (*importer)->ImportAll();
    REQUIRE(done.ok());
    CHECK(done->records == 1);
    CHECK(Count(f.db) == 1);
    AppendRaw(path, second.substr(40));  // the rest of the line arrives
    done = (*importer)->ImportAll();
    REQUIRE(done.ok());
    CHECK(done->records == 1);
    CHECK(Count(f.db, "event_name = 'Decrypt'") == 1);
    CHECK(std::filesystem::exists(path));  // still locked: kept
    ::close(fd);
  }
  // The writer is gone: the journal is fully imported, so it is deleted with its offset row.
  REQUIRE((*importer)->ImportAll().ok());
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(Count(f.db) == 2);
  SQLite::Database d(f.db, SQLite::OPEN_READONLY);
  CHECK(d.execAndGet("SELECT count(*) FROM journals").getInt64() == 0);
}

TEST_CASE("A gone writer's torn last line is dropped and its journal deleted") {
  Fixture f;
  const std::string path = f.journals + "/dead-2-1-0.jsonl";
  AppendRaw(path, EncodeJournalLine(Row("Encrypt", 1)) + "[\"torn");
  auto importer = JournalImporter::Open(f.db, f.journals);
  REQUIRE(importer.ok());
  REQUIRE((*importer)->ImportAll().ok());
  CHECK(Count(f.db) == 1);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("After a crash between writing lines and importing them, every line is imported exactly once") {
  Fixture f;
  const std::string path = f.journals + "/crashed-3-1-0.jsonl";
  // The crashed process had imported its first two lines (offset stored with them) and written three
  // more that were never imported.
  std::string imported = EncodeJournalLine(Row("CreateKey", 1)) + EncodeJournalLine(Row("Encrypt", 2));
  AppendRaw(path, imported);
  {
    auto importer = JournalImporter::Open(f.db, f.journals);
    REQUIRE(importer.ok());
    int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(::flock(fd, LOCK_EX) == 0);  // alive while these two are imported
    REQUIRE((*importer)->ImportAll().ok());
    ::close(fd);
  }
  {
    SQLite::Database d(f.db, SQLite::OPEN_READONLY);
    CHECK(d.execAndGet("SELECT offset FROM journals").getInt64() == static_cast<int64_t>(imported.size()));
  }
  for (int i = 3; i <= 5; ++i) AppendRaw(path, EncodeJournalLine(Row("Decrypt", i)));
  // The next process to start imports the leftovers: the stored offset is behind the file, not at 0.
  auto trail = Trail::Open(f.db);
  REQUIRE(trail.ok());
  CHECK(Count(f.db) == 5);
  CHECK(Count(f.db, "event_name = 'Decrypt'") == 3);
  CHECK(Count(f.db, "event_name = 'CreateKey'") == 1);
  CHECK_FALSE(std::filesystem::exists(path));
  // A second importer (another process) finds nothing left to import.
  auto other = JournalImporter::Open(f.db, f.journals);
  REQUIRE(other.ok());
  auto done = (*other)->ImportAll();
  REQUIRE(done.ok());
  CHECK(done->records == 0);
  CHECK(Count(f.db) == 5);
}

TEST_CASE("Two importers of the same journal never import a line twice") {
  Fixture f;
  const std::string path = f.journals + "/busy-4-1-0.jsonl";
  int fd = ::open((path).c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  REQUIRE(::flock(fd, LOCK_EX) == 0);  // a live writer
  auto a = JournalImporter::Open(f.db, f.journals);
  auto b = JournalImporter::Open(f.db, f.journals);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (int i = 0; i < 50; ++i) {
    const std::string line = EncodeJournalLine(Row("Encrypt", i));
    REQUIRE(::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    REQUIRE((i % 2 ? *a : *b)->ImportAll().ok());
    if (i % 7 == 0) REQUIRE((i % 2 ? *b : *a)->ImportAll().ok());
  }
  CHECK(Count(f.db) == 50);
  ::close(fd);
  REQUIRE((*a)->ImportAll().ok());
  REQUIRE((*b)->ImportAll().ok());
  CHECK(Count(f.db) == 50);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("A trail's own journal is imported by readers while it is open and deleted when it closes") {
  TempDir dir;
  const std::string db = dir.path + "/trail.db";
  auto trail = Trail::Open(db);
  REQUIRE(trail.ok());
  Event e;
  e.principal.type = common::identity::PrincipalType::kRoot;
  e.principal.account_id = e.recipient_account_id = "111122223333";
  e.event_name = "GenerateDataKey";
  e.event_source = "kms.amazonaws.com";
  e.event_time_millis = 1000;
  REQUIRE((*trail)->Append(e).ok());
  // Another reader (the console) sees it before the import thread's next pass.
  TrailReader reader(db);
  auto page = reader.Query({});
  REQUIRE(page.ok());
  REQUIRE(page->rows.size() == 1);
  CHECK(page->rows[0].username == "root");
  size_t journals = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path + "/trail")) (void)entry, ++journals;
  CHECK(journals == 1);
  trail->reset();
  CHECK(std::filesystem::is_empty(dir.path + "/trail"));
  CHECK(Count(db) == 1);
}

TEST_CASE("Two trails open on one folder in one process write journals of their own") {
  TempDir dir;
  const std::string db = dir.path + "/trail.db";
  auto a = Trail::Open(db);
  auto b = Trail::Open(db);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  Event e;
  e.principal.type = common::identity::PrincipalType::kRoot;
  e.principal.account_id = e.recipient_account_id = "111122223333";
  e.event_name = "Encrypt";
  e.event_source = "kms.amazonaws.com";
  e.event_time_millis = 1000;
  REQUIRE((*a)->Append(e).ok());
  REQUIRE((*b)->Append(e).ok());
  size_t journals = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path + "/trail")) (void)entry, ++journals;
  CHECK(journals == 2);
  LookupQuery q;
  q.account_id = "111122223333";
  auto page = (*a)->Lookup(q);
  REQUIRE(page.ok());
  CHECK(page->events.size() == 2);
  a->reset();
  b->reset();
  CHECK(Count(db) == 2);
}
