// Lineage topology read straight from the event keys of one RocksDB view:
// each call is one bounded prefix scan. Used when the adjacency index is
// off, and by tests as the oracle for the index.
#ifndef LINEAGEDB_GRAPH_KV_GRAPH_H_
#define LINEAGEDB_GRAPH_KV_GRAPH_H_

#include <memory>

#include "graph/graph.h"
#include "storage/kv.h"

namespace lineagedb::graph {

class KvGraph final : public Graph {
 public:
  explicit KvGraph(std::shared_ptr<const storage::ReadView> view)
      : view_(std::move(view)) {}
  Status Neighbors(VertexId v, Dir d,
                   std::vector<Neighbor>* out) const override;

 private:
  std::shared_ptr<const storage::ReadView> view_;
};

}  // namespace lineagedb::graph

#endif  // LINEAGEDB_GRAPH_KV_GRAPH_H_
