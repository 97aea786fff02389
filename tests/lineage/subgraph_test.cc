// Conformance tests of GetLineageSubgraph (lineage.h; DOMAIN.md "Lineage
// subgraph"): MLMD's fixture against a reference walk written here for every
// start, hop count and direction, ending nodes, fetched records, errors, a
// wide fan-out, and paging with cursors.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lineagedb/lineage.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAreArray;

NodeRef A(int64_t id) { return {NodeKind::kArtifact, id}; }
NodeRef X(int64_t id) { return {NodeKind::kExecution, id}; }

constexpr Direction kDirections[] = {
    Direction::kUpstream, Direction::kDownstream, Direction::kBidirectional};

Event Ev(EventType type, int64_t artifact_id = 0) {
  Event e;
  e.artifact_id = artifact_id;
  e.type = type;
  e.path = {{IsInputEvent(type) ? "in" : "out"}, {int64_t{0}}};
  e.time_ms = 1000;
  return e;
}

std::string Str(NodeRef n) {
  return (n.kind == NodeKind::kArtifact ? "a" : "x") + std::to_string(n.id);
}
// Nodes rendered, in the given order / sorted.
std::vector<std::string> Strs(const std::vector<NodeRef>& nodes) {
  std::vector<std::string> out;
  for (const NodeRef& n : nodes) out.push_back(Str(n));
  return out;
}
std::vector<std::string> Set(const std::vector<NodeRef>& nodes) {
  std::vector<std::string> out = Strs(nodes);
  std::sort(out.begin(), out.end());
  return out;
}
// Events rendered as their identity (ends and type), or with path and
// time too; sorted.
std::vector<std::string> Strs(const std::vector<Event>& events,
                              bool details = false) {
  std::vector<std::string> out;
  for (const Event& e : events) {
    std::string s = Str(A(e.artifact_id)) + "-" + Str(X(e.execution_id)) +
                    " type " + std::to_string(static_cast<int>(e.type));
    if (details) {
      s += " path " + std::to_string(e.path.size()) + " time " +
           std::to_string(e.time_ms);
    }
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int64_t> IdsOfKind(const std::vector<NodeRef>& nodes,
                               NodeKind kind) {
  std::vector<int64_t> ids;
  for (const NodeRef& n : nodes) {
    if (n.kind == kind) ids.push_back(n.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}
template <typename N>
std::vector<int64_t> SortedIds(const std::vector<N>& nodes) {
  std::vector<int64_t> ids;
  for (const N& n : nodes) ids.push_back(n.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The reference walk: a breadth-first search over `events` written out in
// the test. Returns each reached node with its hop count; ending nodes are
// not expanded and are dropped unless include_ending.
std::map<NodeRef, int> ReferenceWalk(const std::vector<Event>& events,
                                     const std::vector<NodeRef>& starts,
                                     int hops, Direction dir,
                                     const std::set<NodeRef>& ending,
                                     bool include_ending) {
  auto follows = [dir](NodeKind from, EventType type) {
    if (dir == Direction::kBidirectional) return true;
    const bool input = IsInputEvent(type);
    return (from == NodeKind::kArtifact) ==
           ((dir == Direction::kUpstream) != input);
  };
  std::map<NodeRef, int> dist;
  std::vector<NodeRef> frontier;
  for (const NodeRef& s : starts) {
    if (dist.emplace(s, 0).second) frontier.push_back(s);
  }
  for (int hop = 0; hop < hops; ++hop) {
    std::vector<NodeRef> next;
    for (const NodeRef& n : frontier) {
      if (ending.count(n) > 0) continue;
      for (const Event& e : events) {
        const bool touches = n.kind == NodeKind::kArtifact
                                 ? e.artifact_id == n.id
                                 : e.execution_id == n.id;
        if (!touches || !follows(n.kind, e.type)) continue;
        const NodeRef other = n.kind == NodeKind::kArtifact ? X(e.execution_id)
                                                            : A(e.artifact_id);
        if (dist.emplace(other, hop + 1).second) next.push_back(other);
      }
    }
    frontier = std::move(next);
  }
  if (!include_ending) {
    for (const NodeRef& n : ending) {
      if (std::find(starts.begin(), starts.end(), n) == starts.end()) {
        dist.erase(n);
      }
    }
  }
  return dist;
}

// The nodes of a walk ordered by (hop, kind, id).
std::vector<NodeRef> InWalkOrder(const std::map<NodeRef, int>& dist) {
  std::vector<std::pair<int, NodeRef>> v;
  for (const auto& [n, d] : dist) v.push_back({d, n});
  std::sort(v.begin(), v.end());
  std::vector<NodeRef> out;
  for (const auto& [d, n] : v) out.push_back(n);
  return out;
}

class SubgraphTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    Type t;
    t.kind = NodeKind::kArtifact;
    t.name = "Data";
    ASSERT_OK_AND_ASSIGN(artifact_type_, store_->PutType(t));
    t.kind = NodeKind::kExecution;
    t.name = "Step";
    ASSERT_OK_AND_ASSIGN(execution_type_, store_->PutType(t));
    t.kind = NodeKind::kContext;
    t.name = "Run";
    ASSERT_OK_AND_ASSIGN(context_type_, store_->PutType(t));
  }

  Artifact NewArtifact(const std::string& name) {
    Artifact a;
    a.type_id = artifact_type_;
    a.name = name;
    a.uri = "/data/" + name;
    return a;
  }
  int64_t PutArtifact(const std::string& name) {
    auto ids = store_->Put<Artifact>({NewArtifact(name)});
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? (*ids)[0] : 0;
  }
  // One execution reading `inputs` and writing new artifacts `outputs`, in
  // the contexts "pipeline" and "run-<name>". Returns the execution id and
  // stores the new artifact ids in `*output_ids`.
  int64_t Run(const std::string& name, const std::vector<int64_t>& inputs,
              const std::vector<std::string>& outputs,
              std::vector<int64_t>* output_ids = nullptr) {
    Execution x;
    x.type_id = execution_type_;
    x.name = name;
    std::vector<ArtifactAndEvent> pairs;
    for (int64_t in : inputs) {
      pairs.push_back({std::nullopt, Ev(EventType::kInput, in)});
    }
    for (const std::string& out : outputs) {
      pairs.push_back({NewArtifact(out), Ev(EventType::kOutput)});
    }
    Context pipeline, run;
    pipeline.type_id = run.type_id = context_type_;
    pipeline.name = "pipeline";
    run.name = "run-" + name;
    PutExecutionOptions options;
    options.reuse_context_if_already_exist = true;
    auto r = store_->PutExecution(x, pairs, {pipeline, run}, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return 0;
    if (output_ids != nullptr) {
      output_ids->assign(r->artifact_ids.begin() + inputs.size(),
                         r->artifact_ids.end());
    }
    return r->execution_id;
  }

  // MLMD's fixture: e1: a1->a3; e2: a2->a4; e3: {a3,a4}->a5.
  void BuildMlmdFixture() {
    a1_ = PutArtifact("a1");
    a2_ = PutArtifact("a2");
    std::vector<int64_t> out;
    e1_ = Run("e1", {a1_}, {"a3"}, &out);
    a3_ = out.at(0);
    e2_ = Run("e2", {a2_}, {"a4"}, &out);
    a4_ = out.at(0);
    e3_ = Run("e3", {a3_, a4_}, {"a5"}, &out);
    a5_ = out.at(0);
    edges_ = {
        Edge(a1_, e1_, EventType::kInput), Edge(a3_, e1_, EventType::kOutput),
        Edge(a2_, e2_, EventType::kInput), Edge(a4_, e2_, EventType::kOutput),
        Edge(a3_, e3_, EventType::kInput), Edge(a4_, e3_, EventType::kInput),
        Edge(a5_, e3_, EventType::kOutput)};
  }
  static Event Edge(int64_t a, int64_t x, EventType type) {
    Event e;
    e.artifact_id = a;
    e.execution_id = x;
    e.type = type;
    return e;
  }

  // Every stored event whose two ends are in `nodes`.
  std::vector<Event> StoredEventsAmong(const std::vector<NodeRef>& nodes) {
    const std::set<NodeRef> in(nodes.begin(), nodes.end());
    auto events =
        store_->GetEventsByExecutionIds(IdsOfKind(nodes, NodeKind::kExecution));
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    std::vector<Event> out;
    for (const Event& e : events.value_or(std::vector<Event>{})) {
      if (in.count(A(e.artifact_id)) > 0) out.push_back(e);
    }
    return out;
  }

  static LineageQuery Query(const std::vector<NodeRef>& starts, int hops,
                            Direction dir) {
    LineageQuery q;
    for (const NodeRef& s : starts) {
      (s.kind == NodeKind::kArtifact ? q.artifact_ids : q.execution_ids)
          .push_back(s.id);
    }
    q.max_hops = hops;
    q.direction = dir;
    q.fetch_nodes = false;
    return q;
  }

  // Runs `q` and checks nodes and events against the reference walk.
  void ExpectMatchesReference(const LineageQuery& q) {
    std::vector<NodeRef> starts;
    for (int64_t id : q.artifact_ids) starts.push_back(A(id));
    for (int64_t id : q.execution_ids) starts.push_back(X(id));
    std::set<NodeRef> ending;
    for (int64_t id : q.ending_artifact_ids) ending.insert(A(id));
    for (int64_t id : q.ending_execution_ids) ending.insert(X(id));
    const std::map<NodeRef, int> want =
        ReferenceWalk(edges_, starts, q.max_hops, q.direction, ending,
                      q.include_ending_nodes);
    SCOPED_TRACE(::testing::Message()
                 << "hops " << q.max_hops << " direction "
                 << static_cast<int>(q.direction) << " starts " << starts.size()
                 << " first " << starts[0].id);
    ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
    EXPECT_FALSE(g.partial);
    const std::vector<NodeRef> ordered = InWalkOrder(want);
    EXPECT_EQ(Set(g.nodes), Set(ordered));
    if (q.artifact_ids.empty() || q.execution_ids.empty()) {
      EXPECT_EQ(Strs(g.nodes), Strs(ordered)) << "walk order";
    }
    EXPECT_EQ(Strs(g.events), Strs(StoredEventsAmong(ordered)));
  }

  int64_t artifact_type_ = 0, execution_type_ = 0, context_type_ = 0;
  int64_t a1_ = 0, a2_ = 0, a3_ = 0, a4_ = 0, a5_ = 0;
  int64_t e1_ = 0, e2_ = 0, e3_ = 0;
  std::vector<Event> edges_;
};

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
      }
    }
  }
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
  for (const NodeRef& n : g.nodes) {
    auto contexts = n.kind == NodeKind::kArtifact
                        ? store_->GetContextsOf<Artifact>(n.id)
                        : store_->GetContextsOf<Execution>(n.id);
    ASSERT_TRUE(contexts.ok());
    for (const Context& c : *contexts) want_contexts.insert(c.id);
  }
  EXPECT_FALSE(want_contexts.empty());
  EXPECT_THAT(SortedIds(g.contexts), ElementsAreArray(want_contexts));

  q.fetch_nodes = false;
  ASSERT_OK_AND_ASSIGN(LineageGraph bare, GetLineageSubgraph(store_.get(), q));
  EXPECT_EQ(Strs(bare.nodes), Strs(g.nodes));
  EXPECT_EQ(Strs(bare.events), Strs(g.events));
  EXPECT_THAT(bare.artifacts, IsEmpty());
  EXPECT_THAT(bare.executions, IsEmpty());
  EXPECT_THAT(bare.types, IsEmpty());
  EXPECT_THAT(bare.contexts, IsEmpty());
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

// a0 -> x[i] -> b[i] -> y[i] -> c[i], i < 100.
class FanOutTest : public SubgraphTest {
 protected:
  static constexpr int kWidth = 100;
  void SetUp() override {
    SubgraphTest::SetUp();
    if (HasFatalFailure()) return;
    a0_ = PutArtifact("a0");
    for (int i = 0; i < kWidth; ++i) {
      std::vector<int64_t> out;
      x_.push_back(
          Run("x" + std::to_string(i), {a0_}, {"b" + std::to_string(i)}, &out));
      b_.push_back(out.at(0));
    }
    for (int i = 0; i < kWidth; ++i) {
      std::vector<int64_t> out;
      y_.push_back(Run("y" + std::to_string(i), {b_[i]},
                       {"c" + std::to_string(i)}, &out));
      c_.push_back(out.at(0));
    }
  }
  int64_t a0_ = 0;
  std::vector<int64_t> x_, b_, y_, c_;
};

TEST_F(FanOutTest, NodeAndEventCountsByHop) {
  const size_t want_nodes[] = {1, 101, 201, 301, 401, 401, 401};
  for (int hops = 0; hops <= 6; ++hops) {
    ASSERT_OK_AND_ASSIGN(
        LineageGraph g,
        GetLineageSubgraph(store_.get(),
                           Query({A(a0_)}, hops, Direction::kDownstream)));
    EXPECT_EQ(g.nodes.size(), want_nodes[hops]) << hops;
    EXPECT_EQ(g.events.size(), want_nodes[hops] - 1) << hops;
    EXPECT_EQ(std::set<NodeRef>(g.nodes.begin(), g.nodes.end()).size(),
              g.nodes.size());
    ASSERT_OK_AND_ASSIGN(
        g, GetLineageSubgraph(store_.get(),
                              Query({A(a0_)}, hops, Direction::kUpstream)));
    EXPECT_THAT(g.nodes, ElementsAreArray({A(a0_)}));
  }
  ASSERT_OK_AND_ASSIGN(
      LineageGraph g,
      GetLineageSubgraph(store_.get(),
                         Query({A(c_[7])}, 4, Direction::kUpstream)));
  EXPECT_THAT(g.nodes, ElementsAreArray(
                           {A(c_[7]), X(y_[7]), A(b_[7]), X(x_[7]), A(a0_)}));
  ASSERT_OK_AND_ASSIGN(
      g, GetLineageSubgraph(store_.get(),
                            Query({A(b_[7])}, 2, Direction::kBidirectional)));
  EXPECT_EQ(Set(g.nodes),
            Set({A(b_[7]), X(x_[7]), X(y_[7]), A(a0_), A(c_[7])}));
  ASSERT_OK_AND_ASSIGN(
      g, GetLineageSubgraph(store_.get(),
                            Query({A(b_[7])}, 3, Direction::kBidirectional)));
  EXPECT_EQ(g.nodes.size(), 5u + kWidth - 1);
  // From the middle of the fan-out: 100 x's reach their b's.
  ASSERT_OK_AND_ASSIGN(
      g, GetLineageSubgraph(store_.get(),
                            Query({A(b_[7])}, 4, Direction::kBidirectional)));
  EXPECT_EQ(g.nodes.size(), 5u + 2 * (kWidth - 1));
}

// Pages of `q` joined, checked page by page.
struct Joined {
  std::vector<NodeRef> nodes;
  std::vector<Event> events;
  std::vector<int64_t> artifact_ids;
  int pages = 0;
};
void Paginate(Store* store, LineageQuery q, size_t max_nodes, Joined* out) {
  q.max_nodes = max_nodes;
  q.cursor.clear();
  for (;;) {
    ASSERT_LE(out->pages, 10000) << "paging does not end";
    ASSERT_OK_AND_ASSIGN(LineageGraph page, GetLineageSubgraph(store, q));
    ++out->pages;
    EXPECT_LE(page.nodes.size(), max_nodes);
    out->nodes.insert(out->nodes.end(), page.nodes.begin(), page.nodes.end());
    out->events.insert(out->events.end(), page.events.begin(),
                       page.events.end());
    for (const Artifact& a : page.artifacts) out->artifact_ids.push_back(a.id);
    if (!page.partial) {
      EXPECT_TRUE(page.cursor.empty());
      return;
    }
    EXPECT_FALSE(page.nodes.empty()) << "a partial page without nodes";
    ASSERT_FALSE(page.cursor.empty()) << "a partial page without cursor";
    q.cursor = page.cursor;
  }
}

void ExpectPagesJoinToFull(Store* store, LineageQuery q) {
  q.max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(LineageGraph full, GetLineageSubgraph(store, q));
  ASSERT_FALSE(full.partial);
  for (size_t max_nodes : {size_t{1}, size_t{7}, size_t{50}}) {
    SCOPED_TRACE(::testing::Message() << "max_nodes " << max_nodes);
    Joined joined;
    ASSERT_NO_FATAL_FAILURE(Paginate(store, q, max_nodes, &joined));
    EXPECT_GE(static_cast<size_t>(joined.pages),
              (full.nodes.size() + max_nodes - 1) / max_nodes);
    EXPECT_EQ(Strs(joined.nodes), Strs(full.nodes));
    EXPECT_EQ(
        std::set<NodeRef>(joined.nodes.begin(), joined.nodes.end()).size(),
        joined.nodes.size());
    EXPECT_EQ(Strs(joined.events), Strs(full.events));
    if (q.fetch_nodes) {
      std::sort(joined.artifact_ids.begin(), joined.artifact_ids.end());
      EXPECT_THAT(joined.artifact_ids,
                  ElementsAreArray(IdsOfKind(full.nodes, NodeKind::kArtifact)));
    }
  }
}

TEST_F(FanOutTest, PagesJoinToTheFullResult) {
  ExpectPagesJoinToFull(store_.get(),
                        Query({A(a0_)}, 4, Direction::kDownstream));
  LineageQuery q = Query({A(b_[3]), X(y_[50])}, 5, Direction::kBidirectional);
  q.fetch_nodes = true;
  ExpectPagesJoinToFull(store_.get(), q);
}

TEST_F(SubgraphTest, FixturePagesJoinToTheFullResult) {
  BuildMlmdFixture();
  for (Direction dir : kDirections) {
    LineageQuery q = Query({A(a4_)}, 4, dir);
    q.fetch_nodes = true;
    ExpectPagesJoinToFull(store_.get(), q);
    ExpectPagesJoinToFull(store_.get(), Query({X(e1_), X(e2_)}, 3, dir));
  }
}

TEST_F(SubgraphTest, CursorOfAnotherQueryIsInvalid) {
  BuildMlmdFixture();
  LineageQuery q = Query({A(a4_)}, 4, Direction::kBidirectional);
  q.max_nodes = 2;
  ASSERT_OK_AND_ASSIGN(LineageGraph first, GetLineageSubgraph(store_.get(), q));
  ASSERT_TRUE(first.partial);
  LineageQuery other = q;
  other.cursor = first.cursor;
  other.direction = Direction::kUpstream;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  other = q;
  other.cursor = first.cursor;
  other.artifact_ids = {a1_};
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  other = q;
  other.cursor = first.cursor;
  other.max_hops = 3;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  other = q;
  other.cursor = "not a cursor";
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  // The right query still resumes.
  q.cursor = first.cursor;
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
}

TEST_F(SubgraphTest, LineageWriteBetweenPagesAborts) {
  BuildMlmdFixture();
  LineageQuery q = Query({A(a4_)}, 4, Direction::kBidirectional);
  q.max_nodes = 2;
  ASSERT_OK_AND_ASSIGN(LineageGraph first, GetLineageSubgraph(store_.get(), q));
  ASSERT_TRUE(first.partial);
  Event e = Edge(a1_, e3_, EventType::kInput);
  ASSERT_OK(store_->PutEvents({e}));
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
  // Starting again sees the new event.
  q.cursor.clear();
  q.max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
  edges_.push_back(e);
  ExpectMatchesReference(q);
}

}  // namespace
}  // namespace lineagedb
