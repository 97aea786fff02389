// Tests of the MLMD-style SQLite baseline: lineage on DOMAIN.md's fixture
// (breadth-first and CTE variants against an in-memory reference walk),
// write atomicity, and property round-trips.
#include "bench/baseline/mlmd_sqlite.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/test_util.h"

namespace lineagedb::baseline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// DOMAIN.md's fixture: e1: a1->a3; e2: a2->a4; e3: {a3,a4}->a5.
// a1, a2 are of type "Raw"; a3, a4, a5 of type "Derived".
class MlmdSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, MlmdSqlite::Open(":memory:"));
    ASSERT_OK_AND_ASSIGN(raw_type_, db_->PutType(ArtifactType("Raw")));
    ASSERT_OK_AND_ASSIGN(derived_type_, db_->PutType(ArtifactType("Derived")));
    Type step;
    step.kind = NodeKind::kExecution;
    step.name = "Step";
    ASSERT_OK_AND_ASSIGN(step_type_, db_->PutType(step));
    Type run;
    run.kind = NodeKind::kContext;
    run.name = "Run";
    ASSERT_OK_AND_ASSIGN(run_type_, db_->PutType(run));

    ASSERT_OK_AND_ASSIGN(
        ExecutionWrite w1,
        db_->PutExecution(NewExecution(),
                          {In(NewArtifact("a1", raw_type_)),
                           Out(NewArtifact("a3", derived_type_))},
                          {RunContext("r1")}));
    ASSERT_OK_AND_ASSIGN(
        ExecutionWrite w2,
        db_->PutExecution(NewExecution(),
                          {In(NewArtifact("a2", raw_type_)),
                           Out(NewArtifact("a4", derived_type_))},
                          {RunContext("r1")}));
    ASSERT_OK_AND_ASSIGN(
        ExecutionWrite w3,
        db_->PutExecution(
            NewExecution(),
            {In(Existing(w1.artifact_ids[1])), In(Existing(w2.artifact_ids[1])),
             Out(NewArtifact("a5", derived_type_))},
            {RunContext("r2")}));
    a_ = {0,
          w1.artifact_ids[0],
          w2.artifact_ids[0],
          w1.artifact_ids[1],
          w2.artifact_ids[1],
          w3.artifact_ids[2]};
    e_ = {0, w1.execution_id, w2.execution_id, w3.execution_id};
    EXPECT_EQ(w1.context_ids, w2.context_ids);  // "r1" reused.
    EXPECT_NE(w1.context_ids, w3.context_ids);
  }

  static Type ArtifactType(const std::string& name) {
    Type t;
    t.kind = NodeKind::kArtifact;
    t.name = name;
    return t;
  }
  Artifact NewArtifact(const std::string& name, int64_t type_id) {
    Artifact a;
    a.type_id = type_id;
    a.name = name;
    a.uri = "/data/" + name;
    return a;
  }
  static Artifact Existing(int64_t id) {
    Artifact a;
    a.id = id;
    return a;
  }
  Execution NewExecution() {
    Execution e;
    e.type_id = step_type_;
    e.last_known_state = ExecutionState::kComplete;
    return e;
  }
  Context RunContext(const std::string& name) {
    Context c;
    c.type_id = run_type_;
    c.name = name;
    return c;
  }
  static std::pair<Artifact, Event> In(Artifact a) {
    Event e;
    e.type = EventType::kInput;
    e.path = {PathStep{std::string("examples")}, PathStep{int64_t{0}}};
    return {std::move(a), e};
  }
  static std::pair<Artifact, Event> Out(Artifact a) {
    Event e;
    e.type = EventType::kOutput;
    e.path = {PathStep{std::string("model")}};
    return {std::move(a), e};
  }

  std::vector<int64_t> A(std::initializer_list<int> idx) const {
    std::vector<int64_t> out;
    for (int i : idx) out.push_back(a_[i]);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<int64_t> E(std::initializer_list<int> idx) const {
    std::vector<int64_t> out;
    for (int i : idx) out.push_back(e_[i]);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<MlmdSqlite> db_;
  int64_t raw_type_ = 0, derived_type_ = 0, step_type_ = 0, run_type_ = 0;
  std::vector<int64_t> a_;  // a_[i] is the id of fixture artifact ai.
  std::vector<int64_t> e_;  // e_[i] is the id of fixture execution ei.
};

// (artifact_id, execution_id, type) of each event of a graph.
using EdgeSet = std::set<std::tuple<int64_t, int64_t, EventType>>;
EdgeSet Edges(const LineageGraph& g) {
  EdgeSet out;
  for (const Event& e : g.events)
    out.emplace(e.artifact_id, e.execution_id, e.type);
  return out;
}

// The reference walk: the same rules over an edge list in memory.
struct Reference {
  std::vector<int64_t> artifacts, executions;
  EdgeSet events;
};
Reference ReferenceWalk(const EdgeSet& edges, NodeKind kind, int64_t start,
                        int hops, LineageDirection dir) {
  std::set<int64_t> seen[2];
  auto slot = [](NodeKind k) { return k == NodeKind::kArtifact ? 0 : 1; };
  std::set<int64_t> frontier = {start};
  seen[slot(kind)].insert(start);
  for (int h = 0; h < hops && !frontier.empty(); ++h) {
    std::set<int64_t> next;
    for (const auto& [a, e, type] : edges) {
      const int64_t here = kind == NodeKind::kArtifact ? a : e;
      const int64_t there = kind == NodeKind::kArtifact ? e : a;
      if (!frontier.count(here)) continue;
      const bool input = IsInputEvent(type);
      const bool follows = dir == LineageDirection::kBidirectional ||
                           ((kind == NodeKind::kArtifact) ==
                            ((dir == LineageDirection::kUpstream) != input));
      const NodeKind other = kind == NodeKind::kArtifact ? NodeKind::kExecution
                                                         : NodeKind::kArtifact;
      if (follows && seen[slot(other)].insert(there).second) next.insert(there);
    }
    frontier = next;
    kind = kind == NodeKind::kArtifact ? NodeKind::kExecution
                                       : NodeKind::kArtifact;
  }
  Reference r;
  r.artifacts.assign(seen[0].begin(), seen[0].end());
  r.executions.assign(seen[1].begin(), seen[1].end());
  for (const auto& edge : edges) {
    if (seen[0].count(std::get<0>(edge)) && seen[1].count(std::get<1>(edge))) {
      r.events.insert(edge);
    }
  }
  return r;
}

TEST_F(MlmdSqliteTest, DomainExamplesBothVariants) {
  struct Case {
    int hops;
    LineageDirection dir;
    std::vector<int64_t> artifacts, executions;
  };
  const std::vector<Case> cases = {
      {1, LineageDirection::kUpstream, A({4}), E({2})},
      {2, LineageDirection::kUpstream, A({2, 4}), E({2})},
      {2, LineageDirection::kDownstream, A({4, 5}), E({3})},
      {2, LineageDirection::kBidirectional, A({2, 3, 4, 5}), E({2, 3})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message()
                 << "hops " << c.hops << " dir " << static_cast<int>(c.dir));
    ASSERT_OK_AND_ASSIGN(
        LineageGraph bfs,
        db_->Lineage(NodeKind::kArtifact, {a_[4]}, c.hops, c.dir));
    EXPECT_EQ(bfs.artifact_ids, c.artifacts);
    EXPECT_EQ(bfs.execution_ids, c.executions);
    ASSERT_EQ(bfs.artifacts.size(), c.artifacts.size());
    ASSERT_EQ(bfs.executions.size(), c.executions.size());
    ASSERT_OK_AND_ASSIGN(
        LineageGraph cte,
        db_->LineageCte(NodeKind::kArtifact, {a_[4]}, c.hops, c.dir));
    EXPECT_EQ(cte.artifact_ids, c.artifacts);
    EXPECT_EQ(cte.execution_ids, c.executions);
    EXPECT_EQ(cte.events, bfs.events);
  }
}

TEST_F(MlmdSqliteTest, EveryStartHopAndDirectionMatchesReference) {
  EdgeSet edges = {
      {a_[1], e_[1], EventType::kInput},  {a_[3], e_[1], EventType::kOutput},
      {a_[2], e_[2], EventType::kInput},  {a_[4], e_[2], EventType::kOutput},
      {a_[3], e_[3], EventType::kInput},  {a_[4], e_[3], EventType::kInput},
      {a_[5], e_[3], EventType::kOutput},
  };
  std::vector<std::pair<NodeKind, int64_t>> starts;
  for (int i = 1; i <= 5; ++i) starts.emplace_back(NodeKind::kArtifact, a_[i]);
  for (int i = 1; i <= 3; ++i) starts.emplace_back(NodeKind::kExecution, e_[i]);
  for (const auto& [kind, id] : starts) {
    for (const LineageDirection dir :
         {LineageDirection::kUpstream, LineageDirection::kDownstream,
          LineageDirection::kBidirectional}) {
      for (int hops = 0; hops <= 4; ++hops) {
        SCOPED_TRACE(::testing::Message()
                     << "kind " << static_cast<int>(kind) << " id " << id
                     << " dir " << static_cast<int>(dir) << " hops " << hops);
        const Reference want = ReferenceWalk(edges, kind, id, hops, dir);
        ASSERT_OK_AND_ASSIGN(LineageGraph bfs,
                             db_->Lineage(kind, {id}, hops, dir));
        ASSERT_OK_AND_ASSIGN(LineageGraph cte,
                             db_->LineageCte(kind, {id}, hops, dir));
        for (const LineageGraph* g : {&bfs, &cte}) {
          EXPECT_EQ(g->artifact_ids, want.artifacts);
          EXPECT_EQ(g->execution_ids, want.executions);
          EXPECT_EQ(Edges(*g), want.events);
        }
        EXPECT_EQ(bfs.events, cte.events);
      }
    }
  }
}

TEST_F(MlmdSqliteTest, ZeroHopsIsTheStartNodesOnly) {
  ASSERT_OK_AND_ASSIGN(LineageGraph g,
                       db_->Lineage(NodeKind::kExecution, {e_[3], e_[1]}, 0,
                                    LineageDirection::kBidirectional));
  EXPECT_THAT(g.artifact_ids, IsEmpty());
  EXPECT_EQ(g.execution_ids, E({1, 3}));
  EXPECT_THAT(g.events, IsEmpty());
}

TEST_F(MlmdSqliteTest, EventsCarryPathsAndTimes) {
  ASSERT_OK_AND_ASSIGN(LineageGraph g,
                       db_->Lineage(NodeKind::kExecution, {e_[1]}, 1,
                                    LineageDirection::kBidirectional));
  ASSERT_EQ(g.events.size(), 2u);
  const Event& in =
      g.events[0].artifact_id == a_[1] ? g.events[0] : g.events[1];
  EXPECT_EQ(in.type, EventType::kInput);
  EXPECT_THAT(in.path, ElementsAre(PathStep{std::string("examples")},
                                   PathStep{int64_t{0}}));
  EXPECT_GT(in.time_ms, 0);
}

TEST_F(MlmdSqliteTest, UnboundedAncestryAndTypedUpstream) {
  ASSERT_OK_AND_ASSIGN(LineageGraph up, db_->Upstream(a_[5]));
  ASSERT_OK_AND_ASSIGN(LineageGraph up_cte, db_->UpstreamCte(a_[5]));
  EXPECT_EQ(up.artifact_ids, A({1, 2, 3, 4, 5}));
  EXPECT_EQ(up.execution_ids, E({1, 2, 3}));
  EXPECT_EQ(up_cte.artifact_ids, up.artifact_ids);
  EXPECT_EQ(up_cte.execution_ids, up.execution_ids);
  EXPECT_EQ(up_cte.events, up.events);
  EXPECT_EQ(up.events.size(), 7u);

  ASSERT_OK_AND_ASSIGN(LineageGraph down, db_->Downstream(a_[1]));
  ASSERT_OK_AND_ASSIGN(LineageGraph down_cte, db_->DownstreamCte(a_[1]));
  EXPECT_EQ(down.artifact_ids, A({1, 3, 5}));
  EXPECT_EQ(down.execution_ids, E({1, 3}));
  EXPECT_EQ(down_cte.artifact_ids, down.artifact_ids);
  EXPECT_EQ(down_cte.execution_ids, down.execution_ids);

  ASSERT_OK_AND_ASSIGN(auto raw, db_->UpstreamArtifactsOfType(a_[5], "Raw"));
  ASSERT_OK_AND_ASSIGN(auto raw_cte,
                       db_->UpstreamArtifactsOfTypeCte(a_[5], "Raw"));
  EXPECT_EQ(raw, A({1, 2}));
  EXPECT_EQ(raw_cte, raw);
  ASSERT_OK_AND_ASSIGN(auto derived,
                       db_->UpstreamArtifactsOfType(a_[5], "Derived"));
  ASSERT_OK_AND_ASSIGN(auto derived_cte,
                       db_->UpstreamArtifactsOfTypeCte(a_[5], "Derived"));
  EXPECT_EQ(derived, A({3, 4}));  // a5 itself is not its own ancestor.
  EXPECT_EQ(derived_cte, derived);
}

TEST_F(MlmdSqliteTest, Neighbors) {
  ASSERT_OK_AND_ASSIGN(auto n, db_->Neighbors(NodeKind::kArtifact, a_[4],
                                              LineageDirection::kUpstream));
  EXPECT_EQ(n, E({2}));
  ASSERT_OK_AND_ASSIGN(n, db_->Neighbors(NodeKind::kArtifact, a_[4],
                                         LineageDirection::kDownstream));
  EXPECT_EQ(n, E({3}));
  ASSERT_OK_AND_ASSIGN(n, db_->Neighbors(NodeKind::kArtifact, a_[4],
                                         LineageDirection::kBidirectional));
  EXPECT_EQ(n, E({2, 3}));
  ASSERT_OK_AND_ASSIGN(n, db_->Neighbors(NodeKind::kExecution, e_[3],
                                         LineageDirection::kUpstream));
  EXPECT_EQ(n, A({3, 4}));
  ASSERT_OK_AND_ASSIGN(n, db_->Neighbors(NodeKind::kExecution, e_[3],
                                         LineageDirection::kDownstream));
  EXPECT_EQ(n, A({5}));
}

TEST_F(MlmdSqliteTest, BadLineageArguments) {
  EXPECT_CODE(
      db_->Lineage(NodeKind::kContext, {1}, 1, LineageDirection::kUpstream)
          .status(),
      kInvalidArgument);
  EXPECT_CODE(
      db_->LineageCte(NodeKind::kArtifact, {1}, -1, LineageDirection::kUpstream)
          .status(),
      kInvalidArgument);
}

TEST_F(MlmdSqliteTest, DuplicateEventIsAlreadyExistsAndRollsBack) {
  const auto result =
      db_->PutExecution(NewExecution(),
                        {Out(NewArtifact("fresh", derived_type_)),
                         In(Existing(a_[1])), In(Existing(a_[1]))},
                        {RunContext("r3")});
  EXPECT_CODE(result.status(), kAlreadyExists);
  EXPECT_CODE(db_->GetArtifactByTypeAndName("Derived", "fresh").status(),
              kNotFound);
  EXPECT_CODE(db_->GetExecution(e_[3] + 1).status(), kNotFound);
  // Nothing of the failed call is visible, and the store still takes writes.
  ASSERT_OK_AND_ASSIGN(LineageGraph g,
                       db_->Lineage(NodeKind::kArtifact, {a_[1]}, 1,
                                    LineageDirection::kDownstream));
  EXPECT_EQ(g.execution_ids, E({1}));
  ASSERT_OK_AND_ASSIGN(
      ExecutionWrite w,
      db_->PutExecution(NewExecution(),
                        {Out(NewArtifact("fresh", derived_type_))},
                        {RunContext("r3")}));
  EXPECT_EQ(w.execution_id, e_[3] + 1);
}

TEST_F(MlmdSqliteTest, WriteErrors) {
  Artifact unknown = Existing(a_[5] + 100);
  EXPECT_CODE(db_->PutExecution(NewExecution(), {In(unknown)}, {}).status(),
              kInvalidArgument);
  Artifact undeclared = NewArtifact("u", raw_type_);
  undeclared.properties["nope"] = Value(int64_t{1});
  EXPECT_CODE(db_->PutExecution(NewExecution(), {In(undeclared)}, {}).status(),
              kInvalidArgument);
  Artifact bad_type = NewArtifact("t", step_type_);  // An execution type.
  EXPECT_CODE(db_->PutExecution(NewExecution(), {In(bad_type)}, {}).status(),
              kInvalidArgument);
  EXPECT_CODE(db_->PutExecution(NewExecution(),
                                {Out(NewArtifact("a3", derived_type_))}, {})
                  .status(),
              kAlreadyExists);
  EXPECT_CODE(db_->PutExecution(NewExecution(), {}, {RunContext("")}).status(),
              kInvalidArgument);
}

TEST_F(MlmdSqliteTest, PutTypeIsIdempotentAndRejectsChanges) {
  Type t = ArtifactType("Model");
  t.properties = {{"accuracy", PropertyKind::kDouble}};
  t.base_type = BaseType::kModel;
  ASSERT_OK_AND_ASSIGN(const int64_t id, db_->PutType(t));
  ASSERT_OK_AND_ASSIGN(const int64_t again, db_->PutType(t));
  EXPECT_EQ(id, again);
  t.properties["loss"] = PropertyKind::kDouble;
  EXPECT_CODE(db_->PutType(t).status(), kAlreadyExists);
  t.version = "v2";
  ASSERT_OK_AND_ASSIGN(const int64_t v2, db_->PutType(t));
  EXPECT_NE(v2, id);
  EXPECT_CODE(db_->PutType(ArtifactType("")).status(), kInvalidArgument);
}

TEST_F(MlmdSqliteTest, PropertiesOfEveryKindRoundTrip) {
  Type t = ArtifactType("Typed");
  t.properties = {{"i", PropertyKind::kInt},    {"d", PropertyKind::kDouble},
                  {"s", PropertyKind::kString}, {"j", PropertyKind::kStruct},
                  {"p", PropertyKind::kProto},  {"b", PropertyKind::kBool}};
  ASSERT_OK_AND_ASSIGN(const int64_t type_id, db_->PutType(t));
  Artifact a = NewArtifact("typed", type_id);
  a.external_id = "ext-1";
  a.state = ArtifactState::kLive;
  a.properties = {{"i", Value(int64_t{-7})},
                  {"d", Value(2.5)},
                  {"s", Value("text")},
                  {"j", Value(StructValue{R"({"k": [1, 2]})"})},
                  {"p", Value(ProtoValue{"type.googleapis.com/x.Y",
                                         std::string("\0\x01\xff", 3)})},
                  {"b", Value(true)}};
  a.custom_properties = {{"i", Value(int64_t{1} << 40)},
                         {"s", Value("")},
                         {"b", Value(false)},
                         {"j", Value(StructValue{"{}"})},
                         {"p", Value(ProtoValue{"", ""})},
                         {"d", Value(-0.125)}};
  Execution e = NewExecution();
  e.name = "exec";
  e.custom_properties = {{"lr", Value(0.01)}, {"seed", Value(int64_t{42})}};
  Context c = RunContext("ctx");
  c.custom_properties = {{"owner", Value("me")}};
  ASSERT_OK_AND_ASSIGN(ExecutionWrite w, db_->PutExecution(e, {Out(a)}, {c}));

  for (const bool by_name : {false, true}) {
    SCOPED_TRACE(by_name ? "by name" : "by id");
    ASSERT_OK_AND_ASSIGN(
        Artifact got, by_name ? db_->GetArtifactByTypeAndName("Typed", "typed")
                              : db_->GetArtifact(w.artifact_ids[0]));
    EXPECT_EQ(got.id, w.artifact_ids[0]);
    EXPECT_EQ(got.type, "Typed");
    EXPECT_EQ(got.uri, a.uri);
    EXPECT_EQ(got.external_id, a.external_id);
    EXPECT_EQ(got.state, ArtifactState::kLive);
    EXPECT_EQ(got.properties, a.properties);
    EXPECT_EQ(got.custom_properties, a.custom_properties);
    EXPECT_GT(got.create_time_ms, 0);
  }
  ASSERT_OK_AND_ASSIGN(Execution got_e, db_->GetExecution(w.execution_id));
  EXPECT_EQ(got_e.name, "exec");
  EXPECT_EQ(got_e.type, "Step");
  EXPECT_EQ(got_e.last_known_state, ExecutionState::kComplete);
  EXPECT_EQ(got_e.custom_properties, e.custom_properties);
  ASSERT_OK_AND_ASSIGN(std::vector<Context> got_c,
                       db_->GetContextsByIds({w.context_ids[0], 9999}));
  ASSERT_EQ(got_c.size(), 1u);
  EXPECT_EQ(got_c[0].name, "ctx");
  EXPECT_EQ(got_c[0].custom_properties, c.custom_properties);

  EXPECT_CODE(db_->GetArtifact(9999).status(), kNotFound);
  EXPECT_CODE(db_->GetArtifactByTypeAndName("Typed", "nope").status(),
              kNotFound);
  EXPECT_CODE(db_->GetArtifactByTypeAndName("NoType", "typed").status(),
              kNotFound);
}

// A random DAG of 150 executions, each reading up to three earlier
// artifacts and writing one or two: both variants agree with the reference
// walk for many starts, hop counts and directions.
TEST_F(MlmdSqliteTest, RandomDagVariantsAgreeWithReference) {
  EdgeSet edges;
  std::vector<int64_t> artifacts = {a_[1], a_[2], a_[3], a_[4], a_[5]};
  std::vector<int64_t> executions = {e_[1], e_[2], e_[3]};
  for (const auto& [a, e, type] : EdgeSet{{a_[1], e_[1], EventType::kInput},
                                          {a_[3], e_[1], EventType::kOutput},
                                          {a_[2], e_[2], EventType::kInput},
                                          {a_[4], e_[2], EventType::kOutput},
                                          {a_[3], e_[3], EventType::kInput},
                                          {a_[4], e_[3], EventType::kInput},
                                          {a_[5], e_[3], EventType::kOutput}}) {
    edges.emplace(a, e, type);
  }
  uint64_t rng = 12345;
  auto next = [&rng](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  for (int i = 0; i < 150; ++i) {
    std::vector<std::pair<Artifact, Event>> pairs;
    std::set<int64_t> inputs;
    for (uint64_t k = next(4); k > 0; --k) {
      inputs.insert(artifacts[next(artifacts.size())]);
    }
    for (const int64_t id : inputs) pairs.push_back(In(Existing(id)));
    const int outputs = 1 + static_cast<int>(next(2));
    for (int k = 0; k < outputs; ++k) {
      pairs.push_back(
          Out(NewArtifact("r" + std::to_string(i) + "_" + std::to_string(k),
                          next(2) ? raw_type_ : derived_type_)));
    }
    ASSERT_OK_AND_ASSIGN(ExecutionWrite w,
                         db_->PutExecution(NewExecution(), pairs, {}));
    executions.push_back(w.execution_id);
    for (size_t k = 0; k < pairs.size(); ++k) {
      edges.emplace(w.artifact_ids[k], w.execution_id, pairs[k].second.type);
      if (k >= inputs.size()) artifacts.push_back(w.artifact_ids[k]);
    }
  }
  for (int trial = 0; trial < 40; ++trial) {
    const bool from_artifact = next(2) == 0;
    const NodeKind kind =
        from_artifact ? NodeKind::kArtifact : NodeKind::kExecution;
    const int64_t id = from_artifact ? artifacts[next(artifacts.size())]
                                     : executions[next(executions.size())];
    const auto dir = static_cast<LineageDirection>(1 + next(3));
    const int hops = static_cast<int>(next(8));
    SCOPED_TRACE(::testing::Message()
                 << "kind " << static_cast<int>(kind) << " id " << id << " dir "
                 << static_cast<int>(dir) << " hops " << hops);
    const Reference want = ReferenceWalk(edges, kind, id, hops, dir);
    ASSERT_OK_AND_ASSIGN(LineageGraph bfs, db_->Lineage(kind, {id}, hops, dir));
    ASSERT_OK_AND_ASSIGN(LineageGraph cte,
                         db_->LineageCte(kind, {id}, hops, dir));
    for (const LineageGraph* g : {&bfs, &cte}) {
      EXPECT_EQ(g->artifact_ids, want.artifacts);
      EXPECT_EQ(g->execution_ids, want.executions);
      EXPECT_EQ(Edges(*g), want.events);
    }
    EXPECT_EQ(bfs.events, cte.events);
  }
  const int64_t last = artifacts.back();
  const Reference all = ReferenceWalk(edges, NodeKind::kArtifact, last, 1000,
                                      LineageDirection::kUpstream);
  ASSERT_OK_AND_ASSIGN(LineageGraph up, db_->Upstream(last));
  ASSERT_OK_AND_ASSIGN(LineageGraph up_cte, db_->UpstreamCte(last));
  EXPECT_EQ(up.artifact_ids, all.artifacts);
  EXPECT_EQ(up_cte.artifact_ids, all.artifacts);
  EXPECT_EQ(up_cte.execution_ids, all.executions);
  ASSERT_OK_AND_ASSIGN(auto raw, db_->UpstreamArtifactsOfType(last, "Raw"));
  ASSERT_OK_AND_ASSIGN(auto raw_cte,
                       db_->UpstreamArtifactsOfTypeCte(last, "Raw"));
  EXPECT_EQ(raw, raw_cte);
}

// A database file in a fresh folder, and two types "A" (artifact) and "E"
// (execution) once PutTypes has run.
class MlmdSqliteFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mlmd_sqlite_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "mlmd.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void PutTypes(MlmdSqlite* db) {
    Type at;
    at.name = "A";
    ASSERT_OK_AND_ASSIGN(at_id_, db->PutType(at));
    Type et;
    et.kind = NodeKind::kExecution;
    et.name = "E";
    ASSERT_OK_AND_ASSIGN(et_id_, db->PutType(et));
  }

  std::filesystem::path dir_;
  std::string path_;
  int64_t at_id_ = 0;
  int64_t et_id_ = 0;
};

TEST_F(MlmdSqliteFileTest, SurvivesReopen) {
  int64_t artifact_id = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, MlmdSqlite::Open(path_));
    ASSERT_NO_FATAL_FAILURE(PutTypes(db.get()));
    Artifact a;
    a.type_id = at_id_;
    a.custom_properties["k"] = Value("v");
    Execution e;
    e.type_id = et_id_;
    Event ev;
    ev.type = EventType::kOutput;
    ASSERT_OK_AND_ASSIGN(ExecutionWrite w, db->PutExecution(e, {{a, ev}}, {}));
    artifact_id = w.artifact_ids[0];
  }
  {
    MlmdSqliteOptions options;
    options.covering_event_index = true;
    options.cache_kib = 4096;
    ASSERT_OK_AND_ASSIGN(auto db, MlmdSqlite::Open(path_, options));
    ASSERT_OK_AND_ASSIGN(Artifact a, db->GetArtifact(artifact_id));
    EXPECT_EQ(a.custom_properties.at("k"), Value("v"));
    ASSERT_OK_AND_ASSIGN(LineageGraph g, db->UpstreamCte(artifact_id));
    EXPECT_EQ(g.execution_ids.size(), 1u);
  }
}

// executions_per_transaction = 3: a second connection sees the batch's
// executions only once the third commits it (or Flush, or the store's
// destruction does), the batch's own reads see them, and a failed call in
// the middle of a batch writes nothing of itself and keeps the others.
TEST_F(MlmdSqliteFileTest, BatchedTransactionsCommitEveryNExecutions) {
  ASSERT_OK_AND_ASSIGN(auto reader, MlmdSqlite::Open(path_));
  MlmdSqliteOptions options;
  options.executions_per_transaction = 3;
  ASSERT_OK_AND_ASSIGN(auto writer, MlmdSqlite::Open(path_, options));
  ASSERT_NO_FATAL_FAILURE(PutTypes(writer.get()));
  Execution e;
  e.type_id = et_id_;
  Event out;
  out.type = EventType::kOutput;
  auto put = [&](const std::string& name) {
    Artifact a;
    a.type_id = at_id_;
    a.name = name;
    return writer->PutExecution(e, {{a, out}}, {});
  };
  auto visible = [&](const std::string& name) {
    return reader->GetArtifactByTypeAndName("A", name).ok();
  };

  ASSERT_OK_AND_ASSIGN(const ExecutionWrite first, put("a1"));
  ASSERT_OK(put("a2").status());
  EXPECT_CODE(put("a1").status(), kAlreadyExists);  // Rolled back alone.
  EXPECT_OK(writer->GetArtifactByTypeAndName("A", "a2").status());
  EXPECT_FALSE(visible("a1"));
  EXPECT_FALSE(visible("a2"));
  ASSERT_OK(put("a3").status());  // The third: commits the batch.
  EXPECT_TRUE(visible("a1"));
  EXPECT_TRUE(visible("a3"));
  EXPECT_CODE(reader->GetExecution(first.execution_id + 3).status(),
              kNotFound);  // The failed call left no execution.

  ASSERT_OK(put("a4").status());
  EXPECT_FALSE(visible("a4"));
  ASSERT_OK(writer->Flush());
  EXPECT_TRUE(visible("a4"));
  ASSERT_OK(writer->Flush());  // Nothing open: OK.

  ASSERT_OK(put("a5").status());
  EXPECT_FALSE(visible("a5"));
  writer.reset();  // Destruction commits the open batch.
  EXPECT_TRUE(visible("a5"));
}

}  // namespace
}  // namespace lineagedb::baseline
