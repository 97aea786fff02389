// The store behind the public facade: one implementation for the three node
// kinds, working on codec::NodeRow.
#ifndef LINEAGEDB_STORE_STORE_IMPL_H_
#define LINEAGEDB_STORE_STORE_IMPL_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "graph/adjacency_index.h"
#include "graph/graph.h"
#include "lineagedb/lineagedb.h"
#include "storage/kv.h"
#include "store/known_new.h"
#include "store/result_cache.h"
#include "store/write_context.h"

namespace lineagedb {

using store::WriteContext;

// The store's write lock. A BulkWriter takes it on the thread that makes
// it and may release it on another (Close, its destructor), which a
// std::mutex does not allow; a semaphore does.
class WriteMutex {
 public:
  void lock() { held_.acquire(); }
  void unlock() { held_.release(); }
  bool try_lock() { return held_.try_acquire(); }

 private:
  std::binary_semaphore held_{1};
};
using WriteLock = std::unique_lock<WriteMutex>;

class StoreImpl {
 public:
  // Opens the key-value store, checks the format version and loads the
  // counters and the types.
  static StatusOr<std::unique_ptr<StoreImpl>> Open(const Options& options,
                                                   const std::string& path);
  // Saves the graph index snapshot unless the one on disk is still current
  // (see OpenIndex). A BulkWriter must not outlive the store.
  ~StoreImpl();

  // ---- Types (types.cc) ----
  StatusOr<int64_t> PutType(const Type& type, const PutTypeOptions& options);
  // PutType for several types in one atomic write: each is checked against
  // the stored types, and all are checked before anything is written, so
  // after any error no type has changed. Returns the ids in order.
  // Errors: as Store::PutType; INVALID_ARGUMENT (two types of the same
  // (kind, name, version)).
  StatusOr<std::vector<int64_t>> PutTypes(const std::vector<Type>& types,
                                          const PutTypeOptions& options);
  StatusOr<Type> GetType(NodeKind kind, std::string_view name,
                         std::string_view version);
  StatusOr<std::vector<Type>> GetTypesByIds(NodeKind kind,
                                            const std::vector<int64_t>& ids);
  StatusOr<std::vector<Type>> GetTypesByExternalIds(
      NodeKind kind, const std::vector<std::string>& external_ids);
  StatusOr<std::vector<Type>> ListTypes(NodeKind kind);

  // ---- Nodes (nodes.cc, list.cc) ----
  StatusOr<std::vector<int64_t>> PutNodes(std::vector<codec::NodeRow> rows,
                                          const PutNodesOptions& options);
  StatusOr<std::vector<codec::NodeRow>> GetNodes(
      NodeKind kind, const std::vector<int64_t>& ids);
  // The same, as of `view`.
  StatusOr<std::vector<codec::NodeRow>> GetNodes(
      const storage::ReadView& view, NodeKind kind,
      const std::vector<int64_t>& ids);
  StatusOr<std::vector<codec::NodeRow>> GetNodesByExternalIds(
      NodeKind kind, const std::vector<std::string>& external_ids);
  StatusOr<codec::NodeRow> GetNodeByTypeAndName(NodeKind kind,
                                                std::string_view type_name,
                                                std::string_view node_name,
                                                std::string_view version);
  StatusOr<Page<codec::NodeRow>> ListNodes(NodeKind kind,
                                           const NodeQuery& query,
                                           const ListOptions& options);
  // Ids of every node of `kind` that the filter query `filter` takes, in id
  // order, read from one snapshot.
  // Errors: INVALID_ARGUMENT (a query that does not parse, naming its
  // column).
  StatusOr<std::vector<int64_t>> FilterNodeIds(NodeKind kind,
                                               std::string_view filter);

  // ---- Edges (edges.cc) ----
  Status PutEvents(const std::vector<Event>& events);
  Status PutAttributionsAndAssociations(
      const std::vector<Attribution>& attributions,
      const std::vector<Association>& associations);
  Status PutParentContexts(const std::vector<ParentContext>& edges);
  // Events under EventPrefix(tag, id) for each id.
  StatusOr<std::vector<Event>> GetEvents(codec::Tag tag,
                                         const std::vector<int64_t>& ids);
  // Nodes of `to_kind` linked from `from` by the pair family `tag`.
  StatusOr<std::vector<codec::NodeRow>> GetLinked(codec::Tag tag, int64_t from,
                                                  NodeKind to_kind);
  // The same, as of `view`.
  StatusOr<std::vector<codec::NodeRow>> GetLinked(const storage::ReadView& view,
                                                  codec::Tag tag, int64_t from,
                                                  NodeKind to_kind);
  // GetLinked for many contexts, keyed by context (empty ones absent).
  StatusOr<std::map<int64_t, std::vector<codec::NodeRow>>> GetLinkedContexts(
      codec::Tag tag, const std::vector<int64_t>& context_ids);

  // ---- Atomic multi-node writes (put_execution.cc) ----
  StatusOr<PutExecutionResult> PutExecution(
      const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
      const std::vector<Context>& contexts, const PutExecutionOptions& options);
  StatusOr<LineageSubgraphWriteResult> PutLineageSubgraph(
      const LineageSubgraphWrite& subgraph, const PutExecutionOptions& options);
  // Stages PutExecution's writes in `wc`. Errors as Store::PutExecution; on
  // error `wc` holds part of the call and must be dropped or rolled back.
  // `known_new`, if given, names nodes the caller vouches for (NewNodes).
  Status StageExecution(WriteContext& wc, const Execution& execution,
                        const std::vector<ArtifactAndEvent>& pairs,
                        const std::vector<Context>& contexts,
                        const PutExecutionOptions& options,
                        PutExecutionResult* result,
                        const NewNodes* known_new = nullptr);

  // ---- Building blocks shared by the write paths ----

  // Validates `row` and stages its insert (id 0) or update in `wc`; sets
  // row->base.id. Errors as Store::Put.
  // `known_free`: what the caller knows is free as of `wc`, which an insert
  // does not look up again.
  Status StageNode(WriteContext& wc, codec::NodeRow* row,
                   const PutNodesOptions& options,
                   KnownFree known_free = KnownFree::kNothing);
  // Reads node `id` of `kind` as of `wc`; NOT_FOUND if absent.
  StatusOr<codec::NodeRow> ReadNode(WriteContext& wc, NodeKind kind,
                                    int64_t id);
  // Id of the node of `kind` with (type_id, name) as of `wc`, or 0.
  StatusOr<int64_t> FindByTypeName(WriteContext& wc, NodeKind kind,
                                   int64_t type_id, std::string_view name);
  // Id of the node of `kind` with `external_id` as of `wc`, or 0.
  StatusOr<int64_t> FindByExternalId(WriteContext& wc, NodeKind kind,
                                     std::string_view external_id);
  // INVALID_ARGUMENT naming `role` unless node `id` of `kind` exists.
  Status CheckNodeExists(WriteContext& wc, NodeKind kind, int64_t id,
                         std::string_view role);
  // Stages a new event (both directions). Errors as Store::PutEvents.
  Status StageEvent(WriteContext& wc, Event event);
  // Stages an attribution (node_kind artifact) or association (execution)
  // unless it exists. Errors: INVALID_ARGUMENT (an unknown end).
  Status StageLink(WriteContext& wc, int64_t context_id, NodeKind node_kind,
                   int64_t node_id);
  // Inserts or reuses `context` (id 0) per `reuse`, or updates it; sets its
  // id.
  Status StageContext(WriteContext& wc, codec::NodeRow* context, bool reuse);
  // Inserts `artifact` (id 0), reusing one by external id if `reuse` and it
  // is not `known_new` (NewNodes), or updates it; sets its id.
  Status StageArtifact(WriteContext& wc, codec::NodeRow* artifact, bool reuse,
                       bool known_new = false);

  // Takes the write lock for a write call. FAILED_PRECONDITION if the
  // calling thread owns a BulkWriter (it would wait for itself).
  StatusOr<WriteLock> LockForWrite();
  // Marks / clears the calling thread as the owner of a BulkWriter, which
  // holds the write lock while it lives.
  void SetBulkOwner(bool owner);
  // Starts a write. Hold the write lock for its whole life.
  WriteContext BeginWrite();
  // Commits `wc` (synced per Options::sync_writes, or per `sync`) and
  // publishes its counters and edges.
  Status Commit(WriteContext& wc);
  Status Commit(WriteContext& wc, bool sync);
  // Writes a batch detached from a WriteContext and publishes it like
  // Commit. May run on another thread than the write lock's owner, on its
  // behalf, while the owner stages the next batch.
  Status CommitDetached(WriteContext::DetachedBatch& batch, bool sync);
  // From format version 3: the output events `wc`'s batch staged join the
  // answers of the heads naming their executions (one rewrite per head).
  // Called once before the batch is committed, after its last change.
  Status StageHeadOutputs(WriteContext& wc);

 private:
  // After a commit: the committed counters, and the new edges to the index.
  void Publish(const codec::Counters& counters,
               const std::vector<store::StagedEvent>& events);

 public:
  // ---- Graph ----

  // The topology for one traversal, unchanged while the handle lives: the
  // adjacency index under its shared lock, or a KvGraph on one view.
  struct GraphHandle {
    GraphHandle() = default;
    GraphHandle(GraphHandle&&) = default;
    // Unlocks before it lets go of the index, whose mutex the lock names
    // (the index may be its last owner: a dropped one).
    GraphHandle& operator=(GraphHandle&& other) noexcept {
      Release();
      index = std::move(other.index);
      lock = std::move(other.lock);
      kv_graph = std::move(other.kv_graph);
      view = std::move(other.view);
      return *this;
    }
    ~GraphHandle() { Release(); }
    void Release() {
      lock = {};
      index.reset();
      kv_graph.reset();
      view.reset();
    }

    std::shared_ptr<graph::AdjacencyIndex> index;
    std::shared_lock<std::shared_mutex> lock;
    std::unique_ptr<graph::Graph> kv_graph;
    // Set by AcquireGraphAndView: the store as the graph has it, readable
    // after the handle's lock is released.
    std::shared_ptr<const storage::ReadView> view;
    const graph::Graph& graph() const {
      return kv_graph ? *kv_graph : static_cast<const graph::Graph&>(*index);
    }
  };
  GraphHandle AcquireGraph();
  // AcquireGraph, with a view of the store that has exactly the graph's
  // events, so that records read through it belong to the same writes as
  // the topology: the index when it has the view's events, else (a commit
  // it has not taken yet, or an index dropped since) a KvGraph on the view.
  // Never waits for a writer. Errors: DATA_LOSS (the counters do not
  // decode), storage errors.
  StatusOr<GraphHandle> AcquireGraphAndView();
  // The store sequence (codec::Counters::seq, written with every batch) of
  // the last commit that added events (kept in the counters, so a reopen
  // finds it). It only grows, across reopens too, so a paging cursor
  // stamped with it cannot match again after the lineage changed, and
  // writes without events leave it valid.
  uint64_t edges_version() const { return edges_version_.load(); }
  // Whether this open made the store (a new folder, or an empty database
  // whose creation was cut short).
  bool created() const { return created_; }
  // The sequence of the last committed write call of this process (the
  // counters' seq): it moves with every write, whoever made it.
  uint64_t write_seq() const { return write_seq_.load(); }
  // The index, or null when it is off.
  std::shared_ptr<graph::AdjacencyIndex> graph_index();
  // The store as its index snapshot is stamped; empty identity if unknown.
  graph::AdjacencyIndex::Stamp IndexStamp() const;

  storage::Kv* kv() { return kv_.get(); }
  // Results of repeated reads, kept exact by every write (result_cache.h).
  store::ResultCache* results() { return results_.get(); }
  const Options& options() const { return options_; }
  // The store keeps a [41] head for every fingerprint with a COMPLETE
  // execution (format version 2 and up), so a missing head means none.
  bool has_fingerprint_heads() const {
    return format_version_ >= codec::kFingerprintHeadsVersion;
  }
  // Its heads carry their answers, kept current by every write (format
  // version 3 and up).
  bool has_head_answers() const {
    return format_version_ >= codec::kHeadAnswersVersion;
  }

  // The cached type with this id and kind, or nullptr. Types are few, so all
  // of them are kept in memory.
  std::shared_ptr<const Type> CachedType(NodeKind kind, int64_t type_id);
  // Fills base.type of each row from the type cache.
  void FillTypeNames(std::vector<codec::NodeRow>* rows);
  // Id of the type (kind, name, version), or 0.
  int64_t CachedTypeId(NodeKind kind, std::string_view name,
                       std::string_view version);

 private:
  StoreImpl(Options options, std::string path, std::unique_ptr<storage::Kv> kv);
  // Loads the index snapshot saved at close if it reflects the store's
  // current sequence, else builds the index from the event keys. A loaded
  // snapshot stays on disk until the first write (RetireSnapshot), so a
  // session that only reads closes without saving it again.
  Status OpenIndex();
  std::string IndexSnapshotPath() const;
  // Before a write: removes the snapshot on disk if it is still current.
  void RetireSnapshot();
  Status LoadMeta(bool* created);
  // DATA_LOSS if a type or node id at or past its counter is stored: a
  // writer would hand that id out again. Checked by writable opens only.
  Status CheckCountersAhead(const storage::ReadView& view) const;
  Status LoadTypes();
  void CacheType(Type type);
  // Stages PutType's writes of `type` in `wc` and sets `*stored` to the type
  // as it will be stored, with its id; `*changed` is false when the stored
  // type already equals it (nothing staged). Errors as Store::PutType; on
  // error `wc` holds part of the call and must be dropped.
  Status StageType(WriteContext& wc, const Type& type,
                   const PutTypeOptions& options, Type* stored, bool* changed);
  Status StageInsert(WriteContext& wc, codec::NodeRow* row, const Type& type,
                     KnownFree known_free);
  // `stored` is the node's record as `wc` reads it.
  Status StageUpdate(WriteContext& wc, codec::NodeRow* row,
                     codec::NodeRow stored, const Type& type,
                     const PutNodesOptions& options);
  void StageIndexes(WriteContext& wc, const codec::NodeRow& row, bool put);
  // ---- Fingerprint heads (fingerprint_heads.cc) ----

  // Keeps the [41] head of the fingerprint of execution `merged` (as it
  // will be stored, its record `record`; `stored` is the row before, or
  // null for an insert) the newest COMPLETE execution with that
  // fingerprint; a head that loses its execution (it leaves COMPLETE, or
  // its fingerprint changes or is cleared) becomes unknown: readers scan
  // [40]. From format version 3 a head carries its answer (HeadAnswer),
  // and the head execution's new record replaces the one in it.
  Status StageFingerprintHead(WriteContext& wc, const codec::NodeRow* stored,
                              const codec::NodeRow& merged,
                              std::string_view record);
  // From format version 3: artifact `id`'s new record `record` replaces its
  // copy in every head answer listing it (found through [42]).
  Status StageHeadArtifact(WriteContext& wc, int64_t id,
                           std::string_view record);
  // The answer of existing execution `id` (record `record`) with its
  // committed output events, or nullopt while a detached batch is being
  // written.
  StatusOr<std::optional<codec::HeadAnswer>> AnswerOf(WriteContext& wc,
                                                      int64_t id,
                                                      std::string_view record);
  const Options options_;
  const std::string path_;
  // Before kv_: kv_'s write listener points to it.
  std::unique_ptr<store::ResultCache> results_;
  std::unique_ptr<storage::Kv> kv_;

  WriteMutex write_mu_;  // Serializes write calls.
  std::atomic<std::thread::id> bulk_owner_{};
  codec::Counters counters_;  // Committed counters; guarded by write_mu_.
  bool created_ = false;      // See created().
  uint64_t opened_seq_ = 0;   // counters_.seq when the store was opened.
  uint32_t format_version_ = codec::kFormatVersion;  // Set by LoadMeta.

  mutable std::mutex index_mu_;  // Guards the index_ pointer.
  std::shared_ptr<graph::AdjacencyIndex> index_;
  std::atomic<uint64_t> edges_version_{0};
  std::atomic<uint64_t> write_seq_{0};
  // The snapshot on disk reflects the store as it is.
  std::atomic<bool> snapshot_current_{false};

  mutable std::shared_mutex types_mu_;
  std::map<int64_t, std::shared_ptr<const Type>> types_;  // By id.
  // Type id by codec::TypeByNameKey.
  std::map<std::string, int64_t, std::less<>> type_ids_by_name_;
};

}  // namespace lineagedb

#endif  // LINEAGEDB_STORE_STORE_IMPL_H_
