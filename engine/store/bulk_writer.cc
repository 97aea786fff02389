// BulkWriter: PutExecution's staging, many executions per WriteBatch, each
// batch written on a background thread while the next one is staged.
#include "lineagedb/bulk_writer.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "store/store_impl.h"
#include "util/status_macros.h"

namespace lineagedb {

namespace {

// One thread for a writer's life that runs one job at a time (starting a
// thread per batch cost ~2 ms of the critical path on a busy machine).
class Worker {
 public:
  Worker() : thread_([this] { Loop(); }) {}
  ~Worker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Runs `job` on the thread. Call Wait() before the next Start().
  void Start(std::function<Status()> job) {
    {
      std::lock_guard lock(mu_);
      job_ = std::move(job);
      done_ = false;
    }
    cv_.notify_all();
  }
  // Waits for the job started last and returns its outcome.
  Status Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    return result_;
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || job_ != nullptr; });
      if (job_ == nullptr) return;
      std::function<Status()> job = std::move(job_);
      job_ = nullptr;
      lock.unlock();
      Status s = job();
      lock.lock();
      result_ = std::move(s);
      done_ = true;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<Status()> job_;
  Status result_;
  bool done_ = true;
  bool stop_ = false;
  std::thread thread_;  // Last: it starts once the members above exist.
};

class BulkWriterImpl final : public BulkWriter {
 public:
  BulkWriterImpl(StoreImpl* impl, const BulkWriterOptions& options,
                 WriteLock lock)
      : impl_(impl),
        options_(options),
        lock_(std::move(lock)),
        wc_(impl->BeginWrite()) {
    impl_->SetBulkOwner(true);
  }

  ~BulkWriterImpl() override { Close().IgnoreError(); }

  // Raises the memtable size for the writer's life (BulkWriterOptions::
  // write_buffer_bytes). Errors: as Kv::SetWriteBufferBytes.
  Status Start() {
    if (options_.write_buffer_bytes > impl_->options().write_buffer_bytes) {
      RETURN_IF_ERROR(
          impl_->kv()->SetWriteBufferBytes(options_.write_buffer_bytes));
      raised_buffer_ = true;
    }
    return absl::OkStatus();
  }

  StatusOr<PutExecutionResult> Add(
      const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
      const std::vector<Context>& contexts) override {
    return AddKnowing(execution, pairs, contexts, nullptr);
  }

  // Add(), with the nodes `known_new` vouches for (NewNodes), if given.
  StatusOr<PutExecutionResult> AddKnowing(
      const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
      const std::vector<Context>& contexts, const NewNodes* known_new) {
    RETURN_IF_ERROR(CheckOpen());
    PutExecutionResult result;
    wc_.SetSavePoint();
    const size_t events_before = wc_.staged_events().size();
    Status s = impl_->StageExecution(wc_, execution, pairs, contexts,
                                     options_.put_options, &result, known_new);
    if (!s.ok()) {
      wc_.RollbackToSavePoint();
      return s;
    }
    wc_.ReleaseSavePoint();
    ++stats_.executions;
    stats_.events += wc_.staged_events().size() - events_before;
    for (const ArtifactAndEvent& pair : pairs) {
      stats_.artifacts += pair.artifact.has_value();
    }
    if (wc_.pending_bytes() >= options_.batch_bytes) {
      RETURN_IF_ERROR(StartCommit());
    }
    return result;
  }

  Status Flush() override {
    RETURN_IF_ERROR(CheckOpen());
    RETURN_IF_ERROR(StartCommit());
    return WaitForCommit();
  }

  Status Close() override {
    if (closed_) return error_;
    Status s = error_;
    if (s.ok()) s = StartCommit();
    // Waited for even when the last commit failed before it started: the
    // store's lock must not be released under a batch still being written.
    const Status waited = WaitForCommit();
    if (s.ok()) s = waited;
    closed_ = true;
    if (raised_buffer_) {
      raised_buffer_ = false;
      const Status restored =
          impl_->kv()->SetWriteBufferBytes(impl_->options().write_buffer_bytes);
      if (s.ok()) s = restored;
    }
    impl_->SetBulkOwner(false);
    lock_.unlock();
    if (error_.ok()) {
      error_ = absl::FailedPreconditionError("the BulkWriter is closed");
    }
    return s;
  }

  BulkWriterStats stats() const override { return stats_; }
  Status status() const override { return error_; }

 private:
  Status CheckOpen() const {
    if (closed_) {
      return absl::FailedPreconditionError("the BulkWriter is closed");
    }
    return error_;
  }

  // Waits for the batch in flight, then hands the pending one to a
  // background write: staging the next batch overlaps with writing this
  // one, and at most one is in flight. The pending batch is sorted and
  // framed before the wait, so that the writer thread does not sit idle
  // while it is.
  Status StartCommit() {
    if (wc_.pending() > 0) {
      if (Status s = impl_->StageHeadOutputs(wc_); !s.ok()) {
        error_ = s;
        return s;
      }
      wc_.PrepareDetach();
    }
    RETURN_IF_ERROR(WaitForCommit());
    if (wc_.pending() == 0) return absl::OkStatus();
    in_flight_batch_ = std::make_unique<WriteContext::DetachedBatch>(
        wc_.Detach(store::NowMs()));
    in_flight_ = true;
    worker_.Start([this] {
      return impl_->CommitDetached(*in_flight_batch_, options_.sync);
    });
    return absl::OkStatus();
  }

  // Waits for the batch in flight, if any. Its error becomes the writer's.
  Status WaitForCommit() {
    if (!in_flight_) return error_;
    in_flight_ = false;
    Status s = worker_.Wait();
    const size_t keys = in_flight_batch_->keys;
    in_flight_batch_.reset();
    wc_.ReleaseDetached();
    if (!s.ok()) {
      error_ = s;
      return s;
    }
    ++stats_.commits;
    stats_.keys += keys;
    return absl::OkStatus();
  }

  StoreImpl* impl_;
  const BulkWriterOptions options_;
  WriteLock lock_;
  WriteContext wc_;
  BulkWriterStats stats_;
  Status error_;
  bool closed_ = false;
  bool raised_buffer_ = false;  // See Start().
  // The batch being written in the background, and its outcome.
  std::unique_ptr<WriteContext::DetachedBatch> in_flight_batch_;
  bool in_flight_ = false;
  // Last: destroyed first, before what its job uses.
  Worker worker_;
};

}  // namespace

StatusOr<PutExecutionResult> AddNewNodes(
    BulkWriter* writer, const Execution& execution,
    const std::vector<ArtifactAndEvent>& pairs,
    const std::vector<Context>& contexts, const NewNodes& known_new) {
  // NewBulkWriter makes no other kind of writer.
  return static_cast<BulkWriterImpl*>(writer)->AddKnowing(execution, pairs,
                                                          contexts, &known_new);
}

StatusOr<std::unique_ptr<BulkWriter>> NewBulkWriter(
    Store* store, const BulkWriterOptions& options) {
  StoreImpl* impl = store->impl();
  ASSIGN_OR_RETURN(WriteLock lock, impl->LockForWrite());
  auto writer = std::unique_ptr<BulkWriterImpl>(
      new BulkWriterImpl(impl, options, std::move(lock)));
  RETURN_IF_ERROR(writer->Start());
  return std::unique_ptr<BulkWriter>(std::move(writer));
}

}  // namespace lineagedb
