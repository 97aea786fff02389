// BulkWriter: PutExecution's staging, many executions per WriteBatch.
#include "lineagedb/bulk_writer.h"

#include "store/store_impl.h"
#include "util/status_macros.h"

namespace lineagedb {

namespace {

class BulkWriterImpl final : public BulkWriter {
 public:
  BulkWriterImpl(StoreImpl* impl, const BulkWriterOptions& options,
                 std::unique_lock<std::mutex> lock)
      : impl_(impl),
        options_(options),
        lock_(std::move(lock)),
        wc_(impl->BeginWrite()) {
    impl_->SetBulkOwner(true);
  }

  ~BulkWriterImpl() override { Close().IgnoreError(); }

  StatusOr<PutExecutionResult> Add(
      const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
      const std::vector<Context>& contexts) override {
    RETURN_IF_ERROR(CheckOpen());
    PutExecutionResult result;
    wc_.SetSavePoint();
    const size_t events_before = wc_.staged_events().size();
    Status s = impl_->StageExecution(wc_, execution, pairs, contexts,
                                     options_.put_options, &result);
    if (!s.ok()) {
      wc_.RollbackToSavePoint();
      return s;
    }
    wc_.ReleaseSavePoint();
    ++stats_.executions;
    stats_.events += wc_.staged_events().size() - events_before;
    for (int64_t id : result.artifact_ids) stats_.artifacts += id != 0;
    if (wc_.pending_bytes() >= options_.batch_bytes) {
      RETURN_IF_ERROR(CommitBatch());
    }
    return result;
  }

  Status Flush() override {
    RETURN_IF_ERROR(CheckOpen());
    return CommitBatch();
  }

  Status Close() override {
    if (closed_) return error_;
    Status s = error_.ok() ? CommitBatch() : error_;
    closed_ = true;
    impl_->SetBulkOwner(false);
    lock_.unlock();
    if (error_.ok()) {
      error_ = absl::FailedPreconditionError("the BulkWriter is closed");
    }
    return s;
  }

  BulkWriterStats stats() const override { return stats_; }

 private:
  Status CheckOpen() const {
    if (closed_) {
      return absl::FailedPreconditionError("the BulkWriter is closed");
    }
    return error_;
  }

  Status CommitBatch() {
    if (wc_.pending() == 0) return absl::OkStatus();
    const size_t keys = wc_.pending();
    Status s = impl_->Commit(wc_, options_.sync);
    if (!s.ok()) {
      error_ = s;
      return s;
    }
    ++stats_.commits;
    stats_.keys += keys;
    wc_.ContinueAfterCommit(store::NowMs());
    return absl::OkStatus();
  }

  StoreImpl* impl_;
  const BulkWriterOptions options_;
  std::unique_lock<std::mutex> lock_;
  WriteContext wc_;
  BulkWriterStats stats_;
  Status error_;
  bool closed_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<BulkWriter>> NewBulkWriter(
    Store* store, const BulkWriterOptions& options) {
  StoreImpl* impl = store->impl();
  ASSIGN_OR_RETURN(std::unique_lock<std::mutex> lock, impl->LockForWrite());
  return std::unique_ptr<BulkWriter>(
      new BulkWriterImpl(impl, options, std::move(lock)));
}

}  // namespace lineagedb
