// Cache lookups and cache hits over the fingerprint index.
#include "lineagedb/caching.h"

#include <map>
#include <string>
#include <utility>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "graph/adjacency_index.h"
#include "query/lineage_internal.h"
#include "store/node_rows.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using codec::NodeRow;
using store::ResultCache;

// The stored data a lookup read: the tokens of its ResultCache entry. Null
// when answers are not kept, so that no token is built.
using Dependencies = std::vector<std::string>;

// Whether a hit reuses the artifact of output event `e`: only OUTPUT events
// are the outputs a step published (TFX's rule); DECLARED_OUTPUT,
// PENDING_OUTPUT and INTERNAL_OUTPUT artifacts are not reused or checked.
bool Reused(const Event& e) { return e.type == EventType::kOutput; }

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

// The execution `row` as a cache hit on output events `events` (with their
// artifacts' rows, in the same order), or nullopt if a reused output is
// unusable.
std::optional<CachedExecution> Assemble(StoreImpl* impl, NodeRow row,
                                        std::vector<Event> events,
                                        std::vector<NodeRow> artifacts) {
  std::vector<size_t> order;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!Reused(events[i])) continue;
    if (!query::IsUsable(static_cast<ArtifactState>(artifacts[i].state))) {
      return std::nullopt;
    }
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_pair(query::OutputKey(events[a]), IndexOf(events[a])) <
           std::make_pair(query::OutputKey(events[b]), IndexOf(events[b]));
  });
  impl->FillTypeNames(&artifacts);
  CachedExecution out;
  for (size_t i : order) {
    out.outputs[query::OutputKey(events[i])].push_back(
        store::FromRow<Artifact>(std::move(artifacts[i])));
  }
  std::vector<NodeRow> exec = {std::move(row)};
  impl->FillTypeNames(&exec);
  out.execution = store::FromRow<Execution>(std::move(exec[0]));
  return out;
}

Status ParseFingerprintKey(std::string_view key, int64_t* id) {
  if (!codec::ParseTrailingId(key, id)) {
    return absl::DataLossError(StrCat("bad fingerprint key ", codec::Hex(key)));
  }
  return absl::OkStatus();
}

bool IsComplete(const NodeRow& row) {
  return static_cast<ExecutionState>(row.state) == ExecutionState::kComplete;
}

// The cached execution `id` if it is COMPLETE with every output usable,
// reading its output events by a prefix scan.
StatusOr<std::optional<CachedExecution>> TryCachedByScan(
    StoreImpl* impl, const storage::ReadView& view, int64_t id,
    Dependencies* deps) {
  const std::string key = codec::NodeKey(NodeKind::kExecution, id);
  std::string value;
  RETURN_IF_ERROR(view.Get(key, &value));
  NodeRow row;
  RETURN_IF_ERROR(codec::DecodeNode(key, value, &row));
  if (!IsComplete(row)) return std::nullopt;
  ASSIGN_OR_RETURN(std::vector<Event> events, OutputEvents(view, id));
  std::vector<std::string> keys;
  for (const Event& e : events) {
    keys.push_back(codec::NodeKey(NodeKind::kArtifact, e.artifact_id));
    if (deps != nullptr) deps->push_back(keys.back());
  }
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  std::vector<NodeRow> rows(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!found[i]) return std::nullopt;
    RETURN_IF_ERROR(codec::DecodeNode(keys[i], values[i], &rows[i]));
  }
  return Assemble(impl, std::move(row), std::move(events), std::move(rows));
}

// The same, with the output edges taken from the adjacency index so that
// the execution, its output events and their artifacts are one MultiGet.
// The index gets a commit's edges all at once, after the commit: when it
// has no output of `id`, or an event it lists is not in `view`, the answer
// comes from TryCachedByScan.
StatusOr<std::optional<CachedExecution>> TryCached(
    StoreImpl* impl, const storage::ReadView& view, int64_t id,
    Dependencies* deps) {
  if (deps != nullptr) {
    deps->push_back(ResultCache::NodeToken(NodeKind::kExecution, id));
    deps->push_back(ResultCache::ExecutionEventsToken(id));
  }
  std::vector<graph::Neighbor> outs;
  if (auto index = impl->graph_index()) {
    auto lock = index->LockShared();
    RETURN_IF_ERROR(index->Neighbors(
        graph::MakeVertex(NodeKind::kExecution, id), graph::Dir::kDown, &outs));
  }
  if (outs.empty()) return TryCachedByScan(impl, view, id, deps);
  const size_t n = outs.size();
  std::vector<std::string> keys;
  keys.reserve(1 + 2 * n);
  keys.push_back(codec::NodeKey(NodeKind::kExecution, id));
  for (const graph::Neighbor& o : outs) {
    keys.push_back(codec::EventKey(codec::Tag::kEventByExecution, id, o.type,
                                   graph::IdOf(o.vertex)));
  }
  for (const graph::Neighbor& o : outs) {
    keys.push_back(codec::NodeKey(NodeKind::kArtifact, graph::IdOf(o.vertex)));
    if (deps != nullptr) deps->push_back(keys.back());
  }
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  if (!found[0]) return TryCachedByScan(impl, view, id, deps);
  NodeRow row;
  RETURN_IF_ERROR(codec::DecodeNode(keys[0], values[0], &row));
  if (!IsComplete(row)) return std::nullopt;
  std::vector<Event> events(n);
  std::vector<NodeRow> artifacts(n);
  for (size_t i = 0; i < n; ++i) {
    if (!found[1 + i] || !found[1 + n + i]) {
      return TryCachedByScan(impl, view, id, deps);
    }
    RETURN_IF_ERROR(codec::DecodeEvent(keys[1 + i], values[1 + i], &events[i]));
    RETURN_IF_ERROR(
        codec::DecodeNode(keys[1 + n + i], values[1 + n + i], &artifacts[i]));
  }
  return Assemble(impl, std::move(row), std::move(events),
                  std::move(artifacts));
}

// The answer a [41] head carries for execution `id`, or nullopt if an output
// is no longer usable.
StatusOr<std::optional<CachedExecution>> FromAnswer(
    StoreImpl* impl, int64_t id, const codec::HeadAnswer& a) {
  NodeRow row;
  RETURN_IF_ERROR(codec::DecodeNode(codec::NodeKey(NodeKind::kExecution, id),
                                    a.execution, &row));
  if (!IsComplete(row)) return std::nullopt;
  const size_t n = a.outputs.size();
  std::vector<Event> events(n);
  std::vector<NodeRow> artifacts(n);
  for (size_t i = 0; i < n; ++i) {
    const codec::HeadOutput& o = a.outputs[i];
    RETURN_IF_ERROR(
        codec::DecodeEvent(codec::EventKey(codec::Tag::kEventByExecution, id,
                                           o.type, o.artifact_id),
                           o.event, &events[i]));
    RETURN_IF_ERROR(
        codec::DecodeNode(codec::NodeKey(NodeKind::kArtifact, o.artifact_id),
                          o.artifact, &artifacts[i]));
  }
  return Assemble(impl, std::move(row), std::move(events),
                  std::move(artifacts));
}

// The newest usable COMPLETE execution with `fingerprint` (and an id below
// `below`, if given). The ids are collected by a forward scan (a memtable's
// skip list steps back by a search per key), then taken newest first in
// batches whose records are one read; only the COMPLETE ones are read
// further, so the CACHED executions of recorded hits, which share the
// fingerprint, cost a record each.
StatusOr<std::optional<CachedExecution>> FindBelow(
    StoreImpl* impl, const storage::ReadView& view,
    std::string_view fingerprint, std::optional<int64_t> below,
    Dependencies* deps) {
  std::vector<int64_t> ids;
  auto it = view.Scan(codec::ExecutionByFingerprintPrefix(fingerprint));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    int64_t id = 0;
    RETURN_IF_ERROR(ParseFingerprintKey(it->key(), &id));
    if (below.has_value() && id >= *below) break;
    ids.push_back(id);
  }
  RETURN_IF_ERROR(it->status());
  constexpr size_t kBatch = 64;
  std::vector<std::string> keys, values;
  std::vector<bool> found;
  for (size_t end = ids.size(); end > 0;) {
    const size_t begin = end > kBatch ? end - kBatch : 0;
    keys.clear();
    for (size_t i = end; i > begin; --i) {
      keys.push_back(codec::NodeKey(NodeKind::kExecution, ids[i - 1]));
      // A record read decides the answer: its change must drop it.
      if (deps != nullptr) deps->push_back(keys.back());
    }
    RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
    for (size_t k = 0; k < keys.size(); ++k) {
      if (found[k]) {
        NodeRow row;
        RETURN_IF_ERROR(codec::DecodeNode(keys[k], values[k], &row));
        if (!IsComplete(row)) continue;
      }
      ASSIGN_OR_RETURN(std::optional<CachedExecution> cached,
                       TryCached(impl, view, ids[end - 1 - k], deps));
      if (cached.has_value()) return cached;
    }
    end = begin;
  }
  return std::nullopt;
}

// The newest usable COMPLETE execution with `fingerprint` as of `view`, or
// nullopt; `deps`, if not null, gets what was read.
StatusOr<std::optional<CachedExecution>> FindOnView(
    StoreImpl* impl, const storage::ReadView& view,
    std::string_view fingerprint, Dependencies* deps) {
  if (deps != nullptr) {
    deps->push_back(ResultCache::FingerprintToken(fingerprint));
  }
  if (!impl->has_fingerprint_heads()) {
    return FindBelow(impl, view, fingerprint, std::nullopt, deps);
  }
  // The head names the newest COMPLETE execution and, from format version
  // 3, usually carries the answer: one read. No head: there is none.
  // Its outputs unusable: the older executions, from the head down (none
  // above it is COMPLETE). Unknown (its execution left COMPLETE): all.
  const std::string head_key = codec::FingerprintHeadKey(fingerprint);
  if (deps != nullptr) {
    deps->push_back(ResultCache::FingerprintHeadToken(fingerprint));
  }
  std::string value;
  Status s = view.Get(head_key, &value);
  if (absl::IsNotFound(s)) return std::nullopt;
  RETURN_IF_ERROR(s);
  int64_t head = 0;
  std::optional<codec::HeadAnswer> answer;
  RETURN_IF_ERROR(
      codec::DecodeFingerprintHead(head_key, value, &head, &answer));
  if (head == 0) return FindBelow(impl, view, fingerprint, std::nullopt, deps);
  std::optional<CachedExecution> cached;
  if (answer.has_value() && impl->has_head_answers()) {
    ASSIGN_OR_RETURN(cached, FromAnswer(impl, head, *answer));
  } else {
    ASSIGN_OR_RETURN(cached, TryCached(impl, view, head, deps));
  }
  if (cached.has_value()) return cached;
  return FindBelow(impl, view, fingerprint, head, deps);
}

}  // namespace

StatusOr<CachedExecution> FindCachedExecution(Store* store,
                                              std::string_view fingerprint) {
  if (fingerprint.empty()) {
    return absl::InvalidArgumentError("an empty fingerprint");
  }
  StoreImpl* impl = store->impl();
  ResultCache* results = impl->results();
  using Answer = std::optional<CachedExecution>;
  auto not_found = [&] {
    return absl::NotFoundError(
        StrCat("no usable COMPLETE execution with fingerprint ", fingerprint));
  };
  if (!results->enabled()) {
    auto view = impl->kv()->NewReadView();
    ASSIGN_OR_RETURN(Answer found,
                     FindOnView(impl, *view, fingerprint, /*deps=*/nullptr));
    if (!found.has_value()) return not_found();
    return std::move(*found);
  }
  // The answer, found or not, is cached until a write changes the
  // fingerprint's executions, their records or events, or their outputs.
  const std::string cache_key = StrCat("FindCachedExecution:", fingerprint);
  std::shared_ptr<const Answer> answer =
      std::static_pointer_cast<const Answer>(results->Find(cache_key));
  if (answer == nullptr) {
    const uint64_t ticket = results->Ticket();
    auto view = impl->kv()->NewReadView();
    Dependencies deps;
    ASSIGN_OR_RETURN(Answer found, FindOnView(impl, *view, fingerprint, &deps));
    answer = std::make_shared<const Answer>(std::move(found));
    results->Insert(ticket, cache_key, answer, std::move(deps));
  }
  if (!answer->has_value()) return not_found();
  return **answer;
}

StatusOr<PutExecutionResult> RecordCacheHit(Store* store, const CacheHit& hit) {
  if (hit.execution.id != 0) {
    return absl::InvalidArgumentError(
        "a cache hit records a new execution; its id must be 0");
  }
  StoreImpl* impl = store->impl();
  ASSIGN_OR_RETURN(WriteLock lock, impl->LockForWrite());
  WriteContext wc = impl->BeginWrite();
  for (size_t i = 0; i < hit.inputs.size(); ++i) {
    if (!IsInputEvent(hit.inputs[i].type)) {
      return absl::InvalidArgumentError(
          StrCat("inputs[", i, "] is an event of type ",
                 EventTypeName(hit.inputs[i].type),
                 "; a cache hit's inputs are input events"));
    }
  }
  ASSIGN_OR_RETURN(NodeRow cached, impl->ReadNode(wc, NodeKind::kExecution,
                                                  hit.cached_execution_id));
  const auto state = static_cast<ExecutionState>(cached.state);
  if (state != ExecutionState::kComplete && state != ExecutionState::kCached) {
    return absl::FailedPreconditionError(
        StrCat("execution ", hit.cached_execution_id, " is ",
               ExecutionStateName(state),
               "; only a COMPLETE or CACHED execution's outputs are reused"));
  }
  if (hit.execution.type_id != cached.base.type_id) {
    return absl::InvalidArgumentError(
        StrCat("a cache hit is an execution of the cached one's type ",
               cached.base.type_id, ", not ", hit.execution.type_id));
  }
  auto view = impl->kv()->NewReadView();
  ASSIGN_OR_RETURN(std::vector<Event> outputs,
                   OutputEvents(*view, hit.cached_execution_id));
  std::erase_if(outputs, [](const Event& e) { return !Reused(e); });
  // Outputs FindCachedExecution would not offer are not reused.
  for (const Event& out : outputs) {
    ASSIGN_OR_RETURN(NodeRow artifact,
                     impl->ReadNode(wc, NodeKind::kArtifact, out.artifact_id));
    const auto artifact_state = static_cast<ArtifactState>(artifact.state);
    if (!query::IsUsable(artifact_state)) {
      return absl::FailedPreconditionError(StrCat(
          "artifact ", out.artifact_id, ", an output of execution ",
          hit.cached_execution_id, ", is ", ArtifactStateName(artifact_state),
          "; a cache hit reuses usable outputs only"));
    }
  }
  Execution execution = hit.execution;
  execution.last_known_state = ExecutionState::kCached;
  if (execution.fingerprint.empty()) execution.fingerprint = cached.fingerprint;
  std::vector<ArtifactAndEvent> pairs;
  for (const Event& in : hit.inputs) pairs.push_back({std::nullopt, in});
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
  // Every pair's artifact, input or reused output, is attributed to the
  // contexts (PutExecution's rule).
  RETURN_IF_ERROR(impl->StageExecution(wc, execution, pairs, hit.contexts,
                                       options, &result));
  RETURN_IF_ERROR(impl->Commit(wc));
  return result;
}

}  // namespace lineagedb
