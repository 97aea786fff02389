// The merged nodes of an ingestion session: lookups, merging and undo; the
// writes are in session_write.cc. See session.h.
#include "openlineage/session.h"

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

}  // namespace lineagedb::openlineage
