// Ancestry and impact, reachability, provenance paths and lineage diffs.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "lineagedb/lineage.h"
#include "query/lineage_internal.h"
#include "query/walk.h"
#include "store/node_rows.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using graph::Dir;
using graph::VertexId;

VertexId ToVertex(NodeRef n) { return graph::MakeVertex(n.kind, n.id); }
NodeRef ToRef(VertexId v) { return {graph::KindOf(v), graph::IdOf(v)}; }
// A set of vertices that stays a plain array while small (a linear scan of
// a few dozen ids beats hashing) and becomes a hash set past kSmall.
class VisitedSet {
 public:
  void Reset(VertexId first) {
    small_.clear();
    large_.clear();
    small_.push_back(first);
  }
  bool Contains(VertexId v) const {
    if (!large_.empty()) return large_.contains(v);
    return std::find(small_.begin(), small_.end(), v) != small_.end();
  }
  // False if `v` was already in the set.
  bool Insert(VertexId v) {
    if (!large_.empty()) return large_.insert(v).second;
    if (std::find(small_.begin(), small_.end(), v) != small_.end()) {
      return false;
    }
    if (small_.size() < kSmall) {
      small_.push_back(v);
      return true;
    }
    large_.insert(small_.begin(), small_.end());
    return large_.insert(v).second;
  }

 private:
  static constexpr size_t kSmall = 32;
  std::vector<VertexId> small_;
  absl::flat_hash_set<VertexId> large_;
};

// IsUpstream's buffers: the two sides' visited sets and frontiers.
struct SearchScratch {
  void Reset(VertexId from, VertexId to) {
    seen[0].Reset(from);
    seen[1].Reset(to);
    frontier[0].assign(1, from);
    frontier[1].assign(1, to);
  }
  VisitedSet seen[2];
  std::vector<VertexId> frontier[2];
  std::vector<VertexId> neighbors;
  std::vector<VertexId> next;
};

// Every vertex `dir` of `start` within `max_hops` (-1: no limit), each at
// its distance, the start excluded, executions skipped if `artifacts_only`;
// breadth first, with per-thread buffers (most answers are a few dozen
// vertices, where allocating and hashing would cost more than the walk).
Status WalkAncestry(const graph::Graph& g, VertexId start, Dir dir,
                    int max_hops, bool artifacts_only,
                    std::vector<AncestryEntry>* out) {
  thread_local SearchScratch scratch;
  scratch.Reset(start, start);
  VisitedSet& seen = scratch.seen[0];
  std::vector<VertexId>& frontier = scratch.frontier[0];
  std::vector<VertexId>& neighbors = scratch.neighbors;
  std::vector<VertexId>& next = scratch.next;
  for (int hop = 1; !frontier.empty() && (max_hops < 0 || hop <= max_hops);
       ++hop) {
    next.clear();
    for (VertexId v : frontier) {
      neighbors.clear();
      RETURN_IF_ERROR(g.NeighborVertices(v, dir, &neighbors));
      for (const VertexId n : neighbors) {
        if (!seen.Insert(n)) continue;
        next.push_back(n);
        if (!artifacts_only || !graph::IsExecution(n)) {
          out->push_back({ToRef(n), hop});
        }
      }
    }
    frontier.swap(next);
  }
  return absl::OkStatus();
}

Status CheckRef(NodeRef n) {
  if ((n.kind != NodeKind::kArtifact && n.kind != NodeKind::kExecution) ||
      n.id <= 0) {
    return absl::InvalidArgumentError(
        StrCat("lineage nodes are artifacts or executions with positive ids, "
               "not kind ",
               static_cast<int>(n.kind), " id ", n.id));
  }
  return absl::OkStatus();
}

// Ids of the types of `kind` named in `names` (any version).
std::set<int64_t> TypeIds(StoreImpl* impl, NodeKind kind,
                          const std::vector<std::string>& names) {
  std::set<int64_t> ids;
  auto types = impl->ListTypes(kind);
  if (!types.ok()) return ids;
  for (const Type& t : *types) {
    if (std::find(names.begin(), names.end(), t.name) != names.end()) {
      ids.insert(t.id);
    }
  }
  return ids;
}

// Whether the query filters the executions (else the artifacts) it finds
// by their types or states.
bool FiltersKind(const AncestryQuery& q, bool executions) {
  return executions ? !q.execution_types.empty() || !q.execution_states.empty()
                    : !q.artifact_types.empty() || !q.artifact_states.empty();
}

bool FiltersByRecords(const AncestryQuery& q) {
  return FiltersKind(q, /*executions=*/false) ||
         FiltersKind(q, /*executions=*/true);
}

// Keeps the entries whose records in `view` pass the query's type and state
// filters.
Status FilterByRecords(StoreImpl* impl, const storage::ReadView& view,
                       const AncestryQuery& q,
                       std::vector<AncestryEntry>* entries) {
  const std::set<int64_t> artifact_types =
      TypeIds(impl, NodeKind::kArtifact, q.artifact_types);
  const std::set<int64_t> execution_types =
      TypeIds(impl, NodeKind::kExecution, q.execution_types);
  std::vector<int64_t> ids[2];
  for (const AncestryEntry& e : *entries) {
    ids[e.node.kind == NodeKind::kExecution].push_back(e.node.id);
  }
  std::set<NodeRef> keep;
  for (int k = 0; k < 2; ++k) {
    const NodeKind kind = k ? NodeKind::kExecution : NodeKind::kArtifact;
    const auto& types = k ? execution_types : artifact_types;
    const bool by_type =
        k ? !q.execution_types.empty() : !q.artifact_types.empty();
    if (!FiltersKind(q, /*executions=*/k == 1)) {
      for (int64_t id : ids[k]) keep.insert({kind, id});
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<codec::NodeRow> rows,
                     impl->GetNodes(view, kind, ids[k]));
    for (const auto& r : rows) {
      if (by_type && !types.contains(r.base.type_id)) continue;
      const bool state_ok =
          k ? q.execution_states.empty() ||
                  std::count(q.execution_states.begin(),
                             q.execution_states.end(),
                             static_cast<ExecutionState>(r.state))
            : q.artifact_states.empty() ||
                  std::count(q.artifact_states.begin(), q.artifact_states.end(),
                             static_cast<ArtifactState>(r.state));
      if (state_ok) keep.insert({kind, r.base.id});
    }
  }
  std::erase_if(*entries,
                [&](const AncestryEntry& e) { return !keep.contains(e.node); });
  return absl::OkStatus();
}

}  // namespace

StatusOr<std::vector<NodeRef>> GetNeighbors(Store* store, NodeRef node,
                                            Direction direction) {
  RETURN_IF_ERROR(CheckRef(node));
  RETURN_IF_ERROR(query::CheckDirection(direction, /*both=*/true));
  thread_local std::vector<VertexId> neighbors;
  neighbors.clear();
  {
    StoreImpl::GraphHandle handle = store->impl()->AcquireGraph();
    const VertexId v = ToVertex(node);
    if (direction != Direction::kDownstream) {
      RETURN_IF_ERROR(handle.graph().NeighborVertices(v, Dir::kUp, &neighbors));
    }
    if (direction != Direction::kUpstream) {
      RETURN_IF_ERROR(
          handle.graph().NeighborVertices(v, Dir::kDown, &neighbors));
    }
  }
  std::vector<NodeRef> out;
  out.reserve(neighbors.size());
  if (direction == Direction::kBidirectional) {
    std::sort(neighbors.begin(), neighbors.end());
  }
  for (size_t i = 0; i < neighbors.size(); ++i) {
    if (i > 0 && neighbors[i] == neighbors[i - 1]) continue;
    out.push_back(ToRef(neighbors[i]));
  }
  return out;
}

StatusOr<std::vector<AncestryEntry>> GetAncestry(Store* store,
                                                 const AncestryQuery& q) {
  RETURN_IF_ERROR(CheckRef(q.start));
  RETURN_IF_ERROR(query::CheckDirection(q.direction, /*both=*/false));
  if (q.max_hops < -1) {
    return absl::InvalidArgumentError(
        StrCat("max_hops is ", q.max_hops, "; -1 (no limit) or at least 0"));
  }
  StoreImpl* impl = store->impl();
  std::vector<AncestryEntry> out;
  // Records filter the walk as of the store it walked.
  std::shared_ptr<const storage::ReadView> view;
  {
    StoreImpl::GraphHandle handle;
    if (FiltersByRecords(q)) {
      ASSIGN_OR_RETURN(handle, impl->AcquireGraphAndView());
    } else {
      handle = impl->AcquireGraph();
    }
    RETURN_IF_ERROR(WalkAncestry(
        handle.graph(), ToVertex(q.start),
        q.direction == Direction::kUpstream ? Dir::kUp : Dir::kDown, q.max_hops,
        q.artifacts_only, &out));
    view = std::move(handle.view);
  }
  if (view != nullptr) RETURN_IF_ERROR(FilterByRecords(impl, *view, q, &out));
  std::sort(out.begin(), out.end(),
            [](const AncestryEntry& a, const AncestryEntry& b) {
              return std::tie(a.distance, a.node) <
                     std::tie(b.distance, b.node);
            });
  return out;
}

StatusOr<bool> IsUpstream(Store* store, NodeRef from, NodeRef to) {
  RETURN_IF_ERROR(CheckRef(from));
  RETURN_IF_ERROR(CheckRef(to));
  if (from == to) return false;
  StoreImpl::GraphHandle handle = store->impl()->AcquireGraph();
  const graph::Graph& g = handle.graph();
  // Two components: no walk needed (one array read per node).
  if (!g.MayConnect(ToVertex(from), ToVertex(to))) return false;
  // Bidirectional search: down from `from`, up from `to`, always growing
  // the smaller frontier; they meet iff a path exists. Most answers expand
  // a handful of vertices, each two dependent cache misses (where its row
  // is, then the row), so every vertex's row is asked for as soon as it is
  // known, and the misses of the two sides overlap. The buffers are kept
  // per thread and reused.
  thread_local SearchScratch scratch;
  scratch.Reset(ToVertex(from), ToVertex(to));
  VisitedSet* seen = scratch.seen;
  std::vector<VertexId>* frontier = scratch.frontier;
  std::vector<VertexId>& neighbors = scratch.neighbors;
  std::vector<VertexId>& next = scratch.next;
  constexpr Dir kDirs[2] = {Dir::kDown, Dir::kUp};
  // Rows asked for ahead: a few, as more would be evicted before their use
  // on a large frontier; and only once per frontier.
  constexpr size_t kAhead = 16;
  auto prefetch_rows = [&](int s) {
    const size_t n = std::min(frontier[s].size(), kAhead);
    for (size_t i = 0; i < n; ++i) g.PrefetchRow(frontier[s][i], kDirs[s]);
  };
  g.PrefetchVertex(frontier[0][0], kDirs[0]);
  g.PrefetchVertex(frontier[1][0], kDirs[1]);
  bool rows_asked[2] = {false, false};
  while (!frontier[0].empty() && !frontier[1].empty()) {
    const int side = frontier[0].size() <= frontier[1].size() ? 0 : 1;
    const Dir dir = kDirs[side];
    if (!rows_asked[side]) prefetch_rows(side);
    next.clear();
    for (VertexId v : frontier[side]) {
      neighbors.clear();
      RETURN_IF_ERROR(g.NeighborVertices(v, dir, &neighbors));
      for (const VertexId n : neighbors) {
        if (seen[1 - side].Contains(n)) return true;
        if (!seen[side].Insert(n)) continue;
        if (next.size() < kAhead) g.PrefetchVertex(n, dir);
        next.push_back(n);
      }
    }
    frontier[side].swap(next);
    rows_asked[side] = false;
    // The other side's offsets had a whole expansion to arrive.
    if (!rows_asked[1 - side]) {
      prefetch_rows(1 - side);
      rows_asked[1 - side] = true;
    }
  }
  return false;
}

StatusOr<ProvenancePath> GetProvenancePath(Store* store, NodeRef from,
                                           NodeRef to) {
  RETURN_IF_ERROR(CheckRef(from));
  RETURN_IF_ERROR(CheckRef(to));
  StoreImpl* impl = store->impl();
  ProvenancePath path;
  {
    StoreImpl::GraphHandle handle = impl->AcquireGraph();
    query::WalkOptions w;
    w.starts = {ToVertex(from)};
    w.up = false;
    w.down = true;
    w.target = ToVertex(to);
    w.track_parents = true;
    query::WalkResult walk;  // Stays empty when the two are unrelated.
    if (handle.graph().MayConnect(w.starts[0], w.target)) {
      ASSIGN_OR_RETURN(walk, query::Walk(handle.graph(), w));
    }
    auto it = walk.position.find(w.target);
    if (from == to || it == walk.position.end()) {
      return absl::NotFoundError(
          StrCat("no lineage path leads from ", NodeKindName(from.kind), " ",
                 from.id, " to ", NodeKindName(to.kind), " ", to.id));
    }
    std::vector<VertexId> chain;
    for (VertexId v = w.target;; v = walk.visits[walk.position[v]].parent) {
      chain.push_back(v);
      if (v == w.starts[0]) break;
    }
    std::reverse(chain.begin(), chain.end());
    std::vector<graph::Neighbor> neighbors;
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      neighbors.clear();
      RETURN_IF_ERROR(
          handle.graph().Neighbors(chain[i], Dir::kDown, &neighbors));
      auto n = std::find_if(
          neighbors.begin(), neighbors.end(),
          [&](const graph::Neighbor& x) { return x.vertex == chain[i + 1]; });
      path.events.push_back(query::MakeEvent(chain[i], n->vertex, n->type));
    }
    for (VertexId v : chain) path.nodes.push_back(ToRef(v));
  }
  // Events never change: any view at least as new as the walk has them.
  RETURN_IF_ERROR(
      query::ReadEventDetails(*impl->kv()->NewReadView(), &path.events));
  return path;
}

namespace {

// Equal values, NaN equal to NaN: a property is no change from itself.
bool Same(const Value& a, const Value& b) {
  if (a.kind() == PropertyKind::kDouble && b.kind() == PropertyKind::kDouble &&
      std::isnan(a.double_value()) && std::isnan(b.double_value())) {
    return true;
  }
  return a == b;
}

void DiffProperties(const std::string& type, const std::string& prefix,
                    const PropertyMap& a, const PropertyMap& b,
                    std::vector<PropertyChange>* out) {
  std::set<std::string> names;
  for (const auto& [k, v] : a) names.insert(k);
  for (const auto& [k, v] : b) names.insert(k);
  for (const std::string& name : names) {
    auto ia = a.find(name);
    auto ib = b.find(name);
    std::optional<Value> va, vb;
    if (ia != a.end()) va = ia->second;
    if (ib != b.end()) vb = ib->second;
    if (va && vb && Same(*va, *vb)) continue;
    out->push_back({type, prefix + name, std::move(va), std::move(vb)});
  }
}

}  // namespace

StatusOr<LineageDiff> DiffLineage(Store* store, int64_t artifact_a,
                                  int64_t artifact_b) {
  StoreImpl* impl = store->impl();
  std::set<NodeRef> up[2];
  const NodeRef starts[2] = {{NodeKind::kArtifact, artifact_a},
                             {NodeKind::kArtifact, artifact_b}};
  for (const NodeRef& start : starts) RETURN_IF_ERROR(CheckRef(start));
  // Both walks and the records compared are of one state of the store.
  std::shared_ptr<const storage::ReadView> view;
  {
    ASSIGN_OR_RETURN(StoreImpl::GraphHandle handle,
                     impl->AcquireGraphAndView());
    for (int s = 0; s < 2; ++s) {
      std::vector<AncestryEntry> entries;
      RETURN_IF_ERROR(
          WalkAncestry(handle.graph(), ToVertex(starts[s]), Dir::kUp,
                       /*max_hops=*/-1, /*artifacts_only=*/false, &entries));
      for (const AncestryEntry& e : entries) up[s].insert(e.node);
    }
    view = std::move(handle.view);
  }
  LineageDiff diff;
  std::set_difference(up[0].begin(), up[0].end(), up[1].begin(), up[1].end(),
                      std::back_inserter(diff.only_a));
  std::set_difference(up[1].begin(), up[1].end(), up[0].begin(), up[0].end(),
                      std::back_inserter(diff.only_b));
  // Executions that differ, by type: compare the properties of types with
  // exactly one such execution on each side.
  std::map<int64_t, std::vector<Execution>> by_type[2];
  const std::vector<NodeRef>* sides[2] = {&diff.only_a, &diff.only_b};
  for (int s = 0; s < 2; ++s) {
    std::vector<int64_t> ids;
    for (const NodeRef& n : *sides[s]) {
      if (n.kind == NodeKind::kExecution) ids.push_back(n.id);
    }
    ASSIGN_OR_RETURN(std::vector<codec::NodeRow> rows,
                     impl->GetNodes(*view, NodeKind::kExecution, ids));
    std::vector<Execution> execs = store::FromRows<Execution>(std::move(rows));
    for (Execution& e : execs) by_type[s][e.type_id].push_back(std::move(e));
  }
  for (const auto& [type_id, execs_a] : by_type[0]) {
    auto it = by_type[1].find(type_id);
    if (it == by_type[1].end() || execs_a.size() != 1 ||
        it->second.size() != 1) {
      continue;
    }
    const Execution& a = execs_a[0];
    const Execution& b = it->second[0];
    DiffProperties(a.type, "properties.", a.properties, b.properties,
                   &diff.changed);
    DiffProperties(a.type, "custom_properties.", a.custom_properties,
                   b.custom_properties, &diff.changed);
  }
  return diff;
}

}  // namespace lineagedb
