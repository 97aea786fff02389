// Deterministic lineage-graph generators for lineage-bench.
//
// A Generator produces a lineage graph one execution at a time, each step
// shaped exactly like the arguments of Store::PutExecution: the execution,
// its (artifact, event) pairs and its contexts.
//
// Id contract. A generator PREDICTS the ids a store will assign. It assumes
// that it is the only writer of an empty store and that:
//  - artifact ids are dense from 1 in insertion order, and each PutExecution
//    inserts the new artifacts of its pairs in pair order;
//  - execution ids are dense from 1, one per step;
//  - context ids are dense from 1 in order of first appearance, and a
//    context that appears again (same type and name, id 0) is reused: the
//    caller passes reuse_context_if_already_exist (lineagedb) or relies on
//    MlmdSqlite reusing contexts by (type, name).
// Steps reference earlier artifacts only by these predicted ids: an input
// pair (or the output pair of a CACHED execution) has no artifact and an
// event whose artifact_id is set; a new output is a pair with a new artifact
// (id 0) and an OUTPUT event whose artifact_id is 0. Sinks (sinks.h) check
// every returned id against the prediction.
//
// Type ids: nodes carry the type's name (NodeBase::type) and a type_id. The
// caller stores Types() first, in order, and passes the ids it got to
// BindTypeIds() before the first Next(); until then type_id is the type's
// 1-based position among the types of its kind in Types().
//
// Memory: a generator keeps only what later steps can reference (bounded by
// its options, never by the number of steps). Output is a pure function of
// the options: the same seed gives the same sequence on every platform
// (std::mt19937_64 and the samplers below; no std::*_distribution).
//
// Not thread-safe.
#ifndef LINEAGEDB_BENCH_GEN_GENERATOR_H_
#define LINEAGEDB_BENCH_GEN_GENERATOR_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lineagedb/lineagedb.h"
#include "lineagedb/model.h"
#include "lineagedb/status.h"

namespace lineagedb::gen {

// One execution and what it touches, plus the ids a store should assign.
struct GenStep {
  Execution execution;
  std::vector<ArtifactAndEvent> pairs;
  std::vector<Context> contexts;

  // Predicted ids: the execution's; per pair, the id of its artifact (the
  // referenced one for a pair without artifact, the new one otherwise); per
  // context, its id (new or reused).
  int64_t execution_id = 0;
  std::vector<int64_t> artifact_ids;
  std::vector<int64_t> context_ids;
};

// Totals of everything generated so far. nodes() counts executions,
// artifacts and contexts, each once.
struct GenStats {
  int64_t executions = 0;
  int64_t artifacts = 0;  // New artifacts.
  int64_t events = 0;
  int64_t contexts = 0;  // Distinct contexts.
  int64_t cached_executions = 0;
  int64_t nodes() const { return executions + artifacts + contexts; }
};

class Generator {
 public:
  virtual ~Generator() = default;

  // Every type the steps use, to be stored before the first step.
  virtual std::vector<Type> Types() const = 0;

  // `ids[i]` is the id the store gave Types()[i]. Returns INVALID_ARGUMENT
  // if the sizes differ.
  Status BindTypeIds(const std::vector<int64_t>& ids);

  // Fills `*step` with the next execution (previous contents are replaced)
  // and returns true, or returns false when the graph is complete.
  virtual bool Next(GenStep* step) = 0;

  // Totals of the steps returned so far.
  virtual GenStats stats() const { return stats_; }

  // Number of artifact ids held for future steps; bounded by the options.
  virtual size_t retained_ids() const = 0;

 protected:
  // Sets type_ids_ to the default ids of Types() (see the file comment).
  void InitTypeIds();

  // Starts `*step` for execution `type_index`: clears it, sets the predicted
  // execution id, type and state, and counts the execution.
  void BeginStep(GenStep* step, size_t type_index, const char* type_name,
                 ExecutionState state);
  // Appends an input (INPUT) or a reference to an existing output (OUTPUT,
  // for CACHED executions) to artifact `artifact_id`, path [slot, index].
  void AddReference(GenStep* step, EventType type, int64_t artifact_id,
                    const char* slot, int64_t index = 0);
  // Appends a new artifact with an OUTPUT event at path [slot, index] and
  // stores its predicted id in `*id`. The caller fills in uri and properties
  // through the returned pointer (valid until the next pair is added).
  Artifact* AddOutput(GenStep* step, size_t type_index, const char* type_name,
                      const char* slot, int64_t* id, int64_t index = 0);
  // Appends a context (id 0, reused by (type, name)). `*id` is its
  // predicted id; 0 = a new context, whose id is assigned and stored there.
  Context* AddContext(GenStep* step, size_t type_index, const char* type_name,
                      std::string name, int64_t* id);

  // Ids the next new node of each kind gets.
  int64_t next_artifact_id_ = 1;
  int64_t next_execution_id_ = 1;
  int64_t next_context_id_ = 1;
  GenStats stats_;

 private:
  std::vector<int64_t> type_ids_;
};

// ---- Deterministic random numbers ----

// A seeded std::mt19937_64 with portable samplers.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Bits() { return engine_(); }
  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }
  // Uniform in [0, n); n > 0. Rejection sampling, so exactly uniform.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
      x = engine_();
    } while (x >= limit);
    return x % n;
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool Chance(double p) { return Uniform() < p; }

 private:
  std::mt19937_64 engine_;
};

// Zipf's law on ranks 1..n: P(k) proportional to k^-exponent. Sample() takes
// any n <= max_n, so one table serves a growing population.
class ZipfSampler {
 public:
  ZipfSampler(int64_t max_n, double exponent);
  int64_t max_n() const { return static_cast<int64_t>(prefix_.size()) - 1; }
  // A rank in [1, n]; 1 <= n <= max_n().
  int64_t Sample(Rng& rng, int64_t n) const;

 private:
  std::vector<double> prefix_;  // prefix_[k] = sum of i^-exponent, i <= k.
};

// ---- TFX-shaped pipelines ----

// P pipelines, each run R times, runs interleaved round-robin over the
// pipelines. A run executes ExampleGen -> StatisticsGen -> SchemaGen ->
// ExampleValidator -> Transform -> Trainer -> Evaluator -> Pusher, every
// execution in the pipeline's context ("pipeline", reused) and the run's
// context ("pipeline_run", new per run). The first run of a pipeline starts
// a new span. Each later run is, by one draw:
//  - with probability new_span_share: a new data span (all steps COMPLETE);
//  - with probability cache_hit_share: a cache hit: ExampleGen through
//    Transform are CACHED executions whose OUTPUT events point to the
//    previous run's artifacts (no new artifacts), and Trainer, Evaluator and
//    Pusher run COMPLETE with new hyperparameters;
//  - otherwise a re-run of the same span (all steps COMPLETE, a new Examples
//    version).
struct TfxOptions {
  // Default: 10
  int64_t pipelines = 10;
  // Default: 100
  int64_t runs_per_pipeline = 100;
  // Default: 1
  uint64_t seed = 1;
  // Share of runs after the first that are cache hits.
  // Default: 0.2
  double cache_hit_share = 0.2;
  // Share of runs after the first that start a new data span.
  // Default: 0.3
  double new_span_share = 0.3;
};

// Errors: INVALID_ARGUMENT (pipelines or runs < 1; a share outside [0, 1];
// the two shares summing past 1).
StatusOr<std::unique_ptr<Generator>> NewTfxGenerator(const TfxOptions& options);

// Expected number of nodes (executions + artifacts + contexts) of a TFX
// graph with these options.
double ExpectedTfxNodes(const TfxOptions& options);

// The runs_per_pipeline (at least 1) whose expected node count is closest
// to `target_nodes` with options.pipelines pipelines. A pipeline's first run
// adds 21 nodes and each later one about 20 - 6 * cache_hit_share, so the
// target is reachable within a run per pipeline when it is at least about
// 21 * pipelines (e.g. 10 pipelines for 10K nodes, 1,000 for 10M).
int64_t TfxRunsForTargetNodes(const TfxOptions& options, int64_t target_nodes);

// ---- Wide DAG for stress ----

// Power-law fan-in and fan-out with long chains. Each execution either
// extends a chain (with chain_probability: reads the newest artifact, writes
// one) or reads k inputs, k ~ Zipf(max_fan_in), each the newest artifact of
// Zipf-distributed rank within the window of recent artifacts, or with
// hub_probability one of a small set of old "hub" artifacts; and writes
// m ~ Zipf(max_fan_out) outputs. A new artifact becomes a hub with
// hub_promote_probability (replacing a random hub when the set is full).
// The first execution and, with source_probability, later ones have no
// inputs. Every execution belongs to the context "batch-<n>" (type
// "dag_batch") of its block of executions_per_context executions.
// Generation stops once nodes >= target_nodes.
struct DagOptions {
  // Default: 100000
  int64_t target_nodes = 100000;
  // Default: 1
  uint64_t seed = 1;
  // Exponent of every Zipf draw; must be > 0.
  // Default: 1.5
  double zipf_exponent = 1.5;
  // Default: 0.3
  double chain_probability = 0.3;
  // Number of most recent artifacts inputs are drawn from.
  // Default: 4096
  int64_t window = 4096;
  // Default: 64
  int64_t max_hubs = 64;
  // Default: 0.05
  double hub_probability = 0.05;
  // Default: 0.002
  double hub_promote_probability = 0.002;
  // Default: 0.01
  double source_probability = 0.01;
  // Default: 64
  int64_t max_fan_in = 64;
  // Default: 8
  int64_t max_fan_out = 8;
  // Default: 1000
  int64_t executions_per_context = 1000;
};

// Errors: INVALID_ARGUMENT (a count < 1; a probability outside [0, 1];
// zipf_exponent <= 0).
StatusOr<std::unique_ptr<Generator>> NewDagGenerator(const DagOptions& options);

}  // namespace lineagedb::gen

#endif  // LINEAGEDB_BENCH_GEN_GENERATOR_H_
