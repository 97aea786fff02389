// The in-memory adjacency index: for each direction, a compressed sparse row
// array (offsets by vertex, then neighbours with their event type) built in
// bulk, plus a small delta of edges committed since the build, merged into
// the arrays when it grows past a quarter of them; and the weakly connected
// components, as a union-find forest over the vertex slots, so that a pair
// in two components is known unrelated without a walk. Memory is about 5
// bytes per edge per direction plus 4 bytes per vertex slot per direction
// and 5 more per vertex slot for the components.
//
// Thread safety: Add() is called by the single writer after a commit; every
// other method may run on any thread, under the lock of LockShared(), which
// a traversal holds for its whole walk.
#ifndef LINEAGEDB_GRAPH_ADJACENCY_INDEX_H_
#define LINEAGEDB_GRAPH_ADJACENCY_INDEX_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/graph.h"
#include "graph/huge_pages.h"
#include "storage/kv.h"

namespace lineagedb::graph {

// An event as the index sees it.
struct EdgeTriple {
  int64_t artifact_id;
  int64_t execution_id;
  EventType type;
};

class AdjacencyIndex final : public Graph {
 public:
  // Builds the index from every event key of `view` (one ordered scan).
  // Errors: DATA_LOSS (a bad event key), FAILED_PRECONDITION (an id of 2^31
  // or more, which the 32-bit arrays cannot hold).
  static StatusOr<std::unique_ptr<AdjacencyIndex>> Build(
      const storage::ReadView& view);

  // Adds committed events. Errors: FAILED_PRECONDITION (an id too large).
  Status Add(const std::vector<EdgeTriple>& edges);

  // The store a snapshot reflects: its database's identity (fixed when the
  // database is created) and sequence. Two stores at one sequence differ in
  // identity, unless one is a copy of the other's files.
  struct Stamp {
    std::string identity;
    uint64_t seq = 0;
  };
  // Persists the index to `path` (written whole to a temporary file, then
  // renamed), stamped with the store it reflects:
  //   "LDBGIDX3" | u64 seq | u64 XXH64 of the identity | per direction:
  //   u64 vertices+1, u64 edges, offsets u32[], targets u32[], types u8[] |
  //   u64 slots, component roots u32[] | XXH64 of all before, u64
  // (integers little-endian, this machine's order; a snapshot is a cache,
  // not part of the store's format, and is rebuilt whenever it is refused).
  // Errors: INTERNAL when the file cannot be written or renamed (a full
  // disk); the temporary file is removed and a snapshot at `path` stays.
  Status Save(const std::string& path, const Stamp& stamp);
  // Loads a snapshot saved with `stamp`. NOT_FOUND if there is none (or
  // `path` is not a regular file) or it reflects another store or sequence;
  // DATA_LOSS if it fails its checks (its checksum, its layout, targets past
  // its vertices) or is too large to allocate.
  static StatusOr<std::unique_ptr<AdjacencyIndex>> Load(const std::string& path,
                                                        const Stamp& stamp);

  // An order-independent digest of a multiset of events: the sum (mod 2^64)
  // of EdgeHash over them. EdgeDigest(d) is that of the index's edges in
  // direction d: an index whose two digests and edges() match a store's
  // holds exactly its events, but for a 64-bit hash collision.
  static uint64_t EdgeHash(const EdgeTriple& e);
  uint64_t EdgeDigest(Dir d) const;

  std::shared_lock<std::shared_mutex> LockShared() const {
    return std::shared_lock<std::shared_mutex>(mu_);
  }
  Status Neighbors(VertexId v, Dir d,
                   std::vector<Neighbor>* out) const override;
  // Reads no event types: one cache line fewer per vertex than Neighbors.
  Status NeighborVertices(VertexId v, Dir d,
                          std::vector<VertexId>* out) const override;
  void PrefetchVertex(VertexId v, Dir d) const override;
  void PrefetchRow(VertexId v, Dir d) const override;
  // Exact: true iff `a` and `b` are the same vertex or in one component.
  bool MayConnect(VertexId a, VertexId b) const override;

  // True if the component forest is exactly the weakly connected components
  // of the index's own edges (a forest that splits a component would make
  // MayConnect deny a connection). For `lineagedb check`: O(vertices +
  // edges) time and 12 bytes per vertex slot.
  bool ComponentsMatchEdges() const;

  // Edges per direction (events), and bytes held.
  uint64_t edges() const;
  uint64_t memory_bytes() const;

 private:
  // One direction's compressed sparse rows.
  struct Csr {
    HugeVector<uint32_t> offsets;  // Size vertices + 1.
    HugeVector<uint32_t> targets;  // Vertex indexes, sorted per row.
    HugeVector<uint8_t> types;     // EventType per target.
  };
  // Edge (from, to, type) of one direction, for building.
  struct Entry {
    uint32_t from;
    uint32_t to;
    uint8_t type;
  };

  static Csr BuildCsr(std::vector<Entry>* entries, uint32_t vertices);
  void MergeDelta();
  // The component forest, united by rank: a tree is at most its root's
  // rank high, and a rank r root has 2^(r-1) vertices or more, so readers,
  // which never compress, walk at most 33 links. Slots past the end are
  // roots of their own.
  uint32_t Root(uint32_t v) const;
  void Union(uint32_t a, uint32_t b);  // Writer only: compresses paths.
  // Every entry becomes its root and every rank 1 (an upper bound of the
  // height of every tree then).
  void FlattenComponents();

  mutable std::shared_mutex mu_;
  Csr csr_[2];  // By Dir.
  HugeVector<uint32_t> parent_;
  HugeVector<uint8_t> rank_;  // Not saved: 1 after a flatten.
  // Edges added since the arrays were built, per vertex, sorted.
  absl::flat_hash_map<uint32_t, std::vector<Neighbor>> delta_[2];
  uint64_t delta_edges_ = 0;
};

}  // namespace lineagedb::graph

#endif  // LINEAGEDB_GRAPH_ADJACENCY_INDEX_H_
