// Conformance tests of filter queries on list calls (NodeQuery::filter,
// DOMAIN.md "Filter queries", MLMD's ListOperationOptions.filter_query),
// through the public API: attributes, properties, operators, three-valued
// logic, neighbours, paging, the other NodeQuery fields, the type shortcut
// and errors.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::IdsInListOrder;
using ::lineagedb::testing::IdsOf;
using ::lineagedb::testing::Paging;
using ::lineagedb::testing::SleepMs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Ids = std::vector<int64_t>;

std::string S(int64_t v) { return std::to_string(v); }

NodeQuery Filter(std::string filter) {
  NodeQuery q;
  q.filter = std::move(filter);
  return q;
}

// The ids of `nodes` in the order a list must return them: by the sort key,
// ties by id, all reversed when descending.

Event Evt(int64_t artifact, int64_t execution, EventType type, int64_t ms) {
  Event e;
  e.artifact_id = artifact;
  e.execution_id = execution;
  e.type = type;
  e.time_ms = ms;
  return e;
}

// The data every test reads (a = artifacts, x = executions, c = contexts):
//   a0 Model    "resnet" ext-resnet s3://bucket/models/resnet   LIVE
//      accuracy .97 layers 50 framework TF final true;
//      custom my:flag true, owner alice, epochs 10       contexts c0 c1 c2
//   a1 Model    "ResNet-small" ext-small s3://bucket/models/resnet_s PENDING
//      accuracy .9 layers 18 framework torch final false;
//      custom owner bob, reviewed true (updated last)    contexts c1
//   a2 Model    "vit" gs://other/vit UNKNOWN  accuracy .95; my:flag false  c2
//   a3 Dataset  "train" s3://bucket/data/train LIVE
//      custom owner alice, `split size` 100              contexts c1 c2
//   a4 Dataset v2 (no name, no uri) DELETED; custom epochs '10' (a string)
//   a5 Dataset v2 "eval" s3://bucket/data/eval ABANDONED; custom 2x 7
//   (a3..a5 are created after a0..a2.)
//   x0 Trainer   "train-1" ext run-ext-1 COMPLETE epochs 10   c0 c1
//   x1 Trainer   "train-2" FAILED epochs 20, custom note retry  c2
//   x2 Evaluator "eval-1" RUNNING                               c1 c2
//   x3 Evaluator "eval-2" UNKNOWN, no contexts, no events
//   c0 Pipeline "pipe", parent of c1 and c2; c3 Pipeline "orphan", no links
//   c1 PipelineRun "run-41" run_number 41; c2 PipelineRun "run-42" 42
//   events: a3->x0 INPUT 1000, x0->a0 OUTPUT 2000, a3->x1 INPUT 3000,
//           x1->a1 OUTPUT 4000, a0->x2 INPUT 5000, a1->x2 INPUT 6000,
//           x2->a2 OUTPUT 7000
class ListFilterTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    using PK = PropertyKind;
    ASSERT_OK_AND_ASSIGN(model_, AddType(NodeKind::kArtifact, "Model",
                                         {{"accuracy", PK::kDouble},
                                          {"layers", PK::kInt},
                                          {"framework", PK::kString},
                                          {"final", PK::kBool}}));
    ASSERT_OK_AND_ASSIGN(dataset_, AddType(NodeKind::kArtifact, "Dataset"));
    ASSERT_OK_AND_ASSIGN(dataset_v2_,
                         AddType(NodeKind::kArtifact, "Dataset", {}, "v2"));
    ASSERT_OK_AND_ASSIGN(trainer_, AddType(NodeKind::kExecution, "Trainer",
                                           {{"epochs", PK::kInt}}));
    ASSERT_OK_AND_ASSIGN(evaluator_,
                         AddType(NodeKind::kExecution, "Evaluator"));
    ASSERT_OK_AND_ASSIGN(int64_t pipeline,
                         AddType(NodeKind::kContext, "Pipeline"));
    ASSERT_OK_AND_ASSIGN(int64_t run, AddType(NodeKind::kContext, "PipelineRun",
                                              {{"run_number", PK::kInt}}));

    using AS = ArtifactState;
    const std::tuple<int64_t, const char*, const char*, AS> rows[] = {
        {model_, "resnet", "s3://bucket/models/resnet", AS::kLive},
        {model_, "ResNet-small", "s3://bucket/models/resnet_s", AS::kPending},
        {model_, "vit", "gs://other/vit", AS::kUnknown},
        {dataset_, "train", "s3://bucket/data/train", AS::kLive},
        {dataset_v2_, "", "", AS::kDeleted},
        {dataset_v2_, "eval", "s3://bucket/data/eval", AS::kAbandoned}};
    std::vector<Artifact> arts(6);
    for (int i = 0; i < 6; ++i) {
      std::tie(arts[i].type_id, arts[i].name, arts[i].uri, arts[i].state) =
          rows[i];
    }
    arts[0].external_id = "ext-resnet";
    arts[0].properties = {{"accuracy", 0.97},
                          {"layers", 50},
                          {"framework", "TF"},
                          {"final", true}};
    arts[0].custom_properties = {
        {"my:flag", true}, {"owner", "alice"}, {"epochs", 10}};
    arts[1].external_id = "ext-small";
    arts[1].properties = {{"accuracy", 0.9},
                          {"layers", 18},
                          {"framework", "torch"},
                          {"final", false}};
    arts[1].custom_properties = {{"owner", "bob"}};
    arts[2].properties = {{"accuracy", 0.95}};
    arts[2].custom_properties = {{"my:flag", false}};
    arts[3].custom_properties = {{"owner", "alice"}, {"split size", 100}};
    arts[4].custom_properties = {{"epochs", "10"}};
    arts[5].custom_properties = {{"2x", 7}};
    ASSERT_OK_AND_ASSIGN(
        a_, store_->Put(std::vector<Artifact>(arts.begin(), arts.begin() + 3)));
    SleepMs(3);
    ASSERT_OK_AND_ASSIGN(Ids more, store_->Put(std::vector<Artifact>(
                                       arts.begin() + 3, arts.end())));
    a_.insert(a_.end(), more.begin(), more.end());

    std::vector<Execution> executions(4);
    const std::tuple<int64_t, const char*, ExecutionState> xs[] = {
        {trainer_, "train-1", ExecutionState::kComplete},
        {trainer_, "train-2", ExecutionState::kFailed},
        {evaluator_, "eval-1", ExecutionState::kRunning},
        {evaluator_, "eval-2", ExecutionState::kUnknown}};
    for (int i = 0; i < 4; ++i) {
      std::tie(executions[i].type_id, executions[i].name,
               executions[i].last_known_state) = xs[i];
    }
    executions[0].external_id = "run-ext-1";
    executions[0].properties = {{"epochs", 10}};
    executions[1].properties = {{"epochs", 20}};
    executions[1].custom_properties = {{"note", "retry"}};
    ASSERT_OK_AND_ASSIGN(x_, store_->Put(executions));

    std::vector<Context> contexts(4);
    const std::pair<int64_t, const char*> cs[] = {{pipeline, "pipe"},
                                                  {run, "run-41"},
                                                  {run, "run-42"},
                                                  {pipeline, "orphan"}};
    for (int i = 0; i < 4; ++i) {
      contexts[i].type_id = cs[i].first;
      contexts[i].name = cs[i].second;
    }
    contexts[1].properties = {{"run_number", 41}};
    contexts[2].properties = {{"run_number", 42}};
    ASSERT_OK_AND_ASSIGN(c_, store_->Put(contexts));

    const std::pair<int, int> attributed[] = {{0, 0}, {1, 0}, {2, 0}, {1, 1},
                                              {2, 2}, {1, 3}, {2, 3}};
    const std::pair<int, int> associated[] = {
        {0, 0}, {1, 0}, {2, 1}, {1, 2}, {2, 2}};
    std::vector<Attribution> attributions;
    std::vector<Association> associations;
    for (auto [c, a] : attributed) attributions.push_back({c_[c], a_[a]});
    for (auto [c, x] : associated) associations.push_back({c_[c], x_[x]});
    ASSERT_OK(
        store_->PutAttributionsAndAssociations(attributions, associations));
    ASSERT_OK(store_->PutParentContexts({{c_[1], c_[0]}, {c_[2], c_[0]}}));
    ASSERT_OK(store_->PutEvents({Evt(a_[3], x_[0], EventType::kInput, 1000),
                                 Evt(a_[0], x_[0], EventType::kOutput, 2000),
                                 Evt(a_[3], x_[1], EventType::kInput, 3000),
                                 Evt(a_[1], x_[1], EventType::kOutput, 4000),
                                 Evt(a_[0], x_[2], EventType::kInput, 5000),
                                 Evt(a_[1], x_[2], EventType::kInput, 6000),
                                 Evt(a_[2], x_[2], EventType::kOutput, 7000)}));
    SleepMs(3);
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> a1,
                         store_->GetByIds<Artifact>({a_[1]}));
    ASSERT_EQ(a1.size(), 1u);
    a1[0].custom_properties["reviewed"] = true;
    ASSERT_OK(store_->Put(a1).status());
    ASSERT_OK_AND_ASSIGN(arts_, store_->GetByIds<Artifact>(a_));
    ASSERT_EQ(arts_.size(), 6u);
  }

  StatusOr<int64_t> AddType(NodeKind kind, const std::string& name,
                            std::map<std::string, PropertyKind> properties = {},
                            const std::string& version = "") {
    Type t;
    t.kind = kind;
    t.name = name;
    t.version = version;
    t.properties = std::move(properties);
    return store_->PutType(t);
  }

  template <typename N>
  Ids ListAll(const NodeQuery& query, ListOptions options = {}) {
    return testing::ListAllIds<N>(store_.get(), query, std::move(options));
  }
  // Each of these also checks that CheckFilterQuery agrees with the list.
  template <typename N>
  Ids Taken(const std::string& filter) {
    EXPECT_EQ(CheckFilterQuery(N::kKind, filter), absl::OkStatus()) << filter;
    return ListAll<N>(Filter(filter));
  }
  Ids Arts(const std::string& filter) { return Taken<Artifact>(filter); }
  Ids Exes(const std::string& filter) { return Taken<Execution>(filter); }
  Ids Ctxs(const std::string& filter) { return Taken<Context>(filter); }
  template <typename N>
  Status Error(const std::string& filter) {
    Status listed = store_->List<N>(Filter(filter)).status();
    EXPECT_EQ(CheckFilterQuery(N::kKind, filter), listed) << filter;
    return listed;
  }
  template <typename N>
  void ExpectInvalid(std::initializer_list<const char*> filters) {
    for (const char* filter : filters) {
      EXPECT_CODE(Error<N>(filter), kInvalidArgument) << filter;
    }
  }

  static Ids Pick(const Ids& from, std::initializer_list<int> indexes) {
    Ids out;
    for (int i : indexes) out.push_back(from[i]);
    return out;
  }
  Ids A(std::initializer_list<int> i) const { return Pick(a_, i); }
  Ids X(std::initializer_list<int> i) const { return Pick(x_, i); }
  Ids C(std::initializer_list<int> i) const { return Pick(c_, i); }

  int64_t model_ = 0, dataset_ = 0, dataset_v2_ = 0, trainer_ = 0,
          evaluator_ = 0;
  Ids a_, x_, c_;
  std::vector<Artifact> arts_;  // a_ as stored, with their times.
};

TEST_F(ListFilterTest, IdTypeNameAndExternalId) {
  EXPECT_EQ(Arts(""), a_);  // An empty filter takes every node.
  EXPECT_EQ(Arts("id = " + S(a_[2])), A({2}));
  EXPECT_EQ(Arts("id != " + S(a_[0])), A({1, 2, 3, 4, 5}));
  EXPECT_EQ(Arts("id <> " + S(a_[1])), A({0, 2, 3, 4, 5}));
  EXPECT_EQ(Arts("id IN (" + S(a_[0]) + ", " + S(a_[4]) + ")"), A({0, 4}));
  EXPECT_EQ(Arts("id NOT IN (" + S(a_[0]) + "," + S(a_[4]) + ")"),
            A({1, 2, 3, 5}));
  EXPECT_EQ(Arts("id > " + S(a_[3])), A({4, 5}));
  EXPECT_EQ(Arts("id >= " + S(a_[3])), A({3, 4, 5}));
  EXPECT_EQ(Arts("id < " + S(a_[1])), A({0}));
  EXPECT_EQ(Arts("id <= " + S(a_[1])), A({0, 1}));
  EXPECT_EQ(Arts("type_id = " + S(model_)), A({0, 1, 2}));
  EXPECT_EQ(Arts("type = 'Model'"), A({0, 1, 2}));
  EXPECT_EQ(Arts("name = 'vit'"), A({2}));
  EXPECT_EQ(Arts("name != 'vit'"), A({0, 1, 3, 5}));  // a4 has no name.
  EXPECT_EQ(Arts("name IS NULL"), A({4}));
  EXPECT_EQ(Arts("name IS NOT NULL"), A({0, 1, 2, 3, 5}));
  EXPECT_EQ(Arts("name > 's'"), A({2, 3}));
  EXPECT_EQ(Arts("external_id = 'ext-resnet'"), A({0}));
  EXPECT_EQ(Arts("external_id IN ('ext-small', 'nope')"), A({1}));
  EXPECT_EQ(Arts("external_id IS NULL"), A({2, 3, 4, 5}));
}

TEST_F(ListFilterTest, CreateAndLastUpdateTimes) {
  ASSERT_LT(arts_[2].create_time_ms, arts_[3].create_time_ms);
  for (int i : {0, 2, 3, 4, 5}) {
    ASSERT_LT(arts_[i].last_update_time_ms, arts_[1].last_update_time_ms);
  }
  const std::string second = S(arts_[3].create_time_ms);
  EXPECT_EQ(Arts("create_time_since_epoch >= " + second), A({3, 4, 5}));
  EXPECT_EQ(Arts("create_time_since_epoch < " + second), A({0, 1, 2}));
  const std::string updated = S(arts_[1].last_update_time_ms);
  EXPECT_EQ(Arts("last_update_time_since_epoch >= " + updated), A({1}));
  EXPECT_EQ(Arts("last_update_time_since_epoch < " + updated),
            A({0, 2, 3, 4, 5}));
  // MLMD's example.
  EXPECT_EQ(Arts("NOT(create_time_since_epoch < 1 OR "
                 "last_update_time_since_epoch < 1)"),
            a_);
  EXPECT_EQ(Exes("create_time_since_epoch > 1700000000000"), x_);
}

TEST_F(ListFilterTest, UriAndState) {
  EXPECT_EQ(Arts("uri = 'gs://other/vit'"), A({2}));
  EXPECT_EQ(Arts("uri IS NULL"), A({4}));
  EXPECT_EQ(Arts("uri LIKE 's3://bucket/%'"), A({0, 1, 3, 5}));
  EXPECT_EQ(Arts("uri LIKE 'S3://BUCKET/DATA/%'"), A({3, 5}));
  EXPECT_EQ(Arts("uri NOT LIKE 's3://%'"), A({2}));
  EXPECT_EQ(Arts("state = LIVE"), A({0, 3}));
  EXPECT_EQ(Arts("state = 'LIVE'"), A({0, 3}));
  EXPECT_EQ(Arts("state = \"ABANDONED\""), A({5}));
  // As MLMD: != and NOT IN on a state also take a2, whose state is unknown.
  EXPECT_EQ(Arts("state != LIVE"), A({1, 2, 4, 5}));
  EXPECT_EQ(Arts("NOT state = LIVE"), A({1, 4, 5}));
  EXPECT_EQ(Arts("state IS NULL"), A({2}));
  EXPECT_EQ(Arts("state IS NOT NULL"), A({0, 1, 3, 4, 5}));
  EXPECT_EQ(Arts("state IN (PENDING, DELETED)"), A({1, 4}));
  EXPECT_EQ(Arts("state NOT IN (LIVE, PENDING)"), A({2, 4, 5}));
}

TEST_F(ListFilterTest, ExecutionAttributes) {
  EXPECT_EQ(Exes("last_known_state = COMPLETE"), X({0}));
  EXPECT_EQ(Exes("last_known_state != RUNNING"), X({0, 1, 3}));
  EXPECT_EQ(Exes("last_known_state IS NULL"), X({3}));
  EXPECT_EQ(Exes("last_known_state IN (NEW, RUNNING, FAILED)"), X({1, 2}));
  EXPECT_EQ(Exes("last_known_state NOT IN (FAILED, CANCELED)"), X({0, 2, 3}));
  EXPECT_EQ(Exes("type = 'Evaluator'"), X({2, 3}));
  EXPECT_EQ(Exes("type_id = " + S(trainer_)), X({0, 1}));
  EXPECT_EQ(Exes("name LIKE 'train-_'"), X({0, 1}));
  EXPECT_EQ(Exes("external_id = 'run-ext-1'"), X({0}));
  EXPECT_EQ(Exes("properties.epochs.int_value >= 20"), X({1}));
  EXPECT_EQ(Exes("custom_properties.note.string_value = 'retry'"), X({1}));
}

TEST_F(ListFilterTest, ContextAttributes) {
  EXPECT_EQ(Ctxs("name = 'run-41'"), C({1}));
  EXPECT_EQ(Ctxs("type = 'Pipeline'"), C({0, 3}));
  EXPECT_EQ(Ctxs("name LIKE 'RUN-%'"), C({1, 2}));
  EXPECT_EQ(Ctxs("id IN (" + S(c_[1]) + ", " + S(c_[3]) + ")"), C({1, 3}));
  EXPECT_EQ(Ctxs("properties.run_number.int_value > 41"), C({2}));
  EXPECT_EQ(Ctxs("properties.run_number.int_value IS NULL"), C({0, 3}));
}

TEST_F(ListFilterTest, PropertiesOfEachValueKind) {
  EXPECT_EQ(Arts("properties.accuracy.double_value >= 0.95"), A({0, 2}));
  EXPECT_EQ(Arts("properties.accuracy.double_value = 0.9"), A({1}));
  EXPECT_EQ(Arts("properties.accuracy.double_value != 0.95"), A({0, 1}));
  // An int literal for a double value, and a double one for an int value.
  EXPECT_EQ(Arts("properties.accuracy.double_value < 1"), A({0, 1, 2}));
  EXPECT_EQ(Arts("properties.layers.int_value < 18.5"), A({1}));
  EXPECT_EQ(Arts("properties.layers.int_value = 50"), A({0}));
  EXPECT_EQ(Arts("properties.layers.int_value IN (18, 50)"), A({0, 1}));
  EXPECT_EQ(Arts("properties.framework.string_value = 'TF'"), A({0}));
  EXPECT_EQ(Arts("properties.framework.string_value LIKE 't%'"), A({0, 1}));
  EXPECT_EQ(Arts("properties.final.bool_value = true"), A({0}));
  EXPECT_EQ(Arts("properties.final.bool_value = FALSE"), A({1}));
  EXPECT_EQ(Arts("properties.final.bool_value != TRUE"), A({1}));
  // A value of another kind, or the other map, is a missing value.
  EXPECT_EQ(Arts("properties.accuracy.int_value IS NOT NULL"), Ids{});
  EXPECT_EQ(Arts("properties.layers.double_value = 50"), Ids{});
  EXPECT_EQ(Arts("custom_properties.accuracy.double_value IS NOT NULL"), Ids{});
  EXPECT_EQ(Arts("custom_properties.owner.string_value = 'alice'"), A({0, 3}));
  EXPECT_EQ(Arts("custom_properties.epochs.int_value = 10"), A({0}));
  EXPECT_EQ(Arts("custom_properties.epochs.string_value = '10'"), A({4}));
  EXPECT_EQ(Arts("custom_properties.reviewed.bool_value = true"), A({1}));
}

TEST_F(ListFilterTest, BackQuotedPropertyNames) {
  EXPECT_EQ(Arts("custom_properties.`my:flag`.bool_value = false"), A({2}));
  EXPECT_EQ(Arts("custom_properties.`my:flag`.bool_value IS NOT NULL"),
            A({0, 2}));
  EXPECT_EQ(Arts("custom_properties.`split size`.int_value = 100"), A({3}));
  EXPECT_EQ(Arts("properties.`layers`.int_value = 18"), A({1}));
  EXPECT_EQ(Arts("custom_properties.`2x`.int_value = 7"), A({5}));
}

// Only names with characters other than [0-9A-Za-z_] need back-quotes
// (parser.h, MLMD), so a name that starts with a digit does not.
TEST_F(ListFilterTest, UnquotedPropertyNameMayStartWithADigit) {
  EXPECT_EQ(Arts("custom_properties.2x.int_value = 7"), A({5}));
}

TEST_F(ListFilterTest, LikePatterns) {
  EXPECT_EQ(Arts("name LIKE 'resnet%'"), A({0, 1}));  // Either case.
  EXPECT_EQ(Arts("name LIKE 'RES_ET'"), A({0}));
  EXPECT_EQ(Arts("name LIKE '%n%'"), A({0, 1, 3}));
  EXPECT_EQ(Arts("name LIKE '_i_'"), A({2}));
  EXPECT_EQ(Arts("name LIKE 'e%l'"), A({5}));
  EXPECT_EQ(Arts("name LIKE '%'"), A({0, 1, 2, 3, 5}));  // Not a4: no name.
  EXPECT_EQ(Arts("name NOT LIKE 'resnet%'"), A({2, 3, 5}));
}

// '_' stands for one character (FILTERS.md; MLMD's SQLite and MySQL
// compare UTF-8 text by character), not one byte.
TEST_F(ListFilterTest, LikeUnderscoreIsOneCharacter) {
  Context c;
  c.type_id = store_->GetType(NodeKind::kContext, "Pipeline")->id;
  c.name = "caf\xC3\xA9";  // "café"
  ASSERT_OK_AND_ASSIGN(Ids id, store_->Put(std::vector<Context>{c}));
  EXPECT_EQ(Ctxs("name LIKE 'caf%'"), id);
  EXPECT_EQ(Ctxs("name LIKE 'caf_'"), id);
}

TEST_F(ListFilterTest, BooleanPrecedenceAndParentheses) {
  EXPECT_EQ(Arts("name = 'vit' OR name = 'train' AND state = PENDING"), A({2}));
  EXPECT_EQ(Arts("(name = 'vit' OR name = 'train') AND state = LIVE"), A({3}));
  EXPECT_EQ(Arts("state = LIVE AND name = 'train' OR name = 'eval'"),
            A({3, 5}));
  EXPECT_EQ(Arts("NOT name = 'vit' AND state = LIVE"), A({0, 3}));
  EXPECT_EQ(Arts("NOT (name = 'vit' OR state = LIVE)"), A({1, 5}));
  EXPECT_EQ(Arts("NOT(name = 'vit')"), A({0, 1, 3, 5}));
  EXPECT_EQ(Arts("NOT NOT name = 'vit'"), A({2}));
  EXPECT_EQ(Arts("name = 'vit' or (name = 'eval' and not state is null)"),
            A({2, 5}));
}

TEST_F(ListFilterTest, ThreeValuedLogic) {
  EXPECT_EQ(Arts("properties.layers.int_value = 50"), A({0}));
  EXPECT_EQ(Arts("NOT properties.layers.int_value = 50"), A({1}));
  EXPECT_EQ(Arts("properties.layers.int_value != 50"), A({1}));
  EXPECT_EQ(Arts("properties.layers.int_value NOT IN (50)"), A({1}));
  EXPECT_EQ(Arts("properties.framework.string_value NOT LIKE 'x%'"), A({0, 1}));
  EXPECT_EQ(Arts("properties.layers.int_value = 50 OR name = 'train'"),
            A({0, 3}));
  EXPECT_EQ(Arts("properties.layers.int_value IS NULL"), A({2, 3, 4, 5}));
  // NULL AND FALSE is FALSE, so its NOT is TRUE; NULL OR FALSE stays NULL.
  EXPECT_EQ(Arts("NOT (properties.layers.int_value = 50 AND name = 'zzz')"),
            A({0, 1, 2, 3, 5}));
  EXPECT_EQ(Arts("NOT (properties.layers.int_value = 50 OR name = 'zzz')"),
            A({1}));
}

TEST_F(ListFilterTest, ContextsOfArtifacts) {
  EXPECT_EQ(Arts("contexts_a.name = 'run-41'"), A({0, 1, 3}));
  EXPECT_EQ(Arts("contexts_a.type = 'Pipeline'"), A({0}));
  EXPECT_EQ(Arts("contexts_a.id = " + S(c_[2])), A({0, 2, 3}));
  EXPECT_EQ(Arts("contexts_a.create_time_since_epoch > 0 AND "
                 "contexts_a.last_update_time_since_epoch > 0"),
            A({0, 1, 2, 3}));
  EXPECT_EQ(Arts("contexts_a.properties.run_number.int_value = 42"),
            A({0, 2, 3}));
  EXPECT_EQ(Arts("contexts_a.properties.run_number.int_value IS NULL"), A({0}));
  // Two aliases may bind two contexts; one alias binds one.
  EXPECT_EQ(Arts("contexts_a.name = 'run-41' AND contexts_b.name = 'run-42'"),
            A({0, 3}));
  EXPECT_EQ(Arts("contexts_a.name = 'run-41' AND contexts_a.name = 'run-42'"),
            Ids{});
  EXPECT_EQ(Arts("contexts_a.name LIKE 'run-%' AND contexts_b.type = "
                 "'Pipeline'"),
            A({0}));
  // Some context is not run-41.
  EXPECT_EQ(Arts("contexts_a.name != 'run-41'"), A({0, 2, 3}));
  EXPECT_EQ(Arts("NOT contexts_a.name = 'run-41'"), A({0, 2, 3}));
  // A node with no contexts never matches a contexts_ condition.
  EXPECT_EQ(Arts("contexts_a.name = 'run-41' OR name = 'eval'"), A({0, 1, 3}));
  EXPECT_EQ(Arts("contexts_a.name IS NULL OR name = 'eval'"), Ids{});
}

// A top-level `contexts_X.id = N` or `contexts_X.name = 'NAME'` naming one
// context reads that context's links only; the answers are those of the
// filter read over every node.
TEST_F(ListFilterTest, ContextConditionsReadTheContextsLinks) {
  EXPECT_EQ(Arts("contexts_a.id = " + S(c_[2]) + " AND name != 'vit'"),
            A({0, 3}));
  EXPECT_EQ(Arts("contexts_a.id = 999999"), Ids{});
  EXPECT_EQ(Arts("contexts_a.id = 1.5"), Ids{});
  EXPECT_EQ(Exes("contexts_a.name = 'run-42'"), X({1, 2}));
  EXPECT_EQ(Arts("contexts_a.name = 'nowhere'"), Ids{});
  EXPECT_EQ(Arts("contexts_a.name = 'orphan'"), Ids{});
  // The same name in two context types: no single context, every node
  // read, the same answer.
  Context twin;
  twin.type_id = store_->GetType(NodeKind::kContext, "Pipeline")->id;
  twin.name = "run-41";
  ASSERT_OK_AND_ASSIGN(Ids twin_id, store_->Put(std::vector<Context>{twin}));
  ASSERT_OK(store_->PutAttributionsAndAssociations({{twin_id[0], a_[5]}}, {}));
  EXPECT_EQ(Arts("contexts_a.name = 'run-41'"), A({0, 1, 3, 5}));
  // In update-time order and paged, as NodeQuery::context_id lists them.
  for (bool asc : {true, false}) {
    NodeQuery by_filter;
    by_filter.filter = "contexts_a.id = " + S(c_[1]);
    NodeQuery by_field;
    by_field.context_id = c_[1];
    EXPECT_EQ(
        ListAll<Artifact>(by_filter, Paging(1, OrderBy::kLastUpdateTime, asc)),
        ListAll<Artifact>(by_field, Paging(1, OrderBy::kLastUpdateTime, asc)));
  }
}

TEST_F(ListFilterTest, ContextsAndEventsOfExecutions) {
  EXPECT_EQ(Exes("contexts_a.name = 'run-41'"), X({0, 2}));
  EXPECT_EQ(Exes("contexts_a.type = 'PipelineRun' AND contexts_b.type = "
                 "'Pipeline'"),
            X({0}));
  EXPECT_EQ(Exes("contexts_a.name = 'run-41' AND contexts_b.name = 'run-42'"),
            X({2}));
  EXPECT_EQ(Exes("NOT contexts_a.type = 'Pipeline'"), X({0, 1, 2}));
  EXPECT_EQ(Exes("events_a.type = INPUT"), X({0, 1, 2}));
  EXPECT_EQ(
      Exes("events_a.type = OUTPUT AND events_a.artifact_id = " + S(a_[1])),
      X({1}));
  EXPECT_EQ(Exes("events_a.artifact_id = " + S(a_[3])), X({0, 1}));
  EXPECT_EQ(Exes("events_a.artifact_id = " + S(a_[0]) +
                 " AND events_b.artifact_id = " + S(a_[1])),
            X({2}));
  EXPECT_EQ(Exes("events_0.type IN (INPUT, INTERNAL_INPUT) AND "
                 "events_0.artifact_id = " +
                 S(a_[0])),
            X({2}));
  EXPECT_EQ(Exes("events_a.milliseconds_since_epoch >= 5000"), X({2}));
  EXPECT_EQ(Exes("NOT events_a.type = INPUT"), X({0, 1, 2}));  // Not x3.
}

TEST_F(ListFilterTest, EventsOfArtifacts) {
  EXPECT_EQ(Arts("events_a.execution_id = " + S(x_[2])), A({0, 1, 2}));
  EXPECT_EQ(Arts("events_a.type = INPUT"), A({0, 1, 3}));
  EXPECT_EQ(
      Arts("events_a.type = 'OUTPUT' AND events_a.execution_id = " + S(x_[0])),
      A({0}));
  EXPECT_EQ(Arts("events_a.milliseconds_since_epoch = 3000"), A({3}));
  EXPECT_EQ(Arts("events_a.type = OUTPUT AND events_b.type = INPUT"),
            A({0, 1}));
  EXPECT_EQ(Arts("events_a.execution_id IS NOT NULL"), A({0, 1, 2, 3}));
}

TEST_F(ListFilterTest, NeighboursOfContexts) {
  EXPECT_EQ(Ctxs("parent_contexts_a.name = 'pipe'"), C({1, 2}));
  EXPECT_EQ(Ctxs("parent_contexts_a.name IS NOT NULL OR name = 'orphan'"),
            C({1, 2}));
  EXPECT_EQ(Ctxs("child_contexts_a.name = 'run-42'"), C({0}));
  EXPECT_EQ(Ctxs("child_contexts_a.type = 'PipelineRun'"), C({0}));
  EXPECT_EQ(Ctxs("child_contexts_a.properties.run_number.int_value = 41 AND "
                 "child_contexts_b.properties.run_number.int_value = 42"),
            C({0}));
  EXPECT_EQ(Ctxs("artifacts_a.name = 'vit'"), C({2}));
  EXPECT_EQ(Ctxs("artifacts_a.type = 'Dataset'"), C({1, 2}));
  EXPECT_EQ(Ctxs("executions_a.type = 'Trainer' AND artifacts_a.type = "
                 "'Model' AND artifacts_a.properties.layers.int_value = 18"),
            C({1}));
  EXPECT_EQ(Ctxs("artifacts_a.state = LIVE"), C({0, 1, 2}));
  EXPECT_EQ(Ctxs("artifacts_a.uri LIKE 'gs://%'"), C({2}));
  EXPECT_EQ(Ctxs("artifacts_a.name = 'resnet' AND artifacts_b.name = 'train'"),
            C({1, 2}));
  EXPECT_EQ(Ctxs("executions_a.last_known_state = FAILED"), C({2}));
  EXPECT_EQ(Ctxs("executions_a.name = 'train-1'"), C({0, 1}));
  EXPECT_EQ(Ctxs("executions_a.name = 'train-1' AND executions_b.name = "
                 "'eval-1'"),
            C({1}));
  EXPECT_EQ(Ctxs("executions_a.name != 'zzz'"), C({0, 1, 2}));  // Not c3.
  EXPECT_EQ(Ctxs("parent_contexts_a.name = 'pipe' AND artifacts_a.name = "
                 "'vit'"),
            C({2}));
}

TEST_F(ListFilterTest, DomainAndMlmdExamples) {
  EXPECT_EQ(Arts("type = 'Model' AND properties.accuracy.double_value > 0.95"),
            A({0}));
  EXPECT_EQ(Arts("contexts_a.type = 'PipelineRun' AND contexts_a.name = "
                 "'run-42' AND state IN (LIVE, PENDING)"),
            A({0, 3}));
  EXPECT_EQ(Exes("last_known_state NOT IN (FAILED, CANCELED) AND "
                 "create_time_since_epoch > 1700000000000"),
            X({0, 2, 3}));
  EXPECT_EQ(Arts("custom_properties.`my:flag`.bool_value = true OR uri LIKE "
                 "'s3://bucket/%'"),
            A({0, 1, 3, 5}));
  EXPECT_EQ(Arts("type = 'Model' AND name LIKE 'res%'"), A({0, 1}));
  EXPECT_EQ(Arts("type = 'Dataset' AND (contexts_a.type = 'PipelineRun' AND "
                 "contexts_a.name = 'run-41') AND "
                 "(custom_properties.owner.string_value = 'alice' OR "
                 "custom_properties.owner.string_value = 'bob')"),
            A({3}));
}

TEST_F(ListFilterTest, QuotingAndKeywordCase) {
  Context c;
  c.type_id = store_->GetType(NodeKind::kContext, "Pipeline")->id;
  c.name = "it's \"q\"";
  ASSERT_OK_AND_ASSIGN(Ids id, store_->Put(std::vector<Context>{c}));
  EXPECT_EQ(Ctxs("name = 'it''s \"q\"'"), id);
  EXPECT_EQ(Ctxs("name = \"it's \\\"q\\\"\""), id);
  EXPECT_EQ(Arts("name like 'VIT' and state is null"), A({2}));
  EXPECT_EQ(Arts("name In ('vit', 'eval') AnD NoT state Is NoT nUlL"), A({2}));
}

TEST_F(ListFilterTest, CombinedWithTypeNameUriAndContext) {
  NodeQuery q = Filter("state = LIVE");
  q.type_name = "Model";
  EXPECT_EQ(ListAll<Artifact>(q), A({0}));
  q.filter = "type = 'Dataset'";
  EXPECT_EQ(ListAll<Artifact>(q), Ids{});
  q = Filter("name IS NOT NULL");
  q.type_name = "Dataset";
  q.type_version = "v2";
  EXPECT_EQ(ListAll<Artifact>(q), A({5}));

  q = Filter("name = 'resnet'");
  q.uri = "s3://bucket/models/resnet";
  EXPECT_EQ(ListAll<Artifact>(q), A({0}));
  q.filter = "name = 'vit'";
  EXPECT_EQ(ListAll<Artifact>(q), Ids{});

  q = Filter("state IS NOT NULL");
  q.context_id = c_[2];
  EXPECT_EQ(ListAll<Artifact>(q), A({0, 3}));
  EXPECT_EQ(ListAll<Artifact>(q, Paging(1, OrderBy::kId, false)), A({3, 0}));
  q.filter = "id > 0";
  EXPECT_EQ(ListAll<Artifact>(q, Paging(1, OrderBy::kLastUpdateTime, false)),
            IdsInListOrder(std::vector<Artifact>{arts_[0], arts_[2], arts_[3]},
                           OrderBy::kLastUpdateTime, false));
  q.filter = "type = 'Model'";  // The shortcut within a context.
  EXPECT_EQ(ListAll<Artifact>(q, Paging(1)), A({0, 2}));

  q = Filter("last_known_state = RUNNING");
  q.context_id = c_[1];
  EXPECT_EQ(ListAll<Execution>(q), X({2}));
  q.filter = "contexts_a.name = 'run-42'";
  EXPECT_EQ(ListAll<Execution>(q), X({2}));
}

TEST_F(ListFilterTest, TypeShortcut) {
  // Dataset has two versions: both versions' nodes match.
  EXPECT_EQ(Arts("type = 'Dataset'"), A({3, 4, 5}));
  EXPECT_EQ(Arts("type = 'Dataset' AND state = LIVE"), A({3}));
  EXPECT_EQ(Arts("state != LIVE AND type = 'Dataset'"), A({4, 5}));
  EXPECT_EQ(Arts("type = 'Model' AND name = 'train'"), Ids{});
  EXPECT_EQ(Arts("type = 'Model' AND properties.layers.int_value > 20"),
            A({0}));
  EXPECT_EQ(Ctxs("type = 'PipelineRun' AND properties.run_number.int_value "
                 "> 41"),
            C({2}));
  // No type has the name.
  auto none = store_->List<Artifact>(Filter("type = 'NoSuchType'"));
  ASSERT_OK(none.status());
  EXPECT_THAT(none->items, IsEmpty());
  EXPECT_TRUE(none->next_page_token.empty());
  EXPECT_EQ(Arts("type = 'NoSuchType' AND name = 'vit'"), Ids{});
  // Not a conjunct of the whole query: no shortcut, still right.
  EXPECT_EQ(Arts("type = 'NoSuchType' OR name = 'vit'"), A({2}));
  EXPECT_EQ(Arts("type = 'Model' OR name = 'train'"), A({0, 1, 2, 3}));
  EXPECT_EQ(Arts("type != 'Model'"), A({3, 4, 5}));
  EXPECT_EQ(Arts("NOT type = 'Model'"), A({3, 4, 5}));
  // Both versions' nodes, in update-time order.
  const std::vector<Artifact> datasets(arts_.begin() + 3, arts_.end());
  for (bool asc : {true, false}) {
    EXPECT_EQ(ListAll<Artifact>(Filter("type = 'Dataset'"),
                                Paging(2, OrderBy::kLastUpdateTime, asc)),
              IdsInListOrder(datasets, OrderBy::kLastUpdateTime, asc));
  }
}

TEST_F(ListFilterTest, PagingJoinsToTheFullAnswerInEveryOrder) {
  ASSERT_OK_AND_ASSIGN(int64_t bulk, AddType(NodeKind::kArtifact, "Bulk"));
  std::vector<Artifact> nodes(300);
  for (int i = 0; i < 300; ++i) {
    nodes[i].type_id = bulk;
    nodes[i].name = absl::StrCat("b", i);
    nodes[i].custom_properties["keep"] = i % 7 == 3;
  }
  ASSERT_OK_AND_ASSIGN(Ids ids, store_->Put(nodes));
  Ids kept_ids;
  for (int i = 3; i < 300; i += 7) kept_ids.push_back(ids[i]);
  ASSERT_EQ(kept_ids.size(), 43u);
  // Update the kept nodes in three rounds that cross id order, each round
  // one call (last-update times tie within a round).
  for (int round : {2, 0, 1}) {
    SleepMs(3);
    std::vector<int64_t> subset;
    for (size_t k = round; k < kept_ids.size(); k += 3) {
      subset.push_back(kept_ids[k]);
    }
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> update,
                         store_->GetByIds<Artifact>(subset));
    for (Artifact& a : update) a.custom_properties["round"] = round;
    ASSERT_OK(store_->Put(update).status());
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> kept,
                       store_->GetByIds<Artifact>(kept_ids));
  for (const char* filter :
       {"custom_properties.keep.bool_value = true",
        "type = 'Bulk' AND custom_properties.keep.bool_value = true"}) {
    EXPECT_EQ(ListAll<Artifact>(Filter(filter), Paging(4)), kept_ids);
    for (OrderBy by :
         {OrderBy::kId, OrderBy::kCreateTime, OrderBy::kLastUpdateTime}) {
      for (bool asc : {true, false}) {
        SCOPED_TRACE(::testing::Message()
                     << filter << " order " << static_cast<int>(by)
                     << (asc ? " asc" : " desc"));
        EXPECT_EQ(ListAll<Artifact>(Filter(filter), Paging(4, by, asc)),
                  IdsInListOrder(kept, by, asc));
      }
    }
  }
}

TEST_F(ListFilterTest, PageTokenOfAnotherFilterIsInvalidArgument) {
  NodeQuery q = Filter("state IS NOT NULL");
  auto first = store_->List<Artifact>(q, Paging(2));
  ASSERT_OK(first.status());
  EXPECT_EQ(IdsOf(first->items), A({0, 1}));
  ASSERT_FALSE(first->next_page_token.empty());
  ListOptions next = Paging(2);
  next.page_token = first->next_page_token;
  auto second = store_->List<Artifact>(q, next);
  ASSERT_OK(second.status());
  EXPECT_EQ(IdsOf(second->items), A({3, 4}));
  EXPECT_CODE(store_->List<Artifact>(Filter("state IS NULL"), next),
              kInvalidArgument);
  EXPECT_CODE(store_->List<Artifact>(NodeQuery{}, next), kInvalidArgument);
}

TEST_F(ListFilterTest, InvalidFiltersAreInvalidArgument) {
  // Syntax errors, an unterminated string or name.
  ExpectInvalid<Artifact>({"name = ", "name 'x'", "(name = 'x'",
                           "name = 'x' name = 'y'", "name == 'x'", "name IN ()",
                           "name IS 'x'", "name = 'x' AND", "name = 'abc",
                           "custom_properties.`my:flag.bool_value = true"});
  // Attributes and neighbours the kind does not have; an empty alias.
  ExpectInvalid<Artifact>({"nam = 'x'", "properties.accuracy.float_value = 1",
                           "properties.accuracy = 0.9",
                           "last_known_state = COMPLETE",
                           "artifacts_a.name = 'x'", "events_a.artifact_id = 1",
                           "contexts_.name = 'x'"});
  ExpectInvalid<Execution>({"uri = 'x'", "state = LIVE",
                            "events_a.execution_id = 1",
                            "parent_contexts_a.name = 'x'"});
  ExpectInvalid<Context>({"contexts_a.name = 'x'", "events_a.type = INPUT",
                          "uri = 'x'", "state = LIVE",
                          "child_contexts_.name = 'x'",
                          "artifacts_a.last_known_state = RUNNING"});
  // Literals that do not fit their attribute; UNKNOWN is no state.
  ExpectInvalid<Artifact>({"id = '1'", "name = 1", "name = true",
                           "properties.final.bool_value = 1", "state = 2",
                           "state = NOSUCH", "state = UNKNOWN",
                           "events_a.type = UNKNOWN"});
  ExpectInvalid<Execution>({"last_known_state = UNKNOWN"});
  // Operators their attribute does not take.
  ExpectInvalid<Artifact>(
      {"state < LIVE", "properties.final.bool_value > false",
       "events_a.type >= INPUT", "id LIKE '1%'", "name LIKE 5"});
  ExpectInvalid<Execution>({"last_known_state < RUNNING"});
}

TEST_F(ListFilterTest, ErrorsNameTheColumn) {
  const std::pair<const char*, const char*> cases[] = {
      {"name = 'x' AND nam = 'y'", "column 16:"},
      {"id = 'x'", "column 6:"},
      {"name = 'abc", "column 8:"},
      {"state < LIVE", "column 7:"},
      {"name = 'x' AND", "column 15:"},
      {"(name = 'x'", "column 12:"},
      {"contexts_.name = 'x'", "column 1:"},
  };
  for (const auto& [filter, column] : cases) {
    Status s = Error<Artifact>(filter);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << filter;
    EXPECT_THAT(std::string(s.message()), HasSubstr(column)) << filter;
  }
  Status s = Error<Execution>("name = 'x' OR uri = 'y'");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("column 15:"));
}

// A filter nested deeper than the engine takes is refused, not a crash
// (of the whole process) on a user's text.
TEST_F(ListFilterTest, DeeplyNestedFilterIsAnsweredOrRefused) {
  constexpr int kDepth = 10000;
  std::string parens =
      std::string(kDepth, '(') + "name = 'vit'" + std::string(kDepth, ')');
  std::string nots;
  for (int i = 0; i < kDepth; ++i) nots += "NOT ";
  nots += "name = 'vit'";
  for (const std::string& filter : {parens, nots}) {
    auto page = store_->List<Artifact>(Filter(filter));
    if (page.ok()) {
      EXPECT_EQ(IdsOf(page->items), A({2}));
    } else {
      EXPECT_CODE(page, kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace lineagedb
