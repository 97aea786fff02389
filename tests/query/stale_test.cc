// Stale-step detection (GetStaleSteps) and the newest slot artifacts
// (GetNewestSlotArtifacts) for steps with several outputs: lists under one
// output key, and outputs a re-run replaces beside the one that is new.
// The TFX-shaped cases are in caching_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "lineagedb/caching.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::StoreTest;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class StaleTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK_AND_ASSIGN(
        data_type_,
        store_->PutType(Type{.kind = NodeKind::kArtifact, .name = "Data"}));
    ASSERT_OK_AND_ASSIGN(
        pipeline_type_,
        store_->PutType(Type{.kind = NodeKind::kContext, .name = "Pipeline"}));
  }

  int64_t StepType(const std::string& name, const std::string& version = "") {
    Type t{.kind = NodeKind::kExecution, .name = name, .version = version};
    auto id = store_->PutType(t);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  // One run (COMPLETE unless `state`) of step type `type` in the pipeline,
  // reading `inputs`
  // ((key, artifact)) and making an artifact for each of `outputs` (keys;
  // a key given twice makes a list, indexed in order). Returns the new
  // artifacts' ids in the order of `outputs`.
  std::vector<int64_t> Run(
      int64_t type, const std::vector<std::pair<std::string, int64_t>>& inputs,
      const std::vector<std::string>& outputs,
      ExecutionState state = ExecutionState::kComplete) {
    Execution x;
    x.type_id = type;
    x.last_known_state = state;
    std::vector<ArtifactAndEvent> pairs;
    for (const auto& [key, id] : inputs) {
      Event in;
      in.type = EventType::kInput;
      in.artifact_id = id;
      in.path = {PathStep{key}};
      pairs.push_back({std::nullopt, in});
    }
    std::map<std::string, int64_t> index;
    for (const std::string& key : outputs) {
      Artifact a;
      a.type_id = data_type_;
      a.uri = "/data/" + std::to_string(++seq_);
      Event out;
      out.type = EventType::kOutput;
      out.path = {PathStep{key}, PathStep{index[key]++}};
      pairs.push_back({a, out});
    }
    Context pipeline;
    pipeline.type_id = pipeline_type_;
    pipeline.name = "p";
    auto put = store_->PutExecution(
        x, pairs, {pipeline},
        PutExecutionOptions{.reuse_context_if_already_exist = true});
    EXPECT_TRUE(put.ok()) << put.status();
    if (!put.ok()) return {};
    pipeline_ = put->context_ids.at(0);
    return std::vector<int64_t>(put->artifact_ids.begin() + inputs.size(),
                                put->artifact_ids.end());
  }

  // The names of the stale and the valid steps after `artifact` arrived.
  std::pair<std::vector<std::string>, std::vector<std::string>> Stale(
      int64_t artifact) {
    std::pair<std::vector<std::string>, std::vector<std::string>> out;
    auto steps = GetStaleSteps(store_.get(), pipeline_, artifact);
    EXPECT_TRUE(steps.ok()) << steps.status();
    if (!steps.ok()) return out;
    for (const PipelineStep& s : steps->stale) {
      out.first.push_back(s.execution_type);
    }
    for (const PipelineStep& s : steps->valid) {
      out.second.push_back(s.execution_type);
    }
    return out;
  }

  int64_t data_type_ = 0;
  int64_t pipeline_type_ = 0;
  int64_t pipeline_ = 0;
  int seq_ = 0;
};

// A step writes a list under one key (train and eval splits); each consumer
// reads one of them. The artifacts one run makes beside the new one are not
// older artifacts of its slot.
TEST_F(StaleTest, ArtifactsOfTheNewOnesRunAreNotOlderOnesOfItsSlot) {
  const int64_t split = StepType("Split");
  const int64_t fit = StepType("Fit");
  const int64_t score = StepType("Score");
  const std::vector<int64_t> first = Run(split, {}, {"examples", "examples"});
  Run(fit, {{"examples", first[0]}}, {"model"});
  Run(score, {{"examples", first[1]}}, {"score"});
  const std::vector<int64_t> second = Run(split, {}, {"examples", "examples"});
  // Before the consumers re-ran, both are stale, whichever split is asked.
  for (int64_t artifact : second) {
    EXPECT_THAT(Stale(artifact).first, UnorderedElementsAre("Fit", "Score"));
  }
  Run(fit, {{"examples", second[0]}}, {"model"});
  Run(score, {{"examples", second[1]}}, {"score"});
  for (int64_t artifact : second) {
    EXPECT_THAT(Stale(artifact).first, ElementsAre()) << artifact;
  }
}

// A step reads two outputs of a producer that re-ran; it read the new one
// of one key and the replaced one of the other: it has not run on the
// re-run's outputs.
TEST_F(StaleTest, AReplacedOutputReadBesideACurrentOneOfAnotherKeyIsStale) {
  const int64_t gen = StepType("Gen");
  const int64_t transform = StepType("Transform");
  const int64_t trainer = StepType("Trainer");
  const int64_t data1 = Run(gen, {}, {"examples"})[0];
  const std::vector<int64_t> t1 =
      Run(transform, {{"examples", data1}}, {"graph", "vocab"});
  Run(trainer, {{"graph", t1[0]}, {"vocab", t1[1]}}, {"model"});
  const int64_t data2 = Run(gen, {}, {"examples"})[0];
  const std::vector<int64_t> t2 =
      Run(transform, {{"examples", data2}}, {"graph", "vocab"});
  Run(trainer, {{"graph", t2[0]}, {"vocab", t1[1]}}, {"model"});
  auto [stale, valid] = Stale(data2);
  EXPECT_THAT(stale, ElementsAre("Trainer"));
  EXPECT_THAT(valid, UnorderedElementsAre("Gen", "Transform"));
  // Read both current outputs: not stale.
  Run(trainer, {{"graph", t2[0]}, {"vocab", t2[1]}}, {"model"});
  EXPECT_THAT(Stale(data2).first, ElementsAre());
}

// An output key the re-run no longer writes (a Transform that stopped
// materializing its examples) has nothing newer: reading the old one is
// not stale.
TEST_F(StaleTest, AnOutputTheReRunNoLongerWritesIsNotReplaced) {
  const int64_t gen = StepType("Gen");
  const int64_t transform = StepType("Transform");
  const int64_t trainer = StepType("Trainer");
  const int64_t data1 = Run(gen, {}, {"examples"})[0];
  const std::vector<int64_t> t1 =
      Run(transform, {{"examples", data1}}, {"graph", "materialized"});
  const int64_t data2 = Run(gen, {}, {"examples"})[0];
  const int64_t graph2 = Run(transform, {{"examples", data2}}, {"graph"})[0];
  Run(trainer, {{"graph", graph2}, {"materialized", t1[1]}}, {"model"});
  EXPECT_THAT(Stale(data2).first, ElementsAre());
}

// The run that made the new artifact replaced its other outputs too: a
// step still reading one of those is stale.
TEST_F(StaleTest, TheOtherOutputsOfTheNewArtifactsRunAreReplaced) {
  const int64_t trainer = StepType("Trainer");
  const int64_t eval = StepType("Eval");
  const int64_t board = StepType("Board");
  const std::vector<int64_t> first = Run(trainer, {}, {"model", "run"});
  Run(eval, {{"model", first[0]}}, {"blessing"});
  Run(board, {{"run", first[1]}}, {"page"});
  const std::vector<int64_t> second = Run(trainer, {}, {"model", "run"});
  auto [stale, valid] = Stale(second[0]);
  EXPECT_THAT(stale, UnorderedElementsAre("Eval", "Board"));
  EXPECT_THAT(valid, ElementsAre("Trainer"));
  // Board re-runs on the new run's output: Eval alone is left.
  Run(board, {{"run", second[1]}}, {"page"});
  EXPECT_THAT(Stale(second[0]).first, ElementsAre("Eval"));
}

// Each version of an execution type is its own step, with its own slots.
TEST_F(StaleTest, NewestSlotArtifactsKeepTypeVersionsApart) {
  const int64_t v1 = StepType("Trainer", "1");
  const int64_t v2 = StepType("Trainer", "2");
  const int64_t a = Run(v1, {}, {"model"})[0];
  const int64_t b = Run(v2, {}, {"model"})[0];
  ASSERT_OK_AND_ASSIGN(std::vector<SlotArtifact> slots,
                       GetNewestSlotArtifacts(store_.get(), pipeline_));
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].producer_type, "Trainer");
  EXPECT_EQ(slots[0].producer_type_id, v1);
  EXPECT_EQ(slots[0].artifact_id, a);
  EXPECT_EQ(slots[1].producer_type_id, v2);
  EXPECT_EQ(slots[1].output_key, "model");
  EXPECT_EQ(slots[1].artifact_id, b);
}

// An artifact that is no usable data, or that a failed run made, is no new
// data: FAILED_PRECONDITION. A step that never succeeded is judged by its
// latest run, and says which state that run is in.
TEST_F(StaleTest, OnlyUsableDataIsNewAndAStepThatNeverSucceededSaysSo) {
  const int64_t gen = StepType("Gen");
  const int64_t train = StepType("Train");
  const int64_t eval = StepType("Eval");
  const int64_t first = Run(gen, {}, {"out"}).at(0);
  Run(train, {{"in", first}}, {"model"});
  for (const ExecutionState failed :
       {ExecutionState::kFailed, ExecutionState::kCanceled}) {
    const int64_t made = Run(gen, {}, {"out"}, failed).at(0);
    const Status s = GetStaleSteps(store_.get(), pipeline_, made).status();
    EXPECT_CODE(s, kFailedPrecondition);
    EXPECT_THAT(std::string(s.message()),
                ::testing::HasSubstr("which is " +
                                     std::string(ExecutionStateName(failed))));
  }
  const int64_t next = Run(gen, {}, {"out"}).at(0);
  // A failed run that only declared it does not make it: its DECLARED_OUTPUT
  // sorts before the OUTPUT of the run that did.
  Execution failed_gen;
  failed_gen.type_id = gen;
  failed_gen.last_known_state = ExecutionState::kFailed;
  Event declared;
  declared.type = EventType::kDeclaredOutput;
  declared.artifact_id = next;
  declared.path = {PathStep{"other"}};
  Context pipeline;
  pipeline.type_id = pipeline_type_;
  pipeline.name = "p";
  ASSERT_OK(store_
                ->PutExecution(
                    failed_gen, {{std::nullopt, declared}}, {pipeline},
                    PutExecutionOptions{.reuse_context_if_already_exist = true})
                .status());
  EXPECT_THAT(Stale(next).first, ElementsAre("Train"));
  ASSERT_OK_AND_ASSIGN(auto rows, store_->GetByIds<Artifact>({next}));
  for (const ArtifactState state :
       {ArtifactState::kPending, ArtifactState::kMarkedForDeletion,
        ArtifactState::kDeleted, ArtifactState::kAbandoned}) {
    Artifact a = rows.at(0);
    a.state = state;
    ASSERT_OK(store_->Put<Artifact>({a}).status());
    const Status s = GetStaleSteps(store_.get(), pipeline_, next).status();
    EXPECT_CODE(s, kFailedPrecondition);
    EXPECT_THAT(
        std::string(s.message()),
        ::testing::HasSubstr("is " + std::string(ArtifactStateName(state)) +
                             ", not usable"));
  }
  Artifact live = rows.at(0);
  live.state = ArtifactState::kLive;
  ASSERT_OK(store_->Put<Artifact>({live}).status());
  Run(eval, {{"in", next}}, {}, ExecutionState::kFailed);
  ASSERT_OK_AND_ASSIGN(StaleSteps steps,
                       GetStaleSteps(store_.get(), pipeline_, next));
  std::map<std::string, ExecutionState> states;
  for (const auto* list : {&steps.stale, &steps.valid}) {
    for (const PipelineStep& step : *list) {
      states[step.execution_type] = step.latest_state;
    }
  }
  EXPECT_THAT(states,
              UnorderedElementsAre(
                  std::pair{std::string("Gen"), ExecutionState::kComplete},
                  std::pair{std::string("Train"), ExecutionState::kComplete},
                  std::pair{std::string("Eval"), ExecutionState::kFailed}));
  EXPECT_THAT(Stale(next).first, ElementsAre("Train"));
}

}  // namespace
}  // namespace lineagedb
