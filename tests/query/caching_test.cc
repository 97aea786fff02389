// Step-level output caching and stale-step detection on a TFX-like pipeline:
// ExampleGen -> SchemaGen -> Transform -> Trainer -> Pusher, plus VocabGen,
// which reads a fixed vocabulary source and feeds Transform.
#include "lineagedb/caching.h"

#include <map>
#include <set>

#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::StoreTest;

class CachingTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    for (const char* name : {"Examples", "Schema", "Vocabulary", "Transformed",
                             "Model", "Pushed", "Source"}) {
      Type t{.kind = NodeKind::kArtifact, .name = name};
      ASSERT_OK_AND_ASSIGN(artifact_types_[name], store_->PutType(t));
    }
    for (const char* name : {"ExampleGen", "SchemaGen", "VocabGen", "Transform",
                             "Trainer", "Pusher"}) {
      Type t{.kind = NodeKind::kExecution, .name = name};
      ASSERT_OK_AND_ASSIGN(execution_types_[name], store_->PutType(t));
    }
    Type pipeline{.kind = NodeKind::kContext, .name = "pipeline"};
    ASSERT_OK_AND_ASSIGN(pipeline_type_, store_->PutType(pipeline));
    Type run{.kind = NodeKind::kContext, .name = "run"};
    ASSERT_OK_AND_ASSIGN(run_type_, store_->PutType(run));
    Artifact source;
    source.type_id = artifact_types_["Source"];
    source.uri = "gs://vocab/source";
    ASSERT_OK_AND_ASSIGN(auto ids, store_->Put<Artifact>({source}));
    vocab_source_ = ids[0];
  }

  struct StepResult {
    bool hit = false;
    int64_t execution_id = 0;
    std::map<std::string, int64_t> outputs;  // Slot -> artifact.
  };

  // Runs one step the way an orchestrator with caching would.
  StepResult RunStep(const std::string& step,
                     const std::map<std::string, int64_t>& inputs,
                     const PropertyMap& params,
                     const std::map<std::string, std::string>& outputs) {
    StepResult r;
    CacheKey key;
    key.execution_type_id = execution_types_[step];
    for (const auto& [slot, id] : inputs) key.inputs.push_back({slot, id, ""});
    key.parameters = params;
    key.code_version = "v1";
    auto fp = Fingerprint(key);
    EXPECT_TRUE(fp.ok()) << fp.status();
    std::vector<Context> contexts = Contexts();
    std::vector<Event> input_events;
    for (const auto& [slot, id] : inputs) {
      Event e;
      e.artifact_id = id;
      e.type = EventType::kInput;
      e.path = {PathStep{slot}, PathStep{int64_t{0}}};
      input_events.push_back(e);
    }
    Execution exec;
    exec.type_id = execution_types_[step];
    exec.properties = {};
    exec.custom_properties = params;
    auto cached = FindCachedExecution(store_.get(), *fp);
    if (cached.ok()) {
      r.hit = true;
      CacheHit hit{cached->execution.id, exec, input_events, contexts};
      auto put = RecordCacheHit(store_.get(), hit);
      EXPECT_TRUE(put.ok()) << put.status();
      r.execution_id = put->execution_id;
      for (const auto& [slot, artifacts] : cached->outputs) {
        r.outputs[slot] = artifacts.at(0).id;
      }
      return r;
    }
    EXPECT_CODE(cached.status(), kNotFound);
    exec.last_known_state = ExecutionState::kComplete;
    exec.fingerprint = *fp;
    std::vector<ArtifactAndEvent> pairs;
    for (const Event& e : input_events) pairs.push_back({std::nullopt, e});
    for (const auto& [slot, type] : outputs) {
      Artifact a;
      a.type_id = artifact_types_[type];
      a.state = ArtifactState::kLive;
      a.uri = "gs://out/" + step + "/" + slot + "/" + std::to_string(++seq_);
      Event e;
      e.type = EventType::kOutput;
      e.path = {PathStep{slot}, PathStep{int64_t{0}}};
      pairs.push_back({a, e});
    }
    auto put = store_->PutExecution(
        exec, pairs, contexts,
        PutExecutionOptions{.reuse_context_if_already_exist = true});
    EXPECT_TRUE(put.ok()) << put.status();
    r.execution_id = put->execution_id;
    size_t i = inputs.size();
    for (const auto& [slot, type] : outputs) {
      r.outputs[slot] = put->artifact_ids[i++];
    }
    return r;
  }

  std::vector<Context> Contexts() {
    Context pipeline, run;
    pipeline.type_id = pipeline_type_;
    pipeline.name = pipeline_;
    run.type_id = run_type_;
    run.name = "run-" + std::to_string(run_);
    return {pipeline, run};
  }

  // One pipeline run; returns each step's result.
  std::map<std::string, StepResult> RunPipeline(int64_t span, double lr) {
    ++run_;
    std::map<std::string, StepResult> r;
    r["ExampleGen"] =
        RunStep("ExampleGen", {}, {{"span", span}}, {{"examples", "Examples"}});
    const int64_t examples = r["ExampleGen"].outputs["examples"];
    r["SchemaGen"] = RunStep("SchemaGen", {{"examples", examples}}, {},
                             {{"schema", "Schema"}});
    r["VocabGen"] = RunStep("VocabGen", {{"source", vocab_source_}}, {},
                            {{"vocabulary", "Vocabulary"}});
    r["Transform"] =
        RunStep("Transform",
                {{"examples", examples},
                 {"schema", r["SchemaGen"].outputs["schema"]},
                 {"vocabulary", r["VocabGen"].outputs["vocabulary"]}},
                {}, {{"transformed", "Transformed"}});
    r["Trainer"] =
        RunStep("Trainer",
                {{"examples", r["Transform"].outputs["transformed"]},
                 {"schema", r["SchemaGen"].outputs["schema"]}},
                {{"learning_rate", lr}, {"num_steps", int64_t{1000}}},
                {{"model", "Model"}});
    r["Pusher"] = RunStep("Pusher", {{"model", r["Trainer"].outputs["model"]}},
                          {}, {{"pushed_model", "Pushed"}});
    return r;
  }

  // A new run of span 2 through ExampleGen, SchemaGen and Transform (with
  // `first`'s vocabulary); each step's result.
  std::map<std::string, StepResult> RerunUpToTransform(
      std::map<std::string, StepResult>& first) {
    ++run_;
    std::map<std::string, StepResult> r;
    r["ExampleGen"] = RunStep("ExampleGen", {}, {{"span", int64_t{2}}},
                              {{"examples", "Examples"}});
    const int64_t examples = r["ExampleGen"].outputs["examples"];
    r["SchemaGen"] = RunStep("SchemaGen", {{"examples", examples}}, {},
                             {{"schema", "Schema"}});
    r["Transform"] =
        RunStep("Transform",
                {{"examples", examples},
                 {"schema", r["SchemaGen"].outputs["schema"]},
                 {"vocabulary", first["VocabGen"].outputs["vocabulary"]}},
                {}, {{"transformed", "Transformed"}});
    return r;
  }

  int64_t PipelineContextId() {
    auto c = store_->GetByTypeAndName<Context>("pipeline", "taxi");
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->id : 0;
  }

  std::map<std::string, int64_t> artifact_types_, execution_types_;
  int64_t pipeline_type_ = 0, run_type_ = 0, vocab_source_ = 0;
  int run_ = 0;
  int seq_ = 0;
  std::string pipeline_ = "taxi";  // The pipeline RunStep runs in.
};

TEST_F(CachingTest, IdenticalRerunIsAllCacheHitsRecordedAsCached) {
  auto first = RunPipeline(1, 0.01);
  for (const auto& [step, r] : first) EXPECT_FALSE(r.hit) << step;
  auto second = RunPipeline(1, 0.01);
  for (const auto& [step, r] : second) {
    EXPECT_TRUE(r.hit) << step;
    EXPECT_EQ(r.outputs, first[step].outputs) << step;
    ASSERT_OK_AND_ASSIGN(auto execs,
                         store_->GetByIds<Execution>({r.execution_id}));
    ASSERT_EQ(execs.size(), 1u);
    EXPECT_EQ(execs[0].last_known_state, ExecutionState::kCached) << step;
    // The CACHED execution's output events point at the old outputs.
    ASSERT_OK_AND_ASSIGN(auto events,
                         store_->GetEventsByExecutionIds({r.execution_id}));
    std::map<std::string, int64_t> outputs;
    for (const Event& e : events) {
      if (e.type == EventType::kOutput) {
        outputs[std::get<std::string>(e.path[0].step)] = e.artifact_id;
      }
    }
    EXPECT_EQ(outputs, first[step].outputs) << step;
    // ...and it belongs to the second run's context.
    ASSERT_OK_AND_ASSIGN(auto contexts,
                         store_->GetContextsOf<Execution>(r.execution_id));
    ASSERT_EQ(contexts.size(), 2u);
    EXPECT_EQ(contexts[1].name, "run-2");
    // Its inputs and reused outputs are attributed to the run, as
    // PutExecution attributes the artifacts its events name.
    NodeQuery in_run;
    in_run.context_id = contexts[1].id;
    ListOptions all;
    all.max_result_size = 10000;
    ASSERT_OK_AND_ASSIGN(Page<Artifact> attributed,
                         store_->List<Artifact>(in_run, all));
    std::set<int64_t> ids;
    for (const Artifact& a : attributed.items) ids.insert(a.id);
    for (const Event& e : events) {
      EXPECT_TRUE(ids.contains(e.artifact_id))
          << step << ": artifact " << e.artifact_id;
    }
  }
}

TEST_F(CachingTest, ChangedHyperparameterMissesTrainerAndDownstreamOnly) {
  auto first = RunPipeline(1, 0.01);
  auto second = RunPipeline(1, 0.02);
  for (const char* step :
       {"ExampleGen", "SchemaGen", "VocabGen", "Transform"}) {
    EXPECT_TRUE(second[step].hit) << step;
  }
  for (const char* step : {"Trainer", "Pusher"}) {
    EXPECT_FALSE(second[step].hit) << step;
    EXPECT_NE(second[step].outputs, first[step].outputs) << step;
  }
}

// The execution types of `steps`, in order.
std::vector<std::string> Names(const std::vector<PipelineStep>& steps) {
  std::vector<std::string> names;
  for (const PipelineStep& s : steps) names.push_back(s.execution_type);
  return names;
}

TEST_F(CachingTest, NewSpanMakesExactlyTheStepsDownstreamOfExampleGenStale) {
  RunPipeline(1, 0.01);
  ++run_;
  auto gen = RunStep("ExampleGen", {}, {{"span", int64_t{2}}},
                     {{"examples", "Examples"}});
  ASSERT_FALSE(gen.hit);
  ASSERT_OK_AND_ASSIGN(StaleSteps stale,
                       GetStaleSteps(store_.get(), PipelineContextId(),
                                     gen.outputs["examples"]));
  const std::vector<std::string> stale_names = Names(stale.stale);
  const std::vector<std::string> valid_names = Names(stale.valid);
  EXPECT_EQ(stale_names, (std::vector<std::string>{"SchemaGen", "Transform",
                                                   "Trainer", "Pusher"}));
  EXPECT_THAT(valid_names,
              ::testing::UnorderedElementsAre("ExampleGen", "VocabGen"));
}

TEST_F(CachingTest, StaleStepsOfUnknownNodesOrAnArtifactNoStepMade) {
  RunPipeline(1, 0.01);
  ASSERT_OK_AND_ASSIGN(
      int64_t loose_type,
      store_->PutType(Type{.kind = NodeKind::kArtifact, .name = "Loose"}));
  Artifact loose;
  loose.type_id = loose_type;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       store_->Put<Artifact>({loose}));
  EXPECT_CODE(GetStaleSteps(store_.get(), PipelineContextId(), ids[0]),
              kInvalidArgument);
  EXPECT_CODE(GetStaleSteps(store_.get(), PipelineContextId(), ids[0] + 100),
              kNotFound);
  EXPECT_CODE(GetStaleSteps(store_.get(), 999999, ids[0]), kNotFound);
}

// Part of the pipeline already re-ran on the new span: the steps after it
// still read the outputs it replaced, so they are stale; the re-run steps
// are not.
TEST_F(CachingTest, StepsReadingOutputsThatARerunReplacedAreStale) {
  auto first = RunPipeline(1, 0.01);
  auto rerun = RerunUpToTransform(first);
  const int64_t examples = rerun["ExampleGen"].outputs["examples"];
  ASSERT_FALSE(rerun["Transform"].hit);
  ASSERT_OK_AND_ASSIGN(
      StaleSteps stale,
      GetStaleSteps(store_.get(), PipelineContextId(), examples));
  const std::vector<std::string> stale_names = Names(stale.stale);
  const std::vector<std::string> valid_names = Names(stale.valid);
  EXPECT_EQ(stale_names, (std::vector<std::string>{"Trainer", "Pusher"}));
  EXPECT_THAT(valid_names,
              ::testing::UnorderedElementsAre("ExampleGen", "SchemaGen",
                                              "VocabGen", "Transform"));
}

// A step whose latest run read the new artifact beside an older one of its
// slot (as an Evaluator reads a baseline model) ran on the new data.
TEST_F(CachingTest, AStepThatReadTheNewArtifactBesideAnOlderOneIsNotStale) {
  auto first = RunPipeline(1, 0.01);
  ++run_;
  auto gen = RunStep("ExampleGen", {}, {{"span", int64_t{2}}},
                     {{"examples", "Examples"}});
  const int64_t examples = gen.outputs["examples"];
  RunStep("SchemaGen",
          {{"examples", examples},
           {"baseline", first["ExampleGen"].outputs["examples"]}},
          {}, {{"schema", "Schema"}});
  ASSERT_OK_AND_ASSIGN(
      StaleSteps stale,
      GetStaleSteps(store_.get(), PipelineContextId(), examples));
  const std::vector<std::string> stale_names = Names(stale.stale);
  const std::vector<std::string> valid_names = Names(stale.valid);
  EXPECT_EQ(stale_names,
            (std::vector<std::string>{"Transform", "Trainer", "Pusher"}));
  EXPECT_THAT(valid_names, ::testing::UnorderedElementsAre(
                               "ExampleGen", "SchemaGen", "VocabGen"));
}

// A step that re-ran on the new data, warm-started from its own last output
// (a Trainer from its previous model), is not stale; its consumers are.
TEST_F(CachingTest, AStepWarmStartedFromItsOwnOutputIsNotStale) {
  auto first = RunPipeline(1, 0.01);
  auto rerun = RerunUpToTransform(first);
  const int64_t examples = rerun["ExampleGen"].outputs["examples"];
  auto& schema = rerun["SchemaGen"];
  auto& transform = rerun["Transform"];
  RunStep("Trainer",
          {{"examples", transform.outputs["transformed"]},
           {"schema", schema.outputs["schema"]},
           {"base_model", first["Trainer"].outputs["model"]}},
          {{"learning_rate", 0.01}}, {{"model", "Model"}});
  ASSERT_OK_AND_ASSIGN(
      StaleSteps stale,
      GetStaleSteps(store_.get(), PipelineContextId(), examples));
  EXPECT_EQ(Names(stale.stale), (std::vector<std::string>{"Pusher"}));
  // Asked of the new model, the same: the Trainer made it.
  ASSERT_OK_AND_ASSIGN(
      auto newest, GetNewestSlotArtifacts(store_.get(), PipelineContextId()));
  int64_t model = 0;
  for (const SlotArtifact& s : newest) {
    if (s.producer_type == "Trainer") model = s.artifact_id;
  }
  ASSERT_OK_AND_ASSIGN(stale,
                       GetStaleSteps(store_.get(), PipelineContextId(), model));
  EXPECT_EQ(Names(stale.stale), (std::vector<std::string>{"Pusher"}));
}

// A step whose latest run read the current output of a re-run step beside
// an older one (a baseline model) ran on the new data, however the new data
// is named: the span that started it or the model it made.
TEST_F(CachingTest, AStepThatReadARerunsOutputBesideABaselineIsNotStale) {
  auto first = RunPipeline(1, 0.01);
  auto second = RunPipeline(2, 0.01);
  RunStep("Pusher",
          {{"model", second["Trainer"].outputs["model"]},
           {"baseline", first["Trainer"].outputs["model"]}},
          {}, {{"pushed_model", "Pushed"}});
  for (int64_t id : {second["ExampleGen"].outputs["examples"],
                     second["Trainer"].outputs["model"]}) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(StaleSteps stale,
                         GetStaleSteps(store_.get(), PipelineContextId(), id));
    EXPECT_THAT(Names(stale.stale), ::testing::IsEmpty());
  }
}

// A cycle among some steps (a feedback loop) keeps the others in the order
// to re-run them; here steps declared after the ones they read.
TEST_F(CachingTest, ACycleElsewhereKeepsTheStaleStepsInOrder) {
  for (const char* name : {"Z3", "Z2", "Z1", "X", "Y"}) {
    Type t{.kind = NodeKind::kExecution, .name = name};
    ASSERT_OK_AND_ASSIGN(execution_types_[name], store_->PutType(t));
  }
  auto first = RunPipeline(1, 0.01);
  auto z1 = RunStep("Z1", {{"in", first["ExampleGen"].outputs["examples"]}}, {},
                    {{"out", "Transformed"}});
  auto z2 =
      RunStep("Z2", {{"in", z1.outputs["out"]}}, {}, {{"out", "Transformed"}});
  RunStep("Z3", {{"in", z2.outputs["out"]}}, {}, {{"out", "Transformed"}});
  auto x = RunStep("X", {}, {}, {{"out", "Transformed"}});
  auto y =
      RunStep("Y", {{"in", x.outputs["out"]}}, {}, {{"out", "Transformed"}});
  RunStep("X", {{"feedback", y.outputs["out"]}}, {}, {{"out", "Transformed"}});
  ++run_;
  auto gen = RunStep("ExampleGen", {}, {{"span", int64_t{2}}},
                     {{"examples", "Examples"}});
  ASSERT_OK_AND_ASSIGN(StaleSteps stale,
                       GetStaleSteps(store_.get(), PipelineContextId(),
                                     gen.outputs["examples"]));
  const std::vector<std::string> names = Names(stale.stale);
  auto at = [&names](const char* step) {
    return std::find(names.begin(), names.end(), step) - names.begin();
  };
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("SchemaGen", "Transform",
                                                     "Trainer", "Pusher", "Z1",
                                                     "Z2", "Z3"));
  EXPECT_LT(at("Z1"), at("Z2"));
  EXPECT_LT(at("Z2"), at("Z3"));
  EXPECT_LT(at("SchemaGen"), at("Transform"));
  EXPECT_LT(at("Transform"), at("Trainer"));
  EXPECT_LT(at("Trainer"), at("Pusher"));
  // The cycle's steps come together.
  const std::vector<std::string> valid = Names(stale.valid);
  const auto x_at = std::find(valid.begin(), valid.end(), "X");
  ASSERT_NE(x_at, valid.end());
  ASSERT_NE(x_at + 1, valid.end());
  EXPECT_EQ(*(x_at + 1), "Y");
}

// An artifact one of the pipeline's steps made in another pipeline is not
// new data for this one; data made by a step the pipeline does not have is.
TEST_F(CachingTest, StaleStepsRefuseAnArtifactOfAnotherPipeline) {
  RunPipeline(1, 0.01);
  const int64_t taxi = PipelineContextId();
  pipeline_ = "other";
  auto gen = RunStep("ExampleGen", {}, {{"span", int64_t{2}}},
                     {{"examples", "Examples"}});
  Status s =
      GetStaleSteps(store_.get(), taxi, gen.outputs["examples"]).status();
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("is not in context"));
  ASSERT_OK_AND_ASSIGN(
      execution_types_["Crawler"],
      store_->PutType(Type{.kind = NodeKind::kExecution, .name = "Crawler"}));
  auto crawl = RunStep("Crawler", {}, {}, {{"pages", "Source"}});
  ASSERT_OK_AND_ASSIGN(StaleSteps stale, GetStaleSteps(store_.get(), taxi,
                                                       crawl.outputs["pages"]));
  EXPECT_TRUE(stale.stale.empty());
  EXPECT_EQ(stale.valid.size(), 6u);
}

TEST_F(CachingTest, NewestSlotArtifactsFollowTheLatestRun) {
  auto first = RunPipeline(1, 0.01);
  auto second = RunPipeline(2, 0.01);
  ASSERT_OK_AND_ASSIGN(
      auto slots, GetNewestSlotArtifacts(store_.get(), PipelineContextId()));
  std::map<std::string, int64_t> by_slot;
  for (const auto& s : slots)
    by_slot[s.producer_type + "." + s.output_key] = s.artifact_id;
  EXPECT_EQ(by_slot["ExampleGen.examples"],
            second["ExampleGen"].outputs["examples"]);
  EXPECT_EQ(by_slot["Trainer.model"], second["Trainer"].outputs["model"]);
  // VocabGen was a cache hit: its newest vocabulary is the first run's.
  EXPECT_EQ(by_slot["VocabGen.vocabulary"],
            first["VocabGen"].outputs["vocabulary"]);
}

TEST_F(CachingTest, BadLookupsAreRefusedWithTheirCodes) {
  EXPECT_CODE(FindCachedExecution(store_.get(), ""), kInvalidArgument);
  EXPECT_CODE(
      FindCachedExecution(store_.get(), "00000000000000000000000000000000"),
      kNotFound);
  EXPECT_CODE(GetNewestSlotArtifacts(store_.get(), 12345), kNotFound);
}

// A cache hit's inputs are checked as PutExecution checks them, and only a
// finished execution's outputs are reused; a refused hit writes nothing.
TEST_F(CachingTest, BadCacheHitsAreRefusedAndWriteNothing) {
  auto first = RunPipeline(1, 0.01);
  const int64_t examples = first["ExampleGen"].outputs["examples"];
  Execution failed;
  failed.type_id = execution_types_["SchemaGen"];
  failed.last_known_state = ExecutionState::kFailed;
  ASSERT_OK_AND_ASSIGN(auto failed_ids, store_->Put<Execution>({failed}));
  const auto before = DumpStore();
  CacheHit hit;
  hit.cached_execution_id = first["SchemaGen"].execution_id;
  hit.execution.type_id = execution_types_["SchemaGen"];
  Event input;
  input.artifact_id = examples;
  input.type = EventType::kOutput;
  hit.inputs = {input};
  Status s = RecordCacheHit(store_.get(), hit).status();
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("OUTPUT"));
  hit.inputs[0].type = EventType::kInput;
  hit.inputs[0].execution_id = first["Trainer"].execution_id;
  EXPECT_CODE(RecordCacheHit(store_.get(), hit), kInvalidArgument);
  hit.inputs[0].execution_id = 0;
  hit.cached_execution_id = failed_ids[0];
  s = RecordCacheHit(store_.get(), hit).status();
  EXPECT_CODE(s, kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("is FAILED"));
  // A hit of another step, or of a run whose output is gone.
  hit.cached_execution_id = first["SchemaGen"].execution_id;
  hit.execution.type_id = execution_types_["Trainer"];
  s = RecordCacheHit(store_.get(), hit).status();
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("type"));
  hit.execution.type_id = execution_types_["SchemaGen"];
  EXPECT_EQ(DumpStore(), before);
  ASSERT_OK_AND_ASSIGN(
      auto schemas,
      store_->GetByIds<Artifact>({first["SchemaGen"].outputs["schema"]}));
  const Artifact live = schemas.at(0);
  Artifact deleted = live;
  deleted.state = ArtifactState::kDeleted;
  ASSERT_OK(store_->Put<Artifact>({deleted}).status());
  const auto with_deleted = DumpStore();
  s = RecordCacheHit(store_.get(), hit).status();
  EXPECT_CODE(s, kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("is DELETED"));
  EXPECT_EQ(DumpStore(), with_deleted);
  ASSERT_OK(store_->Put<Artifact>({live}).status());
  hit.cached_execution_id = first["SchemaGen"].execution_id;
  EXPECT_OK(RecordCacheHit(store_.get(), hit).status());
}

TEST_F(CachingTest, DeletedOutputIsNeverACacheHit) {
  auto first = RunPipeline(1, 0.01);
  ASSERT_OK_AND_ASSIGN(auto models, store_->GetByIds<Artifact>(
                                        {first["Trainer"].outputs["model"]}));
  Artifact model = models.at(0);
  model.state = ArtifactState::kDeleted;
  ASSERT_OK(store_->Put<Artifact>({model}).status());
  auto second = RunPipeline(1, 0.01);
  EXPECT_TRUE(second["Transform"].hit);
  EXPECT_FALSE(second["Trainer"].hit);
  EXPECT_NE(second["Trainer"].outputs["model"], model.id);
}

// Only OUTPUT events are a hit's outputs (TFX's rule): an artifact only
// declared, pending or internal to the run is neither returned, nor
// checked, nor linked to the CACHED execution; one both OUTPUT and
// DECLARED_OUTPUT of a slot is listed once.
TEST_F(CachingTest, OnlyOutputEventsAreReused) {
  auto first = RunPipeline(1, 0.01);
  const int64_t trainer = first["Trainer"].execution_id;
  const int64_t model = first["Trainer"].outputs["model"];
  Artifact never_written;
  never_written.type_id = artifact_types_["Model"];
  never_written.state = ArtifactState::kPending;
  ASSERT_OK_AND_ASSIGN(auto ids, store_->Put<Artifact>({never_written}));
  std::vector<Event> events;
  for (const auto& [artifact, type] :
       std::vector<std::pair<int64_t, EventType>>{
           {model, EventType::kDeclaredOutput},
           {ids[0], EventType::kDeclaredOutput},
           {ids[0], EventType::kPendingOutput},
           {ids[0], EventType::kInternalOutput}}) {
    Event e;
    e.artifact_id = artifact;
    e.execution_id = trainer;
    e.type = type;
    e.path = {PathStep{"model"}, PathStep{int64_t{artifact == model ? 0 : 1}}};
    events.push_back(e);
  }
  ASSERT_OK(store_->PutEvents(events));
  ASSERT_OK_AND_ASSIGN(auto executions, store_->GetByIds<Execution>({trainer}));
  ASSERT_OK_AND_ASSIGN(
      CachedExecution hit,
      FindCachedExecution(store_.get(), executions.at(0).fingerprint));
  EXPECT_EQ(hit.execution.id, trainer);
  ASSERT_EQ(hit.outputs.size(), 1u);
  ASSERT_EQ(hit.outputs["model"].size(), 1u);
  EXPECT_EQ(hit.outputs["model"][0].id, model);
  Execution again;
  again.type_id = execution_types_["Trainer"];
  ASSERT_OK_AND_ASSIGN(PutExecutionResult put,
                       RecordCacheHit(store_.get(), {trainer, again, {}, {}}));
  ASSERT_OK_AND_ASSIGN(auto recorded,
                       store_->GetEventsByExecutionIds({put.execution_id}));
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].artifact_id, model);
  EXPECT_EQ(recorded[0].type, EventType::kOutput);
}

// An OUTPUT artifact in state PENDING is not written yet: a partial result,
// never a hit. UNKNOWN (never set) and REFERENCE are usable.
TEST_F(CachingTest, APendingOutputIsNoHitUnknownAndReferenceAre) {
  auto first = RunPipeline(1, 0.01);
  const int64_t trainer = first["Trainer"].execution_id;
  ASSERT_OK_AND_ASSIGN(auto executions, store_->GetByIds<Execution>({trainer}));
  const std::string fp = executions.at(0).fingerprint;
  ASSERT_OK_AND_ASSIGN(auto models, store_->GetByIds<Artifact>(
                                        {first["Trainer"].outputs["model"]}));
  for (const ArtifactState state :
       {ArtifactState::kPending, ArtifactState::kUnknown,
        ArtifactState::kReference, ArtifactState::kLive}) {
    SCOPED_TRACE(static_cast<int>(state));
    Artifact model = models.at(0);
    model.state = state;
    ASSERT_OK(store_->Put<Artifact>({model}).status());
    auto found = FindCachedExecution(store_.get(), fp);
    Execution again;
    again.type_id = execution_types_["Trainer"];
    const auto before = DumpStore();
    auto recorded = RecordCacheHit(store_.get(), {trainer, again, {}, {}});
    if (state == ArtifactState::kPending) {
      EXPECT_CODE(found.status(), kNotFound);
      EXPECT_CODE(recorded.status(), kFailedPrecondition);
      EXPECT_THAT(std::string(recorded.status().message()),
                  ::testing::HasSubstr("is PENDING"));
      EXPECT_EQ(DumpStore(), before);
    } else {
      ASSERT_OK(found.status());
      EXPECT_EQ(found->execution.id, trainer);
      EXPECT_OK(recorded.status());
    }
  }
}

// A fingerprint written by many COMPLETE executions (the cache bypassed):
// the newest usable one wins, past the forward-scan window too, with and
// without the adjacency index.
TEST_F(CachingTest, NewestUsableOfManyExecutionsWithOneFingerprint) {
  for (const bool use_index : {true, false}) {
    SCOPED_TRACE(use_index ? "index" : "prefix scans");
    options_.use_graph_index = use_index;
    Reopen();
    const std::string fp = use_index ? "fp-index" : "fp-scans";
    std::vector<int64_t> models;
    for (int i = 0; i < 70; ++i) {
      Execution e;
      e.type_id = execution_types_["Trainer"];
      e.last_known_state = ExecutionState::kComplete;
      e.fingerprint = fp;
      Artifact model;
      model.type_id = artifact_types_["Model"];
      Event out;
      out.type = EventType::kOutput;
      out.path = {{std::string("model")}, {int64_t{0}}};
      ASSERT_OK_AND_ASSIGN(
          auto r, store_->PutExecution(e, {testing::Pair(model, out)}, {}));
      models.push_back(r.artifact_ids[0]);
    }
    ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                         FindCachedExecution(store_.get(), fp));
    EXPECT_EQ(hit.outputs["model"].at(0).id, models.back());
    // The three newest lose their model: the fourth newest is the hit.
    for (int k = 1; k <= 3; ++k) {
      ASSERT_OK_AND_ASSIGN(
          auto a, store_->GetByIds<Artifact>({models[models.size() - k]}));
      a[0].state = ArtifactState::kDeleted;
      ASSERT_OK(store_->Put<Artifact>(a).status());
    }
    ASSERT_OK_AND_ASSIGN(hit, FindCachedExecution(store_.get(), fp));
    EXPECT_EQ(hit.outputs["model"].at(0).id, models[models.size() - 4]);
    EXPECT_EQ(hit.execution.fingerprint, fp);
  }
}

TEST(FingerprintTest, IndependentOfInputOrderAndSensitiveToEveryPart) {
  CacheKey a;
  a.execution_type_id = 7;
  a.inputs = {{"examples", 10, ""}, {"schema", 11, ""}};
  a.parameters = {{"learning_rate", 0.01}, {"num_steps", int64_t{1000}}};
  a.code_version = "trainer:1.2";
  CacheKey b = a;
  std::reverse(b.inputs.begin(), b.inputs.end());
  ASSERT_OK_AND_ASSIGN(std::string fa, Fingerprint(a));
  ASSERT_OK_AND_ASSIGN(std::string fb, Fingerprint(b));
  EXPECT_EQ(fa, fb);
  EXPECT_EQ(fa.size(), 32u);
  auto changed = [&](auto mutate) {
    CacheKey c = a;
    mutate(c);
    auto f = Fingerprint(c);
    return f.ok() && *f != fa;
  };
  EXPECT_TRUE(
      changed([](CacheKey& c) { c.parameters["learning_rate"] = 0.02; }));
  EXPECT_TRUE(
      changed([](CacheKey& c) { c.parameters["num_steps"] = int64_t{1001}; }));
  EXPECT_TRUE(changed([](CacheKey& c) { c.parameters["extra"] = true; }));
  EXPECT_TRUE(changed([](CacheKey& c) { c.inputs[0].artifact_id = 12; }));
  EXPECT_TRUE(changed([](CacheKey& c) { c.inputs[0].slot = "other"; }));
  EXPECT_TRUE(changed([](CacheKey& c) { c.execution_type_id = 8; }));
  EXPECT_TRUE(changed([](CacheKey& c) { c.code_version = "trainer:1.3"; }));
  // A parameter's kind is part of it: 1 and 1.0 differ.
  EXPECT_TRUE(changed([](CacheKey& c) { c.parameters["num_steps"] = 1000.0; }));
  // Content identities let different artifacts with equal content match.
  CacheKey x = a, y = a;
  x.inputs[0] = {"examples", 10, "sha256:abc"};
  y.inputs[0] = {"examples", 99, "sha256:abc"};
  EXPECT_EQ(Fingerprint(x).value(), Fingerprint(y).value());
}

// Fingerprints are stored: they must not change across versions.
TEST(FingerprintTest, KnownFingerprintsArePinned) {
  CacheKey a;
  a.execution_type_id = 7;
  a.inputs = {{"examples", 10, ""}, {"schema", 11, ""}};
  a.parameters = {{"learning_rate", 0.01}, {"num_steps", int64_t{1000}}};
  a.code_version = "trainer:1.2";
  EXPECT_EQ(Fingerprint(a).value(), "7bc9558bcec69381314e8485afcf144f");
  CacheKey empty;
  empty.execution_type_id = 1;
  EXPECT_EQ(Fingerprint(empty).value(), "fece465618bd94fc4baa917beb38785f");
}

TEST(FingerprintTest, BadKeysAreInvalidArgument) {
  CacheKey k;
  EXPECT_CODE(Fingerprint(k), kInvalidArgument);
  k.execution_type_id = 1;
  k.inputs = {{"", 1, ""}};
  EXPECT_CODE(Fingerprint(k), kInvalidArgument);
  k.inputs = {{"slot", 0, ""}};
  EXPECT_CODE(Fingerprint(k), kInvalidArgument);
  k.inputs = {};
  k.parameters["p"] = Value();
  EXPECT_CODE(Fingerprint(k), kInvalidArgument);
}

}  // namespace
}  // namespace lineagedb
