// Conformance tests of PutLineageSubgraph (DOMAIN.md section 1, "Atomic
// writes"): edges by index, by id and mixed, the invalid edge forms, context
// links, reuse options, and all-or-nothing failure down to the stored bytes.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::Dump;
using ::lineagedb::testing::Ev;
using ::lineagedb::testing::IdsOf;
using ::lineagedb::testing::OfContext;
using ::lineagedb::testing::Pair;

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// An edge naming its ends by index (nullopt: by the event's ids).
EventEdge Edge(std::optional<int> execution_index,
               std::optional<int> artifact_index, std::optional<Event> event) {
  EventEdge edge;
  edge.execution_index = execution_index;
  edge.artifact_index = artifact_index;
  edge.event = std::move(event);
  return edge;
}

class LineageSubgraphWriteTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(const testing::NodeTypes types,
                         testing::PutNodeTypes(store_.get()));
    artifact_type_ = types.artifact;
    execution_type_ = types.execution;
    context_type_ = types.context;
  }

  Artifact A(const std::string& uri, const std::string& external_id = "") {
    Artifact a;
    a.type_id = artifact_type_;
    a.uri = uri;
    a.external_id = external_id;
    return a;
  }
  Execution E() {
    Execution e;
    e.type_id = execution_type_;
    return e;
  }
  Context C(const std::string& name) {
    Context c;
    c.type_id = context_type_;
    c.name = name;
    return c;
  }

  // Two executions, three artifacts, one context: e0: a0 -> a1; e1: a1 -> a2.
  LineageSubgraphWrite Chain(const std::string& tag) {
    LineageSubgraphWrite w;
    w.executions = {E(), E()};
    w.artifacts = {A(tag + "/a0"), A(tag + "/a1"), A(tag + "/a2")};
    w.contexts = {C(tag)};
    w.edges = {
        Edge(0, 0, Ev(EventType::kInput)), Edge(0, 1, Ev(EventType::kOutput)),
        Edge(1, 1, Ev(EventType::kInput)), Edge(1, 2, Ev(EventType::kOutput))};
    return w;
  }

  std::vector<Event> EventsOf(const std::vector<int64_t>& execution_ids) {
    auto got = store_->GetEventsByExecutionIds(execution_ids);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<Event>{};
  }

  template <typename N>
  std::vector<int64_t> AllIds(const NodeQuery& query = {}) {
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>(query, options);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? IdsOf(page->items) : std::vector<int64_t>{};
  }

  template <typename N>
  std::vector<int64_t> ContextIdsOf(int64_t id) {
    auto got = store_->GetContextsOf<N>(id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? IdsOf(*got) : std::vector<int64_t>{};
  }

  int64_t artifact_type_ = 0;
  int64_t execution_type_ = 0;
  int64_t context_type_ = 0;
};

TEST_F(LineageSubgraphWriteTest, EmptyWriteIsOk) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(LineageSubgraphWrite{}));
  EXPECT_THAT(r.execution_ids, IsEmpty());
  EXPECT_THAT(r.artifact_ids, IsEmpty());
  EXPECT_THAT(r.context_ids, IsEmpty());
}

TEST_F(LineageSubgraphWriteTest, EdgesByIndex) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(Chain("run")));
  ASSERT_EQ(r.execution_ids.size(), 2u);
  ASSERT_EQ(r.artifact_ids.size(), 3u);
  ASSERT_EQ(r.context_ids.size(), 1u);
  const auto& e = r.execution_ids;
  const auto& a = r.artifact_ids;
  EXPECT_LT(e[0], e[1]);
  EXPECT_LT(a[0], a[1]);
  EXPECT_LT(a[1], a[2]);
  EXPECT_THAT(EventsOf({e[0]}),
              UnorderedElementsAre(Ev(EventType::kInput, a[0], e[0]),
                                   Ev(EventType::kOutput, a[1], e[0])));
  EXPECT_THAT(EventsOf({e[1]}),
              UnorderedElementsAre(Ev(EventType::kInput, a[1], e[1]),
                                   Ev(EventType::kOutput, a[2], e[1])));
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                       store_->GetByIds<Artifact>(a));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].uri, "run/a2");
}

TEST_F(LineageSubgraphWriteTest, EveryContextIsLinkedToEveryNode) {
  LineageSubgraphWrite w = Chain("run");
  w.contexts.push_back(C("pipeline"));
  w.artifacts.push_back(A("unconnected"));
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(w));
  ASSERT_EQ(r.context_ids.size(), 2u);
  for (int64_t c : r.context_ids) {
    EXPECT_EQ(AllIds<Artifact>(OfContext(c)), r.artifact_ids);
    EXPECT_EQ(AllIds<Execution>(OfContext(c)), r.execution_ids);
  }
  for (int64_t id : r.artifact_ids) {
    EXPECT_EQ(ContextIdsOf<Artifact>(id), r.context_ids);
  }
  for (int64_t id : r.execution_ids) {
    EXPECT_EQ(ContextIdsOf<Execution>(id), r.context_ids);
  }
}

// Unlike PutExecution, and as MLMD: a stored artifact an edge names by id
// only is not linked to the request's contexts.
TEST_F(LineageSubgraphWriteTest, ContextsSkipNodesNamedByIdOnly) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult first,
                       store_->PutLineageSubgraph(Chain("first")));
  LineageSubgraphWrite w;
  w.executions = {E()};
  w.contexts = {C("second")};
  w.edges = {
      Edge(0, std::nullopt, Ev(EventType::kInput, first.artifact_ids[2], 0))};
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(w));
  EXPECT_EQ(ContextIdsOf<Execution>(r.execution_ids[0]), r.context_ids);
  EXPECT_EQ(ContextIdsOf<Artifact>(first.artifact_ids[2]), first.context_ids);
}

TEST_F(LineageSubgraphWriteTest, EdgesByIdsOfStoredNodes) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult first,
                       store_->PutLineageSubgraph(Chain("first")));
  LineageSubgraphWrite w;
  w.edges = {Edge(std::nullopt, std::nullopt,
                  Ev(EventType::kInput, first.artifact_ids[2],
                     first.execution_ids[0])),
             Edge(std::nullopt, std::nullopt,
                  Ev(EventType::kDeclaredOutput, first.artifact_ids[0],
                     first.execution_ids[1]))};
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(w));
  EXPECT_THAT(r.execution_ids, IsEmpty());
  EXPECT_EQ(EventsOf({first.execution_ids[0]}).size(), 3u);
  ASSERT_OK_AND_ASSIGN(std::vector<Event> got,
                       store_->GetEventsByArtifactIds({first.artifact_ids[0]}));
  EXPECT_THAT(got, UnorderedElementsAre(
                       Ev(EventType::kInput, first.artifact_ids[0],
                          first.execution_ids[0]),
                       Ev(EventType::kDeclaredOutput, first.artifact_ids[0],
                          first.execution_ids[1])));
}

TEST_F(LineageSubgraphWriteTest, EdgesMixingIndexesAndIds) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> old_a,
                       store_->Put(std::vector<Artifact>{A("old")}));
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> old_e,
                       store_->Put(std::vector<Execution>{E()}));
  LineageSubgraphWrite w;
  w.executions = {E()};
  w.artifacts = {A("new")};
  w.edges = {Edge(0, std::nullopt, Ev(EventType::kInput, old_a[0])),
             Edge(std::nullopt, 0, Ev(EventType::kInput, 0, old_e[0])),
             Edge(0, 0, Ev(EventType::kOutput))};
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(w));
  const int64_t e = r.execution_ids[0];
  const int64_t a = r.artifact_ids[0];
  EXPECT_THAT(EventsOf({e}),
              UnorderedElementsAre(Ev(EventType::kInput, old_a[0], e),
                                   Ev(EventType::kOutput, a, e)));
  EXPECT_THAT(EventsOf({old_e[0]}),
              ElementsAre(Ev(EventType::kInput, a, old_e[0])));
}

TEST_F(LineageSubgraphWriteTest, EdgeWithoutEventIsInvalidArgument) {
  LineageSubgraphWrite w = Chain("run");
  w.edges.push_back(Edge(0, 2, std::nullopt));
  EXPECT_CODE(store_->PutLineageSubgraph(w), kInvalidArgument);
  EXPECT_THAT(AllIds<Execution>(), IsEmpty());
}

TEST_F(LineageSubgraphWriteTest, EdgeEndWithNeitherIndexNorIdIsInvalid) {
  LineageSubgraphWrite no_artifact = Chain("run");
  no_artifact.edges.push_back(Edge(0, std::nullopt, Ev(EventType::kOutput)));
  EXPECT_CODE(store_->PutLineageSubgraph(no_artifact), kInvalidArgument);
  LineageSubgraphWrite no_execution = Chain("run");
  no_execution.edges.push_back(Edge(std::nullopt, 2, Ev(EventType::kInput)));
  EXPECT_CODE(store_->PutLineageSubgraph(no_execution), kInvalidArgument);
  LineageSubgraphWrite neither = Chain("run");
  neither.edges.push_back(
      Edge(std::nullopt, std::nullopt, Ev(EventType::kInput)));
  EXPECT_CODE(store_->PutLineageSubgraph(neither), kInvalidArgument);
  EXPECT_THAT(AllIds<Execution>(), IsEmpty());
  EXPECT_THAT(AllIds<Artifact>(), IsEmpty());
}

TEST_F(LineageSubgraphWriteTest, EdgeByIdOfAnUnknownNodeIsInvalidArgument) {
  LineageSubgraphWrite w = Chain("run");
  w.edges.push_back(Edge(0, std::nullopt, Ev(EventType::kInput, 12345)));
  EXPECT_CODE(store_->PutLineageSubgraph(w), kInvalidArgument);
  EXPECT_THAT(AllIds<Execution>(), IsEmpty());
}

TEST_F(LineageSubgraphWriteTest, IndexPastItsListIsOutOfRange) {
  const std::vector<std::pair<int, int>> bad = {{2, 0},  {0, 3},     {-1, 0},
                                                {0, -1}, {100, 100}, {-5, 1}};
  for (const auto& [ei, ai] : bad) {
    SCOPED_TRACE("execution_index " + std::to_string(ei) + " artifact_index " +
                 std::to_string(ai));
    LineageSubgraphWrite w = Chain("run");
    w.edges.push_back(Edge(ei, ai, Ev(EventType::kDeclaredInput)));
    EXPECT_CODE(store_->PutLineageSubgraph(w), kOutOfRange);
  }
  LineageSubgraphWrite no_lists;
  no_lists.edges = {Edge(0, 0, Ev(EventType::kInput))};
  EXPECT_CODE(store_->PutLineageSubgraph(no_lists), kOutOfRange);
  EXPECT_THAT(AllIds<Execution>(), IsEmpty());
  EXPECT_THAT(AllIds<Context>(), IsEmpty());
}

TEST_F(LineageSubgraphWriteTest, DuplicateEdgeIsAlreadyExists) {
  LineageSubgraphWrite w = Chain("run");
  w.edges.push_back(Edge(1, 2, Ev(EventType::kOutput)));
  EXPECT_CODE(store_->PutLineageSubgraph(w), kAlreadyExists);
  EXPECT_THAT(AllIds<Execution>(), IsEmpty());
}

TEST_F(LineageSubgraphWriteTest, ReuseOptions) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ctx,
                       store_->Put(std::vector<Context>{C("run")}));
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> art,
                       store_->Put(std::vector<Artifact>{A("stored", "ext")}));
  LineageSubgraphWrite w;
  w.executions = {E()};
  w.artifacts = {A("given", "ext"), A("fresh")};
  w.contexts = {C("run")};
  w.edges = {Edge(0, 0, Ev(EventType::kInput)),
             Edge(0, 1, Ev(EventType::kOutput))};
  EXPECT_CODE(store_->PutLineageSubgraph(w), kAlreadyExists);
  PutExecutionOptions reuse_context;
  reuse_context.reuse_context_if_already_exist = true;
  EXPECT_CODE(store_->PutLineageSubgraph(w, reuse_context), kAlreadyExists);
  PutExecutionOptions reuse_artifact;
  reuse_artifact.reuse_artifact_if_already_exist_by_external_id = true;
  EXPECT_CODE(store_->PutLineageSubgraph(w, reuse_artifact), kAlreadyExists);
  EXPECT_THAT(AllIds<Execution>(), IsEmpty());

  PutExecutionOptions both = reuse_context;
  both.reuse_artifact_if_already_exist_by_external_id = true;
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult r,
                       store_->PutLineageSubgraph(w, both));
  EXPECT_THAT(r.context_ids, ElementsAre(ctx[0]));
  ASSERT_EQ(r.artifact_ids.size(), 2u);
  EXPECT_EQ(r.artifact_ids[0], art[0]);
  EXPECT_GT(r.artifact_ids[1], art[0]);
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                       store_->GetByIds<Artifact>({art[0]}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].uri, "stored");
  const int64_t e = r.execution_ids[0];
  EXPECT_THAT(EventsOf({e}), UnorderedElementsAre(
                                 Ev(EventType::kInput, art[0], e),
                                 Ev(EventType::kOutput, r.artifact_ids[1], e)));
  EXPECT_EQ(AllIds<Artifact>(OfContext(ctx[0])), r.artifact_ids);
  EXPECT_THAT(AllIds<Context>(), ElementsAre(ctx[0]));
}

// An execution given again unchanged keeps its last_update_time unless
// force_update_time, as with PutExecution.
TEST_F(LineageSubgraphWriteTest, ForceUpdateTimeReachesItsExecutions) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult first,
                       store_->PutLineageSubgraph(Chain("t")));
  ASSERT_OK_AND_ASSIGN(std::vector<Execution> stored,
                       store_->GetByIds<Execution>(first.execution_ids));
  ASSERT_EQ(stored.size(), 2u);
  LineageSubgraphWrite again;
  again.executions = stored;
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  ASSERT_OK(store_->PutLineageSubgraph(again).status());
  ASSERT_OK_AND_ASSIGN(std::vector<Execution> read,
                       store_->GetByIds<Execution>(first.execution_ids));
  EXPECT_EQ(read, stored);
  PutExecutionOptions force;
  force.force_update_time = true;
  ASSERT_OK(store_->PutLineageSubgraph(again, force).status());
  ASSERT_OK_AND_ASSIGN(read, store_->GetByIds<Execution>(first.execution_ids));
  ASSERT_EQ(read.size(), 2u);
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_GT(read[i].last_update_time_ms, stored[i].last_update_time_ms);
  }
}

TEST_F(LineageSubgraphWriteTest, FailureOnTheLastEdgeChangesNothing) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult seed,
                       store_->PutLineageSubgraph(Chain("seed")));
  Reopen();
  const Dump before = DumpStore();
  LineageSubgraphWrite w = Chain("next");
  w.executions[0].id = seed.execution_ids[0];  // An update too.
  w.executions[0].custom_properties["changed"] = true;
  w.edges.push_back(Edge(1, 3, Ev(EventType::kOutput)));
  EXPECT_CODE(store_->PutLineageSubgraph(w), kOutOfRange);
  EXPECT_EQ(DumpStore(), before);
  w.edges.back() = Edge(-1, 0, Ev(EventType::kOutput));
  EXPECT_CODE(store_->PutLineageSubgraph(w), kOutOfRange);
  EXPECT_EQ(DumpStore(), before);

  // The ids the failed calls would have used are the next call's.
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult next,
                       store_->PutLineageSubgraph(Chain("next")));
  EXPECT_NE(DumpStore(), before);  // The dump does see writes.
  EXPECT_THAT(next.execution_ids, ElementsAre(seed.execution_ids[1] + 1,
                                              seed.execution_ids[1] + 2));
  EXPECT_THAT(next.artifact_ids,
              ElementsAre(seed.artifact_ids[2] + 1, seed.artifact_ids[2] + 2,
                          seed.artifact_ids[2] + 3));
  EXPECT_THAT(next.context_ids, ElementsAre(seed.context_ids[0] + 1));
}

TEST_F(LineageSubgraphWriteTest, FailureOnTheLastContextChangesNothing) {
  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult seed,
                       store_->PutLineageSubgraph(Chain("seed")));
  const Dump before = DumpStore();
  LineageSubgraphWrite w = Chain("next");
  w.contexts.push_back(C("other"));
  w.contexts.push_back(C("seed"));
  EXPECT_CODE(store_->PutLineageSubgraph(w), kAlreadyExists);
  EXPECT_EQ(DumpStore(), before);
  EXPECT_EQ(AllIds<Execution>(), seed.execution_ids);

  ASSERT_OK_AND_ASSIGN(LineageSubgraphWriteResult next,
                       store_->PutLineageSubgraph(Chain("next")));
  EXPECT_NE(DumpStore(), before);  // The dump does see writes.
  EXPECT_EQ(next.execution_ids[0], seed.execution_ids[1] + 1);
  EXPECT_EQ(next.artifact_ids[0], seed.artifact_ids[2] + 1);
  EXPECT_THAT(next.context_ids, ElementsAre(seed.context_ids[0] + 1));
}

}  // namespace
}  // namespace lineagedb
