// Group commit (see group_commit.h): leader/follower batching over the writer connection.
#include "emulator/store/group_commit.h"

#include "emulator/store/sqlite_store.h"

namespace emulator::store::internal {

common::Status GroupCommitter::Run(const std::function<common::Status(Lease&)>& body) {
  Item item{&body};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&item);
  // Wake a collecting leader only when its batch is now complete (one wakeup, not one per writer).
  if (collecting_ && static_cast<int>(queue_.size()) >= open_writers_->load(std::memory_order_relaxed))
    leader_cv_.notify_one();
  if (leading_) {
    // Follow: sleep until the batch holding our item committed, or until the leader hands us the lead.
    item.cv.wait(lock, [&item] { return item.done || item.lead; });
    if (item.done) return std::move(item.result);
  }
  // Lead: take everything queued so far (our own item included) and run it as one transaction.
  leading_ = true;
  // Commit delay: while other writers are still reading their bodies, give them a moment to join
  // this batch (the last of them signals leader_cv_ when it queues).
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kDelayMicros);
  collecting_ = true;
  while (static_cast<int>(queue_.size()) < open_writers_->load(std::memory_order_relaxed) &&
         leader_cv_.wait_until(lock, until) != std::cv_status::timeout) {
  }
  collecting_ = false;
  std::vector<Item*> batch;
  batch.swap(queue_);
  lock.unlock();
  std::vector<common::Status> results = RunBatch(batch);
  lock.lock();
  // Each writer is woken once, under the lock (its Item lives on its stack until it sees `done`).
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->result = std::move(results[i]);
    batch[i]->done = true;
    if (batch[i] != &item) batch[i]->cv.notify_one();
  }
  if (queue_.empty()) {
    leading_ = false;
  } else {
    queue_.front()->lead = true;  // hand over: the next batch is already waiting
    queue_.front()->cv.notify_one();
  }
  return std::move(item.result);
}

std::vector<common::Status> GroupCommitter::RunBatch(const std::vector<Item*>& batch) {
  std::vector<common::Status> results(batch.size());
  try {
    Lease w = pool_->Writer();
    SQLite::Transaction tx(w.db().raw(), SQLite::TransactionBehavior::IMMEDIATE);
    for (size_t i = 0; i < batch.size(); ++i) {
      w.Stmt("SAVEPOINT item").exec();
      results[i] = Guarded([&]() -> common::Status { return (*batch[i]->body)(w); });
      if (!results[i].ok()) w.Stmt("ROLLBACK TO item").exec();
      w.Stmt("RELEASE item").exec();
    }
    tx.commit();
  } catch (const std::exception& e) {
    // The transaction rolled back (Transaction's destructor): nothing of the batch is visible.
    for (auto& r : results) r = Internal(e.what());
  }
  return results;
}

}  // namespace emulator::store::internal
