// GetLineageSubgraph with starting and ending nodes given by filter queries
// (lineage.h): the same walks as the ids they take, on MLMD's fixture
// (e1: a1->a3; e2: a2->a4; e3: {a3,a4}->a5; artifacts named a1..a5,
// executions e1..e3, each in contexts "pipeline" and "run-eN").
#include "tests/lineage/subgraph_fixture.h"

namespace lineagedb {
namespace {

using subgraph_testing::A;
using subgraph_testing::Set;
using subgraph_testing::SubgraphTest;
using subgraph_testing::X;
using ::testing::HasSubstr;

class SubgraphFilterTest : public SubgraphTest {
 protected:
  void SetUp() override {
    SubgraphTest::SetUp();
    if (HasFatalFailure()) return;
    BuildMlmdFixture();
  }

  std::vector<std::string> Nodes(const LineageQuery& q) {
    auto g = GetLineageSubgraph(store_.get(), q);
    EXPECT_TRUE(g.ok()) << g.status();
    return g.ok() ? Set(g->nodes) : std::vector<std::string>{"error"};
  }
};

TEST_F(SubgraphFilterTest, StartingFiltersAreTheIdsTheyTake) {
  for (Direction dir : subgraph_testing::kDirections) {
    for (int hops : {0, 1, 2, 4}) {
      LineageQuery by_filter = Query({}, hops, dir);
      by_filter.starting_artifacts_filter = "name IN ('a2', 'a3')";
      EXPECT_EQ(Nodes(by_filter), Nodes(Query({A(a2_), A(a3_)}, hops, dir)))
          << hops;
      LineageQuery executions = Query({}, hops, dir);
      executions.starting_executions_filter = "contexts_c.name = 'run-e2'";
      EXPECT_EQ(Nodes(executions), Nodes(Query({X(e2_)}, hops, dir))) << hops;
    }
  }
}

TEST_F(SubgraphFilterTest, FiltersAddToIds) {
  LineageQuery q = Query({A(a1_)}, 0, Direction::kUpstream);
  q.starting_artifacts_filter = "name = 'a5'";
  q.starting_executions_filter = "name = 'e2'";
  EXPECT_EQ(Nodes(q), Set({A(a1_), A(a5_), X(e2_)}));
}

TEST_F(SubgraphFilterTest, EndingFiltersStopTheWalk) {
  // From a5 upstream, stopping at e3's inputs named a3: a4's side goes on.
  LineageQuery q = Query({A(a5_)}, 10, Direction::kUpstream);
  q.ending_artifacts_filter = "name = 'a3'";
  EXPECT_EQ(Nodes(q), Set({A(a5_), X(e3_), A(a3_), A(a4_), X(e2_), A(a2_)}));
  q.include_ending_nodes = false;
  EXPECT_EQ(Nodes(q), Set({A(a5_), X(e3_), A(a4_), X(e2_), A(a2_)}));
  // The same as the ids the filter takes.
  LineageQuery by_id = Query({A(a5_)}, 10, Direction::kUpstream);
  by_id.ending_artifact_ids = {a3_};
  by_id.include_ending_nodes = false;
  EXPECT_EQ(Nodes(q), Nodes(by_id));
  // Ending executions by a neighbour: e2 is in run-e2.
  LineageQuery x = Query({A(a5_)}, 10, Direction::kUpstream);
  x.ending_executions_filter = "contexts_r.name = 'run-e2'";
  EXPECT_EQ(Nodes(x),
            Set({A(a5_), X(e3_), A(a3_), A(a4_), X(e1_), A(a1_), X(e2_)}));
}

TEST_F(SubgraphFilterTest, StartingFiltersThatTakeNothingGiveAnEmptyGraph) {
  LineageQuery q = Query({}, 3, Direction::kBidirectional);
  q.starting_artifacts_filter = "name = 'nothing'";
  ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
  EXPECT_TRUE(g.nodes.empty());
  EXPECT_TRUE(g.events.empty());
  EXPECT_FALSE(g.partial);
  q.starting_artifacts_filter = "type = 'NoSuchType'";
  ASSERT_OK_AND_ASSIGN(g, GetLineageSubgraph(store_.get(), q));
  EXPECT_TRUE(g.nodes.empty());
}

TEST_F(SubgraphFilterTest, BadFiltersAreInvalidAndNamed) {
  LineageQuery q = Query({A(a1_)}, 3, Direction::kBidirectional);
  q.ending_executions_filter = "uri = 'x'";
  auto g = GetLineageSubgraph(store_.get(), q);
  ASSERT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(),
              HasSubstr("ending_executions_filter: filter query, column 1: "
                        "executions have no attribute 'uri'"));
  LineageQuery s = Query({}, 3, Direction::kBidirectional);
  s.starting_artifacts_filter = "name = ";
  g = GetLineageSubgraph(store_.get(), s);
  ASSERT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(), HasSubstr("starting_artifacts_filter"));
  // Neither ids nor starting filters.
  LineageQuery none = Query({}, 3, Direction::kBidirectional);
  none.ending_artifacts_filter = "id > 0";
  EXPECT_CODE(GetLineageSubgraph(store_.get(), none), kInvalidArgument);
}

TEST_F(SubgraphFilterTest, PagesOfAFilteredQueryJoin) {
  LineageQuery q = Query({}, 10, Direction::kBidirectional);
  q.starting_artifacts_filter = "name = 'a1'";
  q.ending_executions_filter = "name = 'e3'";
  const std::vector<std::string> whole = Nodes(q);
  EXPECT_EQ(whole, Set({A(a1_), X(e1_), A(a3_), X(e3_)}));
  q.max_nodes = 1;
  std::vector<NodeRef> joined;
  for (int page = 0; page < 10; ++page) {
    ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
    joined.insert(joined.end(), g.nodes.begin(), g.nodes.end());
    if (!g.partial) break;
    q.cursor = g.cursor;
  }
  EXPECT_EQ(Set(joined), whole);
}

TEST_F(SubgraphFilterTest, ACursorAbortsWhenTheFilterTakesOtherNodes) {
  LineageQuery q = Query({}, 10, Direction::kUpstream);
  q.starting_artifacts_filter = "name = 'a5'";
  q.ending_artifacts_filter = "custom_properties.stop.bool_value = TRUE";
  q.max_nodes = 2;
  ASSERT_OK_AND_ASSIGN(LineageGraph first, GetLineageSubgraph(store_.get(), q));
  ASSERT_TRUE(first.partial);
  ASSERT_EQ(Set(first.nodes), Set({A(a5_), X(e3_)}));
  // No event is written, but a5 is now an ending node: the walk from it
  // stops at once, and the first page is no longer its beginning.
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> a5,
                       store_->GetByIds<Artifact>({a5_}));
  a5[0].custom_properties["stop"] = true;
  ASSERT_OK(store_->Put<Artifact>(a5).status());
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
}

}  // namespace
}  // namespace lineagedb
