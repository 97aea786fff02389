// Tests of the lineage-bench generators (bench/gen): determinism, the TFX
// shape, id prediction against lineagedb and the SQLite baseline, node-count
// targeting, and the DAG's bounded memory and skew.
#include "bench/gen/generator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/baseline/mlmd_sqlite.h"
#include "bench/gen/sinks.h"
#include "lineagedb/bulk_writer.h"
#include "tests/gen/generators.h"
#include "tests/test_util.h"

namespace lineagedb::gen {
namespace {

using ::lineagedb::gen_testing::Dag;
using ::lineagedb::gen_testing::Tfx;
using ::lineagedb::testing::StoreTest;

// The first `n` steps as JSON lines.
std::vector<std::string> Lines(Generator* gen, int n) {
  std::vector<std::string> lines;
  GenStep step;
  while (static_cast<int>(lines.size()) < n && gen->Next(&step)) {
    lines.push_back(StepToJson(step));
  }
  return lines;
}

std::string SlotOf(const ArtifactAndEvent& pair) {
  return std::get<std::string>(pair.event->path.at(0).step);
}

TEST(RngTest, SamplersAreInRangeAndZipfIsSkewed) {
  Rng rng(7);
  ZipfSampler zipf(100, 1.5);
  std::vector<int> hist(101, 0);
  for (int i = 0; i < 100000; ++i) {
    const int64_t k = zipf.Sample(rng, 100);
    ASSERT_GE(k, 1);
    ASSERT_LE(k, 100);
    ++hist[k];
    const int64_t b = rng.Between(-3, 3);
    ASSERT_GE(b, -3);
    ASSERT_LE(b, 3);
  }
  // P(1) / P(2) = 2^1.5 ~ 2.83.
  EXPECT_NEAR(static_cast<double>(hist[1]) / hist[2], 2.83, 0.2);
  EXPECT_EQ(zipf.Sample(rng, 1), 1);
}

TEST(GeneratorTest, InvalidOptionsAreRejected) {
  TfxOptions tfx;
  tfx.cache_hit_share = 0.8;
  tfx.new_span_share = 0.3;
  EXPECT_CODE(NewTfxGenerator(tfx), kInvalidArgument);
  tfx = {};
  tfx.pipelines = 0;
  EXPECT_CODE(NewTfxGenerator(tfx), kInvalidArgument);
  DagOptions dag;
  dag.zipf_exponent = 0;
  EXPECT_CODE(NewDagGenerator(dag), kInvalidArgument);
  dag = {};
  dag.chain_probability = 1.5;
  EXPECT_CODE(NewDagGenerator(dag), kInvalidArgument);
}

TEST(GeneratorTest, SameSeedSameSequenceOtherSeedDiffers) {
  TfxOptions tfx{.pipelines = 3, .runs_per_pipeline = 20, .seed = 42};
  const auto a = Lines(Tfx(tfx).get(), 1000);
  const auto b = Lines(Tfx(tfx).get(), 1000);
  EXPECT_EQ(a.size(), 3u * 20 * 8);
  EXPECT_EQ(a, b);
  tfx.seed = 43;
  EXPECT_NE(a, Lines(Tfx(tfx).get(), 1000));

  DagOptions dag{.target_nodes = 20000, .seed = 42};
  const auto c = Lines(Dag(dag).get(), 5000);
  EXPECT_EQ(c, Lines(Dag(dag).get(), 5000));
  dag.seed = 43;
  EXPECT_NE(c, Lines(Dag(dag).get(), 5000));
}

// Checks the TFX fan-in on every step, keeping the graph in the test.
TEST(TfxGeneratorTest, FanInContextsAndCacheHits) {
  auto gen = Tfx({.pipelines = 3, .runs_per_pipeline = 40, .seed = 5});
  std::map<int64_t, std::string> artifact_type;  // Predicted id -> type.
  int64_t next_artifact = 1, next_execution = 1;
  int trainers = 0, evaluators = 0, baselines = 0, cached = 0, spans = 0;
  GenStep step;
  while (gen->Next(&step)) {
    ASSERT_EQ(step.execution_id, next_execution++);
    ASSERT_EQ(step.pairs.size(), step.artifact_ids.size());
    ASSERT_EQ(step.contexts.size(), 2u);
    EXPECT_EQ(step.contexts[0].type, "pipeline");
    EXPECT_EQ(step.contexts[1].type, "pipeline_run");
    const bool is_cached =
        step.execution.last_known_state == ExecutionState::kCached;
    if (!is_cached) {
      EXPECT_EQ(step.execution.last_known_state, ExecutionState::kComplete);
    }
    std::multiset<std::string> inputs;  // "slot:type"
    for (size_t i = 0; i < step.pairs.size(); ++i) {
      const ArtifactAndEvent& pair = step.pairs[i];
      ASSERT_TRUE(pair.event.has_value());
      ASSERT_EQ(pair.event->path.size(), 2u);
      EXPECT_EQ(std::get<int64_t>(pair.event->path[1].step), 0);
      const int64_t id = step.artifact_ids[i];
      if (pair.artifact.has_value()) {
        ASSERT_FALSE(is_cached) << "a CACHED execution made a new artifact";
        EXPECT_EQ(pair.event->type, EventType::kOutput);
        EXPECT_EQ(pair.artifact->id, 0);
        ASSERT_EQ(id, next_artifact++);
        artifact_type[id] = pair.artifact->type;
        if (pair.artifact->type == "Examples" && SlotOf(pair) == "examples") {
          ++spans;
        }
        continue;
      }
      ASSERT_TRUE(artifact_type.count(id)) << "reference to unknown " << id;
      EXPECT_EQ(pair.event->artifact_id, id);
      if (pair.event->type == EventType::kInput) {
        inputs.insert(SlotOf(pair) + ":" + artifact_type[id]);
      } else {
        ASSERT_TRUE(is_cached);
        EXPECT_EQ(pair.event->type, EventType::kOutput);
      }
    }
    if (is_cached) ++cached;
    if (step.execution.type == "Trainer") {
      ++trainers;
      EXPECT_EQ(inputs,
                (std::multiset<std::string>{"examples:Examples",
                                            "transform_graph:TransformGraph",
                                            "schema:Schema"}));
      EXPECT_TRUE(step.execution.properties.count("learning_rate"));
      EXPECT_TRUE(step.execution.properties.count("num_steps"));
    }
    if (step.execution.type == "Evaluator") {
      ++evaluators;
      EXPECT_TRUE(inputs.count("model:Model"));
      EXPECT_TRUE(inputs.count("examples:Examples"));
      baselines += inputs.count("baseline_model:Model");
      EXPECT_EQ(step.pairs[step.pairs.size() - 2].artifact->properties.count(
                    "accuracy"),
                1u);
    }
  }
  EXPECT_EQ(trainers, 120);
  EXPECT_EQ(evaluators, 120);
  EXPECT_GT(baselines, 0);
  EXPECT_GT(cached, 0);
  EXPECT_EQ(cached, gen->stats().cached_executions);
  EXPECT_EQ(cached % 5, 0);  // Whole runs: ExampleGen .. Transform.
  EXPECT_LT(spans, 120);     // Cache hits made no new Examples.
  EXPECT_EQ(gen->stats().contexts, 3 + 120);
  EXPECT_EQ(gen->retained_ids(), 3u * 9);
}

TEST(TfxGeneratorTest, RunsForTargetNodesHitsTarget) {
  for (const int64_t target : {10000, 100000, 1000000}) {
    TfxOptions options{.pipelines = 20, .seed = 3};
    options.runs_per_pipeline = TfxRunsForTargetNodes(options, target);
    auto gen = Tfx(options);
    GenStep step;
    while (gen->Next(&step)) {
    }
    const double nodes = static_cast<double>(gen->stats().nodes());
    EXPECT_NEAR(nodes / target, 1.0, 0.05) << "target " << target;
    EXPECT_NEAR(nodes / ExpectedTfxNodes(options), 1.0, 0.02);
  }
}

TEST(DagGeneratorTest, MemoryIsBoundedAndFanInIsSkewed) {
  DagOptions options{
      .target_nodes = 200000, .seed = 9, .window = 1000, .max_hubs = 16};
  auto gen = Dag(options);
  std::vector<int64_t> fan_in;           // Per execution.
  std::map<int64_t, int64_t> consumers;  // Per artifact.
  std::map<int64_t, int64_t> depth_of;   // Per artifact.
  int64_t max_depth = 0;
  size_t max_retained = 0;
  GenStep step;
  while (gen->Next(&step)) {
    fan_in.push_back(static_cast<int64_t>(step.pairs.size()) -
                     std::count_if(step.pairs.begin(), step.pairs.end(),
                                   [](const ArtifactAndEvent& p) {
                                     return p.artifact.has_value();
                                   }));
    int64_t depth = 0;  // Longest path of executions ending here.
    for (size_t i = 0; i < step.pairs.size(); ++i) {
      if (!step.pairs[i].artifact) {
        ++consumers[step.artifact_ids[i]];
        depth = std::max(depth, depth_of[step.artifact_ids[i]]);
      }
    }
    for (size_t i = 0; i < step.pairs.size(); ++i) {
      if (step.pairs[i].artifact) depth_of[step.artifact_ids[i]] = depth + 1;
    }
    max_depth = std::max(max_depth, depth + 1);
    max_retained = std::max(max_retained, gen->retained_ids());
  }
  EXPECT_GE(gen->stats().nodes(), options.target_nodes);
  EXPECT_LE(gen->stats().nodes(), options.target_nodes + 100);
  EXPECT_LE(max_retained, 1000u + 16u);

  std::sort(fan_in.begin(), fan_in.end());
  const int64_t median = std::max<int64_t>(fan_in[fan_in.size() / 2], 1);
  EXPECT_GE(fan_in.back(), 10 * median)
      << "median " << median << " max " << fan_in.back();
  std::vector<int64_t> in_degree;
  for (const auto& [id, n] : consumers) in_degree.push_back(n);
  std::sort(in_degree.begin(), in_degree.end());
  EXPECT_GE(in_degree.back(), 20 * in_degree[in_degree.size() / 2])
      << "median " << in_degree[in_degree.size() / 2] << " max "
      << in_degree.back();
  // Long chains: paths of thousands of executions.
  EXPECT_GT(max_depth, 1000);
}

TEST(NdjsonTest, OneEscapedObjectPerStep) {
  GenStep step;
  step.execution.type = "T\"x";
  step.execution.properties = {
      {"s", "a\nb\\\x01"}, {"d", 0.5}, {"i", 3}, {"w", 2.0}};
  step.execution.fingerprint = "fp";
  step.execution_id = 1;
  EXPECT_EQ(StepToJson(step),
            R"({"execution":{"id":1,"type":"T\"x","state":"UNKNOWN",)"
            R"("fingerprint":"fp","properties":{"d":0.5,"i":3,)"
            R"("s":"a\nb\\\u0001","w":2.0}},)"
            R"("events":[],"contexts":[]})");
  std::ostringstream out;
  auto gen = Tfx({.pipelines = 2, .runs_per_pipeline = 3});
  ASSERT_OK_AND_ASSIGN(const SinkCounts counts, RunIntoNdjson(gen.get(), out));
  EXPECT_EQ(counts.executions, 48);
  const std::string text = out.str();
  // A line per type, then one per step.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'),
            gen->Types().size() + 48);
  EXPECT_EQ(text.substr(0, text.find('\n')), TypeToJson(gen->Types()[0]));
}

// ---- Against stores: every returned id is checked by the sink ----

class GeneratorStoreTest : public StoreTest {};

TEST_F(GeneratorStoreTest, TfxPredictedIdsMatchPutExecution) {
  const TfxOptions options{.pipelines = 4, .runs_per_pipeline = 75, .seed = 11};
  auto gen = Tfx(options);
  int progress_calls = 0;
  SinkOptions sink;
  sink.progress_every = 600;
  sink.progress = [&](const SinkCounts&) { ++progress_calls; };
  ASSERT_OK_AND_ASSIGN(const SinkCounts counts,
                       RunIntoStore(gen.get(), store_.get(), sink));
  EXPECT_EQ(counts.executions, 4 * 75 * 8);
  EXPECT_EQ(progress_calls, 4);
  EXPECT_EQ(counts.artifacts, gen->stats().artifacts);
  EXPECT_EQ(counts.contexts, 4 + 300);
  EXPECT_EQ(counts.events, gen->stats().events);

  // Types of the stored artifacts are the predicted ones.
  auto replay = Tfx(options);
  std::vector<int64_t> ids;
  std::vector<std::string> types;
  GenStep step;
  while (ids.size() < 300 && replay->Next(&step)) {
    for (size_t i = 0; i < step.pairs.size(); ++i) {
      if (!step.pairs[i].artifact) continue;
      ids.push_back(step.artifact_ids[i]);
      types.push_back(step.pairs[i].artifact->type);
    }
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<Artifact> stored,
                       store_->GetByIds<Artifact>(ids));
  ASSERT_EQ(stored.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(stored[i].type, types[i]);

  // A second run on the now non-empty store fails with a clear status.
  auto again = Tfx(options);
  EXPECT_CODE(RunIntoStore(again.get(), store_.get()), kFailedPrecondition);
}

TEST_F(GeneratorStoreTest, DagPredictedIdsMatchBulkWriter) {
  auto gen = Dag({.target_nodes = 20000, .seed = 4});
  BulkWriterOptions bulk;
  bulk.batch_bytes = 256 << 10;  // Several commits.
  ASSERT_OK_AND_ASSIGN(const SinkCounts counts,
                       RunIntoBulkWriter(gen.get(), store_.get(), bulk));
  EXPECT_EQ(counts.nodes(), gen->stats().nodes());
  ASSERT_OK_AND_ASSIGN(const std::vector<Execution> last,
                       store_->GetByIds<Execution>({counts.executions}));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].type, "Task");
}

TEST(GeneratorSqliteTest, TfxAndDagPredictedIdsMatchMlmdSqlite) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, baseline::MlmdSqlite::Open(":memory:"));
    auto gen = Tfx({.pipelines = 4, .runs_per_pipeline = 50, .seed = 11});
    ASSERT_OK_AND_ASSIGN(const SinkCounts counts,
                         RunIntoMlmdSqlite(gen.get(), db.get()));
    EXPECT_EQ(counts.executions, 4 * 50 * 8);
    EXPECT_EQ(counts.nodes(), gen->stats().nodes());
    ASSERT_OK_AND_ASSIGN(const Artifact a, db->GetArtifact(1));
    EXPECT_EQ(a.type, "Examples");
  }
  {
    ASSERT_OK_AND_ASSIGN(auto db, baseline::MlmdSqlite::Open(":memory:"));
    auto gen = Dag({.target_nodes = 5000, .seed = 2});
    ASSERT_OK_AND_ASSIGN(const SinkCounts counts,
                         RunIntoMlmdSqlite(gen.get(), db.get()));
    EXPECT_EQ(counts.nodes(), gen->stats().nodes());
  }
}

}  // namespace
}  // namespace lineagedb::gen
