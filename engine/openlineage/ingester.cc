// OpenLineageIngester: parses each document, rejects the bad events, and
// merges the others into the session (session.h), which writes them.
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/document.h"
#include "openlineage/mapping.h"
#include "openlineage/session.h"
#include "store/store_impl.h"
#include "util/input_error.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using openlineage::Session;

// The session writes its pending runs once this many events are merged:
// the larger, the more events of one run, job or dataset share one write.
// Then it forgets the runs and datasets no event named since the last time,
// so that its memory holds what the last one or two spans named.
constexpr int64_t kWriteEvery = 1 << 15;

// The run, job and dataset types, in that order.
std::vector<Type> OpenLineageTypes() {
  return {openlineage::RunExecutionType(), openlineage::JobContextType(),
          openlineage::DatasetArtifactType()};
}

// The ids of OpenLineageTypes(), in its order.
openlineage::TypeIds ToTypeIds(const std::vector<int64_t>& ids) {
  openlineage::TypeIds types;
  types.run = ids[0];
  types.job = ids[1];
  types.dataset = ids[2];
  return types;
}

class OpenLineageIngesterImpl final : public OpenLineageIngester {
 public:
  OpenLineageIngesterImpl(Store* store, const OpenLineageOptions& options)
      : store_(store), options_(options) {}
  ~OpenLineageIngesterImpl() override { Finish().IgnoreError(); }

  Status IngestDocument(std::string_view document,
                        std::string_view source) override;
  Status CheckDocument(std::string_view document,
                       std::string_view source) override;
  Status Finish() override;
  const OpenLineageSummary& summary() const override { return summary_; }

 private:
  // The strict checks of the parsed document (events_, rejected_) from
  // `source`: INVALID_ARGUMENT naming the first bad event, which is counted
  // as rejected.
  Status StrictCheck(std::string_view source);
  // Applies one parsed event: an event error rejects it (and in strict mode
  // is returned as INVALID_ARGUMENT); another error ends the session.
  Status Apply(const openlineage::IndexedEvent& ie, std::string_view source);
  void Reject(std::string_view source, int64_t index, std::string reason);
  void UpdateCounts();
  // The sessions read the store once and keep what they read. If another
  // writer wrote since this ingester last did, a session that has written
  // everything (after Finish) is dropped, so the next event reads the store
  // anew; one holding unwritten events ends the ingester with
  // FAILED_PRECONDITION (it may have judged nodes new that now exist).
  Status FollowStore();
  // Writes the OpenLineage types and starts the session, the first time an
  // event gets past the parser: input without one leaves the store as it
  // was, types included.
  Status EnsureSession();
  // The session that checks a strict document before any of it is merged:
  // session_, or before it exists a scratch session whose lookups take the
  // stored types' ids (0 for a type not stored yet, which no stored node
  // has), so that checking writes nothing.
  StatusOr<Session*> CheckingSession();

  Store* const store_;
  const OpenLineageOptions options_;
  std::unique_ptr<Session> session_;  // Null until EnsureSession().
  std::unique_ptr<Session> scratch_;  // See CheckingSession().
  openlineage::DocumentParser parser_;
  Status error_;  // A store error ends the session.
  OpenLineageSummary summary_;
  // The counts of sessions FollowStore() dropped.
  OpenLineageSummary dropped_;
  // The store's write_seq() after this ingester's last write (the types'
  // or Finish()), or when the scratch session was made; whether Finish()
  // wrote everything and no event was merged since.
  uint64_t known_seq_ = 0;
  bool finished_ = false;
  // Reused from document to document.
  std::vector<openlineage::IndexedEvent> events_;
  std::vector<RejectedEvent> rejected_;
};

void OpenLineageIngesterImpl::Reject(std::string_view source, int64_t index,
                                     std::string reason) {
  ++summary_.rejected;
  summary_.rejections.push_back(
      RejectedEvent{std::string(source), index, std::move(reason)});
}

void OpenLineageIngesterImpl::UpdateCounts() {
  if (session_ == nullptr) return;
  summary_.runs = dropped_.runs + session_->runs();
  summary_.jobs = dropped_.jobs + session_->jobs();
  summary_.datasets = dropped_.datasets + session_->datasets();
  summary_.edges = dropped_.edges + session_->edges();
}

Status OpenLineageIngesterImpl::FollowStore() {
  if (store_->impl()->write_seq() == known_seq_) return absl::OkStatus();
  if (session_ == nullptr) {
    scratch_.reset();
    return absl::OkStatus();
  }
  if (finished_) {
    UpdateCounts();
    dropped_.runs = summary_.runs;
    dropped_.jobs = summary_.jobs;
    dropped_.datasets = summary_.datasets;
    dropped_.edges = summary_.edges;
    session_.reset();
    return absl::OkStatus();
  }
  if (session_->writing()) return absl::OkStatus();  // Its own batches.
  error_ = absl::FailedPreconditionError(
      "another writer wrote to the store while this OpenLineage ingester "
      "held unwritten events; while it lives it must be the store's only "
      "writer (nothing of those events is stored)");
  return error_;
}

Status OpenLineageIngesterImpl::EnsureSession() {
  if (session_ != nullptr) return absl::OkStatus();
  scratch_.reset();  // Its entries may name types by the id 0.
  PutTypeOptions evolve;
  evolve.can_add_fields = true;
  evolve.can_omit_fields = true;
  // One write: a type the store refuses leaves the others unwritten too.
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                     store_->impl()->PutTypes(OpenLineageTypes(), evolve));
    ASSIGN_OR_RETURN(session_,
                     Session::Start(store_, options_, ToTypeIds(ids)));
    known_seq_ = store_->impl()->write_seq();
    return absl::OkStatus();
  }();
  if (!s.ok()) error_ = s;
  return s;
}

StatusOr<Session*> OpenLineageIngesterImpl::CheckingSession() {
  if (session_ != nullptr) return session_.get();
  if (scratch_ == nullptr) {
    std::vector<int64_t> ids;
    for (const Type& t : OpenLineageTypes()) {
      ids.push_back(store_->impl()->CachedTypeId(t.kind, t.name, t.version));
    }
    known_seq_ = store_->impl()->write_seq();
    ASSIGN_OR_RETURN(scratch_,
                     Session::Start(store_, options_, ToTypeIds(ids)));
  }
  return scratch_.get();
}

Status OpenLineageIngesterImpl::Apply(const openlineage::IndexedEvent& ie,
                                      std::string_view source) {
  Status s;
  if (session_ == nullptr) {
    // Until an event is accepted the types are not written: an event the
    // store's state refuses is found on the scratch session first.
    ASSIGN_OR_RETURN(Session * checker, CheckingSession());
    s = checker->Check(ie.event);
    if (s.ok()) RETURN_IF_ERROR(EnsureSession());
  }
  if (s.ok()) s = session_->Apply(ie.event);
  if (s.ok()) {
    finished_ = false;
    ++summary_.events;
    if (session_->pending_events() < kWriteEvery) return absl::OkStatus();
    s = session_->WritePending();
    if (s.ok()) s = session_->ForgetWritten();
    if (!s.ok()) error_ = s;
    return s;
  }
  if (!IsInputError(s)) {
    error_ = s;
    return s;
  }
  Reject(source, ie.index, std::string(s.message()));
  if (!options_.strict) return absl::OkStatus();
  return absl::InvalidArgumentError(
      StrCat(source, ":", ie.index, ": ", std::string(s.message())));
}

Status OpenLineageIngesterImpl::StrictCheck(std::string_view source) {
  // Nothing of the document is applied if an event is bad: one the parser
  // rejected, or one the store's state refuses (e.g. a runId naming an
  // execution of another type). The first of them by index is reported.
  // The entries the checks add are undone when the document is refused,
  // so that none of its events collides with a later one (Session::Hold).
  const int64_t first_rejected = rejected_.empty()
                                     ? std::numeric_limits<int64_t>::max()
                                     : rejected_.front().index;
  Session* checker = nullptr;
  for (const openlineage::IndexedEvent& ie : events_) {
    if (ie.index > first_rejected) break;
    if (checker == nullptr) {
      ASSIGN_OR_RETURN(checker, CheckingSession());
      checker->Hold();
    }
    Status s = checker->Check(ie.event);
    if (s.ok()) continue;
    checker->Undo();
    if (!IsInputError(s)) {
      error_ = s;
      return s;
    }
    Reject(source, ie.index, std::string(s.message()));
    return absl::InvalidArgumentError(
        StrCat(source, ":", ie.index, ": ", std::string(s.message())));
  }
  if (!rejected_.empty()) {
    if (checker != nullptr) checker->Undo();
    const RejectedEvent& first = rejected_.front();
    Reject(first.source, first.index, first.reason);
    return absl::InvalidArgumentError(
        StrCat(first.source, ":", first.index, ": ", first.reason));
  }
  if (checker != nullptr) checker->Release();
  return absl::OkStatus();
}

Status OpenLineageIngesterImpl::CheckDocument(std::string_view document,
                                              std::string_view source) {
  RETURN_IF_ERROR(error_);
  RETURN_IF_ERROR(FollowStore());
  events_.clear();
  rejected_.clear();
  parser_.Parse(document, source, &events_, &rejected_);
  return StrictCheck(source);
}

Status OpenLineageIngesterImpl::IngestDocument(std::string_view document,
                                               std::string_view source) {
  RETURN_IF_ERROR(error_);
  RETURN_IF_ERROR(FollowStore());
  events_.clear();
  rejected_.clear();
  parser_.Parse(document, source, &events_, &rejected_);
  if (options_.strict) RETURN_IF_ERROR(StrictCheck(source));
  for (RejectedEvent& r : rejected_) {
    Reject(r.source, r.index, std::move(r.reason));
  }
  Status s;
  for (const openlineage::IndexedEvent& ie : events_) {
    s = Apply(ie, source);
    if (!s.ok()) break;
  }
  UpdateCounts();
  return s;
}

Status OpenLineageIngesterImpl::Finish() {
  RETURN_IF_ERROR(error_);
  if (session_ == nullptr) return absl::OkStatus();
  Status s = session_->Finish();
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  known_seq_ = store_->impl()->write_seq();
  finished_ = true;
  return s;
}

}  // namespace

StatusOr<std::unique_ptr<OpenLineageIngester>> NewOpenLineageIngester(
    Store* store, const OpenLineageOptions& options) {
  return std::unique_ptr<OpenLineageIngester>(
      new OpenLineageIngesterImpl(store, options));
}

}  // namespace lineagedb
