// Internal to emulator/store: group commit of small write transactions.
//
// Each small PUT used to be its own SQLite transaction, and each commit appends every page it touched
// to the WAL: the new chunk, but also the shared pages (B-tree right edges, index leaves, the freelist
// on page 1), ~10 pages of 8 KiB for a 4 KiB object. Here concurrent writers hand their transaction
// body to a queue instead; the first to arrive becomes the leader, takes the writer connection, runs
// every queued body in ONE transaction (each inside its own SAVEPOINT, so a body that fails rolls back
// alone) and commits once; the others sleep until the leader hands them their result, each woken once
// on its own condition variable. Writers that arrive while a batch commits form the next batch, and
// the finishing leader hands the lead to its first writer. A leader that knows of writers still
// reading their bodies (open ObjectWriters) waits up to kDelayMicros for them to queue (PostgreSQL's
// commit_delay): batches grow with the load and a lone writer pays nothing extra. A write is still
// acknowledged only after the commit that holds it.
// Bodies run with the writer lease held: they must not begin transactions or take the writer again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/error.h"
#include "emulator/store/db.h"

namespace emulator::store::internal {

class GroupCommitter {
 public:
  explicit GroupCommitter(Pool* pool) : pool_(pool) {}
  // Runs body inside a transaction shared with other concurrent callers and returns its status once
  // that transaction committed (or the body's own error; Internal when the commit itself failed).
  common::Status Run(const std::function<common::Status(Lease&)>& body);
  // Counts an ObjectWriter as open (a leader waits briefly for open writers to join its batch) until
  // the token is destroyed; the count is shared, so a writer may outlive the store.
  class OpenToken {
   public:
    explicit OpenToken(std::shared_ptr<std::atomic<int>> count) : count_(std::move(count)) {
      count_->fetch_add(1, std::memory_order_relaxed);
    }
    ~OpenToken() { count_->fetch_sub(1, std::memory_order_relaxed); }
    OpenToken(const OpenToken&) = delete;
    OpenToken& operator=(const OpenToken&) = delete;

   private:
    std::shared_ptr<std::atomic<int>> count_;
  };
  OpenToken WriterOpened() { return OpenToken(open_writers_); }

 private:
  struct Item {
    const std::function<common::Status(Lease&)>* body;
    common::Status result = common::Ok{};
    bool done = false;
    bool lead = false;            // handed the lead by the previous leader
    std::condition_variable cv;   // this writer's wakeup (done or lead)
  };
  std::vector<common::Status> RunBatch(const std::vector<Item*>& batch);

  static constexpr int kDelayMicros = 200;
  Pool* pool_;
  std::mutex mu_;
  std::condition_variable leader_cv_;  // the collecting leader's batch is complete
  std::vector<Item*> queue_;
  bool leading_ = false;
  bool collecting_ = false;  // the leader is in its commit delay
  std::shared_ptr<std::atomic<int>> open_writers_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace emulator::store::internal
