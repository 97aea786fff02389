// Helpers shared by the queries (lineage, caching, stale steps).
#ifndef LINEAGEDB_QUERY_LINEAGE_INTERNAL_H_
#define LINEAGEDB_QUERY_LINEAGE_INTERNAL_H_

#include <string>
#include <vector>

#include "graph/graph.h"
#include "lineagedb/lineage.h"
#include "store/store_impl.h"

namespace lineagedb::query {

// OK if `d` is one of Direction's values (not kBidirectional unless
// `both`). Errors: INVALID_ARGUMENT.
Status CheckDirection(Direction d, bool both);

// Whether an artifact in state `s` holds data a step can still use: not
// PENDING (not written yet), MARKED_FOR_DELETION, DELETED or ABANDONED.
// UNKNOWN (MLMD's default, for clients that never set a state) and
// REFERENCE (data kept outside the pipeline) are usable.
bool IsUsable(ArtifactState s);

// The output key (slot) of an event: the first key of its path, or "".
std::string OutputKey(const Event& e);

// The event between two vertices (one artifact, one execution) with only
// its ends and type.
Event MakeEvent(graph::VertexId a, graph::VertexId b, EventType type);

// Fills in the path and time of each event from its record in `view`.
// Errors: DATA_LOSS (an indexed event has no record).
Status ReadEventDetails(const storage::ReadView& view,
                        std::vector<Event>* events);

// Reads the artifacts and executions of `nodes` into `out`, with their types
// and contexts, as of `view`.
Status FetchNodes(StoreImpl* impl, const storage::ReadView& view,
                  const std::vector<NodeRef>& nodes, LineageGraph* out);

}  // namespace lineagedb::query

#endif  // LINEAGEDB_QUERY_LINEAGE_INTERNAL_H_
