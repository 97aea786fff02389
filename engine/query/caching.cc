// Cache lookups and cache hits over the fingerprint index.
#include "lineagedb/caching.h"

#include <map>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "store/node_rows.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using codec::NodeRow;

bool Usable(ArtifactState s) {
  return s != ArtifactState::kDeleted && s != ArtifactState::kAbandoned &&
         s != ArtifactState::kMarkedForDeletion;
}

// The output key of an event: its first key step, or "".
std::string SlotOf(const Event& e) {
  for (const PathStep& s : e.path) {
    if (const auto* key = std::get_if<std::string>(&s.step)) return *key;
  }
  return "";
}

int64_t IndexOf(const Event& e) {
  for (const PathStep& s : e.path) {
    if (const auto* i = std::get_if<int64_t>(&s.step)) return *i;
  }
  return 0;
}

// The output events of execution `id` as of `view`.
StatusOr<std::vector<Event>> OutputEvents(const storage::ReadView& view,
                                          int64_t id) {
  std::vector<Event> out;
  auto it = view.Scan(codec::EventPrefix(codec::Tag::kEventByExecution, id,
                                         codec::Direction::kOutput));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back();
    RETURN_IF_ERROR(codec::DecodeEvent(it->key(), it->value(), &out.back()));
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

// The cached execution `id` if it is COMPLETE with every output usable.
StatusOr<std::optional<CachedExecution>> TryCached(
    StoreImpl* impl, const storage::ReadView& view, int64_t id) {
  const std::string key = codec::NodeKey(NodeKind::kExecution, id);
  std::string value;
  RETURN_IF_ERROR(view.Get(key, &value));
  NodeRow row;
  RETURN_IF_ERROR(codec::DecodeNode(key, value, &row));
  if (static_cast<ExecutionState>(row.state) != ExecutionState::kComplete) {
    return std::nullopt;
  }
  ASSIGN_OR_RETURN(std::vector<Event> events, OutputEvents(view, id));
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) {
                     return std::make_pair(SlotOf(a), IndexOf(a)) <
                            std::make_pair(SlotOf(b), IndexOf(b));
                   });
  std::vector<std::string> keys;
  for (const Event& e : events) {
    keys.push_back(codec::NodeKey(NodeKind::kArtifact, e.artifact_id));
  }
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  CachedExecution out;
  std::vector<NodeRow> rows(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!found[i]) return std::nullopt;
    RETURN_IF_ERROR(codec::DecodeNode(keys[i], values[i], &rows[i]));
    if (!Usable(static_cast<ArtifactState>(rows[i].state))) {
      return std::nullopt;
    }
  }
  impl->FillTypeNames(&rows);
  for (size_t i = 0; i < rows.size(); ++i) {
    out.outputs[SlotOf(events[i])].push_back(
        store::FromRow<Artifact>(std::move(rows[i])));
  }
  std::vector<NodeRow> exec = {std::move(row)};
  impl->FillTypeNames(&exec);
  out.execution = store::FromRow<Execution>(std::move(exec[0]));
  return out;
}

}  // namespace

StatusOr<CachedExecution> FindCachedExecution(Store* store,
                                              std::string_view fingerprint) {
  if (fingerprint.empty()) {
    return absl::InvalidArgumentError("an empty fingerprint");
  }
  StoreImpl* impl = store->impl();
  auto view = impl->kv()->NewReadView();
  const std::string prefix = codec::ExecutionByFingerprintPrefix(fingerprint);
  auto it = view->Scan(prefix);
  // Newest first: ids grow with time.
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    int64_t id;
    if (!codec::ParseTrailingId(it->key(), &id)) {
      return absl::DataLossError(
          StrCat("bad fingerprint key ", codec::Hex(it->key())));
    }
    ASSIGN_OR_RETURN(std::optional<CachedExecution> cached,
                     TryCached(impl, *view, id));
    if (cached.has_value()) return std::move(*cached);
  }
  RETURN_IF_ERROR(it->status());
  return absl::NotFoundError(
      StrCat("no usable COMPLETE execution with fingerprint ", fingerprint));
}

StatusOr<PutExecutionResult> RecordCacheHit(Store* store, const CacheHit& hit) {
  if (hit.execution.id != 0) {
    return absl::InvalidArgumentError(
        "a cache hit records a new execution; its id must be 0");
  }
  StoreImpl* impl = store->impl();
  ASSIGN_OR_RETURN(std::unique_lock<std::mutex> lock, impl->LockForWrite());
  WriteContext wc = impl->BeginWrite();
  ASSIGN_OR_RETURN(NodeRow cached, impl->ReadNode(wc, NodeKind::kExecution,
                                                  hit.cached_execution_id));
  auto view = impl->kv()->NewReadView();
  ASSIGN_OR_RETURN(std::vector<Event> outputs,
                   OutputEvents(*view, hit.cached_execution_id));
  Execution execution = hit.execution;
  execution.last_known_state = ExecutionState::kCached;
  if (execution.fingerprint.empty()) execution.fingerprint = cached.fingerprint;
  std::vector<ArtifactAndEvent> pairs;
  for (const Event& in : hit.inputs) {
    Event e = in;
    e.execution_id = 0;
    pairs.push_back({std::nullopt, e});
  }
  for (const Event& out : outputs) {
    Event e;
    e.artifact_id = out.artifact_id;
    e.type = out.type;
    e.path = out.path;
    pairs.push_back({std::nullopt, e});
  }
  PutExecutionOptions options;
  options.reuse_context_if_already_exist = true;
  PutExecutionResult result;
  RETURN_IF_ERROR(impl->StageExecution(wc, execution, pairs, hit.contexts,
                                       options, &result));
  for (int64_t context_id : result.context_ids) {
    for (const Event& out : outputs) {
      RETURN_IF_ERROR(impl->StageLink(wc, context_id, NodeKind::kArtifact,
                                      out.artifact_id));
    }
  }
  RETURN_IF_ERROR(impl->Commit(wc));
  return result;
}

}  // namespace lineagedb
