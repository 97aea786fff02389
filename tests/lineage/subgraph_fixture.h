// The fixture of the GetLineageSubgraph tests: MLMD's lineage fixture, a
// reference walk written here, and helpers to compare results.
#ifndef LINEAGEDB_TESTS_LINEAGE_SUBGRAPH_FIXTURE_H_
#define LINEAGEDB_TESTS_LINEAGE_SUBGRAPH_FIXTURE_H_

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lineagedb/lineage.h"
#include "tests/test_util.h"

namespace lineagedb::subgraph_testing {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAreArray;

using ::lineagedb::testing::A;
using ::lineagedb::testing::IdsOfKind;
using ::lineagedb::testing::X;

inline constexpr Direction kDirections[] = {
    Direction::kUpstream, Direction::kDownstream, Direction::kBidirectional};

inline Event Ev(EventType type, int64_t artifact_id = 0) {
  Event e = testing::Ev(type, artifact_id);
  e.path = {{IsInputEvent(type) ? "in" : "out"}, {int64_t{0}}};
  return e;
}

inline std::string Str(NodeRef n) {
  return absl::StrCat(n.kind == NodeKind::kArtifact ? "a" : "x", n.id);
}
// Nodes rendered, in the given order / sorted.
inline std::vector<std::string> Strs(const std::vector<NodeRef>& nodes) {
  std::vector<std::string> out;
  for (const NodeRef& n : nodes) out.push_back(Str(n));
  return out;
}
inline std::vector<std::string> Set(const std::vector<NodeRef>& nodes) {
  std::vector<std::string> out = Strs(nodes);
  std::sort(out.begin(), out.end());
  return out;
}
// Events rendered as their identity (ends and type), or with path and
// time too; sorted.
inline std::vector<std::string> Strs(const std::vector<Event>& events,
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

template <typename N>
inline std::vector<int64_t> SortedIds(const std::vector<N>& nodes) {
  std::vector<int64_t> ids;
  for (const N& n : nodes) ids.push_back(n.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The reference walk: a breadth-first search over `events` written out in
// the test. Returns each reached node with its hop count; ending nodes are
// not expanded and are dropped unless include_ending.
inline std::map<NodeRef, int> ReferenceWalk(const std::vector<Event>& events,
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
inline std::vector<NodeRef> InWalkOrder(const std::map<NodeRef, int>& dist) {
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
    ASSERT_OK_AND_ASSIGN(
        const testing::NodeTypes types,
        testing::PutNodeTypes(
            store_.get(),
            {.artifact = "Data", .execution = "Step", .context = "Run"}));
    artifact_type_ = types.artifact;
    execution_type_ = types.execution;
    context_type_ = types.context;
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

}  // namespace lineagedb::subgraph_testing

#endif  // LINEAGEDB_TESTS_LINEAGE_SUBGRAPH_FIXTURE_H_
