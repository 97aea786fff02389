#include "query/walk.h"

#include <algorithm>

#include "util/status_macros.h"

namespace lineagedb::query {

using graph::Dir;
using graph::Neighbor;
using graph::VertexId;

StatusOr<WalkResult> Walk(const graph::Graph& g, const WalkOptions& o) {
  WalkResult r;
  std::vector<VertexId> frontier = o.starts;
  std::sort(frontier.begin(), frontier.end());
  frontier.erase(std::unique(frontier.begin(), frontier.end()), frontier.end());
  absl::flat_hash_set<VertexId> seen(frontier.begin(), frontier.end());
  auto record = [&](VertexId v, int hop, VertexId parent) {
    r.position[v] = static_cast<uint32_t>(r.visits.size());
    r.visits.push_back({v, hop, parent});
    return (o.limit != 0 && r.visits.size() >= o.limit) ||
           (o.target != 0 && v == o.target);
  };
  for (VertexId v : frontier) {
    if (record(v, 0, 0)) {
      r.truncated = true;
      return r;
    }
  }
  // A start that is an ending node is returned but not walked past.
  std::erase_if(frontier, [&](VertexId v) { return o.ending.contains(v); });
  std::vector<Neighbor> neighbors;
  std::vector<std::pair<VertexId, VertexId>> found;  // (vertex, parent)
  for (int hop = 1; !frontier.empty() && (o.max_hops < 0 || hop <= o.max_hops);
       ++hop) {
    found.clear();
    for (VertexId v : frontier) {
      neighbors.clear();
      if (o.up) RETURN_IF_ERROR(g.Neighbors(v, Dir::kUp, &neighbors));
      if (o.down) RETURN_IF_ERROR(g.Neighbors(v, Dir::kDown, &neighbors));
      for (const Neighbor& n : neighbors) {
        if (seen.insert(n.vertex).second) found.emplace_back(n.vertex, v);
      }
    }
    std::sort(found.begin(), found.end());
    frontier.clear();
    for (const auto& [v, parent] : found) {
      const bool ending = o.ending.contains(v);
      if (ending && !o.include_ending) continue;
      if (!ending) frontier.push_back(v);
      if (record(v, hop, o.track_parents ? parent : 0)) {
        r.truncated = true;
        return r;
      }
    }
  }
  return r;
}

}  // namespace lineagedb::query
