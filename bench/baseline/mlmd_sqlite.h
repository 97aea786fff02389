// MlmdSqlite: the baseline lineage-bench compares lineagedb with. A SQLite
// store laid out like Google MLMD's schema version 10 and used the way MLMD
// uses it: row-by-row writes in one transaction per call, and lineage as a
// breadth-first loop of queries on Event and EventPath. A second family of
// methods (the *Cte ones) answers the same questions with one recursive
// common table expression each, to show what SQLite can do when used well.
//
// It takes and returns lineagedb's model structs so that answers can be
// compared with lineagedb's directly; id lists come back sorted.
//
// Not thread-safe: one object serves one thread.
#ifndef LINEAGEDB_BENCH_BASELINE_MLMD_SQLITE_H_
#define LINEAGEDB_BENCH_BASELINE_MLMD_SQLITE_H_

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lineagedb/model.h"
#include "lineagedb/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lineagedb::baseline {

// Which events a lineage walk follows. UPSTREAM from an artifact follows its
// output events to the executions that produced it, and from an execution
// its input events to the artifacts it read; DOWNSTREAM is the reverse;
// BIDIRECTIONAL follows every event.
enum class LineageDirection : uint8_t {
  kUpstream = 1,
  kDownstream = 2,
  kBidirectional = 3,
};

struct MlmdSqliteOptions {
  // Adds the index Event(execution_id, type, artifact_id), which MLMD does
  // not have, so that a step from an execution reads no table rows. MLMD's
  // UNIQUE(artifact_id, execution_id, type) already covers the other side.
  // Default: false
  bool covering_event_index = false;
  // SQLite page cache size in KiB (PRAGMA cache_size = -N); 0 keeps SQLite's
  // default (2 MiB).
  // Default: 0
  int64_t cache_kib = 0;
  // PutExecution calls per SQLite transaction. 1 is MLMD's way: each call
  // commits its own transaction. With N > 1 the store keeps one transaction
  // open across N calls (each call in its own savepoint, so a failed call
  // still writes nothing) and commits it after the Nth, on Flush() or when
  // the store is destroyed: the same rows and indexes, fewer page writes,
  // for building large baselines quickly. Reads see the open batch.
  // Default: 1
  int executions_per_transaction = 1;
};

// Ids assigned by PutExecution.
struct ExecutionWrite {
  int64_t execution_id = 0;
  std::vector<int64_t> artifact_ids;  // One per pair, in the pairs' order.
  std::vector<int64_t> context_ids;   // One per context, in order.
};

// A lineage subgraph: the nodes reached and the events whose both ends were
// reached.
struct LineageGraph {
  std::vector<int64_t> artifact_ids;   // Sorted.
  std::vector<int64_t> execution_ids;  // Sorted.
  // Sorted by (artifact_id, execution_id, type); paths and times included.
  std::vector<Event> events;
  // The node rows with their properties, in id order; filled only by the
  // breadth-first methods with fetch_nodes (that is what MLMD returns).
  std::vector<Artifact> artifacts;
  std::vector<Execution> executions;
};

class MlmdSqlite {
 public:
  // max_hops of a walk without a bound.
  static constexpr int kUnbounded = std::numeric_limits<int>::max();

  // Opens or creates the database file `path` (":memory:" for a private
  // in-memory one), creates the MLMD v10 tables and indexes if missing, and
  // sets WAL journal mode with synchronous=NORMAL.
  // Errors: INTERNAL (SQLite cannot open or set up the file).
  static StatusOr<std::unique_ptr<MlmdSqlite>> Open(
      const std::string& path, const MlmdSqliteOptions& options = {});
  ~MlmdSqlite();
  MlmdSqlite(const MlmdSqlite&) = delete;
  MlmdSqlite& operator=(const MlmdSqlite&) = delete;

  // ---- Writes ----

  // Inserts `type`, or returns the id of the stored type of the same (kind,
  // name, version) if its properties are the same. A base type is recorded
  // as MLMD does: a ParentType row pointing at a system type "mlmd.<Base>".
  // Types cannot evolve here.
  // Errors: INVALID_ARGUMENT (no name; a property of kind kUnknown),
  // ALREADY_EXISTS (a stored type of the same identity differs; external_id
  // taken).
  StatusOr<int64_t> PutType(const Type& type);

  // In one transaction: inserts each pair's artifact whose id is 0 (an
  // artifact with an id must exist and is not rewritten), inserts the
  // execution (which must have id 0), inserts the pairs' events with
  // artifact_id and execution_id filled in (an event of type kUnknown means
  // "no event"; time_ms 0 = now), inserts each context with id 0 or reuses
  // the stored one of the same (type_id, name), and links every context to
  // the execution and to every artifact. Rows are written one statement at a
  // time, reading last_insert_rowid() after each node and event insert, as
  // MLMD does. Nothing is written on error.
  // Errors: INVALID_ARGUMENT (unknown type_id or artifact/context id; an
  // execution with an id; a property the type does not declare or of
  // another kind; a context without a name), ALREADY_EXISTS ((type, name)
  // or external_id of a new artifact/execution taken; an event's
  // (artifact, execution, type) stored or repeated).
  StatusOr<ExecutionWrite> PutExecution(
      const Execution& execution,
      const std::vector<std::pair<Artifact, Event>>& pairs,
      const std::vector<Context>& contexts);

  // Commits the transaction a batch of PutExecution calls holds open (see
  // MlmdSqliteOptions::executions_per_transaction); OK when none is open.
  // Errors: INTERNAL (the commit failed, or SQLite had already rolled the
  // batch back after an error; either way the batch is lost). PutExecution
  // returns the same error when it finds the batch rolled back.
  Status Flush();

  // Sets the state of artifact `id` (MLMD: put_artifacts with the artifact
  // read back and its state changed), bumping its update time.
  // Errors: NOT_FOUND.
  Status SetArtifactState(int64_t id, ArtifactState state);

  // ---- Point lookups (type name and properties filled in) ----

  // Errors: NOT_FOUND.
  StatusOr<Artifact> GetArtifact(int64_t id);
  StatusOr<Execution> GetExecution(int64_t id);
  // Errors: NOT_FOUND (no such type or artifact).
  StatusOr<Artifact> GetArtifactByTypeAndName(std::string_view type_name,
                                              std::string_view name);
  // Unknown ids are skipped; results are in id order.
  StatusOr<std::vector<Artifact>> GetArtifactsByIds(
      const std::vector<int64_t>& ids);
  StatusOr<std::vector<Execution>> GetExecutionsByIds(
      const std::vector<int64_t>& ids);
  StatusOr<std::vector<Context>> GetContextsByIds(
      const std::vector<int64_t>& ids);

  // ---- Lineage, breadth-first as MLMD does it ----
  // Per hop: one query on Event for the frontier, one on EventPath for the
  // events found; direction filtered in memory. Start ids are taken as
  // given (not checked). Errors: INVALID_ARGUMENT (start kind kContext;
  // max_hops < 0), INTERNAL.

  // Sorted ids of the nodes one hop from node `id` of `kind` (artifact or
  // execution) in direction `dir`; they are of the other kind.
  StatusOr<std::vector<int64_t>> Neighbors(NodeKind kind, int64_t id,
                                           LineageDirection dir);
  // The nodes within max_hops of the start nodes (all of kind start_kind)
  // in direction `dir`, start nodes included; 0 hops = the start nodes
  // only; one hop = artifact -> execution or execution -> artifact. With
  // fetch_nodes the node rows and properties are read too.
  StatusOr<LineageGraph> Lineage(NodeKind start_kind,
                                 const std::vector<int64_t>& start_ids,
                                 int max_hops, LineageDirection dir,
                                 bool fetch_nodes = true);
  // Lineage(kArtifact, {artifact_id}, kUnbounded, kUpstream / kDownstream).
  StatusOr<LineageGraph> Upstream(int64_t artifact_id);
  StatusOr<LineageGraph> Downstream(int64_t artifact_id);
  // Sorted ids of the artifacts of type `type_name` upstream of
  // `artifact_id`, which itself is not included.
  StatusOr<std::vector<int64_t>> UpstreamArtifactsOfType(
      int64_t artifact_id, std::string_view type_name);

  // ---- Pipeline questions, asked the way an orchestrator asks MLMD ----

  // The custom execution property PutExecution stores Execution::fingerprint
  // under (TFX keeps its cache key in MLMD as metadata of the execution).
  static constexpr const char* kCacheKeyProperty = "__cache_key__";

  struct CachedRun {
    Execution execution;
    std::vector<Artifact> outputs;  // In id order, properties read.
  };
  // The newest (highest id) COMPLETE execution whose cache key property is
  // `fingerprint` and whose outputs are all usable (none DELETED, ABANDONED
  // or MARKED_FOR_DELETION): one query on the property index (MLMD's
  // get_executions with a filter query), the candidates' rows, then per
  // candidate newest first its events and its output artifacts by id.
  // Errors: NOT_FOUND (none).
  StatusOr<CachedRun> FindCachedExecution(std::string_view fingerprint);

  // The steps of pipeline context `context_id` made stale by
  // `new_artifact_id`, as the ids of their latest executions, sorted; with
  // lineagedb::GetStaleSteps' semantics (a step is an execution type; its
  // latest execution is its newest COMPLETE or CACHED one, else its newest;
  // stale = read an older artifact of the new one's slot and not the new
  // one, or an output of a stale step). Per execution
  // type one query on Association joined with Execution, newest first (a
  // type without executions in the context scans the context's
  // associations); then the latest executions' events, the producers of
  // their inputs and the producers' types, one query each.
  // Errors: NOT_FOUND (unknown context or artifact), FAILED_PRECONDITION
  // (the artifact has no producing execution).
  StatusOr<std::vector<int64_t>> StaleSteps(int64_t context_id,
                                            int64_t new_artifact_id);

  // ---- The same answers, each from one recursive CTE ----
  // Ids and events only: `artifacts` and `executions` stay empty. The
  // events and their paths are read by one more query each.

  StatusOr<LineageGraph> LineageCte(NodeKind start_kind,
                                    const std::vector<int64_t>& start_ids,
                                    int max_hops, LineageDirection dir);
  StatusOr<LineageGraph> UpstreamCte(int64_t artifact_id);
  StatusOr<LineageGraph> DownstreamCte(int64_t artifact_id);
  StatusOr<std::vector<int64_t>> UpstreamArtifactsOfTypeCte(
      int64_t artifact_id, std::string_view type_name);

 private:
  class Stmt;
  class Txn;

  MlmdSqlite(sqlite3* db, int executions_per_transaction);

  // The cached prepared statement for `sql`, prepared on first use.
  StatusOr<sqlite3_stmt*> Prepare(const std::string& sql);
  // Runs `sql` (one or more statements, no results) without caching.
  Status Exec(const char* sql);
  Status CreateSchema(const MlmdSqliteOptions& options);
  // INTERNAL if SQLite rolled the open batch back by itself (then no batch
  // is open any more); OK otherwise.
  Status CheckBatchAlive();
  StatusOr<int64_t> LastInsertId();

  // Type helpers (mlmd_sqlite.cc).
  StatusOr<int64_t> FindType(NodeKind kind, std::string_view name,
                             std::string_view version);
  StatusOr<std::map<std::string, PropertyKind>> TypeProperties(int64_t type_id);
  StatusOr<int64_t> SystemBaseType(NodeKind kind, BaseType base);

  // Write helpers (mlmd_sqlite_write.cc).
  Status CheckProperties(NodeKind kind, const NodeBase& node);
  StatusOr<int64_t> InsertArtifact(const Artifact& a, int64_t now_ms);
  StatusOr<int64_t> InsertExecution(const Execution& e, int64_t now_ms);
  StatusOr<int64_t> PutContext(const Context& c, int64_t now_ms);
  Status InsertProperties(NodeKind kind, int64_t node_id, const NodeBase& node);
  Status CheckNodeExists(NodeKind kind, int64_t id);
  Status InsertEvent(const Event& event, int64_t now_ms);

  // Read helpers (mlmd_sqlite_read.cc).
  template <typename N>
  StatusOr<std::vector<N>> ReadNodes(const std::vector<int64_t>& ids);
  // Fills the properties of `nodes` (all of `kind`, distinct ids).
  Status ReadProperties(NodeKind kind, const std::vector<NodeBase*>& nodes);
  // The events (with their ids) touching the nodes `ids` of `kind`, one
  // query, then their paths, one more query.
  StatusOr<std::vector<std::pair<int64_t, Event>>> ReadEvents(
      NodeKind kind, const std::vector<int64_t>& ids);
  // Reads the paths of `events` (keyed by event id) by one query.
  Status ReadPaths(std::vector<std::pair<int64_t, Event>>& events);

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
  const int batch_size_;  // executions_per_transaction.
  bool batch_open_ = false;
  int batch_count_ = 0;  // PutExecution calls in the open batch.
};

}  // namespace lineagedb::baseline

#endif  // LINEAGEDB_BENCH_BASELINE_MLMD_SQLITE_H_
