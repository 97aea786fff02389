// Store::Open and the public facade, forwarding to StoreImpl.
#include <filesystem>

#include "codec/coding.h"
#include "codec/keys.h"
#include "graph/kv_graph.h"
#include "store/node_rows.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

using codec::NodeRow;

namespace {

// The lineage index snapshot in the store's folder; graph/index_file.cc
// writes it through NAME.tmp.
constexpr char kIndexSnapshotFile[] = "lineagedb-graph.idx";

// FAILED_PRECONDITION if the database at `path`, which has no format
// version, has keys: another program's.
Status CheckNotForeign(const storage::ReadView& view, const std::string& path) {
  std::unique_ptr<storage::Iterator> it = view.NewIterator("", "");
  it->SeekToFirst();
  RETURN_IF_ERROR(it->status());
  if (!it->Valid()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      StrCat(path,
             " holds a RocksDB database that is not a lineagedb store (it has "
             "keys but no format version)"));
}

// OK if the folder `path` holds a store, an empty database or no database
// (NOT_FOUND of a read-only open); else why not.
Status CheckIsStore(const std::string& path) {
  Options read_only;
  read_only.read_only = true;
  StatusOr<std::unique_ptr<storage::Kv>> kv =
      storage::Kv::Open(read_only, path);
  if (absl::IsNotFound(kv.status())) return absl::OkStatus();
  RETURN_IF_ERROR(kv.status());
  auto view = (*kv)->NewReadView();
  std::string value;
  const Status s =
      view->Get(codec::MetaKey(codec::MetaId::kFormatVersion), &value);
  if (!absl::IsNotFound(s)) return s;
  return CheckNotForeign(*view, path);
}

}  // namespace

StoreImpl::StoreImpl(Options options, std::string path,
                     std::unique_ptr<storage::Kv> kv)
    : options_(std::move(options)),
      path_(std::move(path)),
      results_(
          std::make_unique<store::ResultCache>(options_.result_cache_entries)),
      kv_(std::move(kv)) {
  kv_->SetWriteListener(
      [cache = results_.get()](const storage::WriteBatch& batch) {
        cache->Invalidate(batch);
      });
}

StoreImpl::~StoreImpl() {
  std::lock_guard lock(write_mu_);
  if (options_.read_only) return;
  // What this session wrote goes to table files, so that a read-only open
  // (which cannot) need not replay it from the log each time.
  if (counters_.seq != opened_seq_) kv_->Flush().IgnoreError();
  if (snapshot_current_.load()) return;
  if (auto index = graph_index()) {
    // Best effort: a missing or stale snapshot only costs a rebuild. The WAL
    // is synced first, so that the sequence the snapshot is stamped with is
    // durable: were it lost, later writes could reach the same sequence
    // with other edges, and the snapshot would match them.
    const graph::AdjacencyIndex::Stamp stamp = IndexStamp();
    if (!stamp.identity.empty() && kv_->SyncWal().ok()) {
      index->Save(IndexSnapshotPath(), stamp).IgnoreError();
    }
  }
}

std::string StoreImpl::IndexSnapshotPath() const {
  return StrCat(path_, "/", kIndexSnapshotFile);
}

graph::AdjacencyIndex::Stamp StoreImpl::IndexStamp() const {
  return {kv_->Identity(), counters_.seq};
}

Status StoreImpl::OpenIndex() {
  // A store whose identity is unknown trusts no snapshot.
  if (const graph::AdjacencyIndex::Stamp stamp = IndexStamp();
      !stamp.identity.empty()) {
    auto loaded = graph::AdjacencyIndex::Load(IndexSnapshotPath(), stamp);
    if (loaded.ok()) {
      index_ = std::move(loaded).value();
      snapshot_current_.store(true);
      return absl::OkStatus();
    }
  }
  auto view = kv_->NewReadView();
  auto built = graph::AdjacencyIndex::Build(*view);
  // Events the index cannot hold (a damaged event key, an id past its
  // limit) do not keep the store from opening: it opens without the index,
  // lineage queries read the edge keys, and `check` names the bad key.
  index_ = built.ok() ? std::move(built).value() : nullptr;
  // A refused snapshot is stale for good; it is written again at close (by
  // a writer: a read-only store leaves the folder alone).
  if (!options_.read_only) {
    std::error_code ignored;
    std::filesystem::remove(IndexSnapshotPath(), ignored);
  }
  return absl::OkStatus();
}

void StoreImpl::RetireSnapshot() {
  if (snapshot_current_.exchange(false)) {
    std::error_code ignored;
    std::filesystem::remove(IndexSnapshotPath(), ignored);
  }
}

StatusOr<std::unique_ptr<StoreImpl>> StoreImpl::Open(const Options& options,
                                                     const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Kv> kv,
                   storage::Kv::Open(options, path));
  std::unique_ptr<StoreImpl> impl(new StoreImpl(options, path, std::move(kv)));
  RETURN_IF_ERROR(impl->LoadMeta(&impl->created_));
  impl->opened_seq_ = impl->counters_.seq;
  impl->edges_version_.store(impl->counters_.edges_seq);
  impl->write_seq_.store(impl->counters_.seq);
  RETURN_IF_ERROR(impl->LoadTypes());
  if (options.use_graph_index) RETURN_IF_ERROR(impl->OpenIndex());
  return impl;
}

Status StoreImpl::LoadMeta(bool* created) {
  auto view = kv_->NewReadView();
  const std::string version_key = codec::MetaKey(codec::MetaId::kFormatVersion);
  const std::string counters_key = codec::MetaKey(codec::MetaId::kCounters);
  std::string value;
  Status s = view->Get(version_key, &value);
  if (absl::IsNotFound(s)) RETURN_IF_ERROR(CheckNotForeign(*view, path_));
  // An empty database: new, or one whose creation stopped before the
  // format version was written; an open that may create a store finishes
  // it.
  if (absl::IsNotFound(s) &&
      (options_.read_only || !options_.create_if_missing)) {
    return absl::NotFoundError(StrCat("no store at ", path_,
                                      " (an empty database: its creation did ",
                                      "not finish)"));
  }
  if (absl::IsNotFound(s)) {
    // A new store: write the format version and the initial counters.
    storage::WriteBatch batch;
    batch.Put(version_key, codec::EncodeFormatVersion(codec::kFormatVersion));
    batch.Put(counters_key, codec::EncodeCounters(counters_));
    *created = true;
    return kv_->Write(&batch, /*sync=*/true);
  }
  RETURN_IF_ERROR(s);
  uint32_t version;
  RETURN_IF_ERROR(codec::DecodeFormatVersion(version_key, value, &version));
  if (version == 0) {
    return absl::DataLossError(
        "the store's format version is 0, which no lineagedb writes");
  }
  if (version > codec::kFormatVersion) {
    return absl::FailedPreconditionError(
        StrCat("the store has on-disk format version ", version,
               ", newer than version ", codec::kFormatVersion,
               " that this build of lineagedb reads"));
  }
  format_version_ = version;
  s = view->Get(counters_key, &value);
  if (absl::IsNotFound(s)) {
    return absl::DataLossError(
        StrCat("the store has a format version but no counters (key ",
               codec::Hex(counters_key), "): it is damaged"));
  }
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(codec::DecodeCounters(counters_key, value, &counters_));
  return options_.read_only ? absl::OkStatus() : CheckCountersAhead(*view);
}

Status StoreImpl::CheckCountersAhead(const storage::ReadView& view) const {
  // The highest id of a family: its last key, by the big-endian ids.
  auto highest = [&view](const std::string& prefix, int64_t* id) -> Status {
    *id = 0;
    std::unique_ptr<storage::Iterator> it =
        view.NewIterator(prefix, codec::PrefixEnd(prefix));
    it->SeekForPrev(codec::MaxIdKey(prefix));
    RETURN_IF_ERROR(it->status());
    if (it->Valid() && !codec::ParseTrailingId(it->key(), id)) {
      return absl::DataLossError(
          StrCat("the store holds a malformed key ", codec::Hex(it->key())));
    }
    return absl::OkStatus();
  };
  auto damaged = [](std::string_view what, int64_t id, int64_t next) {
    return absl::DataLossError(StrCat(
        "the store is damaged: ", what, " ", id, " is stored but its id ",
        "counter would give id ", next, " again (run `lineagedb check`)"));
  };
  int64_t id = 0;
  RETURN_IF_ERROR(highest(codec::TypePrefix(), &id));
  if (id >= counters_.next_type_id) {
    return damaged("type", id, counters_.next_type_id);
  }
  for (NodeKind kind :
       {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
    const int64_t next = counters_.next_node_id[static_cast<int>(kind) - 1];
    RETURN_IF_ERROR(highest(codec::NodePrefix(kind), &id));
    if (id >= next) return damaged(NodeKindName(kind), id, next);
  }
  return absl::OkStatus();
}

StatusOr<WriteLock> StoreImpl::LockForWrite() {
  if (options_.read_only) {
    return absl::FailedPreconditionError("the store was opened read-only");
  }
  if (bulk_owner_.load() == std::this_thread::get_id()) {
    return absl::FailedPreconditionError(
        "this thread owns an open BulkWriter; add through it or close it "
        "before other write calls");
  }
  return WriteLock(write_mu_);
}

void StoreImpl::SetBulkOwner(bool owner) {
  bulk_owner_.store(owner ? std::this_thread::get_id() : std::thread::id());
}

WriteContext StoreImpl::BeginWrite() {
  return WriteContext(kv_.get(), counters_, store::NowMs());
}

Status StoreImpl::Commit(WriteContext& wc) {
  return Commit(wc, options_.sync_writes);
}

Status StoreImpl::Commit(WriteContext& wc, bool sync) {
  RETURN_IF_ERROR(StageHeadOutputs(wc));
  // A call that changed nothing writes nothing, its sequence included (ids
  // it took and gave back still go to disk, so none is handed out twice).
  codec::Counters taken = wc.counters();
  taken.seq = counters_.seq;
  if (wc.pending() == 0 && taken == counters_) return absl::OkStatus();
  RetireSnapshot();
  results_->BeginPublish();
  Status s = wc.Commit(sync);
  if (s.ok()) Publish(wc.counters(), wc.staged_events());
  results_->EndPublish();
  return s;
}

Status StoreImpl::CommitDetached(WriteContext::DetachedBatch& batch,
                                 bool sync) {
  RetireSnapshot();
  results_->BeginPublish();
  Status s = kv_->Write(batch.batch.get(), sync);
  if (s.ok()) Publish(batch.counters, batch.events);
  results_->EndPublish();
  return s;
}

void StoreImpl::Publish(const codec::Counters& counters,
                        const std::vector<store::StagedEvent>& events) {
  counters_ = counters;
  write_seq_.store(counters.seq);
  if (events.empty()) return;
  if (auto index = graph_index()) {
    std::vector<graph::EdgeTriple> edges;
    edges.reserve(events.size());
    for (const auto& e : events) {
      edges.push_back({e.artifact_id, e.execution_id, e.type});
    }
    // The write is committed either way; an index that cannot take it is
    // dropped and lineage queries fall back to the edge keys.
    if (!index->Add(edges).ok()) {
      std::lock_guard lock(index_mu_);
      index_.reset();
    }
  }
  edges_version_.store(counters.seq);
}

std::shared_ptr<graph::AdjacencyIndex> StoreImpl::graph_index() {
  std::lock_guard lock(index_mu_);
  return index_;
}

StoreImpl::GraphHandle StoreImpl::AcquireGraph() {
  GraphHandle h;
  h.index = graph_index();
  if (h.index != nullptr) {
    h.lock = h.index->LockShared();
  } else {
    h.kv_graph = std::make_unique<graph::KvGraph>(kv_->NewReadView());
  }
  return h;
}

StatusOr<StoreImpl::GraphHandle> StoreImpl::AcquireGraphAndView() {
  GraphHandle h;
  h.index = graph_index();
  if (h.index != nullptr) {
    h.lock = h.index->LockShared();
    h.view = kv_->NewReadView();
    // Read after the view: the index has every event up to the commit that
    // published `published` and none the view lacks (Publish adds a
    // commit's events after the commit), so the view's last commit with
    // events being no later than `published` makes the two equal. Publish
    // drops an index that cannot take a commit before it publishes: the
    // index read again after `published` is still this one if it took it.
    const uint64_t published = edges_version_.load();
    const std::string counters_key = codec::MetaKey(codec::MetaId::kCounters);
    std::string value;
    Status s = h.view->Get(counters_key, &value);
    codec::Counters seen;
    if (s.ok()) {
      RETURN_IF_ERROR(codec::DecodeCounters(counters_key, value, &seen));
    } else if (!absl::IsNotFound(s)) {
      return s;
    }
    if (seen.edges_seq <= published && graph_index() == h.index) return h;
    std::shared_ptr<const storage::ReadView> view = std::move(h.view);
    h.Release();
    h.view = std::move(view);
  } else {
    h.view = kv_->NewReadView();
  }
  h.kv_graph = std::make_unique<graph::KvGraph>(h.view);
  return h;
}

// ---- Facade ----

Store::Store(std::unique_ptr<StoreImpl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

StatusOr<std::unique_ptr<Store>> Store::Open(const Options& options,
                                             const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<StoreImpl> impl,
                   StoreImpl::Open(options, path));
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Status Store::Destroy(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("empty store path");
  // Only what opens as a store (or an empty database: a creation cut short)
  // is deleted: not another program's database, nor a damaged one, which
  // may be someone else's too. A destroy that stopped midway is finished.
  if (!storage::Kv::DestroyStarted(path)) {
    if (const Status s = CheckIsStore(path); !s.ok()) {
      return absl::FailedPreconditionError(StrCat(
          "destroy ", path, ": nothing removed: ", std::string(s.message())));
    }
  }
  return storage::Kv::Destroy(
      path, {kIndexSnapshotFile, StrCat(kIndexSnapshotFile, ".tmp")});
}

StatusOr<int64_t> Store::PutType(const Type& type,
                                 const PutTypeOptions& options) {
  return impl_->PutType(type, options);
}
StatusOr<Type> Store::GetType(NodeKind kind, std::string_view name,
                              std::string_view version) {
  return impl_->GetType(kind, name, version);
}
StatusOr<std::vector<Type>> Store::GetTypesByIds(
    NodeKind kind, const std::vector<int64_t>& ids) {
  return impl_->GetTypesByIds(kind, ids);
}
StatusOr<std::vector<Type>> Store::GetTypesByExternalIds(
    NodeKind kind, const std::vector<std::string>& external_ids) {
  return impl_->GetTypesByExternalIds(kind, external_ids);
}
StatusOr<std::vector<Type>> Store::ListTypes(NodeKind kind) {
  return impl_->ListTypes(kind);
}

template <typename N>
StatusOr<std::vector<int64_t>> Store::Put(const std::vector<N>& nodes,
                                          const PutNodesOptions& options) {
  return impl_->PutNodes(store::ToRows(nodes), options);
}

template <typename N>
StatusOr<std::vector<N>> Store::GetByIds(const std::vector<int64_t>& ids) {
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows, impl_->GetNodes(N::kKind, ids));
  return store::FromRows<N>(std::move(rows));
}

template <typename N>
StatusOr<std::vector<N>> Store::GetByExternalIds(
    const std::vector<std::string>& external_ids) {
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                   impl_->GetNodesByExternalIds(N::kKind, external_ids));
  return store::FromRows<N>(std::move(rows));
}

template <typename N>
StatusOr<N> Store::GetByTypeAndName(std::string_view type_name,
                                    std::string_view node_name,
                                    std::string_view type_version) {
  ASSIGN_OR_RETURN(NodeRow row,
                   impl_->GetNodeByTypeAndName(N::kKind, type_name, node_name,
                                               type_version));
  return store::FromRow<N>(std::move(row));
}

template <typename N>
StatusOr<Page<N>> Store::List(const NodeQuery& query,
                              const ListOptions& options) {
  ASSIGN_OR_RETURN(Page<NodeRow> page,
                   impl_->ListNodes(N::kKind, query, options));
  return Page<N>{store::FromRows<N>(std::move(page.items)),
                 std::move(page.next_page_token)};
}

Status Store::PutEvents(const std::vector<Event>& events) {
  return impl_->PutEvents(events);
}
Status Store::PutAttributionsAndAssociations(
    const std::vector<Attribution>& attributions,
    const std::vector<Association>& associations) {
  return impl_->PutAttributionsAndAssociations(attributions, associations);
}
Status Store::PutParentContexts(const std::vector<ParentContext>& edges) {
  return impl_->PutParentContexts(edges);
}
StatusOr<std::vector<Event>> Store::GetEventsByArtifactIds(
    const std::vector<int64_t>& artifact_ids) {
  return impl_->GetEvents(codec::Tag::kEventByArtifact, artifact_ids);
}
StatusOr<std::vector<Event>> Store::GetEventsByExecutionIds(
    const std::vector<int64_t>& execution_ids) {
  return impl_->GetEvents(codec::Tag::kEventByExecution, execution_ids);
}

template <typename N>
StatusOr<std::vector<Context>> Store::GetContextsOf(int64_t node_id) {
  static_assert(N::kKind != NodeKind::kContext,
                "contexts have parent and child contexts instead");
  const codec::Tag tag = N::kKind == NodeKind::kArtifact
                             ? codec::Tag::kAttributionByArtifact
                             : codec::Tag::kAssociationByExecution;
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                   impl_->GetLinked(tag, node_id, NodeKind::kContext));
  return store::FromRows<Context>(std::move(rows));
}
template StatusOr<std::vector<Context>> Store::GetContextsOf<Artifact>(int64_t);
template StatusOr<std::vector<Context>> Store::GetContextsOf<Execution>(
    int64_t);

namespace {
std::map<int64_t, std::vector<Context>> ToContextMap(
    std::map<int64_t, std::vector<NodeRow>>&& rows) {
  std::map<int64_t, std::vector<Context>> out;
  for (auto& [id, list] : rows) {
    out[id] = store::FromRows<Context>(std::move(list));
  }
  return out;
}
}  // namespace

StatusOr<std::map<int64_t, std::vector<Context>>> Store::GetParentContexts(
    const std::vector<int64_t>& context_ids) {
  ASSIGN_OR_RETURN(auto rows, impl_->GetLinkedContexts(
                                  codec::Tag::kParentByChild, context_ids));
  return ToContextMap(std::move(rows));
}
StatusOr<std::map<int64_t, std::vector<Context>>> Store::GetChildContexts(
    const std::vector<int64_t>& context_ids) {
  ASSIGN_OR_RETURN(auto rows, impl_->GetLinkedContexts(
                                  codec::Tag::kChildByParent, context_ids));
  return ToContextMap(std::move(rows));
}

StatusOr<PutExecutionResult> Store::PutExecution(
    const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
    const std::vector<Context>& contexts, const PutExecutionOptions& options) {
  return impl_->PutExecution(execution, pairs, contexts, options);
}
StatusOr<LineageSubgraphWriteResult> Store::PutLineageSubgraph(
    const LineageSubgraphWrite& subgraph, const PutExecutionOptions& options) {
  return impl_->PutLineageSubgraph(subgraph, options);
}

#define LINEAGEDB_INSTANTIATE_NODE_METHODS(N)                   \
  template StatusOr<std::vector<int64_t>> Store::Put<N>(        \
      const std::vector<N>&, const PutNodesOptions&);           \
  template StatusOr<std::vector<N>> Store::GetByIds<N>(         \
      const std::vector<int64_t>&);                             \
  template StatusOr<std::vector<N>> Store::GetByExternalIds<N>( \
      const std::vector<std::string>&);                         \
  template StatusOr<N> Store::GetByTypeAndName<N>(              \
      std::string_view, std::string_view, std::string_view);    \
  template StatusOr<Page<N>> Store::List<N>(const NodeQuery&,   \
                                            const ListOptions&);
LINEAGEDB_INSTANTIATE_NODE_METHODS(Artifact)
LINEAGEDB_INSTANTIATE_NODE_METHODS(Execution)
LINEAGEDB_INSTANTIATE_NODE_METHODS(Context)
#undef LINEAGEDB_INSTANTIATE_NODE_METHODS

}  // namespace lineagedb
