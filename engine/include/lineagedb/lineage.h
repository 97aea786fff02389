// Lineage queries over the events between artifacts and executions.
//
// One hop crosses one event: artifact -> execution or execution -> artifact.
// UPSTREAM from an artifact follows its output events back to the executions
// that produced it, and from an execution its input events back to the
// artifacts it read; DOWNSTREAM is the reverse; BIDIRECTIONAL follows both
// at every hop. Topology comes from an in-memory adjacency index (or from
// RocksDB prefix scans when Options::use_graph_index is false); node records
// are read only when a query asks for them.
//
// Each query sees every write committed before it started, and the records
// it reads (nodes, contexts, event paths) come from the same state of the
// store as the topology it walked: a write is in them whole or not at all.
// (Filter queries that pick starting and ending nodes are answered first,
// as of the query's start.)
#ifndef LINEAGEDB_LINEAGE_H_
#define LINEAGEDB_LINEAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lineagedb/lineagedb.h"

namespace lineagedb {

enum class Direction : uint8_t {
  kUpstream = 1,
  kDownstream = 2,
  kBidirectional = 3,
};

// An artifact or an execution.
struct NodeRef {
  NodeKind kind = NodeKind::kArtifact;
  int64_t id = 0;
  friend bool operator==(const NodeRef&, const NodeRef&) = default;
  friend auto operator<=>(const NodeRef&, const NodeRef&) = default;
};

// MLMD's GetLineageSubgraph, without its caps on hops and starting nodes.
struct LineageQuery {
  std::vector<int64_t> artifact_ids;   // Starting artifacts.
  std::vector<int64_t> execution_ids;  // Starting executions.
  // Filter queries (schema/FILTERS.md) adding to the starting nodes every
  // artifact / execution they take. Empty = none.
  std::string starting_artifacts_filter;
  std::string starting_executions_filter;
  // 0 returns only the starting nodes.
  // Default: 20
  int max_hops = 20;
  // Default: kBidirectional
  Direction direction = Direction::kBidirectional;
  // The walk does not go past these nodes; whether they are returned is
  // include_ending_nodes. Starting nodes are always returned; one that is
  // also an ending node is not walked past either.
  std::vector<int64_t> ending_artifact_ids;
  std::vector<int64_t> ending_execution_ids;
  // Filter queries adding to the ending nodes every artifact / execution
  // they take (MLMD's ending_artifacts / ending_executions). Empty = none.
  std::string ending_artifacts_filter;
  std::string ending_executions_filter;
  // Default: true
  bool include_ending_nodes = true;
  // At most this many nodes per result; past it the result is partial and
  // carries a cursor. 0 = no limit.
  // Default: 0
  size_t max_nodes = 0;
  // The cursor of the previous partial result of the same query; empty for
  // the first call. Joining the pages gives the full result, each node and
  // event once.
  // Default: empty
  std::string cursor;
  // Read the artifacts, executions, their types and contexts, and the
  // events' paths and times. When false the result is topology only: node
  // ids, and events with their ends and type (no path, time 0), answered
  // from the index without touching RocksDB.
  // Default: true
  bool fetch_nodes = true;
};

struct LineageGraph {
  // Always filled, in the order the walk reached them (by hop, then id).
  std::vector<NodeRef> nodes;
  // Every event whose ends are both returned (on this page or an earlier
  // one of the same walk).
  std::vector<Event> events;
  // With fetch_nodes: the records of `nodes`, their types, and the contexts
  // of the returned artifacts and executions.
  std::vector<Artifact> artifacts;
  std::vector<Execution> executions;
  std::vector<Type> types;
  std::vector<Context> contexts;
  // With fetch_nodes: which of `contexts` each returned artifact is
  // attributed to and each returned execution associated with (as MLMD's
  // LineageGraph), in the order of `artifacts` and `executions`, each
  // node's by context id.
  std::vector<Attribution> attributions;
  std::vector<Association> associations;
  // True if max_nodes cut the result; then `cursor` resumes it.
  bool partial = false;
  std::string cursor;
};

// The id lists are taken as sets. Unknown starting ids (> 0) are returned
// with no edges. A page's records are as they were when it was read.
// Starting filters that take no node give an empty graph. A filter reads
// every node of its kind (or of the one type its `type = 'NAME'` names).
// Errors:
//   INVALID_ARGUMENT  no starting ids or filters; a starting or ending id
//                     <= 0;
//                     negative max_hops; no Direction; a filter query that
//                     does not parse (the message begins with its field's
//                     name and names the column); a cursor of
//                     another query, or not made by a page of this one.
//   ABORTED           the nodes or events of the cursor's earlier pages
//                     changed since they were returned (start again); or a
//                     cursor of version 1. Lineage written elsewhere, or
//                     only past those pages, does not abort (the pages then
//                     join to the lineage as it is now), nor does a record
//                     updated without an event (a property, a state) unless
//                     the query has filters and the update changes the
//                     nodes of those pages.
//   DATA_LOSS         with fetch_nodes, a node with events has no record;
//                     a damaged store.
StatusOr<LineageGraph> GetLineageSubgraph(Store* store,
                                          const LineageQuery& query);

// The direct neighbours of one node, answered from the index alone: for an
// artifact the executions that produced it (upstream) or read it
// (downstream), for an execution its input or output artifacts. Each
// neighbour once, ordered by (id, kind). Unknown nodes have none.
// Errors: INVALID_ARGUMENT (not an artifact or execution, an id below 1, no
// Direction).
StatusOr<std::vector<NodeRef>> GetNeighbors(Store* store, NodeRef node,
                                            Direction direction);

// All nodes upstream (ancestry) or downstream (impact) of one node, with
// their distance in hops.
struct AncestryQuery {
  NodeRef start;
  // kUpstream or kDownstream.
  // Default: kUpstream
  Direction direction = Direction::kUpstream;
  // Default: -1 (no limit)
  int max_hops = -1;
  // Only return artifacts of these type names / executions of these type
  // names (the walk still passes through the others). Empty = all.
  std::vector<std::string> artifact_types;
  std::vector<std::string> execution_types;
  // Only return artifacts / executions in these states. Empty = all.
  std::vector<ArtifactState> artifact_states;
  std::vector<ExecutionState> execution_states;
  // Return only artifacts (skip executions), e.g. "datasets upstream".
  // Default: false
  bool artifacts_only = false;
};

struct AncestryEntry {
  NodeRef node;
  int distance = 0;  // Hops from the start.
  friend bool operator==(const AncestryEntry&, const AncestryEntry&) = default;
};

// Ordered by (distance, kind, id); the start node is not included.
// Errors: INVALID_ARGUMENT (kBidirectional or no Direction; a start that is
// not an artifact or execution or has an id <= 0; max_hops under -1).
StatusOr<std::vector<AncestryEntry>> GetAncestry(Store* store,
                                                 const AncestryQuery& query);

// True if `from` is upstream of `to` (a path of events leads from `from` to
// `to` in the direction of data flow). A node is not upstream of itself.
// Errors: INVALID_ARGUMENT (not an artifact or execution, or an id <= 0).
StatusOr<bool> IsUpstream(Store* store, NodeRef from, NodeRef to);

// One shortest chain of events from `from` down to `to`, explaining why `to`
// depends on `from`.
struct ProvenancePath {
  std::vector<NodeRef> nodes;  // from, ..., to
  std::vector<Event> events;   // events[i] links nodes[i] and nodes[i+1]
};
// Errors: NOT_FOUND (no such path), INVALID_ARGUMENT (not an artifact or
// execution, or an id <= 0).
StatusOr<ProvenancePath> GetProvenancePath(Store* store, NodeRef from,
                                           NodeRef to);

// How the upstream lineage of two artifacts (e.g. two model versions)
// differs.
struct PropertyChange {
  std::string execution_type;
  std::string property;  // "properties.NAME" or "custom_properties.NAME".
  // The values on each side; nullopt when absent (an empty string is a
  // value). They differ (NaN equals NaN), if only in kind: INT 1 and
  // DOUBLE 1.0.
  std::optional<Value> value_a, value_b;
};
struct LineageDiff {
  std::vector<NodeRef> only_a;  // Upstream of a only.
  std::vector<NodeRef> only_b;  // Upstream of b only.
  // For each execution type with exactly one execution upstream of each
  // side that differ, the properties whose values differ.
  std::vector<PropertyChange> changed;
};
// Errors: INVALID_ARGUMENT (an id <= 0).
StatusOr<LineageDiff> DiffLineage(Store* store, int64_t artifact_a,
                                  int64_t artifact_b);

}  // namespace lineagedb

#endif  // LINEAGEDB_LINEAGE_H_
