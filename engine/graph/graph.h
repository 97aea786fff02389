// The narrow view of lineage topology that traversals see: the neighbours of
// an artifact or execution, upstream or downstream. Two implementations:
// AdjacencyIndex (in memory) and KvGraph (RocksDB prefix scans).
#ifndef LINEAGEDB_GRAPH_GRAPH_H_
#define LINEAGEDB_GRAPH_GRAPH_H_

#include <cstdint>
#include <vector>

#include "lineagedb/model.h"
#include "lineagedb/status.h"
#include "util/status_macros.h"

namespace lineagedb::graph {

// An artifact or execution packed into one integer: id * 2 + (1 for an
// execution). Ordering vertices orders them by (id, kind).
using VertexId = uint64_t;

inline VertexId MakeVertex(NodeKind kind, int64_t id) {
  return (static_cast<uint64_t>(id) << 1) |
         (kind == NodeKind::kExecution ? 1u : 0u);
}
inline bool IsExecution(VertexId v) { return (v & 1) != 0; }
inline NodeKind KindOf(VertexId v) {
  return IsExecution(v) ? NodeKind::kExecution : NodeKind::kArtifact;
}
inline int64_t IdOf(VertexId v) { return static_cast<int64_t>(v >> 1); }

// Upstream: against the flow of data (an artifact's producers, an
// execution's inputs); downstream: with it (an artifact's consumers, an
// execution's outputs).
enum class Dir : uint8_t { kUp = 0, kDown = 1 };

struct Neighbor {
  VertexId vertex;
  EventType type;  // Of the event linking the two.
  friend bool operator==(const Neighbor&, const Neighbor&) = default;
};

class Graph {
 public:
  virtual ~Graph() = default;
  // Appends the neighbours of `v` in direction `d` to *out, ordered by
  // (vertex, type). A vertex linked by two events of different types
  // appears twice. Unknown vertices have none.
  virtual Status Neighbors(VertexId v, Dir d,
                           std::vector<Neighbor>* out) const = 0;
  // Neighbors without the event types, for walks that need only the
  // topology: appends the vertices, ordered, a vertex linked by two events
  // twice. This default calls Neighbors.
  virtual Status NeighborVertices(VertexId v, Dir d,
                                  std::vector<VertexId>* out) const {
    std::vector<Neighbor> neighbors;
    RETURN_IF_ERROR(Neighbors(v, d, &neighbors));
    for (const Neighbor& n : neighbors) out->push_back(n.vertex);
    return absl::OkStatus();
  }
  // Hints, no effect on results: a walk that knows which rows it reads next
  // asks for them early, so that their cache misses overlap. PrefetchVertex
  // starts loading where v's row in direction d is; PrefetchRow, called
  // once that had time to arrive, starts loading the row. No-ops here.
  virtual void PrefetchVertex(VertexId /*v*/, Dir /*d*/) const {}
  virtual void PrefetchRow(VertexId /*v*/, Dir /*d*/) const {}
  // False only if no chain of edges, taken in either direction, joins `a`
  // and `b` (they lie in different weakly connected components); true when
  // they may be joined. This default knows nothing and says true.
  virtual bool MayConnect(VertexId /*a*/, VertexId /*b*/) const { return true; }
};

}  // namespace lineagedb::graph

#endif  // LINEAGEDB_GRAPH_GRAPH_H_
