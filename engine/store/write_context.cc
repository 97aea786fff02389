#include "store/write_context.h"

#include <algorithm>
#include <chrono>

#include "codec/keys.h"
#include "util/absl_view.h"
#include "util/str_cat.h"

namespace lineagedb::store {

namespace {
int KindIndex(NodeKind kind) { return static_cast<int>(kind) - 1; }

// Keys that no write path reads back through a WriteContext: secondary
// indexes scanned only by reads, and the reverse direction of each edge
// (writes check the forward key). They skip the overlay, which would
// otherwise hold a copy of most of a bulk batch.
bool WriteOnly(std::string_view key) {
  using codec::Tag;
  switch (static_cast<Tag>(key[0])) {
    case Tag::kNodeByType:
    case Tag::kNodeByUpdateTime:
    case Tag::kArtifactByUri:
    case Tag::kEventByExecution:
    case Tag::kAttributionByArtifact:
    case Tag::kAssociationByExecution:
    case Tag::kChildByParent:
    case Tag::kContextExecutionByType:
    case Tag::kExecutionByFingerprint:
      return true;
    default:
      return false;
  }
}

// Families whose committed values Get keeps (see write_context.h): looked up
// by every insert that has a name or an external id, and by every reuse.
bool CommittedCacheable(std::string_view key) {
  using codec::Tag;
  const auto tag = static_cast<Tag>(key[0]);
  return tag == Tag::kNodeByTypeName || tag == Tag::kNodeByExternalId;
}
}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

WriteContext::WriteContext(storage::Kv* kv, const codec::Counters& counters,
                           int64_t now_ms)
    : kv_(kv), view_(kv->NewReadView()), counters_(counters), now_ms_(now_ms) {
  ++counters_.seq;
  std::copy(std::begin(counters_.next_node_id),
            std::end(counters_.next_node_id), batch_first_id_);
}

std::optional<bool> WriteContext::GetPending(std::string_view key,
                                             std::string* value) {
  const SortedBatch* batch = &batch_;
  auto it = overlay_.find(AbslView(key));
  if (it == overlay_.end()) {
    if (detached_.empty()) return std::nullopt;
    it = detached_.find(AbslView(key));
    if (it == detached_.end()) return std::nullopt;
    batch = &detached_batch_;
  }
  if (batch->is_delete(it->second)) return false;
  value->assign(batch->value(it->second));
  return true;
}

Status WriteContext::Get(std::string_view key, std::string* value) {
  if (std::optional<bool> pending = GetPending(key, value)) {
    return *pending ? absl::OkStatus() : absl::NotFoundError("deleted");
  }
  if (!CommittedCacheable(key)) return view_->Get(key, value);
  if (auto it = committed_.find(AbslView(key)); it != committed_.end()) {
    if (!it->second.has_value()) return absl::NotFoundError("absent");
    *value = *it->second;
    return absl::OkStatus();
  }
  Status s = view_->Get(key, value);
  if (!s.ok() && !absl::IsNotFound(s)) return s;
  if (committed_.size() >= kMaxKnown) committed_.clear();
  committed_.emplace(AbslView(key), s.ok() ? std::optional<std::string>(*value)
                                           : std::nullopt);
  return s;
}

StatusOr<bool> WriteContext::Exists(std::string_view key, bool only_pending) {
  std::string ignored;
  if (std::optional<bool> pending = GetPending(key, &ignored)) return *pending;
  if (only_pending) return false;
  Status s = view_->Get(key, &ignored);
  if (s.ok()) return true;
  if (absl::IsNotFound(s)) return false;
  return s;
}

void WriteContext::Track(std::string_view key, uint32_t op) {
  if (CommittedCacheable(key)) committed_.erase(AbslView(key));
  auto [it, inserted] = overlay_.try_emplace(AbslView(key), op);
  if (inserted) return;
  if (save_point_.has_value() && it->second < save_point_->batch.ops) {
    save_point_->undo.emplace_back(std::string(key), it->second);
  }
  it->second = op;
}

void WriteContext::Put(std::string_view key, std::string_view value) {
  prepared_.reset();
  const auto op = static_cast<uint32_t>(batch_.count());
  batch_.Put(key, value);
  if (!WriteOnly(key)) Track(key, op);
}

void WriteContext::Delete(std::string_view key) {
  prepared_.reset();
  const auto op = static_cast<uint32_t>(batch_.count());
  batch_.Delete(key);
  if (!WriteOnly(key)) Track(key, op);
}

bool WriteContext::KnownCommitted(NodeKind kind, int64_t id) const {
  return known_[KindIndex(kind)].contains(id);
}

void WriteContext::AddKnownCommitted(NodeKind kind, int64_t id) {
  auto& known = known_[KindIndex(kind)];
  if (known.size() >= kMaxKnown) known.clear();
  known.insert(id);
}

namespace {

// Takes the next id of `counter`, unless the counter, which
// codec::DecodeCounters takes only below INT64_MAX, would reach it.
StatusOr<int64_t> TakeId(int64_t* counter, std::string_view what) {
  if (*counter >= INT64_MAX - 1) {
    return absl::ResourceExhaustedError(StrCat(
        "no ", what, " ids are left (the counter is at ", *counter, ")"));
  }
  return (*counter)++;
}

}  // namespace

StatusOr<int64_t> WriteContext::NextNodeId(NodeKind kind) {
  return TakeId(&counters_.next_node_id[KindIndex(kind)], NodeKindName(kind));
}

StatusOr<int64_t> WriteContext::NextTypeId() {
  return TakeId(&counters_.next_type_id, "type");
}

bool WriteContext::IsNew(NodeKind kind, int64_t id) const {
  return id >= batch_first_id_[KindIndex(kind)] &&
         id < counters_.next_node_id[KindIndex(kind)];
}

bool WriteContext::IsNewSinceSavePoint(NodeKind kind, int64_t id) const {
  const int k = KindIndex(kind);
  const int64_t first = save_point_.has_value()
                            ? save_point_->counters.next_node_id[k]
                            : batch_first_id_[k];
  return id >= first && id < counters_.next_node_id[k];
}

bool WriteContext::MayExist(NodeKind kind, int64_t id) const {
  return id >= 1 && id < counters_.next_node_id[KindIndex(kind)];
}

int64_t WriteContext::CreateTime(NodeKind kind) {
  int64_t& last = counters_.last_create_ms[KindIndex(kind)];
  last = std::max(last, now_ms_);
  return last;
}

void WriteContext::SetSavePoint() {
  save_point_.emplace();
  save_point_->batch = batch_.mark();
  save_point_->counters = counters_;
  save_point_->staged_events = staged_events_.size();
}

void WriteContext::RollbackToSavePoint() {
  if (!save_point_.has_value()) return;
  const size_t mark = save_point_->batch.ops;
  for (size_t i = mark; i < batch_.count(); ++i) {
    auto it = overlay_.find(AbslView(batch_.key(i)));
    if (it != overlay_.end() && it->second >= mark) overlay_.erase(it);
  }
  for (auto& [key, op] : save_point_->undo) overlay_[key] = op;
  batch_.Truncate(save_point_->batch);
  prepared_.reset();  // It framed writes that are gone now.
  counters_ = save_point_->counters;
  staged_events_.resize(save_point_->staged_events);
  save_point_.reset();
}

void WriteContext::ReleaseSavePoint() { save_point_.reset(); }

void WriteContext::FillBatch(storage::WriteBatch* batch) {
  batch_.AppendSortedTo(batch);
  AppendCounters(batch);
}

void WriteContext::AppendCounters(storage::WriteBatch* batch) {
  if (!staged_events_.empty()) counters_.edges_seq = counters_.seq;
  batch->Put(codec::MetaKey(codec::MetaId::kCounters),
             codec::EncodeCounters(counters_));
}

size_t WriteContext::FilledBytes() const {
  // Per operation at most a type byte and two 5-byte varints; the batch
  // header and the counters fit in the constant.
  return batch_.bytes() + 11 * batch_.count() + 256;
}

Status WriteContext::Commit(bool sync) {
  storage::WriteBatch batch(FilledBytes());
  FillBatch(&batch);
  return kv_->Write(&batch, sync);
}

void WriteContext::ContinueAfterCommit(int64_t now_ms) {
  batch_.Clear();
  overlay_.clear();
  view_ = kv_->NewReadView();
  StartNextBatch(now_ms);
}

WriteContext::DetachedBatch WriteContext::Detach(int64_t now_ms) {
  DetachedBatch d;
  if (prepared_ == nullptr) PrepareDetach();
  AppendCounters(prepared_.get());
  d.batch = std::move(prepared_);
  d.keys = batch_.count();
  d.counters = counters_;
  d.events = std::move(staged_events_);
  std::swap(batch_, detached_batch_);
  batch_.Clear();
  std::swap(overlay_, detached_);
  overlay_.clear();
  StartNextBatch(now_ms);
  return d;
}

void WriteContext::PrepareDetach() {
  prepared_ = std::make_unique<storage::WriteBatch>(FilledBytes());
  batch_.AppendSortedTo(prepared_.get());
}

void WriteContext::ReleaseDetached() {
  detached_.clear();
  detached_batch_.Clear();
  view_ = kv_->NewReadView();
}

void WriteContext::StartNextBatch(int64_t now_ms) {
  prepared_.reset();
  staged_events_.clear();
  save_point_.reset();
  ++counters_.seq;
  std::copy(std::begin(counters_.next_node_id),
            std::end(counters_.next_node_id), batch_first_id_);
  now_ms_ = now_ms;
}

}  // namespace lineagedb::store
