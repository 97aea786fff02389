// The merged nodes of an ingestion session and their coalesced writes; see
// session.h.
#include "openlineage/session.h"

#include <xxhash.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "openlineage/mapping.h"
#include "util/input_error.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::openlineage {

namespace {

// True if the store has a node of kind N.
template <typename N>
StatusOr<bool> HasNodes(Store* store) {
  ListOptions one;
  one.max_result_size = 1;
  ASSIGN_OR_RETURN(Page<N> page, store->List<N>(NodeQuery(), one));
  return !page.items.empty();
}

}  // namespace

Session::Session(Store* store, const OpenLineageOptions& options, TypeIds types)
    : store_(store), options_(options), types_(types), contexts_(1) {}

Session::~Session() = default;

StatusOr<std::unique_ptr<Session>> Session::Start(
    Store* store, const OpenLineageOptions& options, TypeIds types) {
  std::unique_ptr<Session> session(new Session(store, options, types));
  ASSIGN_OR_RETURN(session->stored_contexts_, HasNodes<Context>(store));
  ASSIGN_OR_RETURN(session->stored_artifacts_, HasNodes<Artifact>(store));
  ASSIGN_OR_RETURN(session->stored_executions_, HasNodes<Execution>(store));
  return session;
}

// ---- Entries ----

namespace {

// The entry of `key` in `entries`, made the first time from the store's
// node of type `type` named `key` if read() and the store has one, else
// from fresh().
template <typename Map, typename Read, typename Fresh>
StatusOr<typename Map::mapped_type*> FindOrRead(Store* store, Read read,
                                                std::string_view type,
                                                const std::string& key,
                                                Map* entries, Fresh fresh) {
  if (auto it = entries->find(key); it != entries->end()) return &it->second;
  typename Map::mapped_type entry;
  using N = decltype(entry.node);
  StatusOr<N> stored = absl::NotFoundError("");
  if (read()) stored = store->GetByTypeAndName<N>(type, key);
  if (stored.ok()) {
    entry.node = *std::move(stored);
  } else if (absl::IsNotFound(stored.status())) {
    entry.node = fresh();
  } else {
    return stored.status();
  }
  auto it = entries->emplace(key, std::move(entry)).first;
  it->second.key = &it->first;
  return &it->second;
}

}  // namespace

namespace {

// Whether `node` is the job or dataset (`ns`, `name`, `version`), by the
// namespace, name and version properties it keeps. Names are not escaped,
// so two identities can share one (dataset "d@1" and version 1 of "d"; a
// dataset namespace holding ':', a job namespace holding '/'): the
// properties hold the exact parts. A stored node without them (one not
// made from OpenLineage events) is taken to be, and gets them (`*claimed`),
// so that a second identity of its name is refused.
bool HasIdentity(NodeBase& node, std::string_view ns, std::string_view name,
                 std::string_view version, bool* claimed) {
  const std::string* node_ns = TextProperty(node.properties, kPropNamespace);
  if (node_ns == nullptr) {
    node.properties[kPropNamespace] = std::string(ns);
    node.properties[kPropName] = std::string(name);
    if (!version.empty()) node.properties[kPropVersion] = std::string(version);
    *claimed = true;
    return true;
  }
  const std::string* node_name = TextProperty(node.properties, kPropName);
  const std::string* node_version = TextProperty(node.properties, kPropVersion);
  return *node_ns == ns && node_name != nullptr && *node_name == name &&
         (node_version == nullptr ? version.empty() : *node_version == version);
}

// The refusal of the `what` named `key` (its exact parts: `parts`), whose
// name node `node_id` of kind `node_kind` (0: not stored yet) has taken.
Status SharedName(std::string_view what, std::string_view key,
                  std::string_view parts, std::string_view node_kind,
                  int64_t node_id) {
  return absl::InvalidArgumentError(StrCat(
      what, " ", key, " (", parts, ") shares its name with another ", what,
      node_id != 0 ? StrCat(", ", node_kind, " ", node_id) : std::string()));
}

}  // namespace

StatusOr<Session::JobEntry*> Session::Job(const JobRef& job) {
  JobContextNameTo(job, &key_);
  const size_t known = jobs_.size();
  ASSIGN_OR_RETURN(JobEntry * entry,
                   FindOrRead(
                       store_, [&] { return stored_contexts_; }, kJobType, key_,
                       &jobs_, [&] { return NewJobContext(job, types_.job); }));
  bool claimed = false;
  if (HasIdentity(entry->node, job.ns, job.name, "", &claimed)) {
    entry->dirty = entry->dirty || claimed;
    if (jobs_.size() != known) Added('j', key_);
    return entry;
  }
  // The second identity is refused, not merged into the first.
  const Status s = SharedName(
      "job", key_, StrCat("namespace '", job.ns, "', name '", job.name, "'"),
      "context", entry->node.id);
  if (jobs_.size() != known) jobs_.erase(key_);
  return s;
}

StatusOr<Session::DatasetEntry*> Session::Dataset(const DatasetRef& ds) {
  DatasetNameTo(ds, &key_);
  const size_t known = datasets_.size();
  bool seen = false;
  ASSIGN_OR_RETURN(DatasetEntry * entry,
                   FindOrRead(
                       store_,
                       [&] {
                         return Forgotten(forgotten_datasets_, key_, &seen) ||
                                stored_artifacts_;
                       },
                       kDatasetType, key_, &datasets_,
                       [&] { return NewDatasetArtifact(ds, types_.dataset); }));
  const bool loaded = datasets_.size() != known;
  entry->used = generation_;
  bool claimed = false;
  if (!HasIdentity(entry->node, ds.ns, ds.name, ds.version, &claimed)) {
    // The second identity is refused, not merged into the first.
    const Status s =
        SharedName("dataset", key_,
                   StrCat("namespace '", ds.ns, "', name '", ds.name,
                          "', version '", ds.version, "'"),
                   "artifact", entry->node.id);
    if (loaded) datasets_.erase(key_);
    return s;
  }
  entry->dirty = entry->dirty || claimed;
  if (!loaded) return entry;
  entry->seen = seen && entry->node.id != 0;
  if (entry->node.id != 0) {
    entry->by_external_id = entry->node.external_id == DatasetExternalId(key_);
  } else if (stored_artifacts_) {
    // A new dataset's external_id may be an artifact of another type's:
    // refused here, where a strict check sees it, not by the write.
    StatusOr<std::vector<Artifact>> owner =
        store_->GetByExternalIds<Artifact>({entry->node.external_id});
    if (!owner.ok() || !owner->empty()) {
      const Status s =
          !owner.ok()
              ? owner.status()
              : absl::InvalidArgumentError(StrCat(
                    "dataset ", key_, ": its external_id '",
                    entry->node.external_id, "' is artifact ", (*owner)[0].id,
                    " of type '", (*owner)[0].type, "'"));
      datasets_.erase(key_);
      return s;
    }
  }
  Added('d', key_);
  return entry;
}

Session::DatasetEntry* Session::StoredDataset(Artifact artifact) {
  if (artifact.type_id != types_.dataset) return nullptr;
  if (auto it = datasets_.find(artifact.name); it != datasets_.end()) {
    it->second.used = generation_;
    return &it->second;
  }
  const std::string name = artifact.name;
  DatasetEntry entry;
  Forgotten(forgotten_datasets_, name, &entry.seen);
  entry.used = generation_;
  entry.by_external_id = artifact.external_id == DatasetExternalId(name);
  entry.node = std::move(artifact);
  auto it = datasets_.emplace(name, std::move(entry)).first;
  it->second.key = &it->first;
  Added('d', name);
  return &it->second;
}

StatusOr<Session::RunEntry*> Session::Run(const std::string& run_id) {
  if (auto it = runs_.find(run_id); it != runs_.end()) {
    it->second.used = generation_;
    return &it->second;
  }
  RunEntry run;
  run.used = generation_;
  std::vector<Execution> stored;
  if (Forgotten(forgotten_runs_, run_id, &run.seen) || stored_executions_) {
    // run_id is in lower case; a build before that rule stored a runId as
    // written, which in practice is all lower or all upper case.
    const std::string upper = absl::AsciiStrToUpper(run_id);
    ASSIGN_OR_RETURN(
        stored, store_->GetByExternalIds<Execution>(
                    upper == run_id ? std::vector<std::string>{run_id}
                                    : std::vector<std::string>{run_id, upper}));
    // Both, from a store that already split them: the lower case one.
    if (stored.size() > 1 && stored[0].external_id != run_id) {
      std::swap(stored[0], stored[1]);
    }
  }
  if (stored.empty()) {
    run.seen = false;
    run.exec.type_id = types_.run;
    run.exec.external_id = run_id;
    Added('r', run_id);
    return &runs_.emplace(run_id, std::move(run)).first->second;
  }
  run.exec = std::move(stored[0]);
  if (run.exec.type_id != types_.run) {
    return absl::InvalidArgumentError(
        StrCat("runId ", run_id, " is the external_id of execution ",
               run.exec.id, " of type '", run.exec.type, "'"));
  }
  ASSIGN_OR_RETURN(std::vector<lineagedb::Event> events,
                   store_->GetEventsByExecutionIds({run.exec.id}));
  std::vector<int64_t> ids;
  for (const lineagedb::Event& e : events) ids.push_back(e.artifact_id);
  ASSIGN_OR_RETURN(std::vector<Artifact> artifacts,
                   store_->GetByIds<Artifact>(ids));
  absl::flat_hash_map<int64_t, DatasetEntry*> by_id;
  for (Artifact& a : artifacts) {
    const int64_t id = a.id;
    by_id[id] = StoredDataset(std::move(a));
  }
  for (const lineagedb::Event& e : events) {
    if (DatasetEntry* d = by_id[e.artifact_id]) AddRunEvent(&run, d, e.type);
  }
  Added('r', run_id);
  return &runs_.emplace(run_id, std::move(run)).first->second;
}

Status Session::Datasets(const std::vector<DatasetRef>& list,
                         std::vector<DatasetEntry*>* entries) {
  entries->clear();
  for (const DatasetRef& ds : list) {
    ASSIGN_OR_RETURN(DatasetEntry * entry, Dataset(ds));
    entries->push_back(entry);
  }
  return absl::OkStatus();
}

// ---- Merging ----

void Session::SeeJob(JobEntry* job) {
  if (job->seen) return;
  job->seen = true;
  ++jobs_seen_;
}

void Session::SeeDataset(DatasetEntry* ds) {
  if (ds->seen) return;
  ds->seen = true;
  ++datasets_seen_;
}

void Session::MergeInputsAndOutputs(const Event& event, RunEntry* run) {
  // Outputs first: a dataset both read and written by one event takes the
  // output's dataset facets (the dataset as the run left it), since a facet
  // is replaced only by a later event.
  MergeDatasets(event, event.outputs, outputs_, EventType::kOutput);
  MergeDatasets(event, event.inputs, inputs_, EventType::kInput);
  if (run == nullptr) return;
  LinkDatasets(event, inputs_, EventType::kInput, run);
  LinkDatasets(event, outputs_, EventType::kOutput, run);
}

void Session::MergeDatasets(const Event& event,
                            const std::vector<DatasetRef>& list,
                            const std::vector<DatasetEntry*>& entries,
                            EventType type) {
  const std::string_view prefix =
      IsInputEvent(type) ? kInputFacetPrefix : kOutputFacetPrefix;
  for (size_t i = 0; i < list.size(); ++i) {
    DatasetEntry* d = entries[i];
    const bool changed = MergeDatasetEvent(event, list[i], prefix, &d->node);
    d->dirty = d->dirty || changed || d->node.id == 0;
    SeeDataset(d);
  }
}

void Session::LinkDatasets(const Event& event,
                           const std::vector<DatasetEntry*>& entries,
                           EventType type, RunEntry* run) {
  for (size_t i = 0; i < entries.size(); ++i) {
    DatasetEntry* d = entries[i];
    run->named.push_back(d);
    if (AddRunEvent(run, d, type)) {
      run->new_edges.push_back(
          NewEdge{d, type, static_cast<int64_t>(i), event.time.ms});
      ++edges_;
    }
  }
}

Status Session::FindEntries(const Event& event, EventEntries* found) {
  if (event.kind == EventKind::kDataset) {
    ASSIGN_OR_RETURN(found->dataset, Dataset(*event.dataset));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(found->job, Job(event.job));
  if (event.kind == EventKind::kRun) {
    ASSIGN_OR_RETURN(found->run, Run(event.run_id));
    if (event.parent_job.has_value()) {
      ASSIGN_OR_RETURN(found->parent, Job(*event.parent_job));
      // A job is not its own parent.
      if (found->parent == found->job) found->parent = nullptr;
    }
  }
  RETURN_IF_ERROR(Datasets(event.inputs, &inputs_));
  RETURN_IF_ERROR(Datasets(event.outputs, &outputs_));
  if (found->run != nullptr) RETURN_IF_ERROR(ClaimRun(event, found->run));
  return absl::OkStatus();
}

Status Session::ClaimRun(const Event& event, RunEntry* run) {
  PropertyMap& props = run->exec.properties;
  const std::string* ns = TextProperty(props, kPropJobNamespace);
  const std::string* name = TextProperty(props, kPropJobName);
  if (ns != nullptr && name != nullptr) {
    if (*ns == event.job.ns && *name == event.job.name) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        StrCat("run ", event.run_id, " is a run of job ", *ns, "/", *name,
               ", not of ", event.job.ns, "/", event.job.name,
               " (a runId names one run of one job)"));
  }
  // A run no event has merged into yet: the job is claimed now, so that a
  // strict check of a later event of the document sees it. (A run stored
  // without these properties is not held to one job.)
  if (run->exec.id == 0) {
    props[kPropJobNamespace] = event.job.ns;
    props[kPropJobName] = event.job.name;
  }
  return absl::OkStatus();
}

void Session::ApplyRun(const Event& event, const EventEntries& found) {
  JobEntry* job = found.job;
  RunEntry* run = found.run;
  run->job = job;  // The same job at every event (ClaimRun).
  const bool job_changed = MergeJobEvent(event, &job->node);
  job->dirty = job->dirty || job_changed || job->node.id == 0;
  SeeJob(job);
  const bool run_changed = MergeRunEvent(event, &run->exec);
  run->changed = run->changed || run_changed || run->exec.id == 0;
  if (!run->seen) {
    run->seen = true;
    ++runs_seen_;
  }
  MergeInputsAndOutputs(event, run);
  if (run->changed || !run->new_edges.empty()) {
    if (!run->queued) {
      run->queued = true;
      pending_runs_.push_back(run);
    }
  } else {
    // Nothing to carry the job and datasets: they wait, dirty, for another
    // run of this session or for Finish().
    run->named.clear();
  }
  if (JobEntry* parent = found.parent) {
    parent->dirty = parent->dirty || parent->node.id == 0;
    if (parents_named_.emplace(job, parent).second) {
      parents_.emplace_back(job, parent);
    }
  }
}

void Session::ApplyOther(const Event& event, const EventEntries& found) {
  if (event.kind == EventKind::kDataset) {
    DatasetEntry* d = found.dataset;
    const bool changed = MergeDatasetEvent(event, *event.dataset, "", &d->node);
    d->dirty = d->dirty || changed || d->node.id == 0;
    SeeDataset(d);
    return;
  }
  JobEntry* job = found.job;
  const bool changed = MergeJobEvent(event, &job->node);
  job->dirty = job->dirty || changed || job->node.id == 0;
  SeeJob(job);
  MergeInputsAndOutputs(event, nullptr);
}

void Session::Added(char kind, const std::string& key) {
  added_.emplace_back(kind, key);
}

bool Session::AddRunEvent(RunEntry* run, DatasetEntry* dataset,
                          EventType type) {
  if (!run->events.emplace(dataset, type).second) return false;
  ++dataset->run_events;
  return true;
}

void Session::EraseRun(
    absl::node_hash_map<std::string, RunEntry>::iterator it) {
  for (const auto& [dataset, type] : it->second.events) --dataset->run_events;
  runs_.erase(it);
}

namespace {

// The key of a forgotten run or dataset name in Session's forgotten maps.
uint64_t NameFingerprint(std::string_view name) {
  return XXH3_64bits(name.data(), name.size());
}

}  // namespace

bool Session::Forgotten(const absl::flat_hash_map<uint64_t, bool>& forgotten,
                        std::string_view key, bool* seen) {
  if (forgotten.empty()) return false;
  auto it = forgotten.find(NameFingerprint(key));
  if (it == forgotten.end()) return false;
  *seen = it->second;
  return true;
}

void Session::UndoSince(size_t mark) {
  while (added_.size() > mark) {
    const auto& [kind, key] = added_.back();
    if (kind == 'j') {
      jobs_.erase(key);
    } else if (kind == 'd') {
      datasets_.erase(key);  // The runs holding it were added after it.
    } else if (auto it = runs_.find(key); it != runs_.end()) {
      EraseRun(it);
    }
    added_.pop_back();
  }
}

void Session::Hold() {
  added_.clear();
  holding_ = true;
}

void Session::Release() {
  holding_ = false;
  added_.clear();
}

void Session::Undo() {
  UndoSince(0);
  Release();
}

Status Session::Check(const Event& event) {
  const size_t mark = added_.size();
  EventEntries found;
  const Status s = FindEntries(event, &found);
  if (!s.ok()) {
    UndoSince(mark);
  } else if (!holding_) {
    added_.clear();
  }
  return s;
}

Status Session::Apply(const Event& event) {
  // Every lookup, which may fail, before any change; a failed one leaves
  // no entry behind for a later event to collide with.
  const size_t mark = added_.size();
  EventEntries found;
  if (Status s = FindEntries(event, &found); !s.ok()) {
    UndoSince(mark);
    return s;
  }
  if (!holding_) added_.clear();
  if (event.kind == EventKind::kRun) {
    ApplyRun(event, found);
  } else {
    ApplyOther(event, found);
  }
  ++pending_events_;
  return absl::OkStatus();
}

// ---- Writes ----

namespace {

// A writer started by at least this many pending events takes
// OpenLineageOptions::write_buffer_bytes; smaller ones keep the store's
// memtable size, since raising it and restoring it rewrite RocksDB's
// options file (a few milliseconds an ingest of a few events would feel).
constexpr int64_t kLargeWrite = 4096;

}  // namespace

Status Session::EnsureWriter() {
  if (writer_ != nullptr) return absl::OkStatus();
  BulkWriterOptions options;
  options.batch_bytes = options_.batch_bytes;
  if (pending_events_ >= kLargeWrite) {
    options.write_buffer_bytes = options_.write_buffer_bytes;
  }
  options.put_options.reuse_context_if_already_exist = true;
  options.put_options.reuse_artifact_if_already_exist_by_external_id = true;
  ASSIGN_OR_RETURN(writer_, NewBulkWriter(store_, options));
  return absl::OkStatus();
}

Status Session::WriteRun(RunEntry* run) {
  RETURN_IF_ERROR(EnsureWriter());
  const uint64_t stamp = ++write_count_;
  pairs_.clear();
  pair_sources_.clear();
  // A changed dataset goes in full (moved out of its entry for the call)
  // with its first pair; otherwise it is reused by external id.
  for (const NewEdge& edge : run->new_edges) {
    DatasetEntry* d = edge.dataset;
    ArtifactAndEvent& pair = pairs_.emplace_back();
    pair.event = EdgeEvent(edge.type, edge.index, edge.time_ms);
    const bool full = d->dirty && d->given != stamp;
    if (full) {
      d->given = stamp;
      pair.artifact = std::move(d->node);
    } else if (d->node.id == 0 || d->by_external_id) {
      Artifact& reuse = pair.artifact.emplace();
      reuse.type_id = d->node.type_id;
      reuse.external_id = DatasetExternalId(*d->key);
    } else {
      pair.event->artifact_id = d->node.id;
    }
    pair_sources_.emplace_back(d, full);
  }
  for (DatasetEntry* d : run->named) {
    if (!d->dirty || d->given == stamp) continue;
    d->given = stamp;
    pairs_.push_back(ArtifactAndEvent{std::move(d->node), std::nullopt});
    pair_sources_.emplace_back(d, true);
  }
  JobEntry* job = run->job;
  const bool job_full = job->dirty;
  if (job_full) {
    contexts_[0] = std::move(job->node);
  } else {
    contexts_[0] = Context();
    contexts_[0].type_id = job->node.type_id;
    contexts_[0].name = *job->key;
  }
  // A node the session has never written (id 0) was looked up when it was
  // first named and is free; the writer need not look again (NewNodes).
  known_new_.execution = run->exec.id == 0;
  known_new_.artifacts.clear();
  for (size_t i = 0; i < pairs_.size(); ++i) {
    known_new_.artifacts.push_back(pair_sources_[i].second &&
                                   pairs_[i].artifact->id == 0);
  }
  StatusOr<PutExecutionResult> result =
      AddNewNodes(writer_.get(), run->exec, pairs_, contexts_, known_new_);
  for (size_t i = 0; i < pairs_.size(); ++i) {
    auto [d, full] = pair_sources_[i];
    if (full) d->node = *std::move(pairs_[i].artifact);
  }
  if (job_full) job->node = std::move(contexts_[0]);
  if (!result.ok()) {
    if (!IsInputError(result.status())) return result.status();
    // The session checked what the store checks; a refusal means the store
    // changed under it.
    return absl::FailedPreconditionError(
        StrCat("the store refused the writes of run ", run->exec.external_id,
               ": ", std::string(result.status().message())));
  }
  run->exec.id = result->execution_id;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    auto [d, full] = pair_sources_[i];
    if (result->artifact_ids[i] != 0) d->node.id = result->artifact_ids[i];
    if (full) d->dirty = false;
  }
  job->node.id = result->context_ids[0];
  job->dirty = false;
  run->changed = false;
  run->queued = false;
  run->new_edges.clear();
  run->named.clear();
  return absl::OkStatus();
}

Status Session::WritePending() {
  for (RunEntry* run : pending_runs_) {
    if (run->queued) RETURN_IF_ERROR(WriteRun(run));
  }
  pending_runs_.clear();
  pending_events_ = 0;
  return absl::OkStatus();
}

Status Session::ForgetWritten() {
  // A forgotten node is read back from the store: all of it must be there.
  if (writer_ != nullptr) RETURN_IF_ERROR(writer_->Flush());
  const uint64_t current = generation_++;
  for (auto it = runs_.begin(); it != runs_.end();) {
    const RunEntry& run = it->second;
    if (run.used == current || run.queued || run.changed) {
      ++it;
      continue;
    }
    // A run with no id is one only a strict check looked up: there is
    // nothing of it to read back.
    if (run.exec.id != 0) {
      forgotten_runs_[NameFingerprint(it->first)] = run.seen;
    }
    EraseRun(it++);
  }
  for (auto it = datasets_.begin(); it != datasets_.end();) {
    const DatasetEntry& d = it->second;
    if (d.used == current || d.dirty || d.run_events > 0) {
      ++it;
      continue;
    }
    if (d.node.id != 0) {
      forgotten_datasets_[NameFingerprint(it->first)] = d.seen;
    }
    datasets_.erase(it++);
  }
  return absl::OkStatus();
}

namespace {

// The changed nodes of `entries`, by name, and their entries.
template <typename N, typename Map>
std::vector<N> DirtyNodes(Map& entries,
                          std::vector<typename Map::mapped_type*>* dirty) {
  for (auto& [name, entry] : entries) {
    if (entry.dirty) dirty->push_back(&entry);
  }
  std::sort(dirty->begin(), dirty->end(),
            [](const auto* a, const auto* b) { return *a->key < *b->key; });
  std::vector<N> nodes;
  for (const auto* entry : *dirty) nodes.push_back(entry->node);
  return nodes;
}

// Puts the changed nodes of `entries` in one write.
template <typename N, typename Map>
Status PutDirty(Store* store, Map& entries) {
  std::vector<typename Map::mapped_type*> dirty;
  const std::vector<N> nodes = DirtyNodes<N>(entries, &dirty);
  if (nodes.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, store->Put(nodes));
  for (size_t i = 0; i < ids.size(); ++i) {
    dirty[i]->node.id = ids[i];
    dirty[i]->dirty = false;
  }
  return absl::OkStatus();
}

}  // namespace

Status Session::WriteDirtyNodes() {
  RETURN_IF_ERROR(PutDirty<Context>(store_, jobs_));
  return PutDirty<Artifact>(store_, datasets_);
}

Status Session::WriteParents() {
  if (parents_.empty()) return absl::OkStatus();
  std::vector<ParentContext> edges;
  for (const auto& [child, parent] : parents_) {
    if (child->node.id != 0 && parent->node.id != 0) {
      edges.push_back(ParentContext{child->node.id, parent->node.id});
    }
  }
  std::vector<int64_t> child_ids;
  for (const ParentContext& e : edges) child_ids.push_back(e.child_id);
  ASSIGN_OR_RETURN(auto existing, store_->GetParentContexts(child_ids));
  std::erase_if(edges, [&](const ParentContext& e) {
    auto it = existing.find(e.child_id);
    if (it == existing.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const Context& c) { return c.id == e.parent_id; });
  });
  if (!edges.empty()) {
    Status s = store_->PutParentContexts(edges);
    if (!s.ok() && !IsInputError(s)) return s;
    if (!s.ok()) {
      // One edge would close a cycle: write them one by one, in the order
      // events named them (as separate ingests would), and skip the ones
      // that are refused.
      for (const ParentContext& e : edges) {
        Status one = store_->PutParentContexts({e});
        if (!one.ok() && !IsInputError(one)) return one;
      }
    }
  }
  parents_.clear();
  parents_named_.clear();
  return absl::OkStatus();
}

Status Session::Finish() {
  RETURN_IF_ERROR(WritePending());
  if (writer_ != nullptr) {
    const Status s = writer_->Close();
    writer_.reset();
    RETURN_IF_ERROR(s);
  }
  RETURN_IF_ERROR(WriteDirtyNodes());
  return WriteParents();
}

}  // namespace lineagedb::openlineage
