// The graphs lineage-bench runs on: named scenarios, the generator behind
// each, and a catalog of the generated artifacts that queries sample from.
#ifndef LINEAGEDB_BENCH_RUNNER_WORKLOAD_H_
#define LINEAGEDB_BENCH_RUNNER_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/gen/generator.h"
#include "lineagedb/status.h"

namespace lineagedb::bench {

enum class Shape { kTfx, kDag };

// A graph size and shape. Names are "<shape>-<size>", e.g. "tfx-1m" (TFX
// pipelines, about 1M nodes) or "dag-100k" (the wide power-law DAG); sizes
// take a k or m suffix.
struct Scenario {
  std::string name;
  Shape shape = Shape::kTfx;
  int64_t target_nodes = 0;
  // TFX: the number of pipelines the runs are spread over; 0 picks about
  // 10K nodes per pipeline, at least 10.
  int64_t pipelines = 0;
};

// The scenarios the README documents; others of the same form parse too.
const std::vector<std::string>& NamedScenarios();

// The largest scenario: a billion nodes (days of generation already).
inline constexpr int64_t kMaxTargetNodes = 1000000000;

// Errors: INVALID_ARGUMENT (not "<tfx|dag>-<count>[k|m]", or a count < 100
// or above kMaxTargetNodes).
StatusOr<Scenario> ParseScenario(std::string_view name);

std::string ShapeName(Shape shape);

// What queries need to know about the generated graph. Artifact ids are
// dense from 1, so artifact i has type artifact_types[artifact_type[i-1]]
// and the name ArtifactName(type, i).
// At most one in this many COMPLETE executions has its fingerprint
// sampled (FingerprintSample).
inline constexpr int64_t kFingerprintSample = 64;

// The sample rate of fingerprints for a graph of `target_nodes`: every
// COMPLETE execution up to 50K nodes, then fewer, so that a graph keeps
// about 10-20K fingerprints (inputs enough for --queries not to repeat),
// to one in kFingerprintSample.
int64_t FingerprintSample(int64_t target_nodes);

struct GraphCatalog {
  std::vector<std::string> artifact_types;
  std::vector<uint8_t> artifact_type;
  // Ids (ascending) of the artifacts queries treat as models (TFX: Model;
  // DAG: every artifact) and as datasets (TFX: Examples; DAG: every one).
  std::vector<int64_t> models;
  std::vector<int64_t> datasets;
  std::string dataset_type;  // Type name of `datasets`.
  // Ids of the pipeline contexts (TFX: type "pipeline"; DAG: none).
  std::vector<int64_t> pipelines;
  // Fingerprints of one in `fingerprint_sample` COMPLETE executions, picked
  // by a hash of the id (not every k-th id, which in a TFX run of 8 steps
  // is always the same step); at least 1.
  int64_t fingerprint_sample = kFingerprintSample;
  std::vector<std::string> fingerprints;
  // (pipeline context, new Examples artifact) pairs added after ingest by
  // AddNewSpans, the stale-step queries' inputs.
  std::vector<std::pair<int64_t, int64_t>> new_spans;
  int64_t artifacts() const {
    return static_cast<int64_t>(artifact_type.size());
  }
};

// The name the benchmark gives artifact `id` (generators leave artifacts
// unnamed; the (type, name) lookups need names).
std::string ArtifactName(int64_t id);

// The generator of `scenario` with `seed`.
StatusOr<std::unique_ptr<gen::Generator>> NewScenarioGenerator(
    const Scenario& scenario, uint64_t seed);

// Wraps a generator: names every new artifact ArtifactName(id), gives every
// execution the fingerprint of its type (by position among the
// generator's types), inputs (slot and id) and properties
// (lineagedb::Fingerprint, code version "v1"), and, if `catalog`
// is not null, records the artifacts, pipelines and sampled fingerprints
// there (the catalog is cleared first, but for its fingerprint_sample). Types
// are bound on the inner generator: call gen::PutTypes(inner(), store) before
// any sink; the sink's own BindTypeIds on the wrapper is then a no-op with the
// same ids.
class NamingGenerator : public gen::Generator {
 public:
  NamingGenerator(std::unique_ptr<gen::Generator> inner, Shape shape,
                  GraphCatalog* catalog);
  std::vector<Type> Types() const override { return inner_->Types(); }
  bool Next(gen::GenStep* step) override;
  gen::GenStats stats() const override { return inner_->stats(); }
  size_t retained_ids() const override { return inner_->retained_ids(); }
  gen::Generator* inner() { return inner_.get(); }

 private:
  uint8_t TypeIndex(const std::string& type);
  // 1-based position of execution type `type` among inner()->Types().
  int64_t ExecutionTypeNumber(const std::string& type);

  std::unique_ptr<gen::Generator> inner_;
  GraphCatalog* catalog_;
  std::string model_type_;
  std::vector<std::string> execution_types_;
};

}  // namespace lineagedb::bench

#endif  // LINEAGEDB_BENCH_RUNNER_WORKLOAD_H_
