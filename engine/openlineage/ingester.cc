// OpenLineageIngester: merges validated events into the nodes this session
// knows, and writes what changed through a BulkWriter; nodes without an
// execution to carry them, and parent contexts, are written by Finish()
// (schema/OPENLINEAGE.md, "Writes").
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "lineagedb/bulk_writer.h"
#include "lineagedb/openlineage.h"
#include "openlineage/document.h"
#include "openlineage/mapping.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using openlineage::DatasetRef;
using openlineage::JobRef;

struct TypeIds {
  int64_t run = 0;
  int64_t job = 0;
  int64_t dataset = 0;
};

// A node as this session wants it: id 0 until stored; `dirty` when it
// differs from what is stored or staged.
template <typename N>
struct Tracked {
  N node;
  bool dirty = false;
};

struct RunState {
  Execution exec;
  // (dataset artifact name, event type) of the run's stored or staged
  // events.
  std::set<std::pair<std::string, EventType>> events;
};

// A new event of an Add: which dataset, and where in the OpenLineage event.
struct NewEdge {
  std::string dataset;
  EventType type;
  int64_t index;
};

// Errors of one event (rejected); any other error is the store's and ends
// the session.
bool IsEventError(const Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsAlreadyExists(s) ||
         absl::IsNotFound(s) || absl::IsOutOfRange(s);
}

class Ingester final : public OpenLineageIngester {
 public:
  Ingester(Store* store, const OpenLineageOptions& options, TypeIds types)
      : store_(store), options_(options), types_(types) {}
  ~Ingester() override { Finish().IgnoreError(); }

  Status IngestDocument(std::string_view document,
                        std::string_view source) override;
  Status Finish() override;
  const OpenLineageSummary& summary() const override { return summary_; }

 private:
  Status Apply(const openlineage::Event& event);
  Status ApplyRun(const openlineage::Event& event);
  Status ApplyJob(const openlineage::Event& event);
  Status ApplyDataset(const openlineage::Event& event);

  // The session's entry for a job / dataset / run, read from the store the
  // first time (a fresh node with id 0 if the store has none).
  StatusOr<Tracked<Context>*> Job(const JobRef& job);
  StatusOr<Tracked<Artifact>*> Dataset(const DatasetRef& ds);
  StatusOr<RunState*> Run(const std::string& run_id);

  // Merges the datasets of `list` into `touched` (copies of the session's
  // entries, by name), collecting the events the run does not have yet.
  Status MergeDatasets(const openlineage::Event& event,
                       const std::vector<DatasetRef>& list, EventType type,
                       RunState* run,
                       std::map<std::string, Tracked<Artifact>>* touched,
                       std::vector<NewEdge>* edges);

  Status EnsureWriter();
  Status WriteDirtyNodes();
  Status WriteParents();
  void Reject(std::string_view source, int64_t index, std::string reason);

  Store* store_;
  const OpenLineageOptions options_;
  const TypeIds types_;
  std::unique_ptr<BulkWriter> writer_;
  Status error_;  // A store error ends the session.
  std::map<std::string, Tracked<Context>> jobs_;       // By context name.
  std::map<std::string, Tracked<Artifact>> datasets_;  // By artifact name.
  std::map<std::string, RunState> runs_;               // By runId.
  // (child, parent) job context names not yet written.
  std::set<std::pair<std::string, std::string>> parents_;
  std::set<std::string> seen_runs_;
  std::set<std::string> seen_jobs_;
  std::set<std::string> seen_datasets_;
  OpenLineageSummary summary_;
};

template <typename N>
void MarkDirtyIfChanged(const N& before, Tracked<N>* t) {
  t->dirty = t->dirty || t->node.id == 0 || !(t->node == before);
}

void MergeJob(const openlineage::Event& event, Tracked<Context>* job) {
  const Context before = job->node;
  openlineage::MergeJobEvent(event, &job->node);
  MarkDirtyIfChanged(before, job);
}

void MergeDataset(const openlineage::Event& event, const DatasetRef& ds,
                  std::string_view io_prefix, Tracked<Artifact>* t) {
  const Artifact before = t->node;
  openlineage::MergeDatasetEvent(event, ds, io_prefix, &t->node);
  MarkDirtyIfChanged(before, t);
}

StatusOr<Tracked<Context>*> Ingester::Job(const JobRef& job) {
  const std::string name = openlineage::JobContextName(job);
  if (auto it = jobs_.find(name); it != jobs_.end()) return &it->second;
  Tracked<Context> t;
  StatusOr<Context> stored =
      store_->GetByTypeAndName<Context>(openlineage::kJobType, name);
  if (stored.ok()) {
    t.node = *std::move(stored);
  } else if (absl::IsNotFound(stored.status())) {
    t.node = openlineage::NewJobContext(job, types_.job);
  } else {
    return stored.status();
  }
  return &jobs_.emplace(name, std::move(t)).first->second;
}

StatusOr<Tracked<Artifact>*> Ingester::Dataset(const DatasetRef& ds) {
  const std::string name = openlineage::DatasetName(ds);
  if (auto it = datasets_.find(name); it != datasets_.end()) {
    return &it->second;
  }
  Tracked<Artifact> t;
  StatusOr<Artifact> stored =
      store_->GetByTypeAndName<Artifact>(openlineage::kDatasetType, name);
  if (stored.ok()) {
    t.node = *std::move(stored);
  } else if (absl::IsNotFound(stored.status())) {
    t.node = openlineage::NewDatasetArtifact(ds, types_.dataset);
  } else {
    return stored.status();
  }
  return &datasets_.emplace(name, std::move(t)).first->second;
}

StatusOr<RunState*> Ingester::Run(const std::string& run_id) {
  if (auto it = runs_.find(run_id); it != runs_.end()) return &it->second;
  RunState run;
  ASSIGN_OR_RETURN(std::vector<Execution> stored,
                   store_->GetByExternalIds<Execution>({run_id}));
  if (stored.empty()) {
    run.exec.type_id = types_.run;
    run.exec.external_id = run_id;
  } else {
    run.exec = std::move(stored[0]);
    if (run.exec.type_id != types_.run) {
      return absl::InvalidArgumentError(
          StrCat("runId ", run_id, " is the external_id of execution ",
                 run.exec.id, " of type '", run.exec.type, "'"));
    }
    ASSIGN_OR_RETURN(std::vector<Event> events,
                     store_->GetEventsByExecutionIds({run.exec.id}));
    std::vector<int64_t> ids;
    for (const Event& e : events) ids.push_back(e.artifact_id);
    ASSIGN_OR_RETURN(std::vector<Artifact> artifacts,
                     store_->GetByIds<Artifact>(ids));
    std::map<int64_t, std::string> names;
    for (const Artifact& a : artifacts) names[a.id] = a.name;
    for (const Event& e : events)
      run.events.emplace(names[e.artifact_id], e.type);
  }
  return &runs_.emplace(run_id, std::move(run)).first->second;
}

Status Ingester::MergeDatasets(
    const openlineage::Event& event, const std::vector<DatasetRef>& list,
    EventType type, RunState* run,
    std::map<std::string, Tracked<Artifact>>* touched,
    std::vector<NewEdge>* edges) {
  const std::string_view prefix = IsInputEvent(type)
                                      ? openlineage::kInputFacetPrefix
                                      : openlineage::kOutputFacetPrefix;
  for (size_t i = 0; i < list.size(); ++i) {
    ASSIGN_OR_RETURN(Tracked<Artifact> * entry, Dataset(list[i]));
    auto it = touched->try_emplace(entry->node.name, *entry).first;
    MergeDataset(event, list[i], prefix, &it->second);
    if (run != nullptr && run->events.emplace(it->first, type).second) {
      edges->push_back(NewEdge{it->first, type, static_cast<int64_t>(i)});
    }
  }
  return absl::OkStatus();
}

Status Ingester::ApplyRun(const openlineage::Event& event) {
  ASSIGN_OR_RETURN(Tracked<Context> * job_entry, Job(event.job));
  ASSIGN_OR_RETURN(RunState * run_entry, Run(event.run_id));
  // Work on copies; the session's entries change only once written.
  Tracked<Context> job = *job_entry;
  RunState run = *run_entry;
  MergeJob(event, &job);

  const Execution before = run.exec;
  openlineage::MergeRunEvent(event, &run.exec);
  const bool exec_changed = run.exec.id == 0 || !(run.exec == before);

  std::map<std::string, Tracked<Artifact>> touched;
  std::vector<NewEdge> edges;
  RETURN_IF_ERROR(MergeDatasets(event, event.inputs, EventType::kInput, &run,
                                &touched, &edges));
  RETURN_IF_ERROR(MergeDatasets(event, event.outputs, EventType::kOutput, &run,
                                &touched, &edges));

  Tracked<Context>* parent = nullptr;
  std::string parent_name;
  if (event.parent_job.has_value()) {
    parent_name = openlineage::JobContextName(*event.parent_job);
    if (parent_name != job.node.name) {
      ASSIGN_OR_RETURN(parent, Job(*event.parent_job));
    }
  }

  // Without a change of the execution or a new edge there is nothing to
  // carry the job and datasets: they wait, dirty, for Finish().
  if (exec_changed || !edges.empty()) {
    std::vector<ArtifactAndEvent> pairs;
    std::vector<std::string> pair_names;
    std::set<std::string> given;  // Datasets given in full in this Add.
    for (const NewEdge& edge : edges) {
      const Tracked<Artifact>& t = touched.at(edge.dataset);
      Event e = openlineage::EdgeEvent(edge.type, edge.index, event.time_ms);
      ArtifactAndEvent pair;
      const std::string external_id =
          openlineage::DatasetExternalId(t.node.name);
      if (t.dirty && given.insert(edge.dataset).second) {
        pair.artifact = t.node;
      } else if (t.node.id == 0 || t.node.external_id == external_id) {
        // Reused by external id: neither rewritten nor inserted again.
        Artifact reuse;
        reuse.type_id = t.node.type_id;
        reuse.external_id = external_id;
        pair.artifact = std::move(reuse);
      } else {
        e.artifact_id = t.node.id;
      }
      pair.event = std::move(e);
      pairs.push_back(std::move(pair));
      pair_names.push_back(edge.dataset);
    }
    for (const auto& [name, t] : touched) {
      if (!t.dirty || given.contains(name)) continue;
      given.insert(name);
      pairs.push_back(ArtifactAndEvent{t.node, std::nullopt});
      pair_names.push_back(name);
    }
    Context context = job.node;
    if (!job.dirty) {
      context = Context();
      context.type_id = job.node.type_id;
      context.name = job.node.name;
    }
    RETURN_IF_ERROR(EnsureWriter());
    ASSIGN_OR_RETURN(PutExecutionResult result,
                     writer_->Add(run.exec, pairs, {context}));
    run.exec.id = result.execution_id;
    for (size_t i = 0; i < pairs.size(); ++i) {
      Tracked<Artifact>& t = touched.at(pair_names[i]);
      if (result.artifact_ids[i] != 0) t.node.id = result.artifact_ids[i];
      if (given.contains(pair_names[i])) t.dirty = false;
    }
    job.node.id = result.context_ids[0];
    job.dirty = false;
    summary_.edges += static_cast<int64_t>(edges.size());
  }
  *job_entry = std::move(job);
  *run_entry = std::move(run);
  for (auto& [name, t] : touched) datasets_[name] = std::move(t);
  if (parent != nullptr) {
    parent->dirty = parent->dirty || parent->node.id == 0;
    parents_.emplace(job_entry->node.name, parent_name);
  }
  return absl::OkStatus();
}

Status Ingester::ApplyJob(const openlineage::Event& event) {
  ASSIGN_OR_RETURN(Tracked<Context> * job_entry, Job(event.job));
  Tracked<Context> job = *job_entry;
  MergeJob(event, &job);
  std::map<std::string, Tracked<Artifact>> touched;
  std::vector<NewEdge> unused;
  RETURN_IF_ERROR(MergeDatasets(event, event.inputs, EventType::kInput, nullptr,
                                &touched, &unused));
  RETURN_IF_ERROR(MergeDatasets(event, event.outputs, EventType::kOutput,
                                nullptr, &touched, &unused));
  *job_entry = std::move(job);
  for (auto& [name, t] : touched) datasets_[name] = std::move(t);
  return absl::OkStatus();
}

Status Ingester::ApplyDataset(const openlineage::Event& event) {
  ASSIGN_OR_RETURN(Tracked<Artifact> * entry, Dataset(*event.dataset));
  MergeDataset(event, *event.dataset, "", entry);
  return absl::OkStatus();
}

Status Ingester::Apply(const openlineage::Event& event) {
  switch (event.kind) {
    case openlineage::EventKind::kRun:
      RETURN_IF_ERROR(ApplyRun(event));
      break;
    case openlineage::EventKind::kJob:
      RETURN_IF_ERROR(ApplyJob(event));
      break;
    case openlineage::EventKind::kDataset:
      RETURN_IF_ERROR(ApplyDataset(event));
      break;
  }
  ++summary_.events;
  if (event.kind == openlineage::EventKind::kRun) {
    seen_runs_.insert(event.run_id);
  }
  if (event.kind != openlineage::EventKind::kDataset) {
    seen_jobs_.insert(openlineage::JobContextName(event.job));
  }
  for (const auto* list : {&event.inputs, &event.outputs}) {
    for (const DatasetRef& ds : *list) {
      seen_datasets_.insert(openlineage::DatasetName(ds));
    }
  }
  if (event.dataset.has_value()) {
    seen_datasets_.insert(openlineage::DatasetName(*event.dataset));
  }
  summary_.runs = static_cast<int64_t>(seen_runs_.size());
  summary_.jobs = static_cast<int64_t>(seen_jobs_.size());
  summary_.datasets = static_cast<int64_t>(seen_datasets_.size());
  return absl::OkStatus();
}

void Ingester::Reject(std::string_view source, int64_t index,
                      std::string reason) {
  ++summary_.rejected;
  summary_.rejections.push_back(
      RejectedEvent{std::string(source), index, std::move(reason)});
}

Status Ingester::IngestDocument(std::string_view document,
                                std::string_view source) {
  RETURN_IF_ERROR(error_);
  std::vector<openlineage::IndexedEvent> events;
  std::vector<RejectedEvent> rejected;
  openlineage::ParseDocument(document, source, &events, &rejected);
  if (options_.strict && !rejected.empty()) {
    // Nothing of the document is applied.
    const RejectedEvent& first = rejected.front();
    Reject(first.source, first.index, first.reason);
    return absl::InvalidArgumentError(
        StrCat(first.source, ":", first.index, ": ", first.reason));
  }
  for (RejectedEvent& r : rejected) {
    Reject(r.source, r.index, std::move(r.reason));
  }
  for (const openlineage::IndexedEvent& ie : events) {
    Status s = Apply(ie.event);
    if (s.ok()) continue;
    if (!IsEventError(s)) {
      error_ = s;
      return s;
    }
    Reject(source, ie.index, std::string(s.message()));
    if (options_.strict) {
      return absl::InvalidArgumentError(
          StrCat(source, ":", ie.index, ": ", std::string(s.message())));
    }
  }
  return absl::OkStatus();
}

Status Ingester::EnsureWriter() {
  if (writer_ != nullptr) return absl::OkStatus();
  BulkWriterOptions options;
  options.batch_bytes = options_.batch_bytes;
  options.put_options.reuse_context_if_already_exist = true;
  options.put_options.reuse_artifact_if_already_exist_by_external_id = true;
  ASSIGN_OR_RETURN(writer_, NewBulkWriter(store_, options));
  return absl::OkStatus();
}

Status Ingester::WriteDirtyNodes() {
  std::vector<Context> contexts;
  std::vector<Tracked<Context>*> context_entries;
  for (auto& [name, t] : jobs_) {
    if (!t.dirty) continue;
    contexts.push_back(t.node);
    context_entries.push_back(&t);
  }
  if (!contexts.empty()) {
    ASSIGN_OR_RETURN(std::vector<int64_t> ids, store_->Put(contexts));
    for (size_t i = 0; i < ids.size(); ++i) {
      context_entries[i]->node.id = ids[i];
      context_entries[i]->dirty = false;
    }
  }
  std::vector<Artifact> artifacts;
  std::vector<Tracked<Artifact>*> artifact_entries;
  for (auto& [name, t] : datasets_) {
    if (!t.dirty) continue;
    artifacts.push_back(t.node);
    artifact_entries.push_back(&t);
  }
  if (!artifacts.empty()) {
    ASSIGN_OR_RETURN(std::vector<int64_t> ids, store_->Put(artifacts));
    for (size_t i = 0; i < ids.size(); ++i) {
      artifact_entries[i]->node.id = ids[i];
      artifact_entries[i]->dirty = false;
    }
  }
  return absl::OkStatus();
}

Status Ingester::WriteParents() {
  if (parents_.empty()) return absl::OkStatus();
  std::vector<ParentContext> edges;
  for (const auto& [child, parent] : parents_) {
    const int64_t child_id = jobs_.at(child).node.id;
    const int64_t parent_id = jobs_.at(parent).node.id;
    if (child_id != 0 && parent_id != 0) {
      edges.push_back(ParentContext{child_id, parent_id});
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
  std::sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
    return std::pair(a.child_id, a.parent_id) <
           std::pair(b.child_id, b.parent_id);
  });
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  if (!edges.empty()) {
    Status s = store_->PutParentContexts(edges);
    if (!s.ok() && !IsEventError(s)) return s;
    if (!s.ok()) {
      // One edge would close a cycle: write the others one by one and skip
      // the ones that are refused.
      for (const ParentContext& e : edges) {
        Status one = store_->PutParentContexts({e});
        if (!one.ok() && !IsEventError(one)) return one;
      }
    }
  }
  parents_.clear();
  return absl::OkStatus();
}

Status Ingester::Finish() {
  RETURN_IF_ERROR(error_);
  Status s;
  if (writer_ != nullptr) {
    s = writer_->Close();
    writer_.reset();
  }
  if (s.ok()) s = WriteDirtyNodes();
  if (s.ok()) s = WriteParents();
  if (!s.ok()) error_ = s;
  return s;
}

}  // namespace

StatusOr<std::unique_ptr<OpenLineageIngester>> NewOpenLineageIngester(
    Store* store, const OpenLineageOptions& options) {
  PutTypeOptions evolve;
  evolve.can_add_fields = true;
  evolve.can_omit_fields = true;
  TypeIds types;
  ASSIGN_OR_RETURN(types.run,
                   store->PutType(openlineage::RunExecutionType(), evolve));
  ASSIGN_OR_RETURN(types.job,
                   store->PutType(openlineage::JobContextType(), evolve));
  ASSIGN_OR_RETURN(types.dataset,
                   store->PutType(openlineage::DatasetArtifactType(), evolve));
  return std::unique_ptr<OpenLineageIngester>(
      new Ingester(store, options, types));
}

}  // namespace lineagedb
