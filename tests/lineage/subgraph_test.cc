// Conformance tests of GetLineageSubgraph (lineage.h; DOMAIN.md "Lineage
// subgraph"): MLMD's fixture against a reference walk for every start, hop
// count and direction, ending nodes, fetched records and errors. Paging and
// the wide fan-out are in subgraph_paging_test.cc.
#include "codec/keys.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/lineage/subgraph_fixture.h"

namespace lineagedb {
namespace {

using subgraph_testing::A;
using subgraph_testing::IdsOfKind;
using subgraph_testing::kDirections;
using subgraph_testing::Set;
using subgraph_testing::SortedIds;
using subgraph_testing::Strs;
using subgraph_testing::SubgraphTest;
using subgraph_testing::X;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAreArray;

TEST_F(SubgraphTest, FixtureEdgesAreTheStoredEvents) {
  BuildMlmdFixture();
  std::vector<NodeRef> all = {A(a1_), A(a2_), A(a3_), A(a4_),
                              A(a5_), X(e1_), X(e2_), X(e3_)};
  std::vector<Event> stored = StoredEventsAmong(all);
  ASSERT_EQ(stored.size(), edges_.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    stored[i].path.clear();
    stored[i].time_ms = 0;
  }
  EXPECT_THAT(stored, UnorderedElementsAreArray(edges_));
}

TEST_F(SubgraphTest, DomainDocAnswers) {
  BuildMlmdFixture();
  auto nodes = [&](int64_t start, int hops, Direction dir) {
    auto g = GetLineageSubgraph(store_.get(), Query({A(start)}, hops, dir));
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? g->nodes : std::vector<NodeRef>{};
  };
  EXPECT_EQ(Set(nodes(a4_, 1, Direction::kUpstream)), Set({A(a4_), X(e2_)}));
  EXPECT_EQ(Set(nodes(a4_, 2, Direction::kUpstream)),
            Set({A(a2_), A(a4_), X(e2_)}));
  EXPECT_EQ(Set(nodes(a4_, 2, Direction::kDownstream)),
            Set({A(a4_), X(e3_), A(a5_)}));
  const std::vector<NodeRef> both = nodes(a4_, 2, Direction::kBidirectional);
  EXPECT_THAT(IdsOfKind(both, NodeKind::kArtifact),
              ElementsAreArray({a2_, a3_, a4_, a5_}));
  EXPECT_THAT(IdsOfKind(both, NodeKind::kExecution),
              ElementsAreArray({e2_, e3_}));
  EXPECT_THAT(nodes(a4_, 0, Direction::kBidirectional),
              ElementsAreArray({A(a4_)}));
}

TEST_F(SubgraphTest, EverySingleStartHopAndDirectionMatchesReference) {
  BuildMlmdFixture();
  const std::vector<NodeRef> starts = {A(a1_), A(a2_), A(a3_), A(a4_),
                                       A(a5_), X(e1_), X(e2_), X(e3_)};
  for (const NodeRef& start : starts) {
    for (int hops = 0; hops <= 4; ++hops) {
      for (Direction dir : kDirections) {
        ExpectMatchesReference(Query({start}, hops, dir));
      }
    }
  }
}

TEST_F(SubgraphTest, MultiStartMatchesReference) {
  BuildMlmdFixture();
  const std::vector<std::vector<NodeRef>> start_sets = {
      {A(a1_), A(a4_)},
      {A(a5_), A(a2_), A(a5_)},
      {X(e1_), X(e3_)},
      {A(a2_), X(e1_)},
      {A(a3_), X(e2_), X(e3_)}};
  for (const auto& starts : start_sets) {
    for (int hops = 0; hops <= 4; ++hops) {
      for (Direction dir : kDirections) {
        ExpectMatchesReference(Query(starts, hops, dir));
      }
    }
  }
}

TEST_F(SubgraphTest, EndingNodesStopTheWalk) {
  BuildMlmdFixture();
  LineageQuery q = Query({A(a5_)}, 4, Direction::kUpstream);
  q.ending_artifact_ids = {a3_};
  ASSERT_OK_AND_ASSIGN(LineageGraph with, GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Set(with.nodes),
            Set({A(a5_), X(e3_), A(a3_), A(a4_), X(e2_), A(a2_)}));
  q.include_ending_nodes = false;
  ASSERT_OK_AND_ASSIGN(LineageGraph without,
                       GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Set(without.nodes), Set({A(a5_), X(e3_), A(a4_), X(e2_), A(a2_)}));
  for (const Event& e : without.events) EXPECT_NE(e.artifact_id, a3_);

  // Every variant, also against the reference.
  for (bool include : {true, false}) {
    for (int hops = 0; hops <= 4; ++hops) {
      for (Direction dir : kDirections) {
        q = Query({A(a5_)}, hops, dir);
        q.ending_artifact_ids = {a3_};
        q.include_ending_nodes = include;
        ExpectMatchesReference(q);
        q = Query({A(a2_)}, hops, dir);
        q.ending_execution_ids = {e3_};
        q.include_ending_nodes = include;
        ExpectMatchesReference(q);
        q = Query({X(e1_)}, hops, dir);
        q.ending_artifact_ids = {a4_, a5_};
        q.include_ending_nodes = include;
        ExpectMatchesReference(q);
        // A start that is an ending node is returned, not walked past.
        q = Query({A(a3_), X(e1_)}, hops, dir);
        q.ending_artifact_ids = {a3_};
        q.include_ending_nodes = include;
        ExpectMatchesReference(q);
      }
    }
  }
  q = Query({A(a3_)}, 4, Direction::kBidirectional);
  q.ending_artifact_ids = {a3_};
  ASSERT_OK_AND_ASSIGN(LineageGraph alone, GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Set(alone.nodes), Set({A(a3_)}));
  EXPECT_TRUE(alone.events.empty());
}

TEST_F(SubgraphTest, FetchNodesReturnsRecordsTypesAndContexts) {
  BuildMlmdFixture();
  LineageQuery q = Query({A(a4_)}, 2, Direction::kBidirectional);
  q.fetch_nodes = true;
  ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
  EXPECT_THAT(SortedIds(g.artifacts), ElementsAreArray({a2_, a3_, a4_, a5_}));
  EXPECT_THAT(SortedIds(g.executions), ElementsAreArray({e2_, e3_}));
  for (const Artifact& a : g.artifacts) {
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> stored,
                         store_->GetByIds<Artifact>({a.id}));
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(a, stored[0]);
  }
  std::set<std::pair<NodeKind, int64_t>> types;
  for (const Type& t : g.types) types.insert({t.kind, t.id});
  EXPECT_THAT(types,
              IsSupersetOf({std::pair(NodeKind::kArtifact, artifact_type_),
                            std::pair(NodeKind::kExecution, execution_type_)}));
  std::set<int64_t> want_contexts;
  std::vector<Attribution> want_attributions;
  std::vector<Association> want_associations;
  for (const Artifact& a : g.artifacts) {
    ASSERT_OK_AND_ASSIGN(std::vector<Context> contexts,
                         store_->GetContextsOf<Artifact>(a.id));
    for (const Context& c : contexts) {
      want_contexts.insert(c.id);
      want_attributions.push_back({c.id, a.id});
    }
  }
  for (const Execution& e : g.executions) {
    ASSERT_OK_AND_ASSIGN(std::vector<Context> contexts,
                         store_->GetContextsOf<Execution>(e.id));
    for (const Context& c : contexts) {
      want_contexts.insert(c.id);
      want_associations.push_back({c.id, e.id});
    }
  }
  EXPECT_FALSE(want_contexts.empty());
  EXPECT_THAT(SortedIds(g.contexts), ElementsAreArray(want_contexts));
  // Each returned node's links to the returned contexts, in node order.
  EXPECT_FALSE(want_attributions.empty());
  EXPECT_FALSE(want_associations.empty());
  EXPECT_EQ(g.attributions, want_attributions);
  EXPECT_EQ(g.associations, want_associations);

  q.fetch_nodes = false;
  ASSERT_OK_AND_ASSIGN(LineageGraph bare, GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Strs(bare.nodes), Strs(g.nodes));
  EXPECT_EQ(Strs(bare.events), Strs(g.events));
  EXPECT_THAT(bare.artifacts, IsEmpty());
  EXPECT_THAT(bare.executions, IsEmpty());
  EXPECT_THAT(bare.types, IsEmpty());
  EXPECT_THAT(bare.contexts, IsEmpty());
  EXPECT_THAT(bare.attributions, IsEmpty());
  EXPECT_THAT(bare.associations, IsEmpty());
}

// lineage.h: `events` are Events, with their paths and times, whether or
// not node records are fetched.
// With fetch_nodes the events are the stored records; without, the same
// events with ends and type only (lineage.h).
TEST_F(SubgraphTest, EventsAreTheStoredRecords) {
  BuildMlmdFixture();
  for (bool fetch : {true, false}) {
    LineageQuery q = Query({A(a4_)}, 4, Direction::kBidirectional);
    q.fetch_nodes = fetch;
    ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
    EXPECT_EQ(Strs(g.events, fetch), Strs(StoredEventsAmong(g.nodes), fetch))
        << "fetch_nodes " << fetch;
    if (!fetch) {
      for (const Event& e : g.events) {
        EXPECT_TRUE(e.path.empty());
        EXPECT_EQ(e.time_ms, 0);
      }
    }
  }
}

TEST_F(SubgraphTest, InvalidQueries) {
  BuildMlmdFixture();
  EXPECT_CODE(GetLineageSubgraph(store_.get(), LineageQuery{}),
              kInvalidArgument);
  LineageQuery q = Query({A(a1_)}, -1, Direction::kUpstream);
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kInvalidArgument);
  q = Query({}, 2, Direction::kUpstream);
  q.ending_artifact_ids = {a1_};
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kInvalidArgument);
  q = Query({A(a1_)}, 2, static_cast<Direction>(0));
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kInvalidArgument);
  // Ending ids are ids like the starting ones.
  for (int64_t bad : {0, -5}) {
    q = Query({A(a1_)}, 2, Direction::kDownstream);
    q.ending_artifact_ids = {bad};
    EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kInvalidArgument);
    q.ending_artifact_ids.clear();
    q.ending_execution_ids = {bad};
    EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kInvalidArgument);
  }
}

TEST_F(SubgraphTest, UnknownStartsAreReturnedWithoutEdges) {
  BuildMlmdFixture();
  LineageQuery q = Query({A(999), X(777)}, 3, Direction::kBidirectional);
  q.fetch_nodes = true;
  ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Set(g.nodes), Set({A(999), X(777)}));
  EXPECT_THAT(g.events, IsEmpty());
  EXPECT_THAT(g.artifacts, IsEmpty());
  EXPECT_THAT(g.executions, IsEmpty());

  q = Query({A(a1_), A(999)}, 2, Direction::kDownstream);
  ASSERT_OK_AND_ASSIGN(g, GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Set(g.nodes), Set({A(a1_), A(999), X(e1_), A(a3_)}));
  EXPECT_EQ(g.events.size(), 2u);
}

// A node with events whose record is gone (a damaged store) is DATA_LOSS,
// whether the walk reaches it or starts at it, even on a page (or a walk
// of 0 hops) with none of its events; an unknown start is not.
TEST_F(SubgraphTest, ANodeWithEventsButNoRecordIsDataLoss) {
  BuildMlmdFixture();
  storage::WriteBatch batch;
  batch.Delete(codec::NodeKey(NodeKind::kArtifact, a4_));
  ASSERT_OK(store_->impl()->kv()->Write(&batch, /*sync=*/false));
  auto query = [](NodeRef start, int hops) {
    LineageQuery q = Query({start}, hops, Direction::kBidirectional);
    q.fetch_nodes = true;
    return q;
  };
  EXPECT_CODE(GetLineageSubgraph(store_.get(), query(X(e2_), 4)), kDataLoss);
  EXPECT_CODE(GetLineageSubgraph(store_.get(), query(A(a4_), 0)), kDataLoss);
  LineageQuery q = query(A(a4_), 4);
  q.max_nodes = 1;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kDataLoss);
  q.fetch_nodes = false;  // Topology only: no records read.
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
  ASSERT_OK_AND_ASSIGN(LineageGraph unknown,
                       GetLineageSubgraph(store_.get(), query(A(999), 4)));
  EXPECT_EQ(unknown.nodes.size(), 1u);
}

}  // namespace
}  // namespace lineagedb
