// Stale-step detection and the newest artifact of each output slot.
//
// A pipeline's steps are the execution types associated with its context
// (the [38] index lists them and their executions newest last, so each
// step's latest execution is one seek). A slot is (producing step, output
// key). A step is stale when its latest execution read an older artifact of
// the new artifact's slot (made by an earlier execution; and not the new
// artifact itself), or read an output of a stale step, or a replaced output
// of a step that ran on the new artifact. A step's reads of its own outputs
// (a Trainer warm-started from its last model) do not count.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "lineagedb/caching.h"
#include "query/lineage_internal.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using codec::NodeRow;
using codec::Tag;

struct Slot {
  int64_t producer_type = 0;
  std::string key;
  friend auto operator<=>(const Slot&, const Slot&) = default;
};

// An artifact's slot and the execution that made it.
struct Made {
  Slot slot;
  int64_t execution = 0;
};

// Reads what the analysis needs from one view, with small caches.
class PipelineReader {
 public:
  explicit PipelineReader(StoreImpl* impl)
      : impl_(impl), view_(impl->kv()->NewReadView()) {}

  StatusOr<NodeRow> Node(NodeKind kind, int64_t id) {
    const std::string key = codec::NodeKey(kind, id);
    std::string value;
    Status s = view_->Get(key, &value);
    if (absl::IsNotFound(s)) {
      return absl::NotFoundError(
          StrCat(NodeKindName(kind), " ", id, " does not exist"));
    }
    RETURN_IF_ERROR(s);
    NodeRow row;
    RETURN_IF_ERROR(codec::DecodeNode(key, value, &row));
    return row;
  }

  // The pipeline's steps: type id -> latest COMPLETE or CACHED execution
  // (else the latest of any state).
  StatusOr<std::map<int64_t, int64_t>> LatestExecutions(int64_t context) {
    std::map<int64_t, int64_t> out;
    const std::string prefix = codec::ContextExecutionByTypePrefix(context);
    auto it = view_->Scan(prefix);
    it->SeekToFirst();
    while (it->Valid()) {
      std::string_view rest = it->key().substr(prefix.size());
      uint64_t type = 0;
      codec::GetU64(&rest, &type);
      const std::string type_prefix =
          codec::ContextExecutionByTypePrefix(context, type);
      auto in_type = view_->Scan(type_prefix);
      int64_t chosen = 0;
      for (in_type->SeekForPrev(codec::MaxIdKey(type_prefix)); in_type->Valid();
           in_type->Prev()) {
        int64_t id;
        if (!codec::ParseTrailingId(in_type->key(), &id)) {
          return absl::DataLossError(
              StrCat("bad index key ", codec::Hex(in_type->key())));
        }
        if (chosen == 0) chosen = id;
        ASSIGN_OR_RETURN(NodeRow row, Node(NodeKind::kExecution, id));
        auto state = static_cast<ExecutionState>(row.state);
        if (state == ExecutionState::kComplete ||
            state == ExecutionState::kCached) {
          chosen = id;
          break;
        }
      }
      RETURN_IF_ERROR(in_type->status());
      out[static_cast<int64_t>(type)] = chosen;
      it->Seek(codec::PrefixEnd(type_prefix));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  // Events of `id` in one direction, from the artifact or execution side.
  StatusOr<std::vector<Event>> Events(Tag tag, int64_t id,
                                      codec::Direction dir) {
    std::vector<Event> out;
    auto it = view_->Scan(codec::EventPrefix(tag, id, dir));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back();
      RETURN_IF_ERROR(codec::DecodeEvent(it->key(), it->value(), &out.back()));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  // The slot of artifact `id` and the execution that made it (its first
  // OUTPUT event's, else its first output event's of another type: a
  // declared output sorts first, and a cache hit adds OUTPUT events of
  // later executions), or nullopt if none did.
  StatusOr<std::optional<Made>> MadeBy(int64_t id) {
    if (auto it = made_.find(id); it != made_.end()) return it->second;
    // Keys order the output events by type, then execution: one seek
    // finds the first OUTPUT event, another the first of any type.
    auto it = view_->Scan(codec::EventPrefix(Tag::kEventByArtifact, id,
                                             codec::Direction::kOutput));
    it->Seek(codec::EventKey(Tag::kEventByArtifact, id, EventType::kOutput,
                             /*to=*/0));
    Event e;
    bool found = false;
    if (it->Valid()) {
      RETURN_IF_ERROR(codec::DecodeEvent(it->key(), it->value(), &e));
      found = e.type == EventType::kOutput;
    }
    if (!found) {
      it->SeekToFirst();
      if (it->Valid()) {
        RETURN_IF_ERROR(codec::DecodeEvent(it->key(), it->value(), &e));
        found = true;
      }
    }
    RETURN_IF_ERROR(it->status());
    std::optional<Made> made;
    if (found) {
      ASSIGN_OR_RETURN(int64_t type, TypeOf(e.execution_id));
      made = Made{Slot{type, query::OutputKey(e)}, e.execution_id};
    }
    made_[id] = made;
    return made;
  }

  // Whether an execution that made artifact `id` is associated with
  // `context`; the first one that is ends the scan.
  StatusOr<bool> MadeInContext(int64_t id, int64_t context) {
    auto it = view_->Scan(codec::EventPrefix(Tag::kEventByArtifact, id,
                                             codec::Direction::kOutput));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Event e;
      RETURN_IF_ERROR(codec::DecodeEvent(it->key(), it->value(), &e));
      ASSIGN_OR_RETURN(bool associated,
                       Has(codec::PairKey(Tag::kAssociationByExecution,
                                          e.execution_id, context)));
      if (associated) return true;
    }
    RETURN_IF_ERROR(it->status());
    return false;
  }

  // The first execution with an OUTPUT event to artifact `id` if every
  // such execution FAILED or was CANCELED; nullopt if one did not, or none
  // has an OUTPUT event to it (other output events do not make it).
  StatusOr<std::optional<int64_t>> OnlyFailedProducer(int64_t id) {
    ASSIGN_OR_RETURN(
        std::vector<Event> outputs,
        Events(Tag::kEventByArtifact, id, codec::Direction::kOutput));
    std::optional<int64_t> failed;
    for (const Event& e : outputs) {
      if (e.type != EventType::kOutput) continue;
      ASSIGN_OR_RETURN(const ExecutionState state, StateOf(e.execution_id));
      if (state != ExecutionState::kFailed &&
          state != ExecutionState::kCanceled) {
        return std::optional<int64_t>();
      }
      if (!failed.has_value()) failed = e.execution_id;
    }
    return failed;
  }

  StatusOr<ExecutionState> StateOf(int64_t execution_id) {
    ASSIGN_OR_RETURN(NodeRow row, Node(NodeKind::kExecution, execution_id));
    return static_cast<ExecutionState>(row.state);
  }

  StatusOr<int64_t> TypeOf(int64_t execution_id) {
    if (auto it = types_.find(execution_id); it != types_.end()) {
      return it->second;
    }
    ASSIGN_OR_RETURN(NodeRow row, Node(NodeKind::kExecution, execution_id));
    types_[execution_id] = row.base.type_id;
    return row.base.type_id;
  }

  // Whether the store has `key`.
  StatusOr<bool> Has(const std::string& key) {
    std::string value;
    Status s = view_->Get(key, &value);
    if (absl::IsNotFound(s)) return false;
    RETURN_IF_ERROR(s);
    return true;
  }

  std::string TypeName(int64_t type_id) {
    auto t = impl_->CachedType(NodeKind::kExecution, type_id);
    return t ? t->name : "";
  }

 private:
  StoreImpl* impl_;
  std::unique_ptr<storage::ReadView> view_;
  std::map<int64_t, std::optional<Made>> made_;
  std::map<int64_t, int64_t> types_;
};

// Steps in topological order of `edges` (producer step -> consumer step),
// by Boost.Graph. The steps of a cycle come together, by type id, where the
// cycle as a whole falls in that order; the other steps keep theirs.
std::vector<int64_t> TopologicalSteps(
    const std::map<int64_t, int64_t>& steps,
    const std::set<std::pair<int64_t, int64_t>>& edges) {
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  std::vector<int64_t> ids;
  std::map<int64_t, int> index;
  for (const auto& [type, latest] : steps) {
    index[type] = static_cast<int>(ids.size());
    ids.push_back(type);
  }
  Graph g(ids.size());
  for (const auto& [from, to] : edges) {
    if (from != to) boost::add_edge(index[from], index[to], g);
  }
  std::vector<int> component(ids.size());
  const size_t components = boost::strong_components(
      g, boost::make_iterator_property_map(component.begin(),
                                           boost::get(boost::vertex_index, g)));
  std::vector<size_t> reversed;
  std::vector<int64_t> out;
  if (components == ids.size()) {  // No cycle.
    boost::topological_sort(g, std::back_inserter(reversed));
    for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
      out.push_back(ids[*it]);
    }
    return out;
  }
  // The graph of the cycles (each a vertex) and the other steps.
  Graph condensed(components);
  for (const auto& [from, to] : edges) {
    const int a = component[index[from]], b = component[index[to]];
    if (a != b) boost::add_edge(a, b, condensed);
  }
  boost::topological_sort(condensed, std::back_inserter(reversed));
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
    for (size_t v = 0; v < ids.size(); ++v) {
      if (component[v] == static_cast<int>(*it)) out.push_back(ids[v]);
    }
  }
  return out;
}

// OK if artifact `id`, made by `execution`, is attributed to `context` or
// one of its producers is associated with it. Errors: INVALID_ARGUMENT
// (neither), storage errors.
Status InContext(PipelineReader& r, int64_t context, int64_t id,
                 int64_t execution) {
  ASSIGN_OR_RETURN(
      bool attributed,
      r.Has(codec::PairKey(Tag::kAttributionByArtifact, id, context)));
  if (attributed) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool made_there, r.MadeInContext(id, context));
  if (made_there) return absl::OkStatus();
  return absl::InvalidArgumentError(
      StrCat("artifact ", id, " is not in context ", context,
             ": neither it nor execution ", execution,
             ", which produced it, belongs to that pipeline"));
}

// The reads of the pipeline's latest executions that decide staleness.
struct Reads {
  // An input of a step's latest execution made by another step: the output
  // key it was made under; whether it is an output of that step's latest
  // execution; if not, whether that execution wrote under its key (else
  // nothing replaced it).
  struct Input {
    int64_t from;
    int64_t to;
    std::string key;
    bool current;
    bool replaced;
  };
  std::vector<Input> inputs;
  std::set<int64_t> direct;     // Read an older artifact of the new one's slot.
  std::set<int64_t> refreshed;  // Made or read the new artifact.
  std::set<std::pair<int64_t, int64_t>> edges;  // producer -> consumer step
};

// The reads of `steps` (type -> latest execution) for the new artifact
// `new_id`, made as `new_made`. Errors: storage errors.
StatusOr<Reads> ReadInputs(PipelineReader& r,
                           const std::map<int64_t, int64_t>& steps,
                           int64_t new_id, const Made& new_made) {
  // The outputs of each step's latest execution, and their keys.
  std::map<int64_t, std::set<int64_t>> latest_outputs;
  std::map<int64_t, std::set<std::string>> latest_keys;
  for (const auto& [type, latest] : steps) {
    ASSIGN_OR_RETURN(
        std::vector<Event> outputs,
        r.Events(Tag::kEventByExecution, latest, codec::Direction::kOutput));
    for (const Event& out : outputs) {
      latest_outputs[type].insert(out.artifact_id);
      latest_keys[type].insert(query::OutputKey(out));
    }
  }
  Reads reads;
  // A step whose latest execution made the new artifact re-ran: the
  // outputs it made beside it replace its earlier ones too.
  if (auto it = steps.find(new_made.slot.producer_type);
      it != steps.end() && it->second == new_made.execution) {
    reads.refreshed.insert(it->first);
  }
  for (const auto& [type, latest] : steps) {
    ASSIGN_OR_RETURN(
        std::vector<Event> inputs,
        r.Events(Tag::kEventByExecution, latest, codec::Direction::kInput));
    for (const Event& in : inputs) {
      if (in.artifact_id == new_id) reads.refreshed.insert(type);
      ASSIGN_OR_RETURN(std::optional<Made> made, r.MadeBy(in.artifact_id));
      // An output of the step's own (every run replaces them) says nothing
      // of what it ran on.
      if (!made.has_value() || made->slot.producer_type == type) continue;
      const Slot& slot = made->slot;
      if (steps.contains(slot.producer_type)) {
        reads.edges.emplace(slot.producer_type, type);
        const bool current =
            latest_outputs[slot.producer_type].contains(in.artifact_id);
        reads.inputs.push_back(
            {slot.producer_type, type, slot.key, current,
             !current && latest_keys[slot.producer_type].contains(slot.key)});
      }
      // An older artifact of the slot: not one the new artifact's execution
      // made beside it (a list of artifacts under one key).
      if (slot == new_made.slot && in.artifact_id < new_id &&
          made->execution != new_made.execution) {
        reads.direct.insert(type);
      }
    }
  }
  // A step that read the new artifact ran on it, whatever older artifacts
  // of its slot it read beside it (an Evaluator's baseline model).
  for (int64_t type : reads.refreshed) reads.direct.erase(type);
  return reads;
}

// The stale steps. Both marks flow along the reads to a fixpoint: a step
// is refreshed if it read the current output of a refreshed step; stale if
// it read anything of a stale step, or an output of a refreshed step that
// its latest execution has replaced (written anew under its key), unless it
// read the current output of that key beside it (the step re-ran on the new
// data, this one did not yet; one that read the current output beside older
// ones of the same key ran on it, as an Evaluator reads a baseline model).
std::set<int64_t> StaleOf(const Reads& reads) {
  std::set<std::tuple<int64_t, int64_t, std::string>> current_reads;
  for (const Reads::Input& read : reads.inputs) {
    if (read.current) current_reads.emplace(read.from, read.to, read.key);
  }
  auto spread = [&](std::set<int64_t>* set, auto follows) {
    for (bool grew = true; grew;) {
      grew = false;
      for (const Reads::Input& read : reads.inputs) {
        if (follows(read) && set->insert(read.to).second) grew = true;
      }
    }
  };
  std::set<int64_t> refreshed = reads.refreshed;
  spread(&refreshed, [&](const Reads::Input& read) {
    return read.current && refreshed.contains(read.from);
  });
  std::set<int64_t> stale = reads.direct;
  spread(&stale, [&](const Reads::Input& read) {
    return stale.contains(read.from) ||
           (read.replaced && refreshed.contains(read.from) &&
            !current_reads.contains({read.from, read.to, read.key}));
  });
  return stale;
}

}  // namespace

StatusOr<StaleSteps> GetStaleSteps(Store* store, int64_t pipeline_context_id,
                                   int64_t new_artifact_id) {
  PipelineReader r(store->impl());
  RETURN_IF_ERROR(r.Node(NodeKind::kContext, pipeline_context_id).status());
  ASSIGN_OR_RETURN(const NodeRow artifact,
                   r.Node(NodeKind::kArtifact, new_artifact_id));
  const auto artifact_state = static_cast<ArtifactState>(artifact.state);
  if (!query::IsUsable(artifact_state)) {
    return absl::FailedPreconditionError(
        StrCat("artifact ", new_artifact_id, " is ",
               ArtifactStateName(artifact_state), ", not usable new data"));
  }
  ASSIGN_OR_RETURN(std::optional<Made> made, r.MadeBy(new_artifact_id));
  if (!made.has_value()) {
    return absl::InvalidArgumentError(
        StrCat("artifact ", new_artifact_id, " has no producing execution"));
  }
  ASSIGN_OR_RETURN(const std::optional<int64_t> failed,
                   r.OnlyFailedProducer(new_artifact_id));
  if (failed.has_value()) {
    ASSIGN_OR_RETURN(const ExecutionState state, r.StateOf(*failed));
    return absl::FailedPreconditionError(
        StrCat("artifact ", new_artifact_id, " was made by execution ", *failed,
               ", which is ", ExecutionStateName(state),
               "; a failed run's output is no new data"));
  }
  ASSIGN_OR_RETURN(auto steps, r.LatestExecutions(pipeline_context_id));
  if (steps.contains(made->slot.producer_type)) {
    RETURN_IF_ERROR(
        InContext(r, pipeline_context_id, new_artifact_id, made->execution));
  }
  ASSIGN_OR_RETURN(const Reads reads,
                   ReadInputs(r, steps, new_artifact_id, *made));
  const std::set<int64_t> stale = StaleOf(reads);
  StaleSteps out;
  for (int64_t type : TopologicalSteps(steps, reads.edges)) {
    ASSIGN_OR_RETURN(const ExecutionState state, r.StateOf(steps.at(type)));
    PipelineStep step{type, r.TypeName(type), steps.at(type), state};
    (stale.contains(type) ? out.stale : out.valid).push_back(std::move(step));
  }
  return out;
}

StatusOr<std::vector<SlotArtifact>> GetNewestSlotArtifacts(
    Store* store, int64_t pipeline_context_id) {
  PipelineReader r(store->impl());
  RETURN_IF_ERROR(r.Node(NodeKind::kContext, pipeline_context_id).status());
  ASSIGN_OR_RETURN(auto steps, r.LatestExecutions(pipeline_context_id));
  // (producer type's name, its id, output key) -> newest artifact.
  std::map<std::tuple<std::string, int64_t, std::string>, int64_t> newest;
  for (const auto& [type, latest] : steps) {
    ASSIGN_OR_RETURN(
        std::vector<Event> outputs,
        r.Events(Tag::kEventByExecution, latest, codec::Direction::kOutput));
    for (const Event& out : outputs) {
      ASSIGN_OR_RETURN(std::optional<Made> made, r.MadeBy(out.artifact_id));
      if (!made.has_value()) continue;
      const Slot& slot = made->slot;
      auto& id = newest[{r.TypeName(slot.producer_type), slot.producer_type,
                         slot.key}];
      id = std::max(id, out.artifact_id);
    }
  }
  std::vector<SlotArtifact> result;
  for (const auto& [slot, id] : newest) {
    const auto& [name, type_id, key] = slot;
    result.push_back({name, type_id, key, id});
  }
  return result;
}

}  // namespace lineagedb
