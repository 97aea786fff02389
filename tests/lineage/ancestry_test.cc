// Tests of GetAncestry, IsUpstream, GetProvenancePath and DiffLineage
// (lineage.h) on a small hand-built pipeline whose answers are written out.
#include <algorithm>
#include <cmath>
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

using ::lineagedb::testing::A;
using ::lineagedb::testing::Ev;
using ::lineagedb::testing::X;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::UnorderedElementsAreArray;

AncestryEntry At(NodeRef n, int distance) { return {n, distance}; }

// The graph (artifact type, state; execution type):
//   raw (Dataset, LIVE), old_raw (Dataset, DELETED) -> x1 Ingest -> ds
//   (Dataset, LIVE); ds -> x2 Analyze (FAILED) -> stats (Stats, LIVE);
//   {ds, stats} -> x3 Trainer -> model (Model, LIVE);
//   {model, ds} -> x4 Eval -> metrics (Stats, PENDING);
//   iso_in (Dataset) -> x5 Ingest -> iso_out (Dataset), unrelated.
class AncestryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    for (const char* name : {"Dataset", "Stats", "Model"}) {
      Type t;
      t.kind = NodeKind::kArtifact;
      t.name = name;
      ASSERT_OK_AND_ASSIGN(artifact_types_[name], store_->PutType(t));
    }
    for (const char* name : {"Ingest", "Analyze", "Trainer", "Eval"}) {
      Type t;
      t.kind = NodeKind::kExecution;
      t.name = name;
      if (std::string(name) == "Trainer") {
        t.properties = {{"steps", PropertyKind::kInt},
                        {"optimizer", PropertyKind::kString},
                        {"batch", PropertyKind::kInt}};
      } else {
        t.properties = {{"version", PropertyKind::kInt}};
      }
      ASSERT_OK_AND_ASSIGN(execution_types_[name], store_->PutType(t));
    }
  }

  Artifact NewArtifact(const std::string& type,
                       ArtifactState state = ArtifactState::kLive) {
    Artifact a;
    a.type_id = artifact_types_.at(type);
    a.uri = "/a/" + std::to_string(++counter_);
    a.state = state;
    return a;
  }
  int64_t Source(const std::string& type,
                 ArtifactState state = ArtifactState::kLive) {
    auto ids = store_->Put<Artifact>({NewArtifact(type, state)});
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? (*ids)[0] : 0;
  }
  Execution NewExecution(const std::string& type,
                         ExecutionState state = ExecutionState::kComplete) {
    Execution x;
    x.type_id = execution_types_.at(type);
    x.last_known_state = state;
    if (type != "Trainer") x.properties["version"] = 1;
    return x;
  }
  // Runs `x` on `inputs`, writing one new artifact `output`; returns the
  // execution id and sets `*output_id`.
  int64_t Run(const Execution& x, const std::vector<int64_t>& inputs,
              const Artifact& output, int64_t* output_id) {
    std::vector<ArtifactAndEvent> pairs;
    for (int64_t in : inputs) {
      pairs.push_back({std::nullopt, Ev(EventType::kInput, in)});
    }
    pairs.push_back({output, Ev(EventType::kOutput)});
    auto r = store_->PutExecution(x, pairs, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return 0;
    *output_id = r->artifact_ids.back();
    return r->execution_id;
  }

  void BuildPipeline() {
    raw_ = Source("Dataset");
    old_raw_ = Source("Dataset", ArtifactState::kDeleted);
    x1_ = Run(NewExecution("Ingest"), {raw_, old_raw_}, NewArtifact("Dataset"),
              &ds_);
    x2_ = Run(NewExecution("Analyze", ExecutionState::kFailed), {ds_},
              NewArtifact("Stats"), &stats_);
    Execution train = NewExecution("Trainer");
    train.properties = {{"steps", 100}, {"optimizer", "adam"}, {"batch", 32}};
    x3_ = Run(train, {ds_, stats_}, NewArtifact("Model"), &model_);
    x4_ = Run(NewExecution("Eval"), {model_, ds_},
              NewArtifact("Stats", ArtifactState::kPending), &metrics_);
    iso_in_ = Source("Dataset");
    x5_ = Run(NewExecution("Ingest"), {iso_in_}, NewArtifact("Dataset"),
              &iso_out_);
  }

  std::vector<AncestryEntry> Ancestry(const AncestryQuery& q) {
    auto got = GetAncestry(store_.get(), q);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.value_or(std::vector<AncestryEntry>{});
  }
  static AncestryQuery Up(NodeRef start) {
    AncestryQuery q;
    q.start = start;
    q.direction = Direction::kUpstream;
    return q;
  }
  static AncestryQuery Down(NodeRef start) {
    AncestryQuery q = Up(start);
    q.direction = Direction::kDownstream;
    return q;
  }
  bool Upstream(NodeRef from, NodeRef to) {
    auto got = IsUpstream(store_.get(), from, to);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.value_or(false);
  }

  // Checks that `path` is a chain of stored events from `from` to `to` in the
  // direction of data flow, `hops` events long.
  void ExpectChain(const ProvenancePath& path, NodeRef from, NodeRef to,
                   int hops) {
    ASSERT_EQ(path.nodes.size(), static_cast<size_t>(hops) + 1);
    ASSERT_EQ(path.events.size(), static_cast<size_t>(hops));
    EXPECT_EQ(path.nodes.front(), from);
    EXPECT_EQ(path.nodes.back(), to);
    for (int i = 0; i < hops; ++i) {
      const NodeRef& u = path.nodes[i];
      const NodeRef& v = path.nodes[i + 1];
      const Event& e = path.events[i];
      EXPECT_NE(u.kind, v.kind) << i;
      if (u.kind == NodeKind::kArtifact) {
        EXPECT_EQ(e.artifact_id, u.id) << i;
        EXPECT_EQ(e.execution_id, v.id) << i;
        EXPECT_TRUE(IsInputEvent(e.type)) << i;
      } else {
        EXPECT_EQ(e.execution_id, u.id) << i;
        EXPECT_EQ(e.artifact_id, v.id) << i;
        EXPECT_FALSE(IsInputEvent(e.type)) << i;
      }
      ASSERT_OK_AND_ASSIGN(std::vector<Event> stored,
                           store_->GetEventsByExecutionIds({e.execution_id}));
      EXPECT_NE(std::find(stored.begin(), stored.end(), e), stored.end())
          << "event " << i << " is not stored as returned";
    }
  }

  std::map<std::string, int64_t> artifact_types_, execution_types_;
  int counter_ = 0;
  int64_t raw_ = 0, old_raw_ = 0, ds_ = 0, stats_ = 0, model_ = 0, metrics_ = 0,
          iso_in_ = 0, iso_out_ = 0;
  int64_t x1_ = 0, x2_ = 0, x3_ = 0, x4_ = 0, x5_ = 0;
};

TEST_F(AncestryTest, UpstreamWithDistances) {
  BuildPipeline();
  EXPECT_THAT(
      Ancestry(Up(A(model_))),
      ElementsAre(At(X(x3_), 1), At(A(ds_), 2), At(A(stats_), 2), At(X(x1_), 3),
                  At(X(x2_), 3), At(A(raw_), 4), At(A(old_raw_), 4)));
  EXPECT_THAT(Ancestry(Up(X(x3_))),
              ElementsAre(At(A(ds_), 1), At(A(stats_), 1), At(X(x1_), 2),
                          At(X(x2_), 2), At(A(raw_), 3), At(A(old_raw_), 3)));
  EXPECT_THAT(Ancestry(Up(A(raw_))), IsEmpty());
  EXPECT_THAT(Ancestry(Up(A(iso_out_))),
              ElementsAre(At(X(x5_), 1), At(A(iso_in_), 2)));
}

TEST_F(AncestryTest, DownstreamWithDistances) {
  BuildPipeline();
  EXPECT_THAT(
      Ancestry(Down(A(ds_))),
      ElementsAre(At(X(x2_), 1), At(X(x3_), 1), At(X(x4_), 1), At(A(stats_), 2),
                  At(A(model_), 2), At(A(metrics_), 2)));
  EXPECT_THAT(Ancestry(Down(A(raw_))),
              ElementsAre(At(X(x1_), 1), At(A(ds_), 2), At(X(x2_), 3),
                          At(X(x3_), 3), At(X(x4_), 3), At(A(stats_), 4),
                          At(A(model_), 4), At(A(metrics_), 4)));
  EXPECT_THAT(Ancestry(Down(X(x2_))),
              ElementsAre(At(A(stats_), 1), At(X(x3_), 2), At(A(model_), 3),
                          At(X(x4_), 4), At(A(metrics_), 5)));
  EXPECT_THAT(Ancestry(Down(A(metrics_))), IsEmpty());
}

TEST_F(AncestryTest, NeighborsAreOneHopOfTheAncestry) {
  BuildPipeline();
  auto neighbors = [&](NodeRef n, Direction d) {
    auto r = GetNeighbors(store_.get(), n, d);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(std::vector<NodeRef>{});
  };
  // ds_ is produced by x1_ and read by x2_, x3_, x4_.
  EXPECT_THAT(neighbors(A(ds_), Direction::kUpstream), ElementsAre(X(x1_)));
  EXPECT_THAT(neighbors(A(ds_), Direction::kDownstream),
              ElementsAre(X(x2_), X(x3_), X(x4_)));
  EXPECT_THAT(neighbors(A(ds_), Direction::kBidirectional),
              ElementsAre(X(x1_), X(x2_), X(x3_), X(x4_)));
  EXPECT_THAT(neighbors(X(x3_), Direction::kUpstream),
              ElementsAre(A(ds_), A(stats_)));
  EXPECT_THAT(neighbors(X(x3_), Direction::kDownstream),
              ElementsAre(A(model_)));
  EXPECT_TRUE(neighbors(A(999999), Direction::kBidirectional).empty());
  EXPECT_CODE(
      GetNeighbors(store_.get(), {NodeKind::kContext, 1}, Direction::kUpstream),
      kInvalidArgument);
}

TEST_F(AncestryTest, MaxHops) {
  BuildPipeline();
  AncestryQuery q = Up(A(model_));
  q.max_hops = 2;
  EXPECT_THAT(Ancestry(q),
              ElementsAre(At(X(x3_), 1), At(A(ds_), 2), At(A(stats_), 2)));
  q.max_hops = 0;
  EXPECT_THAT(Ancestry(q), IsEmpty());
  q = Down(A(raw_));
  q.max_hops = 3;
  EXPECT_EQ(Ancestry(q).size(), 5u);
}

TEST_F(AncestryTest, TypeAndStateFilters) {
  BuildPipeline();
  AncestryQuery q = Up(A(model_));
  q.artifact_types = {"Dataset"};
  EXPECT_THAT(Ancestry(q),
              ElementsAre(At(X(x3_), 1), At(A(ds_), 2), At(X(x1_), 3),
                          At(X(x2_), 3), At(A(raw_), 4), At(A(old_raw_), 4)));
  q.artifacts_only = true;
  EXPECT_THAT(Ancestry(q),
              ElementsAre(At(A(ds_), 2), At(A(raw_), 4), At(A(old_raw_), 4)));
  q.artifact_states = {ArtifactState::kLive};
  EXPECT_THAT(Ancestry(q), ElementsAre(At(A(ds_), 2), At(A(raw_), 4)));
  q.artifact_types.clear();
  EXPECT_THAT(Ancestry(q),
              ElementsAre(At(A(ds_), 2), At(A(stats_), 2), At(A(raw_), 4)));

  // The walk passes through filtered-out nodes: raw is reached through ds.
  q = Up(A(metrics_));
  q.execution_types = {"Trainer"};
  q.artifact_types = {"Model", "Dataset"};
  EXPECT_THAT(Ancestry(q),
              ElementsAre(At(A(ds_), 2), At(A(model_), 2), At(X(x3_), 3),
                          At(A(raw_), 4), At(A(old_raw_), 4)));
  q = Down(A(raw_));
  q.execution_states = {ExecutionState::kComplete};
  q.artifact_states = {ArtifactState::kPending};
  EXPECT_THAT(Ancestry(q), ElementsAre(At(X(x1_), 1), At(X(x3_), 3),
                                       At(X(x4_), 3), At(A(metrics_), 4)));
  q = Down(A(raw_));
  q.execution_types = {"NoSuchType"};
  q.artifact_types = {"NoSuchType"};
  EXPECT_THAT(Ancestry(q), IsEmpty());
}

// -1 is no limit; other negative hops are a caller's mistake, not a
// synonym for it.
TEST_F(AncestryTest, HopsUnderMinusOneAreInvalid) {
  BuildPipeline();
  AncestryQuery q = Up(A(model_));
  q.max_hops = -1;
  EXPECT_OK(GetAncestry(store_.get(), q).status());
  q.max_hops = -2;
  EXPECT_CODE(GetAncestry(store_.get(), q), kInvalidArgument);
}

TEST_F(AncestryTest, BidirectionalIsInvalid) {
  BuildPipeline();
  AncestryQuery q = Up(A(model_));
  q.direction = Direction::kBidirectional;
  EXPECT_CODE(GetAncestry(store_.get(), q), kInvalidArgument);
  // A value that is no Direction is refused too, not taken as one.
  for (int d : {0, 4, 200}) {
    q.direction = static_cast<Direction>(d);
    EXPECT_CODE(GetAncestry(store_.get(), q), kInvalidArgument) << d;
    EXPECT_CODE(GetNeighbors(store_.get(), A(model_), q.direction),
                kInvalidArgument)
        << d;
  }
}

TEST_F(AncestryTest, IsUpstream) {
  BuildPipeline();
  EXPECT_TRUE(Upstream(A(raw_), A(model_)));
  EXPECT_TRUE(Upstream(A(old_raw_), A(metrics_)));
  EXPECT_TRUE(Upstream(A(raw_), X(x1_)));
  EXPECT_TRUE(Upstream(X(x1_), X(x3_)));
  EXPECT_TRUE(Upstream(X(x2_), A(metrics_)));
  EXPECT_TRUE(Upstream(A(ds_), X(x4_)));
  EXPECT_FALSE(Upstream(A(model_), A(raw_)));
  EXPECT_FALSE(Upstream(X(x3_), X(x1_)));
  EXPECT_FALSE(Upstream(A(metrics_), X(x1_)));
  EXPECT_FALSE(Upstream(A(stats_), A(stats_)));  // Not its own upstream.
  EXPECT_FALSE(Upstream(X(x3_), X(x3_)));
  EXPECT_FALSE(Upstream(A(raw_), A(iso_out_)));  // Unrelated.
  EXPECT_FALSE(Upstream(A(iso_in_), A(metrics_)));
  EXPECT_FALSE(Upstream(A(stats_), A(ds_)));  // Siblings' order.
  EXPECT_TRUE(Upstream(A(iso_in_), A(iso_out_)));
  // Agrees with GetAncestry for every pair.
  const std::vector<NodeRef> all = {
      A(raw_),     A(old_raw_), A(ds_),      A(stats_), A(model_),
      A(metrics_), A(iso_in_),  A(iso_out_), X(x1_),    X(x2_),
      X(x3_),      X(x4_),      X(x5_)};
  for (const NodeRef& to : all) {
    std::set<NodeRef> up;
    for (const AncestryEntry& e : Ancestry(Up(to))) up.insert(e.node);
    for (const NodeRef& from : all) {
      EXPECT_EQ(Upstream(from, to), up.count(from) > 0)
          << static_cast<int>(from.kind) << ":" << from.id << " -> "
          << static_cast<int>(to.kind) << ":" << to.id;
    }
  }
}

TEST_F(AncestryTest, ProvenancePathIsAShortestChain) {
  BuildPipeline();
  ASSERT_OK_AND_ASSIGN(ProvenancePath p,
                       GetProvenancePath(store_.get(), A(raw_), A(metrics_)));
  ExpectChain(p, A(raw_), A(metrics_), 4);
  EXPECT_THAT(p.nodes,
              ElementsAre(A(raw_), X(x1_), A(ds_), X(x4_), A(metrics_)));
  ASSERT_OK_AND_ASSIGN(p, GetProvenancePath(store_.get(), X(x2_), A(metrics_)));
  ExpectChain(p, X(x2_), A(metrics_), 5);
  ASSERT_OK_AND_ASSIGN(p, GetProvenancePath(store_.get(), A(ds_), X(x3_)));
  ExpectChain(p, A(ds_), X(x3_), 1);
  // Length equals the distance GetAncestry reports, for every reachable
  // pair.
  const std::vector<NodeRef> all = {A(raw_),   A(old_raw_), A(ds_), A(stats_),
                                    A(model_), A(metrics_), X(x1_), X(x2_),
                                    X(x3_),    X(x4_)};
  for (const NodeRef& from : all) {
    std::map<NodeRef, int> dist;
    for (const AncestryEntry& e : Ancestry(Down(from)))
      dist[e.node] = e.distance;
    for (const NodeRef& to : all) {
      if (from == to) continue;
      auto path = GetProvenancePath(store_.get(), from, to);
      if (dist.count(to) == 0) {
        EXPECT_CODE(path, kNotFound);
        continue;
      }
      ASSERT_TRUE(path.ok()) << path.status().ToString();
      ExpectChain(*path, from, to, dist[to]);
    }
  }
}

TEST_F(AncestryTest, ProvenancePathNotFound) {
  BuildPipeline();
  EXPECT_CODE(GetProvenancePath(store_.get(), A(metrics_), A(raw_)), kNotFound);
  EXPECT_CODE(GetProvenancePath(store_.get(), A(raw_), A(iso_out_)), kNotFound);
  EXPECT_CODE(GetProvenancePath(store_.get(), A(stats_), A(ds_)), kNotFound);
  EXPECT_CODE(GetProvenancePath(store_.get(), A(raw_), A(12345)), kNotFound);
  // The message tells an artifact from an execution of the same id.
  EXPECT_THAT(
      std::string(
          GetProvenancePath(store_.get(), X(x1_), A(12345)).status().message()),
      HasSubstr("from execution " + std::to_string(x1_) +
                " to artifact 12345"));
}

// Two models from one schema and two datasets, trained with different
// Trainer settings:
//   raw -> ingest_a -> ds_a;  raw -> ingest_b -> ds_b;  raw -> sg -> schema
//   {ds_a, schema} -> train_a -> model_a;  {ds_b, schema} -> train_b ->
//   model_b.
TEST_F(AncestryTest, ContextsAndIdsBelowOneAreInvalidArgument) {
  BuildPipeline();
  const NodeRef ok = A(ds_);
  for (NodeRef bad : {A(0), X(-1), NodeRef{NodeKind::kContext, 1},
                      NodeRef{static_cast<NodeKind>(0), ds_},
                      NodeRef{static_cast<NodeKind>(9), ds_}}) {
    EXPECT_CODE(IsUpstream(store_.get(), bad, ok), kInvalidArgument);
    EXPECT_CODE(IsUpstream(store_.get(), ok, bad), kInvalidArgument);
    EXPECT_CODE(GetProvenancePath(store_.get(), bad, ok), kInvalidArgument);
    AncestryQuery q;
    q.start = bad;
    EXPECT_CODE(GetAncestry(store_.get(), q), kInvalidArgument);
    EXPECT_CODE(GetNeighbors(store_.get(), bad, Direction::kUpstream),
                kInvalidArgument);
  }
  EXPECT_CODE(DiffLineage(store_.get(), 0, model_), kInvalidArgument);
}

// NaN is no change from NaN; 1 and 1.0 differ, and the change says so.
TEST_F(AncestryTest, DiffLineageComparesValuesNotTheirText) {
  const int64_t raw = Source("Dataset");
  int64_t model_a, model_b;
  Execution train = NewExecution("Trainer");
  train.custom_properties = {{"loss", std::nan("")}, {"x", int64_t{1}}};
  Run(train, {raw}, NewArtifact("Model"), &model_a);
  train.custom_properties["x"] = 1.0;
  Run(train, {raw}, NewArtifact("Model"), &model_b);
  ASSERT_OK_AND_ASSIGN(LineageDiff diff,
                       DiffLineage(store_.get(), model_a, model_b));
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0].property, "custom_properties.x");
  EXPECT_THAT(diff.changed[0].value_a, Optional(Value(int64_t{1})));
  EXPECT_THAT(diff.changed[0].value_b, Optional(Value(1.0)));
}

TEST_F(AncestryTest, DiffLineageOfTwoTrainings) {
  const int64_t raw = Source("Dataset");
  int64_t ds_a, ds_b, schema, model_a, model_b;
  const int64_t ingest_a =
      Run(NewExecution("Ingest"), {raw}, NewArtifact("Dataset"), &ds_a);
  const int64_t ingest_b =
      Run(NewExecution("Ingest"), {raw}, NewArtifact("Dataset"), &ds_b);
  const int64_t sg =
      Run(NewExecution("Analyze"), {raw}, NewArtifact("Stats"), &schema);
  Execution train = NewExecution("Trainer");
  train.properties = {{"steps", 100}, {"optimizer", "adam"}, {"batch", 32}};
  train.custom_properties = {{"seed", 7}};
  const int64_t train_a =
      Run(train, {ds_a, schema}, NewArtifact("Model"), &model_a);
  train.properties["steps"] = 200;
  train.custom_properties["seed"] = 8;
  const int64_t train_b =
      Run(train, {ds_b, schema}, NewArtifact("Model"), &model_b);

  ASSERT_OK_AND_ASSIGN(LineageDiff diff,
                       DiffLineage(store_.get(), model_a, model_b));
  auto without = [](std::vector<NodeRef> v, NodeRef n) {
    v.erase(std::remove(v.begin(), v.end(), n), v.end());
    return v;
  };
  EXPECT_THAT(without(diff.only_a, A(model_a)),
              UnorderedElementsAreArray({X(train_a), A(ds_a), X(ingest_a)}));
  EXPECT_THAT(without(diff.only_b, A(model_b)),
              UnorderedElementsAreArray({X(train_b), A(ds_b), X(ingest_b)}));
  for (const auto* side : {&diff.only_a, &diff.only_b}) {
    for (NodeRef shared : {A(raw), A(schema), X(sg)}) {
      EXPECT_EQ(std::count(side->begin(), side->end(), shared), 0) << shared.id;
    }
  }
  // Trainer differs in steps and in the custom seed; batch and optimizer
  // are equal; the two Ingest runs have equal properties.
  std::map<std::string, PropertyChange> by_property;
  for (const PropertyChange& c : diff.changed) {
    EXPECT_EQ(c.execution_type, "Trainer") << c.property;
    by_property[c.property] = c;
  }
  ASSERT_EQ(by_property.size(), 2u);
  ASSERT_EQ(by_property.count("properties.steps"), 1u);
  EXPECT_THAT(by_property["properties.steps"].value_a,
              Optional(Value(int64_t{100})));
  EXPECT_THAT(by_property["properties.steps"].value_b,
              Optional(Value(int64_t{200})));
  ASSERT_EQ(by_property.count("custom_properties.seed"), 1u);
  EXPECT_THAT(by_property["custom_properties.seed"].value_a,
              Optional(Value(int64_t{7})));
  EXPECT_THAT(by_property["custom_properties.seed"].value_b,
              Optional(Value(int64_t{8})));

  // Swapped sides swap the answer; one artifact against itself differs in
  // nothing.
  ASSERT_OK_AND_ASSIGN(LineageDiff swapped,
                       DiffLineage(store_.get(), model_b, model_a));
  EXPECT_THAT(swapped.only_a, UnorderedElementsAreArray(diff.only_b));
  EXPECT_THAT(swapped.only_b, UnorderedElementsAreArray(diff.only_a));
  ASSERT_EQ(swapped.changed.size(), 2u);
  for (const PropertyChange& c : swapped.changed) {
    EXPECT_EQ(c.value_a, by_property[c.property].value_b);
    EXPECT_EQ(c.value_b, by_property[c.property].value_a);
  }
  ASSERT_OK_AND_ASSIGN(LineageDiff same,
                       DiffLineage(store_.get(), model_a, model_a));
  EXPECT_THAT(same.only_a, IsEmpty());
  EXPECT_THAT(same.only_b, IsEmpty());
  EXPECT_THAT(same.changed, IsEmpty());
}

TEST_F(AncestryTest, DiffLineageReportsAnAbsentProperty) {
  const int64_t ds = Source("Dataset");
  int64_t model_a, model_b;
  Execution train = NewExecution("Trainer");
  train.properties = {{"steps", 100}, {"optimizer", "adam"}};
  Run(train, {ds}, NewArtifact("Model"), &model_a);
  train.properties.erase("optimizer");
  Run(train, {ds}, NewArtifact("Model"), &model_b);
  ASSERT_OK_AND_ASSIGN(LineageDiff diff,
                       DiffLineage(store_.get(), model_a, model_b));
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0].execution_type, "Trainer");
  EXPECT_EQ(diff.changed[0].property, "properties.optimizer");
  EXPECT_THAT(diff.changed[0].value_a, Optional(Value("adam")));
  EXPECT_EQ(diff.changed[0].value_b, std::nullopt);
  // An empty string is a value, apart from an absent property.
  train.properties["optimizer"] = "";
  int64_t model_c;
  Run(train, {ds}, NewArtifact("Model"), &model_c);
  ASSERT_OK_AND_ASSIGN(diff, DiffLineage(store_.get(), model_c, model_b));
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_THAT(diff.changed[0].value_a, Optional(Value("")));
  EXPECT_EQ(diff.changed[0].value_b, std::nullopt);
}

}  // namespace
}  // namespace lineagedb
