// GetLineageSubgraph: MLMD's lineage subgraph as one breadth-first walk over
// the graph, paged by a node budget.
//
// A cursor is web-safe base64 of
//   [u8 version=2][u64 query hash][u64 edges version][u64 pages digest]
//   [u64 nodes returned]
// Walks are deterministic, so page k is the walk's nodes after the first
// `nodes returned`. The digest folds, in walk order, each returned node with
// its hop and the events it was returned with (those to nodes before it):
// while the store's edges version is the cursor's, the walk is the same;
// after any lineage write, a walk whose first `nodes returned` nodes and
// their events fold to the same digest continues the pages returned, so the
// pages join to the lineage as it is now.
#include "lineagedb/lineage.h"

#include <xxhash.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "codec/coding.h"
#include "graph/kv_graph.h"
#include "query/lineage_internal.h"
#include "query/walk.h"
#include "store/node_rows.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using graph::VertexId;

constexpr uint8_t kCursorVersion = 2;
constexpr size_t kCursorBytes = 1 + 4 * 8;
// The digest before any node.
constexpr uint64_t kDigestSeed = 0x6c696e6561676531;  // "lineage1"

bool HasFilters(const LineageQuery& q) {
  return !q.starting_artifacts_filter.empty() ||
         !q.starting_executions_filter.empty() ||
         !q.ending_artifacts_filter.empty() ||
         !q.ending_executions_filter.empty();
}

// The query a cursor belongs to. Its id lists are sets: the same ids in
// another order or repeated make the same query.
uint64_t QueryHash(const LineageQuery& q) {
  std::string s;
  auto ids = [&s](std::vector<int64_t> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    codec::PutU64(&s, v.size());
    for (int64_t id : v) codec::PutI64(&s, id);
  };
  ids(q.artifact_ids);
  ids(q.execution_ids);
  ids(q.ending_artifact_ids);
  ids(q.ending_execution_ids);
  codec::PutI64(&s, q.max_hops);
  s.push_back(static_cast<char>(q.direction));
  s.push_back(q.include_ending_nodes ? 1 : 0);
  s.push_back(q.fetch_nodes ? 1 : 0);
  if (HasFilters(q)) {
    for (const std::string* f :
         {&q.starting_artifacts_filter, &q.starting_executions_filter,
          &q.ending_artifacts_filter, &q.ending_executions_filter}) {
      codec::PutString(&s, *f);
    }
  }
  return XXH64(s.data(), s.size(), 0);
}

struct Cursor {
  uint64_t version = 0;  // The store's edges version at its page.
  uint64_t digest = kDigestSeed;
  uint64_t skip = 0;  // Nodes returned by the pages before.
};

std::string EncodeCursor(uint64_t hash, const Cursor& c) {
  std::string raw(1, static_cast<char>(kCursorVersion));
  codec::PutU64(&raw, hash);
  codec::PutU64(&raw, c.version);
  codec::PutU64(&raw, c.digest);
  codec::PutU64(&raw, c.skip);
  return absl::WebSafeBase64Escape(raw);
}

// Errors: INVALID_ARGUMENT (not a cursor, of another query, or at no
// position a page can end at), ABORTED (a cursor of version 1).
StatusOr<Cursor> DecodeCursor(std::string_view cursor, uint64_t hash) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(
          absl::string_view(cursor.data(), cursor.size()), &raw)) {
    return absl::InvalidArgumentError("bad lineage cursor");
  }
  // Version 1: [u8 1][u64 query hash][u64 edges version][u64 nodes returned].
  if (raw.size() == 25 && raw[0] == 1) {
    return absl::AbortedError(
        "the lineage cursor was made by an older lineagedb; start again");
  }
  if (raw.size() != kCursorBytes ||
      static_cast<uint8_t>(raw[0]) != kCursorVersion) {
    return absl::InvalidArgumentError("bad lineage cursor");
  }
  std::string_view in(raw);
  in.remove_prefix(1);
  uint64_t h;
  Cursor c;
  codec::GetU64(&in, &h);
  codec::GetU64(&in, &c.version);
  codec::GetU64(&in, &c.digest);
  codec::GetU64(&in, &c.skip);
  if (h != hash) {
    return absl::InvalidArgumentError(
        "the lineage cursor belongs to another query");
  }
  // A cursor resumes after at least one node, and no walk reaches 2^48.
  if (c.skip == 0 || c.skip >= (uint64_t{1} << 48)) {
    return absl::InvalidArgumentError("bad lineage cursor");
  }
  return c;
}

// Folds the walk's nodes [from, to) into *digest, each with its hop and
// its events to nodes earlier in the walk (each event is returned once,
// with its later end); appends those nodes and events to `nodes` and
// `events`. Each of the three only when given.
Status FoldPage(const graph::Graph& g, const query::WalkResult& walk,
                size_t from, size_t to, uint64_t* digest,
                std::vector<NodeRef>* nodes, std::vector<Event>* events) {
  std::vector<graph::Neighbor> neighbors;
  std::string bytes;
  for (size_t i = from; i < to; ++i) {
    const VertexId v = walk.visits[i].vertex;
    if (nodes != nullptr) nodes->push_back({graph::KindOf(v), graph::IdOf(v)});
    if (digest != nullptr) {
      bytes.clear();
      codec::PutU64(&bytes, v);
      codec::PutU64(&bytes, static_cast<uint64_t>(walk.visits[i].hop));
    }
    for (graph::Dir d : {graph::Dir::kUp, graph::Dir::kDown}) {
      neighbors.clear();
      RETURN_IF_ERROR(g.Neighbors(v, d, &neighbors));
      for (const graph::Neighbor& n : neighbors) {
        auto it = walk.position.find(n.vertex);
        if (it == walk.position.end() || it->second >= i) continue;
        if (digest != nullptr) {
          codec::PutU64(&bytes, n.vertex);
          bytes.push_back(static_cast<char>(d));
          bytes.push_back(static_cast<char>(n.type));
        }
        if (events != nullptr) {
          events->push_back(query::MakeEvent(v, n.vertex, n.type));
        }
      }
    }
    if (digest != nullptr) {
      *digest = XXH64(bytes.data(), bytes.size(), *digest);
    }
  }
  return absl::OkStatus();
}

// Appends to `ids` the nodes of `kind` that `filter` takes (none if empty).
// Errors: FilterNodeIds's, the message prefixed with `field` (the
// LineageQuery field the filter came from).
Status AddFiltered(StoreImpl* impl, NodeKind kind, const std::string& filter,
                   std::string_view field, std::vector<int64_t>* ids) {
  if (filter.empty()) return absl::OkStatus();
  StatusOr<std::vector<int64_t>> found = impl->FilterNodeIds(kind, filter);
  if (!found.ok()) {
    return absl::Status(
        found.status().code(),
        StrCat(field, ": ", std::string(found.status().message())));
  }
  ids->insert(ids->end(), found->begin(), found->end());
  return absl::OkStatus();
}

std::vector<VertexId> Vertices(const std::vector<int64_t>& artifacts,
                               const std::vector<int64_t>& executions) {
  std::vector<VertexId> out;
  for (int64_t id : artifacts) {
    out.push_back(graph::MakeVertex(NodeKind::kArtifact, id));
  }
  for (int64_t id : executions) {
    out.push_back(graph::MakeVertex(NodeKind::kExecution, id));
  }
  return out;
}

// DATA_LOSS if a node of `out` has events but no record: one the walk
// reached, or a start with events (asked of the index only for a start
// without a record). A start without events is an unknown id, returned as
// it is.
// `view` is the store the walk and the records were read from.
Status CheckRecordsFound(std::shared_ptr<const storage::ReadView> view,
                         const LineageGraph& out,
                         const std::vector<VertexId>& starts) {
  // Each node once, each found record once: the common case is one
  // comparison.
  if (out.artifacts.size() + out.executions.size() == out.nodes.size()) {
    return absl::OkStatus();
  }
  std::set<NodeRef> found;
  for (const Artifact& a : out.artifacts) {
    found.insert({NodeKind::kArtifact, a.id});
  }
  for (const Execution& e : out.executions) {
    found.insert({NodeKind::kExecution, e.id});
  }
  for (const NodeRef& n : out.nodes) {
    if (found.contains(n)) continue;
    const VertexId v = graph::MakeVertex(n.kind, n.id);
    if (std::count(starts.begin(), starts.end(), v) > 0) {
      // A start that the view has no event of is a node it does not have.
      const graph::KvGraph graph(view);
      std::vector<graph::Neighbor> neighbors;
      RETURN_IF_ERROR(graph.Neighbors(v, graph::Dir::kUp, &neighbors));
      RETURN_IF_ERROR(graph.Neighbors(v, graph::Dir::kDown, &neighbors));
      if (neighbors.empty()) continue;
    }
    return absl::DataLossError(StrCat(
        "the store is damaged: ",
        n.kind == NodeKind::kArtifact ? "artifact " : "execution ", n.id,
        " has events but no record (`lineagedb check` lists the damage)"));
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT unless `q` names a start and its fields are in range.
Status CheckQuery(const LineageQuery& q) {
  if (q.artifact_ids.empty() && q.execution_ids.empty() &&
      q.starting_artifacts_filter.empty() &&
      q.starting_executions_filter.empty()) {
    return absl::InvalidArgumentError(
        "a lineage query needs starting artifacts or executions (ids or "
        "filters)");
  }
  if (q.max_hops < 0) {
    return absl::InvalidArgumentError(
        StrCat("max_hops must not be negative, not ", q.max_hops));
  }
  RETURN_IF_ERROR(query::CheckDirection(q.direction, /*both=*/true));
  for (const std::vector<int64_t>* ids :
       {&q.artifact_ids, &q.execution_ids, &q.ending_artifact_ids,
        &q.ending_execution_ids}) {
    for (int64_t id : *ids) {
      if (id <= 0) return absl::InvalidArgumentError(StrCat("bad id ", id));
    }
  }
  return absl::OkStatus();
}

// Sets the walk's starts and ending nodes: `q`'s ids and the nodes its
// filters match (errors as StoreImpl::FilterNodeIds, naming the field).
Status ResolveEnds(StoreImpl* impl, const LineageQuery& q,
                   query::WalkOptions* w) {
  std::vector<int64_t> start_a = q.artifact_ids, start_e = q.execution_ids;
  std::vector<int64_t> end_a = q.ending_artifact_ids,
                       end_e = q.ending_execution_ids;
  RETURN_IF_ERROR(AddFiltered(impl, NodeKind::kArtifact,
                              q.starting_artifacts_filter,
                              "starting_artifacts_filter", &start_a));
  RETURN_IF_ERROR(AddFiltered(impl, NodeKind::kExecution,
                              q.starting_executions_filter,
                              "starting_executions_filter", &start_e));
  RETURN_IF_ERROR(AddFiltered(impl, NodeKind::kArtifact,
                              q.ending_artifacts_filter,
                              "ending_artifacts_filter", &end_a));
  RETURN_IF_ERROR(AddFiltered(impl, NodeKind::kExecution,
                              q.ending_executions_filter,
                              "ending_executions_filter", &end_e));
  w->starts = Vertices(start_a, start_e);
  for (VertexId v : Vertices(end_a, end_e)) w->ending.insert(v);
  return absl::OkStatus();
}

}  // namespace

StatusOr<LineageGraph> GetLineageSubgraph(Store* store, const LineageQuery& q) {
  RETURN_IF_ERROR(CheckQuery(q));
  StoreImpl* impl = store->impl();
  query::WalkOptions w;
  RETURN_IF_ERROR(ResolveEnds(impl, q, &w));
  w.up = q.direction != Direction::kDownstream;
  w.down = q.direction != Direction::kUpstream;
  w.max_hops = q.max_hops;
  w.include_ending = q.include_ending_nodes;
  // The version is read before the graph: a write published between the
  // two leaves the page's cursor a version older than what the page saw,
  // which costs its next page a check, never a page of another lineage
  // (the graph may be a RocksDB snapshot, which no lock holds still).
  const uint64_t version = impl->edges_version();
  // The records it reads come from the store as the walk saw it.
  StoreImpl::GraphHandle handle;
  if (q.fetch_nodes) {
    ASSIGN_OR_RETURN(handle, impl->AcquireGraphAndView());
  } else {
    handle = impl->AcquireGraph();
  }
  const uint64_t hash = QueryHash(q);
  Cursor from;
  if (!q.cursor.empty()) {
    ASSIGN_OR_RETURN(from, DecodeCursor(q.cursor, hash));
  }
  const uint64_t skip = from.skip;

  // Where the page ends: skip < 2^48 and the budget is taken up to 2^48,
  // so no sum overflows.
  const size_t page_end =
      q.max_nodes > 0 ? skip + std::min<size_t>(q.max_nodes, size_t{1} << 48)
                      : SIZE_MAX;
  if (q.max_nodes > 0) w.limit = page_end + 1;
  ASSIGN_OR_RETURN(query::WalkResult walk, query::Walk(handle.graph(), w));

  if (skip > 0 && (from.version != version || HasFilters(q))) {
    // Lineage was written since the cursor's page, or a filter may take
    // other nodes now: the pages before go on only if the walk still begins
    // with their nodes and events.
    uint64_t digest = kDigestSeed;
    if (skip <= walk.visits.size()) {
      RETURN_IF_ERROR(
          FoldPage(handle.graph(), walk, 0, skip, &digest, nullptr, nullptr));
    }
    if (digest != from.digest) {
      return absl::AbortedError(
          "the lineage of the cursor's earlier pages changed since they were "
          "returned; start again");
    }
  } else if (skip >= walk.visits.size() && skip > 0) {
    // The same lineage's walk reaches past the cursor's position (it was
    // made where a page ended short of the walk's end).
    return absl::InvalidArgumentError("bad lineage cursor");
  }
  LineageGraph out;
  const size_t end = std::min<size_t>(walk.visits.size(), page_end);
  out.partial = end < walk.visits.size();
  std::vector<Event> events;
  // Only a cursor needs the digest.
  uint64_t digest = from.digest;
  RETURN_IF_ERROR(FoldPage(handle.graph(), walk, skip, end,
                           out.partial ? &digest : nullptr, &out.nodes,
                           &events));
  if (out.partial) {
    out.cursor = EncodeCursor(
        hash, Cursor{.version = version, .digest = digest, .skip = end});
  }
  std::shared_ptr<const storage::ReadView> view = std::move(handle.view);
  handle.Release();  // Release the index before reading.
  if (q.fetch_nodes) {
    RETURN_IF_ERROR(query::ReadEventDetails(*view, &events));
    RETURN_IF_ERROR(query::FetchNodes(impl, *view, out.nodes, &out));
    RETURN_IF_ERROR(CheckRecordsFound(view, out, w.starts));
  }
  out.events = std::move(events);
  return out;
}

}  // namespace lineagedb
