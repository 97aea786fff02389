// The state of one OpenLineage ingestion session (schema/OPENLINEAGE.md,
// "Merging" and "Writes"): every job, dataset and run the session has seen,
// with the events merged into them in memory, and the writes that store
// what changed.
//
// Writes are deferred and coalesced. Apply() only merges; WritePending()
// gives every run changed since its last call to the BulkWriter as one Add:
// the execution, its new events, the datasets its pending events changed
// and its job context, each node written once however many events changed
// it since. Finish() also writes what no run carried (JobEvent and
// DatasetEvent changes, parent job contexts) and the parent context edges.
//
// Reads: the session reads the store only for a job, dataset or runId it
// has not seen, and not at all for a kind of node the store had none of
// when the session started (the session is the store's only writer, so such
// a node can only be one of its own) unless it is one the session wrote and
// then forgot (ForgetWritten()).
//
// Memory: ForgetWritten() drops the runs and datasets no event named since
// its last call, once they are written, keeping a 64-bit fingerprint of each
// name; a later event naming one reads it back. Jobs are kept.
//
// Not thread-safe.
#ifndef LINEAGEDB_OPENLINEAGE_SESSION_H_
#define LINEAGEDB_OPENLINEAGE_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/openlineage.h"
#include "openlineage/event.h"
#include "store/known_new.h"

namespace lineagedb::openlineage {

struct TypeIds {
  int64_t run = 0;
  int64_t job = 0;
  int64_t dataset = 0;
};

class Session {
 public:
  // `store` must outlive the session. Errors: storage errors.
  static StatusOr<std::unique_ptr<Session>> Start(
      Store* store, const OpenLineageOptions& options, TypeIds types);
  ~Session();

  // Merges a validated event into the session's nodes; nothing is written.
  // Errors: INVALID_ARGUMENT (the runId is the external_id of an execution
  // of another type or a run of another job, a new dataset's external_id
  // an artifact's of another type, or a job or dataset has the name of
  // another job or dataset; nothing is merged), storage errors.
  Status Apply(const Event& event);
  // The lookups Apply(event) makes, without merging anything: returns the
  // event errors Apply would return (so a strict ingester can refuse a
  // whole document before merging any of it). Errors: as Apply.
  Status Check(const Event& event);
  // Between Hold() and Release() the entries that Check() and Apply() add
  // are kept on a list; Undo() erases them (and ends the hold), so that a
  // strict document refused after some of its events were checked leaves
  // the session as it was. A single Check() or Apply() that fails always
  // erases the entries its own lookups added.
  void Hold();
  void Release();
  void Undo();
  // Events merged since the last WritePending().
  int64_t pending_events() const { return pending_events_; }
  // Whether its BulkWriter is open (from the first WritePending() to
  // Finish()): the store has no other writer meanwhile.
  bool writing() const { return writer_ != nullptr; }
  // Adds every changed run to the bulk writer (which commits batches as
  // they fill). Errors: storage errors, and a write the store refuses.
  Status WritePending();
  // Commits what is written, then drops the entries of the runs and
  // datasets that are stored as the session has them and that no event
  // named since the last call (a strict check's lookups included).
  // Call it after WritePending(). Errors: storage errors (those of the
  // commit).
  Status ForgetWritten();
  // WritePending(), closes the writer, and writes the jobs and datasets
  // still changed and the parent context edges not yet stored.
  Status Finish();

  // Distinct runs, jobs and datasets named by merged events; new
  // input/output events.
  int64_t runs() const { return runs_seen_; }
  int64_t jobs() const { return jobs_seen_; }
  int64_t datasets() const { return datasets_seen_; }
  int64_t edges() const { return edges_; }
  // Runs and datasets the session holds in memory.
  size_t entries() const { return runs_.size() + datasets_.size(); }

 private:
  // A node as this session wants it: id 0 until stored; `dirty` when it
  // differs from what is stored or staged.
  template <typename N>
  struct Entry {
    N node;
    const std::string* key = nullptr;  // Its name: the map's key.
    bool dirty = false;
    bool seen = false;   // Named by a merged event.
    uint64_t given = 0;  // The WriteRun that last gave the node in full.
    uint64_t used = 0;   // The generation_ of its last lookup.
  };
  using JobEntry = Entry<Context>;
  struct DatasetEntry : Entry<Artifact> {
    // external_id is the mapping's, so a write can reuse the node by it.
    bool by_external_id = true;
    int64_t run_events = 0;  // Pairs of RunEntry::events naming it.
  };
  // A new event of a run, not yet written.
  struct NewEdge {
    DatasetEntry* dataset;
    EventType type;
    int64_t index;  // In the OpenLineage event's inputs or outputs.
    int64_t time_ms;
  };
  struct RunEntry {
    Execution exec;
    bool seen = false;
    bool changed = false;     // exec differs from what is stored or staged.
    bool queued = false;      // In pending_runs_.
    uint64_t used = 0;        // As Entry::used.
    JobEntry* job = nullptr;  // The job of its pending events.
    // (dataset, type) of its stored, staged and new events.
    absl::flat_hash_set<std::pair<DatasetEntry*, EventType>> events;
    std::vector<NewEdge> new_edges;
    std::vector<DatasetEntry*> named;  // By its pending events.
  };

  Session(Store* store, const OpenLineageOptions& options, TypeIds types);

  // The session's entry for a job / dataset / run, read from the store the
  // first time (a fresh node with id 0 if the store has none).
  StatusOr<JobEntry*> Job(const JobRef& job);
  StatusOr<DatasetEntry*> Dataset(const DatasetRef& ds);
  StatusOr<RunEntry*> Run(const std::string& run_id);
  // The entry of a stored artifact named by a stored event of a run.
  DatasetEntry* StoredDataset(Artifact artifact);
  // Entries of `list`, in order, into `*entries`.
  Status Datasets(const std::vector<DatasetRef>& list,
                  std::vector<DatasetEntry*>* entries);

  // The entries an event names: a DatasetEvent its dataset; a RunEvent its
  // job, run and parent job (null if none, or its own job); a JobEvent its
  // job. The entries of its inputs and outputs are in inputs_ and outputs_.
  struct EventEntries {
    JobEntry* job = nullptr;
    RunEntry* run = nullptr;
    JobEntry* parent = nullptr;
    DatasetEntry* dataset = nullptr;
  };
  // Every lookup `event` needs (each may read the store): it adds entries
  // for the job, run and datasets it has not seen, empty, but merges none of
  // the event into them (a new run is marked as its job's: ClaimRun). Check
  // is this, and Apply does it before it merges anything.
  // Errors: as Apply.
  Status FindEntries(const Event& event, EventEntries* found);
  // OK if `run` is a run of the event's job, or of none yet (then of it).
  // Errors: INVALID_ARGUMENT (a run of another job).
  Status ClaimRun(const Event& event, RunEntry* run);
  // Merge `event` into the entries FindEntries found for it.
  void ApplyRun(const Event& event, const EventEntries& found);
  void ApplyOther(const Event& event, const EventEntries& found);
  // Merges the facets of the inputs and outputs of `event` (entries
  // inputs_ and outputs_) into their datasets; with `run`, adds its edges.
  void MergeInputsAndOutputs(const Event& event, RunEntry* run);
  void MergeDatasets(const Event& event, const std::vector<DatasetRef>& list,
                     const std::vector<DatasetEntry*>& entries, EventType type);
  void LinkDatasets(const Event& event,
                    const std::vector<DatasetEntry*>& entries, EventType type,
                    RunEntry* run);
  void SeeJob(JobEntry* job);
  void SeeDataset(DatasetEntry* ds);

  // Notes an entry a lookup added (see Hold()); kind 'j', 'd' or 'r'.
  void Added(char kind, const std::string& key);
  // Adds (dataset, type) to the events of `run`; false if they hold it.
  static bool AddRunEvent(RunEntry* run, DatasetEntry* dataset, EventType type);
  // Erases the run entry at `it`, and its events' hold on their datasets.
  void EraseRun(absl::node_hash_map<std::string, RunEntry>::iterator it);
  // Whether ForgetWritten() dropped the run or dataset named `key` of
  // `forgotten` (a map below), with *seen its `seen` flag then.
  static bool Forgotten(const absl::flat_hash_map<uint64_t, bool>& forgotten,
                        std::string_view key, bool* seen);
  // Erases the entries added since added_[mark].
  void UndoSince(size_t mark);

  Status EnsureWriter();
  // One Add of the run's changes.
  Status WriteRun(RunEntry* run);
  Status WriteDirtyNodes();
  Status WriteParents();

  Store* store_;
  const OpenLineageOptions options_;
  const TypeIds types_;
  // False when the store had no node of the kind at the start.
  bool stored_contexts_ = true;
  bool stored_artifacts_ = true;
  bool stored_executions_ = true;
  std::unique_ptr<BulkWriter> writer_;
  absl::node_hash_map<std::string, JobEntry> jobs_;          // By name.
  absl::node_hash_map<std::string, DatasetEntry> datasets_;  // By name.
  absl::node_hash_map<std::string, RunEntry> runs_;          // By runId.
  std::vector<RunEntry*> pending_runs_;
  // 1 + the number of ForgetWritten() calls; a lookup stamps an entry's
  // `used` with it.
  uint64_t generation_ = 1;
  // By the fingerprint of their name: the runs and datasets ForgetWritten()
  // dropped after they were stored, and whether each was seen.
  absl::flat_hash_map<uint64_t, bool> forgotten_runs_;
  absl::flat_hash_map<uint64_t, bool> forgotten_datasets_;
  // Entries added by lookups whose event is not merged yet (see Hold()).
  std::vector<std::pair<char, std::string>> added_;
  bool holding_ = false;
  int64_t pending_events_ = 0;
  uint64_t write_count_ = 0;
  // (child, parent) job contexts whose edge is not yet written, in the
  // order events named them (of edges closing a cycle, the later is
  // skipped), each once.
  std::vector<std::pair<JobEntry*, JobEntry*>> parents_;
  absl::flat_hash_set<std::pair<JobEntry*, JobEntry*>> parents_named_;
  int64_t runs_seen_ = 0;
  int64_t jobs_seen_ = 0;
  int64_t datasets_seen_ = 0;
  int64_t edges_ = 0;
  // Scratch space reused from event to event.
  std::string key_;
  std::vector<DatasetEntry*> inputs_, outputs_;
  std::vector<ArtifactAndEvent> pairs_;
  // Per pair of pairs_: its dataset, and whether the pair holds its node.
  std::vector<std::pair<DatasetEntry*, bool>> pair_sources_;
  NewNodes known_new_;
  std::vector<Context> contexts_;
};

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_SESSION_H_
