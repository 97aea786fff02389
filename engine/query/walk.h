// Breadth-first walks over a graph::Graph, shared by every lineage query.
#ifndef LINEAGEDB_QUERY_WALK_H_
#define LINEAGEDB_QUERY_WALK_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "graph/graph.h"

namespace lineagedb::query {

struct WalkOptions {
  std::vector<graph::VertexId> starts;
  bool up = true;
  bool down = false;
  int max_hops = -1;  // -1 = no limit.
  // Not expanded; recorded only if include_ending.
  absl::flat_hash_set<graph::VertexId> ending;
  bool include_ending = true;
  // Stop once this many vertices are recorded (0 = no limit); the walk's
  // order makes the first N the same whatever the limit.
  size_t limit = 0;
  // Stop as soon as this vertex is recorded (0 = none).
  graph::VertexId target = 0;
  bool track_parents = false;
};

struct Visit {
  graph::VertexId vertex;
  int hop;
  graph::VertexId parent;  // With track_parents; 0 for a start.
};

struct WalkResult {
  // In walk order: the starts (sorted), then each hop's new vertices sorted.
  std::vector<Visit> visits;
  // Vertex -> position in visits.
  absl::flat_hash_map<graph::VertexId, uint32_t> position;
  bool truncated = false;  // Stopped by limit or target.
};

StatusOr<WalkResult> Walk(const graph::Graph& g, const WalkOptions& options);

}  // namespace lineagedb::query

#endif  // LINEAGEDB_QUERY_WALK_H_
