// TFX-shaped pipelines: eight components per run with TFX's fan-in, two
// contexts per execution, spans, cache hits. See TfxOptions (generator.h).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/gen/generator.h"

namespace lineagedb::gen {
namespace {

// Indexes into Types(). The order is the order types are stored in.
enum TypeIndex : size_t {
  kExamples,
  kExampleStatistics,
  kSchema,
  kExampleAnomalies,
  kTransformGraph,
  kModel,
  kModelRun,
  kModelEvaluation,
  kModelBlessing,
  kPushedModel,
  kExampleGen,
  kStatisticsGen,
  kSchemaGen,
  kExampleValidator,
  kTransform,
  kTrainer,
  kEvaluator,
  kPusher,
  kPipelineContext,
  kRunContext,
  kNumTypes,
};

constexpr const char* kTypeNames[kNumTypes] = {
    "Examples",         "ExampleStatistics", "Schema",
    "ExampleAnomalies", "TransformGraph",    "Model",
    "ModelRun",         "ModelEvaluation",   "ModelBlessing",
    "PushedModel",      "ExampleGen",        "StatisticsGen",
    "SchemaGen",        "ExampleValidator",  "Transform",
    "Trainer",          "Evaluator",         "Pusher",
    "pipeline",         "pipeline_run",
};

constexpr int kStages = 8;  // ExampleGen .. Pusher.
// New artifacts of a full run, and of a cache-hit run (Trainer, Evaluator
// and Pusher only).
constexpr int kFullRunArtifacts = 11;
constexpr int kCachedRunArtifacts = 5;

Type MakeType(TypeIndex index, NodeKind kind, BaseType base,
              std::map<std::string, PropertyKind> properties) {
  Type t;
  t.kind = kind;
  t.name = kTypeNames[index];
  t.base_type = base;
  t.properties = std::move(properties);
  return t;
}

enum class RunKind { kNewSpan, kSameSpan, kCacheHit };

// What later runs of a pipeline can reference: the latest output per slot.
struct PipelineState {
  int64_t context_id = 0;
  int64_t run_context_id = 0;
  int64_t runs = 0;  // Runs started.
  RunKind kind = RunKind::kNewSpan;
  int64_t span = 0;
  int64_t version = 0;
  int64_t examples = 0;
  int64_t statistics = 0;
  int64_t schema = 0;
  int64_t anomalies = 0;
  int64_t transform_graph = 0;
  int64_t transformed_examples = 0;
  // Outputs of the current run's later stages.
  int64_t model = 0;
  int64_t blessing = 0;
  // The latest blessed model (0 = none) and its accuracy.
  int64_t blessed_model = 0;
  double blessed_accuracy = 0;
};

class TfxGenerator final : public Generator {
 public:
  explicit TfxGenerator(const TfxOptions& options)
      : options_(options),
        rng_(options.seed),
        pipelines_(static_cast<size_t>(options.pipelines)) {
    InitTypeIds();
  }

  std::vector<Type> Types() const override {
    using K = PropertyKind;
    const NodeKind a = NodeKind::kArtifact, e = NodeKind::kExecution,
                   c = NodeKind::kContext;
    return {
        MakeType(kExamples, a, BaseType::kDataset,
                 {{"span", K::kInt},
                  {"version", K::kInt},
                  {"split_names", K::kString}}),
        MakeType(kExampleStatistics, a, BaseType::kStatistics,
                 {{"span", K::kInt}, {"split_names", K::kString}}),
        MakeType(kSchema, a, BaseType::kUnset, {}),
        MakeType(kExampleAnomalies, a, BaseType::kUnset, {{"span", K::kInt}}),
        MakeType(kTransformGraph, a, BaseType::kUnset, {}),
        MakeType(kModel, a, BaseType::kModel, {}),
        MakeType(kModelRun, a, BaseType::kUnset, {}),
        MakeType(kModelEvaluation, a, BaseType::kMetrics,
                 {{"accuracy", K::kDouble}, {"auc", K::kDouble}}),
        MakeType(kModelBlessing, a, BaseType::kUnset, {{"blessed", K::kInt}}),
        MakeType(kPushedModel, a, BaseType::kUnset, {{"pushed", K::kInt}}),
        MakeType(kExampleGen, e, BaseType::kProcess,
                 {{"input_base", K::kString}, {"span", K::kInt}}),
        MakeType(kStatisticsGen, e, BaseType::kProcess, {}),
        MakeType(kSchemaGen, e, BaseType::kProcess,
                 {{"infer_feature_shape", K::kInt}}),
        MakeType(kExampleValidator, e, BaseType::kProcess, {}),
        MakeType(kTransform, e, BaseType::kTransform,
                 {{"module_file", K::kString}}),
        MakeType(kTrainer, e, BaseType::kTrain,
                 {{"learning_rate", K::kDouble},
                  {"num_steps", K::kInt},
                  {"module_file", K::kString}}),
        MakeType(kEvaluator, e, BaseType::kEvaluate, {}),
        MakeType(kPusher, e, BaseType::kDeploy,
                 {{"push_destination", K::kString}}),
        MakeType(kPipelineContext, c, BaseType::kUnset, {}),
        MakeType(kRunContext, c, BaseType::kUnset, {}),
    };
  }

  bool Next(GenStep* step) override {
    if (round_ >= options_.runs_per_pipeline) return false;
    PipelineState& p = pipelines_[pipeline_];
    if (stage_ == 0) StartRun(p);
    EmitStage(p, step);
    if (++stage_ == kStages) {
      stage_ = 0;
      if (++pipeline_ == options_.pipelines) {
        pipeline_ = 0;
        ++round_;
      }
    }
    return true;
  }

  // Per pipeline: the artifact ids of PipelineState.
  size_t retained_ids() const override { return pipelines_.size() * 9; }

 private:
  void StartRun(PipelineState& p) {
    ++p.runs;
    p.run_context_id = 0;
    if (p.runs == 1) {
      p.kind = RunKind::kNewSpan;
    } else {
      const double u = rng_.Uniform();
      p.kind = u < options_.new_span_share ? RunKind::kNewSpan
               : u < options_.new_span_share + options_.cache_hit_share
                   ? RunKind::kCacheHit
                   : RunKind::kSameSpan;
    }
    if (p.kind == RunKind::kNewSpan) {
      ++p.span;
      p.version = 0;
    } else if (p.kind == RunKind::kSameSpan) {
      ++p.version;
    }
  }

  // Starts a step of component `type` in both contexts of the run.
  void Begin(PipelineState& p, GenStep* step, TypeIndex type, bool cached) {
    BeginStep(step, type, kTypeNames[type],
              cached ? ExecutionState::kCached : ExecutionState::kComplete);
    AddContext(step, kPipelineContext, kTypeNames[kPipelineContext],
               absl::StrCat("pipeline-", pipeline_), &p.context_id);
    AddContext(step, kRunContext, kTypeNames[kRunContext],
               absl::StrCat("pipeline-", pipeline_, "/run-", p.runs),
               &p.run_context_id);
  }

  // Output `slot` of type `type`: a new artifact stored in `*id`, or for a
  // cached step an OUTPUT event to the existing `*id`.
  Artifact* Output(PipelineState& p, GenStep* step, TypeIndex type,
                   const char* slot, bool cached, int64_t* id) {
    if (cached) {
      AddReference(step, EventType::kOutput, *id, slot);
      return nullptr;
    }
    Artifact* a = AddOutput(step, type, kTypeNames[type], slot, id);
    a->uri =
        absl::StrCat("/tfx/pipeline-", pipeline_, "/", step->execution.type,
                     "/", slot, "/", step->execution_id);
    return a;
  }

  void Input(GenStep* step, int64_t id, const char* slot) {
    AddReference(step, EventType::kInput, id, slot);
  }

  void EmitStage(PipelineState& p, GenStep* step) {
    const bool cached = p.kind == RunKind::kCacheHit && stage_ < 5;
    const std::string splits = R"(["train","eval"])";
    switch (stage_) {
      case 0: {
        Begin(p, step, kExampleGen, cached);
        step->execution.properties = {
            {"input_base", absl::StrCat("gs://data/pipeline-", pipeline_)},
            {"span", p.span}};
        if (Artifact* a =
                Output(p, step, kExamples, "examples", cached, &p.examples)) {
          a->properties = {{"span", p.span},
                           {"version", p.version},
                           {"split_names", splits}};
        }
        break;
      }
      case 1: {
        Begin(p, step, kStatisticsGen, cached);
        Input(step, p.examples, "examples");
        if (Artifact* a = Output(p, step, kExampleStatistics, "statistics",
                                 cached, &p.statistics)) {
          a->properties = {{"span", p.span}, {"split_names", splits}};
        }
        break;
      }
      case 2:
        Begin(p, step, kSchemaGen, cached);
        step->execution.properties = {{"infer_feature_shape", 1}};
        Input(step, p.statistics, "statistics");
        Output(p, step, kSchema, "schema", cached, &p.schema);
        break;
      case 3: {
        Begin(p, step, kExampleValidator, cached);
        Input(step, p.statistics, "statistics");
        Input(step, p.schema, "schema");
        if (Artifact* a = Output(p, step, kExampleAnomalies, "anomalies",
                                 cached, &p.anomalies)) {
          a->properties = {{"span", p.span}};
        }
        break;
      }
      case 4:
        Begin(p, step, kTransform, cached);
        step->execution.properties = {{"module_file", "transform_module.py"}};
        Input(step, p.examples, "examples");
        Input(step, p.schema, "schema");
        Output(p, step, kTransformGraph, "transform_graph", cached,
               &p.transform_graph);
        if (Artifact* a = Output(p, step, kExamples, "transformed_examples",
                                 cached, &p.transformed_examples)) {
          a->properties = {{"span", p.span},
                           {"version", p.version},
                           {"split_names", splits}};
        }
        break;
      case 5: {
        Begin(p, step, kTrainer, false);
        // learning_rate log-uniform in [1e-4, 1e-1]; num_steps in hundreds.
        const double lr = std::pow(10.0, -4.0 + 3.0 * rng_.Uniform());
        step->execution.properties = {
            {"learning_rate", lr},
            {"num_steps", 100 * rng_.Between(10, 200)},
            {"module_file", "trainer_module.py"}};
        Input(step, p.transformed_examples, "examples");
        Input(step, p.transform_graph, "transform_graph");
        Input(step, p.schema, "schema");
        Output(p, step, kModel, "model", false, &p.model);
        int64_t model_run = 0;
        Output(p, step, kModelRun, "model_run", false, &model_run);
        break;
      }
      case 6: {
        Begin(p, step, kEvaluator, false);
        Input(step, p.model, "model");
        Input(step, p.examples, "examples");
        if (p.blessed_model != 0) {
          Input(step, p.blessed_model, "baseline_model");
        }
        const double accuracy = 0.7 + 0.25 * rng_.Uniform();
        const double auc = 0.75 + 0.24 * rng_.Uniform();
        const bool blessed = accuracy >= p.blessed_accuracy;
        int64_t evaluation = 0;
        Output(p, step, kModelEvaluation, "evaluation", false, &evaluation)
            ->properties = {{"accuracy", accuracy}, {"auc", auc}};
        Output(p, step, kModelBlessing, "blessing", false, &p.blessing)
            ->properties = {{"blessed", blessed ? 1 : 0}};
        if (blessed) {
          p.blessed_model = p.model;
          p.blessed_accuracy = accuracy;
        }
        break;
      }
      case 7: {
        Begin(p, step, kPusher, false);
        step->execution.properties = {
            {"push_destination",
             absl::StrCat("/serving/pipeline-", pipeline_)}};
        Input(step, p.model, "model");
        Input(step, p.blessing, "model_blessing");
        int64_t pushed = 0;
        Output(p, step, kPushedModel, "pushed_model", false, &pushed)
            ->properties = {{"pushed", p.blessed_model == p.model ? 1 : 0}};
        break;
      }
    }
  }

  const TfxOptions options_;
  Rng rng_;
  std::vector<PipelineState> pipelines_;
  // Position: run round_ of pipeline pipeline_, component stage_.
  int64_t round_ = 0;
  int64_t pipeline_ = 0;
  int stage_ = 0;
};

}  // namespace

StatusOr<std::unique_ptr<Generator>> NewTfxGenerator(
    const TfxOptions& options) {
  if (options.pipelines < 1 || options.runs_per_pipeline < 1) {
    return absl::InvalidArgumentError(
        "TfxOptions: pipelines and runs_per_pipeline must be >= 1");
  }
  const auto share_ok = [](double s) { return s >= 0 && s <= 1; };
  if (!share_ok(options.cache_hit_share) || !share_ok(options.new_span_share) ||
      options.cache_hit_share + options.new_span_share > 1) {
    return absl::InvalidArgumentError(
        "TfxOptions: cache_hit_share and new_span_share must be in [0, 1] "
        "and sum to at most 1");
  }
  return std::make_unique<TfxGenerator>(options);
}

// Per pipeline: its context, then R runs of 8 executions and a run context;
// the first run has all 11 artifacts, a later one 11 or (cache hit) 5.
double ExpectedTfxNodes(const TfxOptions& options) {
  const double later_artifacts =
      kFullRunArtifacts -
      (kFullRunArtifacts - kCachedRunArtifacts) * options.cache_hit_share;
  const double runs = static_cast<double>(options.runs_per_pipeline);
  return static_cast<double>(options.pipelines) *
         (1 + runs * (kStages + 1) + kFullRunArtifacts +
          (runs - 1) * later_artifacts);
}

int64_t TfxRunsForTargetNodes(const TfxOptions& options, int64_t target_nodes) {
  TfxOptions o = options;
  o.runs_per_pipeline = 1;
  const double base = ExpectedTfxNodes(o);
  o.runs_per_pipeline = 2;
  const double per_run = ExpectedTfxNodes(o) - base;
  const double runs = 1 + (static_cast<double>(target_nodes) - base) / per_run;
  return std::max<int64_t>(1, std::llround(runs));
}

}  // namespace lineagedb::gen
