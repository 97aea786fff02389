// Step-level output caching and stale-step detection, the two pipeline
// features of DOMAIN.md section 2.
//
// Caching: before running a step, compute its fingerprint from its type,
// inputs, named parameters and code version; FindCachedExecution() returns
// the newest COMPLETE execution with that fingerprint whose outputs are all
// still usable, in one index probe plus the reads of its outputs; the step
// is then recorded as CACHED by RecordCacheHit(). Executions get a
// fingerprint by setting Execution::fingerprint when they are written; the
// index is maintained in the same atomic write.
//
// Stale steps: when a new artifact arrives (a new data span), GetStaleSteps()
// lists the steps of a pipeline whose latest execution read an older
// artifact of the same slot (the same producing step and output key, made
// by an earlier execution), directly or through other stale steps, in
// topological order; and, when some steps already re-ran on the new
// artifact (the run that made it among them), the steps that still read
// the outputs those re-runs replaced.
#ifndef LINEAGEDB_CACHING_H_
#define LINEAGEDB_CACHING_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lineagedb/lineagedb.h"

namespace lineagedb {

// One input of a step: its slot (the input path key, e.g. "examples") and
// the artifact's identity, either its id or a content identity the caller
// chooses (e.g. external id, or uri + digest) when equal content should hit
// the cache across different artifacts.
struct CacheKeyInput {
  std::string slot;
  int64_t artifact_id = 0;  // Used when content_identity is empty.
  std::string content_identity;
};

struct CacheKey {
  int64_t execution_type_id = 0;
  // Order does not matter: inputs are sorted by (slot, identity).
  std::vector<CacheKeyInput> inputs;
  // The parameters that decide the outputs (e.g. hyperparameters).
  PropertyMap parameters;
  // Code or container version of the step; empty if not versioned.
  std::string code_version;
};

// The fingerprint of `key`: 32 lowercase hex digits of XXH3-128 over the
// canonical encoding documented in schema/FORMAT.md. Stable across runs and
// versions of lineagedb. Errors: INVALID_ARGUMENT (no type; an input with
// neither id nor identity, or without slot; a parameter without value).
StatusOr<std::string> Fingerprint(const CacheKey& key);

struct CachedExecution {
  Execution execution;
  // Output artifacts (those of its OUTPUT events) by output slot (the first
  // key of the event path; "" when the path has no key), in path index
  // order.
  std::map<std::string, std::vector<Artifact>> outputs;
};

// The newest COMPLETE execution with `fingerprint` whose outputs are all
// usable. Its outputs are the artifacts of its OUTPUT events, as in TFX
// (DECLARED_OUTPUT, PENDING_OUTPUT and INTERNAL_OUTPUT artifacts are not
// reused); usable is none PENDING (not written yet), MARKED_FOR_DELETION,
// DELETED or ABANDONED (UNKNOWN, MLMD's default state for clients that
// never set one, and REFERENCE are usable). It reflects every
// write that returned before the call. Cost: one point read of the
// fingerprint's head (the newest COMPLETE execution, kept by every write;
// schema/FORMAT.md) and one batched read of that execution, its output
// events and artifacts. Older executions are read only when the newest's
// outputs are unusable (those below it, newest first: one record each, and
// one batched read of outputs for each COMPLETE one; the CACHED executions
// of hits recorded after it are not read), when the newest has left
// COMPLETE since (then every execution with the fingerprint, the same way),
// or in a store of format version 1 (always).
// Answers, found or not, are kept in memory (Options::result_cache_entries)
// until a write changes an execution with this fingerprint, its events or
// one of its outputs; repeating a lookup then costs a hash probe and a copy.
// Errors: NOT_FOUND (none), INVALID_ARGUMENT (an empty fingerprint).
StatusOr<CachedExecution> FindCachedExecution(Store* store,
                                              std::string_view fingerprint);

struct CacheHit {
  int64_t cached_execution_id = 0;  // The execution whose outputs are reused.
  Execution execution;  // The new execution; stored with state CACHED.
  // The new execution's inputs: INPUT events with artifact_id and path set.
  std::vector<Event> inputs;
  // Contexts of the new run (inserted, or reused by (type, name)).
  std::vector<Context> contexts;
};

// In one atomic write: inserts the new execution in state CACHED with the
// cached execution's fingerprint unless one is given, its input events,
// OUTPUT events to each output of the cached execution (with the same
// paths), and links the contexts to it, its inputs and the reused outputs
// (as PutExecution attributes the artifacts its events name).
// Errors: NOT_FOUND (no cached execution), FAILED_PRECONDITION (the cached
// execution is neither COMPLETE nor CACHED, or an output of it is not
// usable, as FindCachedExecution has it), INVALID_ARGUMENT (the new
// execution's type is not the cached one's; as PutExecution, e.g. an input
// naming another execution; an execution id set; an input that is not an
// input event), ALREADY_EXISTS (as
// PutExecution: an input event given twice, a name another execution of the
// type has).
StatusOr<PutExecutionResult> RecordCacheHit(Store* store, const CacheHit& hit);

// A step of a pipeline: an execution type and its latest COMPLETE or
// CACHED execution there (else its latest execution, of any state).
struct PipelineStep {
  int64_t execution_type_id = 0;
  std::string execution_type;
  int64_t latest_execution_id = 0;
  // The state of latest_execution_id: other than COMPLETE or CACHED when
  // the step never succeeded in the pipeline.
  ExecutionState latest_state = ExecutionState::kUnknown;
};

struct StaleSteps {
  std::vector<PipelineStep> stale;  // In topological order.
  std::vector<PipelineStep> valid;  // The pipeline's other steps.
};

// The steps of the pipeline context `pipeline_context_id` made stale by the
// arrival of `new_artifact_id` (a step is judged by its latest COMPLETE or
// CACHED execution, or by its latest execution when it has none, as
// PipelineStep::latest_state shows; one that made the new artifact, read it, or
// read the current output of a step that ran on it, ran on it, whatever older
// artifacts of that output key it read beside it, such as a baseline
// model; one that read a replaced output of a step that ran on it (one
// whose key that step's latest execution wrote anew), and not the current
// output of that key, did not; the artifacts one execution makes under
// one key, a list, are all of one age; a step's reads of its own earlier
// outputs, a warm start, do not count). Steps are execution
// types: OpenLineage runs share one (schema/OPENLINEAGE.md), so a context of
// OpenLineage jobs is one step, which is never stale. The steps of a cycle
// come together, by type id, in the order. An artifact made by a
// step of the pipeline must belong to it (attributed to the context, or
// made by an execution associated with it); one made elsewhere (an
// upstream pipeline's data) is taken as new input to the pipeline.
// Each version of an execution type is a step of its own, with its own
// slots: a new artifact made by version 2 of a step is not of version 1's
// slots.
// Errors: NOT_FOUND (unknown context or artifact), INVALID_ARGUMENT (the
// artifact has no producing execution, so it has no slot; or a step of the
// pipeline made it outside the context), FAILED_PRECONDITION (the artifact
// is no usable data, as FindCachedExecution has it: PENDING,
// MARKED_FOR_DELETION, DELETED or ABANDONED; or every execution with an
// OUTPUT event to it FAILED or was CANCELED).
StatusOr<StaleSteps> GetStaleSteps(Store* store, int64_t pipeline_context_id,
                                   int64_t new_artifact_id);

// An output slot of a pipeline and its newest artifact.
struct SlotArtifact {
  std::string producer_type;     // The producing step.
  int64_t producer_type_id = 0;  // Its type (each version is a step).
  std::string output_key;
  int64_t artifact_id = 0;
};
// The newest artifact of each output slot of the pipeline's latest
// executions, ordered by (producer type, its id, output key).
// Errors: NOT_FOUND (no context `pipeline_context_id`).
StatusOr<std::vector<SlotArtifact>> GetNewestSlotArtifacts(
    Store* store, int64_t pipeline_context_id);

}  // namespace lineagedb

#endif  // LINEAGEDB_CACHING_H_
