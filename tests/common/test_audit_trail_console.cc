// The console's read-only view of trail.db (common/audit/trail_console.h): combined filters, failed or
// successful calls only, every account, pages newest first, the live tail after a row id, facets, and
// empty answers before the trail exists.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/audit/trail.h"
#include "common/audit/trail_console.h"
#include "tests/common/temp_dir.h"

using namespace common::audit;

namespace {

using s3lab::testing::TempDir;

Event MakeEvent(const std::string& name, int64_t time, const std::string& user, const std::string& region,
                const std::string& error = "", const std::string& account = "111122223333") {
  Event e;
  e.principal.type = common::identity::PrincipalType::kUser;
  e.principal.account_id = account;
  e.principal.user_name = user;
  e.principal.arn = "arn:aws:iam::" + account + ":user/" + user;
  e.principal.access_key_id = "AKIA" + user;
  e.event_time_millis = time;
  e.event_source = "kms.amazonaws.com";
  e.event_name = name;
  e.region = region;
  e.error_code = error;
  e.error_message = error.empty() ? "" : "denied";
  e.recipient_account_id = account;
  return e;
}

std::vector<std::string> Names(const ConsolePage& page) {
  std::vector<std::string> out;
  for (const auto& r : page.rows) out.push_back(r.event_name + "/" + r.username);
  return out;
}

// A trail with: alice GDK (east, t1), bob GDK (west, t2), alice Decrypt denied (east, t3),
// carol GDK in another account (east, t4).
struct Fixture {
  TempDir dir;
  std::string path = dir.path + "/trail.db";
  Fixture() {
    auto trail = Trail::Open(path);
    REQUIRE(trail.ok());
    REQUIRE((*trail)->Append(MakeEvent("GenerateDataKey", 1000, "alice", "us-east-1")).ok());
    REQUIRE((*trail)->Append(MakeEvent("GenerateDataKey", 2000, "bob", "us-west-1")).ok());
    REQUIRE((*trail)->Append(MakeEvent("Decrypt", 3000, "alice", "us-east-1", "AccessDeniedException")).ok());
    REQUIRE((*trail)->Append(MakeEvent("GenerateDataKey", 4000, "carol", "us-east-1", "", "444455556666")).ok());
  }
};

}  // namespace

TEST_CASE("The console reader answers an empty page before trail.db exists") {
  TempDir dir;
  TrailReader reader(dir.path + "/trail.db");
  auto page = reader.Query({});
  REQUIRE(page.ok());
  CHECK(page->rows.empty());
  CHECK(page->max_id == 0);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/trail.db"));
}

TEST_CASE("The console reader lists every account newest first and combines filters") {
  Fixture f;
  TrailReader reader(f.path);
  auto all = reader.Query({});
  REQUIRE(all.ok());
  CHECK(Names(*all) == std::vector<std::string>{"GenerateDataKey/carol", "Decrypt/alice", "GenerateDataKey/bob",
                                                "GenerateDataKey/alice"});
  ConsoleFilter q;
  q.event_name = "GenerateDataKey";
  q.region = "us-east-1";
  q.account_id = "111122223333";
  CHECK(Names(*reader.Query(q)) == std::vector<std::string>{"GenerateDataKey/alice"});

  ConsoleFilter by_arn;
  by_arn.principal = "arn:aws:iam::111122223333:user/bob";
  CHECK(Names(*reader.Query(by_arn)) == std::vector<std::string>{"GenerateDataKey/bob"});
  ConsoleFilter by_key;
  by_key.principal = "AKIAalice";
  CHECK(reader.Query(by_key)->rows.size() == 2);

  ConsoleFilter failed;
  failed.error_code = "*";
  auto denied = reader.Query(failed);
  REQUIRE(denied->rows.size() == 1);
  CHECK(denied->rows[0].error_code == "AccessDeniedException");
  CHECK(denied->rows[0].record.find("\"errorCode\":\"AccessDeniedException\"") != std::string::npos);
  ConsoleFilter succeeded;
  succeeded.error_code = "-";
  CHECK(reader.Query(succeeded)->rows.size() == 3);

  ConsoleFilter window;
  window.start_millis = 2000;
  window.end_millis = 3000;
  CHECK(Names(*reader.Query(window)) == std::vector<std::string>{"Decrypt/alice", "GenerateDataKey/bob"});
}

TEST_CASE("The console reader pages with a cursor and tails after a row id") {
  Fixture f;
  TrailReader reader(f.path);
  ConsoleFilter first;
  first.limit = 3;
  auto page1 = reader.Query(first);
  REQUIRE(page1.ok());
  CHECK(page1->rows.size() == 3);
  REQUIRE(page1->next_before_id.has_value());
  CHECK(*page1->next_before_id == page1->rows.back().id);
  ConsoleFilter second;
  second.before_id = page1->next_before_id;
  auto page2 = reader.Query(second);
  CHECK(Names(*page2) == std::vector<std::string>{"GenerateDataKey/alice"});
  CHECK_FALSE(page2->next_before_id.has_value());

  const int64_t seen = page1->max_id;
  {
    auto trail = Trail::Open(f.path);
    REQUIRE(trail.ok());
    REQUIRE((*trail)->Append(MakeEvent("Encrypt", 5000, "dave", "eu-west-1")).ok());
  }
  ConsoleFilter tail;
  tail.after_id = seen;
  auto fresh = reader.Query(tail);
  CHECK(Names(*fresh) == std::vector<std::string>{"Encrypt/dave"});
  CHECK(fresh->max_id == seen + 1);
}

TEST_CASE("The console reader lists the distinct values for its filter menus") {
  Fixture f;
  TrailReader reader(f.path);
  auto facets = reader.Facets();
  REQUIRE(facets.ok());
  CHECK(facets->event_names == std::vector<std::string>{"Decrypt", "GenerateDataKey"});
  CHECK(facets->regions == std::vector<std::string>{"us-east-1", "us-west-1"});
  CHECK(facets->error_codes == std::vector<std::string>{"AccessDeniedException"});
  CHECK(facets->usernames == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK(facets->accounts == std::vector<std::string>{"111122223333", "444455556666"});
  CHECK(facets->event_sources == std::vector<std::string>{"kms.amazonaws.com"});
}

TEST_CASE("Opening a trail.db made before the decision column adds it; the reader returns a denial's decision") {
  TempDir dir;
  const std::string path = dir.path + "/trail.db";
  {
    // The events table as it was before the decision column, with one old row.
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec("CREATE TABLE events(id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, event_time INTEGER NOT NULL, "
             "account_id TEXT NOT NULL, event_source TEXT NOT NULL, event_name TEXT NOT NULL, username TEXT NOT "
             "NULL, access_key_id TEXT NOT NULL, read_only INTEGER NOT NULL, management INTEGER NOT NULL, region "
             "TEXT NOT NULL, error_code TEXT NOT NULL, resource_types TEXT NOT NULL, resource_names TEXT NOT NULL, "
             "record TEXT NOT NULL)");
    old.exec("INSERT INTO events VALUES(1, 'e1', 500, '111122223333', 'kms.amazonaws.com', 'ListKeys', 'alice', "
             "'AKIAalice', 1, 1, 'us-east-1', '', '||', '||', '{}')");
  }
  {
    auto trail = Trail::Open(path);
    REQUIRE(trail.ok());
    Event denied = MakeEvent("Decrypt", 1000, "alice", "us-east-1", "AccessDeniedException");
    denied.decision = R"({"effect":"ExplicitDeny","sid":"DenyAlice"})";
    REQUIRE((*trail)->Append(denied).ok());
  }
  TrailReader reader(path);
  auto page = reader.Query({});
  REQUIRE(page.ok());
  REQUIRE(Names(*page) == std::vector<std::string>{"Decrypt/alice", "ListKeys/alice"});
  CHECK(page->rows[0].decision == R"({"effect":"ExplicitDeny","sid":"DenyAlice"})");
  CHECK(page->rows[0].record.find("DenyAlice") == std::string::npos);  // not inside the record
  CHECK(page->rows[1].decision.empty());
}
