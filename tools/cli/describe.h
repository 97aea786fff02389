// Query results with the type and name of every node they mention: the
// rendering of ancestry lists, provenance paths and lineage diffs, shared
// by impact, path, diff and demo.
#ifndef LINEAGEDB_TOOLS_CLI_DESCRIBE_H_
#define LINEAGEDB_TOOLS_CLI_DESCRIBE_H_

#include <map>
#include <string>
#include <vector>

#include "lineagedb/lineage.h"
#include "lineagedb/lineagedb.h"
#include "tools/cli/output.h"

namespace lineagedb::cli {

struct NodeInfo {
  std::string type;
  std::string name;  // The record's.
  std::string uri;   // An artifact's.
  // What text shows: the name; for an unnamed artifact its URI, for an
  // OpenLineage run its job (ShownName).
  std::string shown;
};
using NodeInfoMap = std::map<NodeRef, NodeInfo>;

// DATA_LOSS: node `ref` is named by `edges` of the store ("events",
// "attributions", ...) but has no record.
Status MissingRecord(NodeRef ref, std::string_view edges);

// Type and name of each of `refs`, which are nodes a query reached or
// resolved. Errors: DATA_LOSS naming the first ref without a record (the
// store is damaged: an edge names a node that is gone), storage errors.
StatusOr<NodeInfoMap> FetchNodeInfo(Store* store,
                                    const std::vector<NodeRef>& refs);

// The type, name, (of an artifact) URI and shown name ("label") of `ref` as
// members of the JSON object `json` is writing; none if `info` has no
// `ref`.
void WriteNodeInfoJson(NodeRef ref, const NodeInfoMap& info, JsonWriter* json);

// "artifact:7 (Model)" or "artifact:7 (Model 'shown name')" with
// `with_name`.
std::string Describe(NodeRef ref, const NodeInfoMap& info,
                     bool with_name = false);

// By distance: the nodes of a distance one a line, with type and name; a
// distance with more than `max_listed` nodes in one line by type ("12
// nodes: 6 Examples, 6 Schema").
std::string AncestryText(const std::vector<AncestryEntry>& entries,
                         const NodeInfoMap& info, size_t max_listed = 6);
std::string AncestryJson(NodeRef start,
                         const std::vector<AncestryEntry>& entries,
                         const NodeInfoMap& info);

// One step a line: "artifact:5 (Examples) -[INPUT]-> execution:9 (Trainer)".
std::string PathText(const ProvenancePath& path, const NodeInfoMap& info);
std::string PathJson(const ProvenancePath& path, const NodeInfoMap& info);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_DESCRIBE_H_
