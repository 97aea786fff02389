// lineagedb: an embedded ML-metadata and lineage store (MLMD's data model).
//
// A Store is one folder on disk, opened by one process at a time (a second
// Open of the same folder fails with FAILED_PRECONDITION). Within that
// process every method is thread-safe: write calls are serialized; any
// number of threads may read at once. Each read call sees one consistent
// snapshot of the store, and each write call is atomic: it is seen whole or
// not at all, and a failed call changes nothing.
//
// Node methods are templates over N = Artifact, Execution or Context
// (model.h), instantiated for those three only.
#ifndef LINEAGEDB_LINEAGEDB_H_
#define LINEAGEDB_LINEAGEDB_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/model.h"
#include "lineagedb/options.h"
#include "lineagedb/status.h"

namespace lineagedb {

// Which nodes a list call returns. Empty fields (and an unset uri) do not
// filter.
struct NodeQuery {
  // Only nodes of this type (name and version).
  std::string type_name;
  std::string type_version;
  // Only artifacts with this URI (artifacts only; INVALID_ARGUMENT for other
  // kinds, and for an empty one: URIs index only non-empty values).
  std::optional<std::string> uri;
  // Only artifacts / executions attributed to / associated with this context
  // (INVALID_ARGUMENT for contexts, and below 0). 0 = any.
  int64_t context_id = 0;
  // Only nodes whose name begins with these bytes (case-sensitive, unlike
  // a filter's LIKE), read through the name index: the versions
  // "ns:name@..." of an OpenLineage dataset, say. Empty = any name.
  std::string name_prefix;
  // Only nodes this filter query takes (MLMD's filter_query, e.g.
  // "type = 'Model' AND properties.accuracy.double_value > 0.9"; the
  // language is in schema/FILTERS.md). Empty = all.
  std::string filter;
};

// OK if `filter` is empty (every node) or parses as a filter query on nodes
// of `kind`; else the INVALID_ARGUMENT a list with it returns. Reads no
// store.
Status CheckFilterQuery(NodeKind kind, std::string_view filter);

// One page of a list call.
template <typename N>
struct Page {
  std::vector<N> items;
  // Empty on the last page.
  std::string next_page_token;
};

// One (artifact, event) pair of PutExecution. Either part may be absent.
struct ArtifactAndEvent {
  // Inserted when its id is 0, updated otherwise.
  std::optional<Artifact> artifact;
  // Its artifact_id / execution_id may be 0: they are filled in with the
  // pair's artifact and the call's execution.
  std::optional<Event> event;
};

struct PutExecutionOptions {
  // A new context whose (type, name) exists is reused instead of failing
  // with ALREADY_EXISTS.
  // Default: false
  bool reuse_context_if_already_exist = false;
  // A new artifact whose external_id exists is taken to be that artifact
  // (it is not updated) instead of failing with ALREADY_EXISTS.
  // Default: false
  bool reuse_artifact_if_already_exist_by_external_id = false;
  // An update of the execution that changes nothing still moves its
  // last_update_time (PutNodesOptions::force_update_time).
  // Default: false
  bool force_update_time = false;
};

struct PutExecutionResult {
  int64_t execution_id = 0;
  // One per pair: the pair's artifact, else its event's artifact_id; 0 for
  // a pair with neither.
  std::vector<int64_t> artifact_ids;
  std::vector<int64_t> context_ids;
};

// An edge of PutLineageSubgraph: an event whose ends are given either by
// index into the request's lists or by the event's own ids.
struct EventEdge {
  std::optional<int> execution_index;
  std::optional<int> artifact_index;
  std::optional<Event> event;
};

struct LineageSubgraphWrite {
  std::vector<Execution> executions;
  std::vector<Artifact> artifacts;
  std::vector<Context> contexts;
  std::vector<EventEdge> edges;
};

struct LineageSubgraphWriteResult {
  std::vector<int64_t> execution_ids;
  std::vector<int64_t> artifact_ids;
  std::vector<int64_t> context_ids;
};

class StoreImpl;

// An open store (threads: see the top of this file). Besides the errors each
// call lists, every write call returns FAILED_PRECONDITION when the store was
// opened read-only or the calling thread owns an open BulkWriter, and every
// call may return DATA_LOSS (a record that fails verification, named by its
// key) or INTERNAL (an unexpected storage failure). A failed write call changes
// nothing.
class Store {
 public:
  // Opens the store in folder `path`, creating it if options allow. A
  // database with no key at all (a creation cut short) is made a store, as
  // a missing folder would be.
  // Errors: INVALID_ARGUMENT (an empty path, a write_buffer_bytes under
  // 64 KiB), NOT_FOUND (missing and !create_if_missing or read_only; the
  // folder above it missing), ALREADY_EXISTS (exists and error_if_exists,
  // read_only too), FAILED_PRECONDITION (a newer on-disk format; the folder
  // is open already, in this process under any spelling of its path or in
  // another; `path` is a file, not a folder; it holds a RocksDB database
  // with keys but no lineagedb format version), DATA_LOSS (a damaged
  // record, the write-ahead log's included: a last write cut short by a
  // crash is dropped, a damaged one is not skipped; a folder with the
  // store's table, log or MANIFEST files but no CURRENT file).
  static StatusOr<std::unique_ptr<Store>> Open(const Options& options,
                                               const std::string& path);
  // Deletes the store in folder `path`: its database and lineage index
  // files. The folder stays, with any file that is not the store's.
  // Nothing to do if `path` does not exist. A read-only session, which
  // takes no lock, keeps reading the files it has open.
  // Errors: INVALID_ARGUMENT (an empty path), FAILED_PRECONDITION (the
  // store is open for writing, in this process under any spelling of its
  // path or in another; `path` is a file; a folder that holds files but no
  // store; a database that does not open read-only as a store: damaged
  // where such an open reads (its MANIFEST, its log, the format version's
  // block), or another program's: nothing is removed), INTERNAL (a file
  // cannot be removed). A store that opens read-only is destroyed however
  // damaged its other records are: that is how one whose Open fails with
  // DATA_LOSS is removed.
  static Status Destroy(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // ---- Types ----

  // Inserts `type`, or checks it against the stored type of the same
  // (kind, name, version) and evolves that one: properties are added (or
  // kept when omitted) as the options allow; a non-empty description
  // replaces the stored one; a base type or external_id is set if the
  // stored type has none. Returns the type's id.
  // Errors: INVALID_ARGUMENT (no name; a property of kind kUnknown; a base
  // type of the other kind; an id that is not the stored type's, or with no
  // stored type), ALREADY_EXISTS (a property's kind differs; a new property
  // without can_add_fields; an omitted one without can_omit_fields;
  // external_id taken by another type, or changed; a base type other than
  // the stored one (MLMD: UNIMPLEMENTED)).
  StatusOr<int64_t> PutType(const Type& type,
                            const PutTypeOptions& options = {});
  // Errors: NOT_FOUND.
  StatusOr<Type> GetType(NodeKind kind, std::string_view name,
                         std::string_view version = "");
  // Unknown ids, and ids of another kind's types, are skipped.
  StatusOr<std::vector<Type>> GetTypesByIds(NodeKind kind,
                                            const std::vector<int64_t>& ids);
  StatusOr<std::vector<Type>> GetTypesByExternalIds(
      NodeKind kind, const std::vector<std::string>& external_ids);
  // All types of `kind`, in id order.
  StatusOr<std::vector<Type>> ListTypes(NodeKind kind);

  // ---- Nodes ----

  // Inserts nodes with id 0 and updates the others; returns their ids in
  // order. All or nothing.
  // An update replaces the stored node's mutable fields (properties omitted
  // from the given node are removed) unless options.update_mask names the
  // fields to change; a type_id of 0 and an empty name keep the stored ones.
  // An update that changes nothing writes nothing (last_update_time stays)
  // unless options.force_update_time.
  // Errors: NOT_FOUND (an update of an unknown id; MLMD says
  // INVALID_ARGUMENT), INVALID_ARGUMENT (unknown type_id, where MLMD says
  // NOT_FOUND; type_id changed; a property the type does not declare or of
  // another kind; a property without value; a context without a name; a
  // name changed once set, a context's too, which MLMD would rename; a
  // struct value that is not a JSON object; an unknown update mask path),
  // ALREADY_EXISTS ((type, name) or external_id taken).
  template <typename N>
  StatusOr<std::vector<int64_t>> Put(const std::vector<N>& nodes,
                                     const PutNodesOptions& options = {});
  // Unknown ids are skipped; the result is in the order of `ids`.
  template <typename N>
  StatusOr<std::vector<N>> GetByIds(const std::vector<int64_t>& ids);
  template <typename N>
  StatusOr<std::vector<N>> GetByExternalIds(
      const std::vector<std::string>& external_ids);
  // Errors: NOT_FOUND (no such type or node), DATA_LOSS (the name index
  // names a node of another name or type: a damaged store).
  template <typename N>
  StatusOr<N> GetByTypeAndName(std::string_view type_name,
                               std::string_view node_name,
                               std::string_view type_version = "");
  // Errors: INVALID_ARGUMENT (bad paging options, a page token of another
  // query, a filter the kind does not have, a type_version without a
  // type_name, a filter query that does not parse, naming its column). An
  // unknown type gives an empty page. A filter on neighbours reads them for
  // every candidate node.
  template <typename N>
  StatusOr<Page<N>> List(const NodeQuery& query = {},
                         const ListOptions& options = {});

  // ---- Edges ----

  // Inserts events. time_ms 0 becomes now.
  // Errors: INVALID_ARGUMENT (an unknown artifact or execution; type
  // kUnknown), ALREADY_EXISTS (same (artifact, execution, type) stored or
  // twice in the call).
  Status PutEvents(const std::vector<Event>& events);
  // Inserts attributions and associations; existing ones are left as they
  // are. Errors: INVALID_ARGUMENT (an unknown end).
  Status PutAttributionsAndAssociations(
      const std::vector<Attribution>& attributions,
      const std::vector<Association>& associations);
  // Errors: INVALID_ARGUMENT (an unknown end; a cycle, including a context
  // its own parent), ALREADY_EXISTS (the edge exists).
  Status PutParentContexts(const std::vector<ParentContext>& edges);

  // Events touching the given nodes: for each id in the order given, its
  // events ordered by (direction: inputs first, type, other end). Unknown
  // ids give no events.
  StatusOr<std::vector<Event>> GetEventsByArtifactIds(
      const std::vector<int64_t>& artifact_ids);
  StatusOr<std::vector<Event>> GetEventsByExecutionIds(
      const std::vector<int64_t>& execution_ids);
  // Contexts of an artifact (N = Artifact) or execution (N = Execution), in
  // id order.
  template <typename N>
  StatusOr<std::vector<Context>> GetContextsOf(int64_t node_id);
  // Direct parents / children of each given context, keyed by that context's
  // id (contexts with none are absent).
  StatusOr<std::map<int64_t, std::vector<Context>>> GetParentContexts(
      const std::vector<int64_t>& context_ids);
  StatusOr<std::map<int64_t, std::vector<Context>>> GetChildContexts(
      const std::vector<int64_t>& context_ids);

  // ---- Atomic multi-node writes (MLMD semantics) ----

  // In one atomic write: upserts the pairs' artifacts and the execution,
  // inserts the events, upserts the contexts and links every context to the
  // execution and to every artifact of a pair, whether given or named by
  // the pair's event artifact_id (as MLMD does).
  // Errors: as Put, PutEvents and PutAttributionsAndAssociations; and
  // INVALID_ARGUMENT (a pair's event naming another artifact or execution
  // than the one it is paired with; an event in a pair without an artifact
  // and without artifact_id), ALREADY_EXISTS (a new context whose (type,
  // name) exists, unless reuse_context_if_already_exist).
  StatusOr<PutExecutionResult> PutExecution(
      const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
      const std::vector<Context>& contexts,
      const PutExecutionOptions& options = {});

  // The same for many executions at once; edges name their ends by index
  // into the request or by id. Every context is linked to the request's
  // executions and artifacts, not to a stored one an edge names by id only
  // (as MLMD does). Errors: as PutExecution; INVALID_ARGUMENT for
  // an edge without an event or without an index or id for an end;
  // OUT_OF_RANGE for an index past its list.
  StatusOr<LineageSubgraphWriteResult> PutLineageSubgraph(
      const LineageSubgraphWrite& subgraph,
      const PutExecutionOptions& options = {});

  // The engine's own modules (BulkWriter, queries, ingesters) reach the
  // implementation through this; it is not part of the API (StoreImpl is
  // declared only in engine/store/).
  StoreImpl* impl() { return impl_.get(); }

 private:
  explicit Store(std::unique_ptr<StoreImpl> impl);
  std::unique_ptr<StoreImpl> impl_;
};

}  // namespace lineagedb

#endif  // LINEAGEDB_LINEAGEDB_H_
