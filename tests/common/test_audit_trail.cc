// The durable trail: appends from many threads imported in shared transactions, records that survive
// reopening, lookups newest first with one attribute, time ranges and pages.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/audit/trail.h"
#include "tests/common/temp_dir.h"

using namespace common::audit;

namespace {

using s3lab::testing::TempDir;

Event MakeEvent(const std::string& name, int64_t time, const std::string& user = "alice",
                const std::string& account = "111122223333") {
  Event e;
  e.principal.type = common::identity::PrincipalType::kUser;
  e.principal.account_id = account;
  e.principal.user_name = user;
  e.principal.arn = "arn:aws:iam::" + account + ":user/" + user;
  e.principal.access_key_id = "AKIA" + user;
  e.event_time_millis = time;
  e.event_source = "kms.amazonaws.com";
  e.event_name = name;
  e.region = "us-east-1";
  e.read_only = name != "CreateKey";
  e.recipient_account_id = account;
  e.resources.push_back({account, "AWS::KMS::Key", "arn:aws:kms:us-east-1:" + account + ":key/" + user});
  return e;
}

std::vector<std::string> Names(const LookupPage& page) {
  std::vector<std::string> out;
  for (const auto& e : page.events) out.push_back(e.event_name);
  return out;
}

}  // namespace

TEST_CASE("Appended records survive closing and reopening the trail") {
  TempDir dir;
  std::string path = dir.path + "/trail.db";
  {
    auto trail = Trail::Open(path);
    REQUIRE(trail.ok());
    CHECK((*trail)->Append(MakeEvent("GenerateDataKey", 1000)).ok());
    CHECK((*trail)->Append(MakeEvent("Decrypt", 2000)).ok());
  }
  auto trail = Trail::Open(path);
  REQUIRE(trail.ok());
  LookupQuery q;
  q.account_id = "111122223333";
  auto page = (*trail)->Lookup(q);
  REQUIRE(page.ok());
  CHECK(Names(*page) == std::vector<std::string>{"Decrypt", "GenerateDataKey"});
  auto record = nlohmann::json::parse(page->events[0].record);
  CHECK(record["eventName"] == "Decrypt");
  CHECK(record["eventID"] == page->events[0].event_id);
  CHECK(page->events[0].event_id.size() == 36);
  REQUIRE(page->events[0].resources.size() == 1);
  CHECK(page->events[0].resources[0].first == "AWS::KMS::Key");
}

TEST_CASE("Concurrent appends are imported in shared transactions, every record once") {
  TempDir dir;
  auto trail = Trail::Open(dir.path + "/trail.db");
  REQUIRE(trail.ok());
  constexpr int kThreads = 16, kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        if (!(*trail)->Append(MakeEvent("Encrypt", 1000 + i, std::string("u").append(std::to_string(t)))).ok())
          ++failures;
    });
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  TrailStats stats = (*trail)->stats();
  CHECK(stats.records == kThreads * kPerThread);
  CHECK(stats.batches < stats.records);  // the import takes many lines per transaction
  LookupQuery q;
  q.account_id = "111122223333";
  q.attribute = Attribute::kUsername;
  q.value = "u3";
  int seen = 0;
  for (;;) {
    auto page = (*trail)->Lookup(q);
    REQUIRE(page.ok());
    seen += static_cast<int>(page->events.size());
    if (!page->next) break;
    q.after = page->next;
  }
  CHECK(seen == kPerThread);
  CHECK((*trail)->stats().imported == kThreads * kPerThread);  // the lookup imported whatever was pending
}

TEST_CASE("Lookups filter by one attribute, by account and by time, newest first, in pages") {
  TempDir dir;
  auto opened = Trail::Open(dir.path + "/trail.db");
  REQUIRE(opened.ok());
  Trail& trail = **opened;
  REQUIRE(trail.Append(MakeEvent("CreateKey", 1000)).ok());
  REQUIRE(trail.Append(MakeEvent("GenerateDataKey", 2000)).ok());
  REQUIRE(trail.Append(MakeEvent("Decrypt", 3000, "bob")).ok());
  REQUIRE(trail.Append(MakeEvent("GenerateDataKey", 4000)).ok());
  REQUIRE(trail.Append(MakeEvent("GenerateDataKey", 5000, "carol", "444455556666")).ok());
  Event data = MakeEvent("PutObject", 6000);
  data.management_event = false;
  data.event_category = "Data";
  REQUIRE(trail.Append(data).ok());

  LookupQuery q;
  q.account_id = "111122223333";
  auto all = trail.Lookup(q);
  REQUIRE(all.ok());
  CHECK(Names(*all) == std::vector<std::string>{"GenerateDataKey", "Decrypt", "GenerateDataKey", "CreateKey"});

  q.attribute = Attribute::kEventName;
  q.value = "GenerateDataKey";
  auto gdk = trail.Lookup(q);
  REQUIRE(gdk.ok());
  CHECK(gdk->events.size() == 2);
  CHECK(gdk->events[0].event_time_millis == 4000);

  q.attribute = Attribute::kReadOnly;
  q.value = "false";
  CHECK(Names(*trail.Lookup(q)) == std::vector<std::string>{"CreateKey"});

  q.attribute = Attribute::kResourceName;
  q.value = "arn:aws:kms:us-east-1:111122223333:key/bob";
  CHECK(Names(*trail.Lookup(q)) == std::vector<std::string>{"Decrypt"});

  q.attribute = Attribute::kAccessKeyId;
  q.value = "AKIAbob";
  CHECK(Names(*trail.Lookup(q)) == std::vector<std::string>{"Decrypt"});

  q.attribute = Attribute::kNone;
  q.start_millis = 2000;
  q.end_millis = 3000;
  CHECK(Names(*trail.Lookup(q)) == std::vector<std::string>{"Decrypt", "GenerateDataKey"});

  LookupQuery paged;
  paged.account_id = "111122223333";
  paged.max_results = 3;
  auto first = trail.Lookup(paged);
  REQUIRE(first.ok());
  CHECK(first->events.size() == 3);
  REQUIRE(first->next);
  paged.after = first->next;
  auto second = trail.Lookup(paged);
  REQUIRE(second.ok());
  CHECK(Names(*second) == std::vector<std::string>{"CreateKey"});
  CHECK_FALSE(second->next);
}

TEST_CASE("The copies of a cross-account event are appended together and each account looks up its own") {
  TempDir dir;
  auto opened = Trail::Open(dir.path + "/trail.db");
  REQUIRE(opened.ok());
  Trail& trail = **opened;
  Event call = MakeEvent("Encrypt", 1000);  // alice of 111122223333 on a key of 444455556666
  call.resources = {{"444455556666", "AWS::KMS::Key", "arn:aws:kms:us-east-1:444455556666:key/k"}};
  REQUIRE(trail.AppendAll(SharedCopies(call, {"444455556666"})).ok());
  CHECK(trail.stats().records == 2);
  std::vector<nlohmann::json> records;
  for (const char* account : {"111122223333", "444455556666"}) {
    LookupQuery q;
    q.account_id = account;
    auto page = trail.Lookup(q);
    REQUIRE(page.ok());
    REQUIRE(page->events.size() == 1);
    CHECK(page->events[0].username == "alice");
    records.push_back(nlohmann::json::parse(page->events[0].record));
    CHECK(records.back()["recipientAccountId"] == account);
    CHECK(records.back()["eventID"] == page->events[0].event_id);
  }
  CHECK(records[0]["sharedEventID"] == records[1]["sharedEventID"]);
  CHECK(records[0]["eventID"] != records[1]["eventID"]);
  CHECK(records[1]["userIdentity"]["accountId"] == "111122223333");
}
