// What a writer may take on a caller's word: the nodes of a write that are
// new, whose uniqueness lookups it then skips. Internal to the engine.
#ifndef LINEAGEDB_STORE_KNOWN_NEW_H_
#define LINEAGEDB_STORE_KNOWN_NEW_H_

#include <vector>

#include "lineagedb/bulk_writer.h"
#include "lineagedb/lineagedb.h"

namespace lineagedb {

// What a caller knows is free for a node it inserts, as of the write: no
// node of the row's kind has its external_id (kExternalId), and also no node
// of its type has its name (kNameAndExternalId).
enum class KnownFree { kNothing, kExternalId, kNameAndExternalId };

// Nodes of a PutExecution-shaped write that the caller vouches are new: the
// execution if `execution`, the artifact of pair i if `artifacts[i]` (empty:
// none). Each has id 0, and no stored or earlier staged node has its name or
// external_id; its insert skips the lookups that would prove it (and a
// false vouch would index two nodes under one name). The OpenLineage
// session, the store's only writer, knows this of the nodes it has looked
// up and never written.
struct NewNodes {
  bool execution = false;
  std::vector<bool> artifacts;
};

// BulkWriter::Add with `known_new`. `writer` must come from NewBulkWriter.
StatusOr<PutExecutionResult> AddNewNodes(
    BulkWriter* writer, const Execution& execution,
    const std::vector<ArtifactAndEvent>& pairs,
    const std::vector<Context>& contexts, const NewNodes& known_new);

}  // namespace lineagedb

#endif  // LINEAGEDB_STORE_KNOWN_NEW_H_
