// Lineage answers checked against other implementations: the in-memory
// adjacency index against RocksDB prefix scans (Options::use_graph_index) on
// generated and random graphs, before and after a reopen; and lineagedb
// against the MLMD-style SQLite baseline on a TFX-shaped graph.
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/baseline/mlmd_sqlite.h"
#include "bench/gen/generator.h"
#include "bench/gen/sinks.h"
#include "lineagedb/lineage.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::baseline::LineageDirection;
using ::lineagedb::baseline::MlmdSqlite;
using ::lineagedb::gen::Rng;
using ::lineagedb::testing::A;
using ::lineagedb::testing::IdsOfKind;
using ::lineagedb::testing::X;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

std::string Str(NodeRef n) {
  return absl::StrCat(n.kind == NodeKind::kArtifact ? "a" : "x", n.id);
}

// Events without their times, rendered and sorted.
std::vector<std::string> Keys(const std::vector<Event>& events,
                              bool paths = true) {
  std::vector<std::string> keys;
  for (const Event& e : events) {
    std::string k = absl::StrCat("a", e.artifact_id, "-x", e.execution_id, ":",
                                 static_cast<int>(e.type), "[");
    for (const PathStep& step : paths ? e.path : std::vector<PathStep>{}) {
      if (const auto* i = std::get_if<int64_t>(&step.step)) {
        k += std::to_string(*i) + ",";
      } else {
        k += std::get<std::string>(step.step) + ",";
      }
    }
    keys.push_back(k + "]");
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Records without their store-set times (the two stores were written at
// different times).
template <typename N>
std::vector<N> NoTimes(std::vector<N> nodes) {
  for (N& n : nodes) n.create_time_ms = n.last_update_time_ms = 0;
  return nodes;
}

std::string QueryString(const LineageQuery& q) {
  std::string s = "hops=" + std::to_string(q.max_hops) +
                  " dir=" + std::to_string(static_cast<int>(q.direction)) +
                  " max_nodes=" + std::to_string(q.max_nodes) + " starts=";
  for (int64_t id : q.artifact_ids) s += Str(A(id)) + ",";
  for (int64_t id : q.execution_ids) s += Str(X(id)) + ",";
  return s;
}

// Two stores with the same writes, one walking the index and one scanning.
class IndexOracleTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenBoth()); }
  void OpenBoth() {
    indexed_.reset();
    scanned_.reset();
    Options options;
    options.use_graph_index = true;
    ASSERT_OK_AND_ASSIGN(indexed_, Store::Open(options, Path("indexed")));
    options.use_graph_index = false;
    ASSERT_OK_AND_ASSIGN(scanned_, Store::Open(options, Path("scanned")));
  }
  void Reset() {
    indexed_.reset();
    scanned_.reset();
    std::filesystem::remove_all(Path("indexed"));
    std::filesystem::remove_all(Path("scanned"));
    ASSERT_NO_FATAL_FAILURE(OpenBoth());
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  void WriteDag(uint64_t seed, int64_t nodes) {
    gen::DagOptions options;
    options.seed = seed;
    options.target_nodes = nodes;
    options.executions_per_context = 100;
    for (Store* store : {indexed_.get(), scanned_.get()}) {
      ASSERT_OK_AND_ASSIGN(auto gen, gen::NewDagGenerator(options));
      ASSERT_OK_AND_ASSIGN(gen::SinkCounts counts,
                           gen::RunIntoStore(gen.get(), store));
      artifacts_ = counts.artifacts;
      executions_ = counts.executions;
    }
  }

  // A random graph with cycles: executions reading random older artifacts
  // and writing new ones, then events added later between old nodes, with
  // every event type.
  void WriteRandom(uint64_t seed) {
    for (Store* store : {indexed_.get(), scanned_.get()}) {
      ASSERT_NO_FATAL_FAILURE(WriteRandomInto(store, seed));
    }
  }
  void WriteRandomInto(Store* store, uint64_t seed) {
    Rng rng(seed);
    Type t;
    t.kind = NodeKind::kArtifact;
    t.name = "Data";
    ASSERT_OK_AND_ASSIGN(const int64_t data, store->PutType(t));
    t.kind = NodeKind::kExecution;
    t.name = "Task";
    ASSERT_OK_AND_ASSIGN(const int64_t task, store->PutType(t));
    constexpr EventType kIn[] = {EventType::kInput, EventType::kDeclaredInput,
                                 EventType::kInternalInput};
    constexpr EventType kOut[] = {
        EventType::kOutput, EventType::kDeclaredOutput,
        EventType::kInternalOutput, EventType::kPendingOutput};
    std::set<std::tuple<int64_t, int64_t, EventType>> seen;
    artifacts_ = executions_ = 0;
    Artifact art;
    art.type_id = data;
    ASSERT_OK(store->Put<Artifact>({art, art, art}).status());
    artifacts_ = 3;
    for (int i = 0; i < 500; ++i) {
      Execution x;
      x.type_id = task;
      std::vector<ArtifactAndEvent> pairs;
      std::set<int64_t> inputs;
      const int64_t k = rng.Between(0, 3);
      for (int64_t j = 0; j < k; ++j) {
        inputs.insert(rng.Between(1, artifacts_));
      }
      for (int64_t in : inputs) {
        Event e;
        e.artifact_id = in;
        e.type = kIn[rng.Below(3)];
        pairs.push_back({std::nullopt, e});
        seen.insert({in, executions_ + 1, e.type});
      }
      const int64_t outputs = rng.Between(0, 3);
      for (int64_t j = 0; j < outputs; ++j) {
        Event e;
        e.type = kOut[rng.Below(4)];
        pairs.push_back({art, e});
      }
      ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                           store->PutExecution(x, pairs, {}));
      ASSERT_EQ(r.execution_id, executions_ + 1);
      executions_ = r.execution_id;
      for (size_t j = inputs.size(); j < pairs.size(); ++j) {
        seen.insert({r.artifact_ids[j], executions_, pairs[j].event->type});
        artifacts_ = std::max(artifacts_, r.artifact_ids[j]);
      }
    }
    for (int batch = 0; batch < 40; ++batch) {
      std::vector<Event> events;
      for (int j = 0; j < 10; ++j) {
        Event e;
        e.artifact_id = rng.Between(1, artifacts_);
        e.execution_id = rng.Between(1, executions_);
        e.type = static_cast<EventType>(rng.Between(1, 7));
        if (seen.insert({e.artifact_id, e.execution_id, e.type}).second) {
          events.push_back(e);
        }
      }
      ASSERT_OK(store->PutEvents(events));
    }
  }

  NodeRef RandomNode(Rng& rng) {
    if (rng.Chance(0.02)) return A(artifacts_ + 7);  // Unknown.
    return rng.Chance(0.5) ? A(rng.Between(1, artifacts_))
                           : X(rng.Between(1, executions_));
  }

  LineageQuery RandomSubgraphQuery(Rng& rng) {
    LineageQuery q;
    const int64_t starts = rng.Between(1, 3);
    for (int64_t i = 0; i < starts; ++i) {
      const NodeRef n = RandomNode(rng);
      (n.kind == NodeKind::kArtifact ? q.artifact_ids : q.execution_ids)
          .push_back(n.id);
    }
    q.direction = static_cast<Direction>(rng.Between(1, 3));
    // Long walks only along one direction: both ways they cover the graph.
    q.max_hops = rng.Chance(0.05) && q.direction != Direction::kBidirectional
                     ? 20
                     : static_cast<int>(rng.Between(0, 5));
    if (rng.Chance(0.2)) {
      for (int i = 0; i < 3; ++i) {
        const NodeRef n = RandomNode(rng);
        (n.kind == NodeKind::kArtifact ? q.ending_artifact_ids
                                       : q.ending_execution_ids)
            .push_back(n.id);
      }
      q.include_ending_nodes = rng.Chance(0.5);
    }
    q.fetch_nodes = rng.Chance(0.1);
    if (q.max_hops <= 3 && rng.Chance(0.05)) {
      q.max_nodes = rng.Between(1, 60);
    }
    return q;
  }

  // Runs `q` (all its pages) on both stores and compares every page.
  AssertionResult SameSubgraph(LineageQuery q) {
    LineageQuery p = q;
    for (int page = 0; page < 10000; ++page) {
      auto r1 = GetLineageSubgraph(indexed_.get(), q);
      auto r2 = GetLineageSubgraph(scanned_.get(), p);
      if (!r1.ok() || !r2.ok()) {
        return AssertionFailure() << QueryString(q) << ": " << r1.status()
                                  << " vs " << r2.status();
      }
      if (r1->nodes != r2->nodes) {
        return AssertionFailure()
               << QueryString(q) << " page " << page << ": nodes differ ("
               << r1->nodes.size() << " vs " << r2->nodes.size() << ")";
      }
      if (Keys(r1->events) != Keys(r2->events)) {
        return AssertionFailure()
               << QueryString(q) << ": events differ (" << r1->events.size()
               << " vs " << r2->events.size() << ")";
      }
      if (NoTimes(r1->artifacts) != NoTimes(r2->artifacts) ||
          NoTimes(r1->executions) != NoTimes(r2->executions)) {
        return AssertionFailure()
               << QueryString(q) << ": records differ (" << r1->artifacts.size()
               << "/" << r1->executions.size() << " vs " << r2->artifacts.size()
               << "/" << r2->executions.size() << ")";
      }
      if (r1->partial != r2->partial) {
        return AssertionFailure() << QueryString(q) << ": partial differs";
      }
      if (!r1->partial) return AssertionSuccess();
      q.cursor = r1->cursor;
      p.cursor = r2->cursor;
    }
    return AssertionFailure() << QueryString(q) << ": paging does not end";
  }

  AncestryQuery RandomAncestryQuery(Rng& rng, const std::string& artifact_type,
                                    const std::string& execution_type) {
    AncestryQuery q;
    q.start = RandomNode(rng);
    q.direction =
        rng.Chance(0.5) ? Direction::kUpstream : Direction::kDownstream;
    q.max_hops = rng.Chance(0.3) ? -1 : static_cast<int>(rng.Between(0, 8));
    q.artifacts_only = rng.Chance(0.2);
    if (rng.Chance(0.1)) q.artifact_types = {artifact_type};
    if (rng.Chance(0.1)) q.execution_types = {execution_type};
    if (rng.Chance(0.1)) q.artifact_states = {ArtifactState::kLive};
    if (rng.Chance(0.1)) q.execution_states = {ExecutionState::kComplete};
    return q;
  }

  AssertionResult SameAncestry(const AncestryQuery& q) {
    auto r1 = GetAncestry(indexed_.get(), q);
    auto r2 = GetAncestry(scanned_.get(), q);
    const std::string what = "ancestry of " + Str(q.start) + " dir " +
                             std::to_string(static_cast<int>(q.direction)) +
                             " hops " + std::to_string(q.max_hops);
    if (r1.ok() != r2.ok() || r1.status().code() != r2.status().code()) {
      return AssertionFailure()
             << what << ": " << r1.status() << " vs " << r2.status();
    }
    if (r1.ok() && *r1 != *r2) {
      return AssertionFailure() << what << ": " << r1->size() << " vs "
                                << r2->size() << " entries";
    }
    return AssertionSuccess();
  }

  // IsUpstream and GetProvenancePath for (from, to), with `to` often
  // downstream of `from`.
  AssertionResult SamePaths(Rng& rng) {
    const NodeRef from = RandomNode(rng);
    NodeRef to = RandomNode(rng);
    AncestryQuery down;
    down.start = from;
    down.direction = Direction::kDownstream;
    auto reach = GetAncestry(indexed_.get(), down);
    if (!reach.ok()) return AssertionFailure() << reach.status();
    int distance = -1;
    if (!reach->empty() && rng.Chance(0.6)) {
      const AncestryEntry& e = (*reach)[rng.Below(reach->size())];
      to = e.node;
    }
    for (const AncestryEntry& e : *reach) {
      if (e.node == to) distance = e.distance;
    }
    const std::string what = Str(from) + " -> " + Str(to);
    auto u1 = IsUpstream(indexed_.get(), from, to);
    auto u2 = IsUpstream(scanned_.get(), from, to);
    if (!u1.ok() || !u2.ok() || *u1 != *u2 || *u1 != (distance > 0)) {
      return AssertionFailure()
             << "IsUpstream " << what << ": " << u1.status() << " "
             << u1.value_or(false) << " vs " << u2.value_or(false)
             << ", distance " << distance;
    }
    auto p1 = GetProvenancePath(indexed_.get(), from, to);
    auto p2 = GetProvenancePath(scanned_.get(), from, to);
    if (distance <= 0) {
      if (p1.status().code() != absl::StatusCode::kNotFound ||
          p2.status().code() != absl::StatusCode::kNotFound) {
        return AssertionFailure() << "path " << what << ": " << p1.status()
                                  << " vs " << p2.status();
      }
      return AssertionSuccess();
    }
    if (!p1.ok() || !p2.ok()) {
      return AssertionFailure()
             << "path " << what << ": " << p1.status() << " vs " << p2.status();
    }
    for (const ProvenancePath* p : {&*p1, &*p2}) {
      if (p->nodes.size() != static_cast<size_t>(distance) + 1 ||
          p->events.size() != static_cast<size_t>(distance) ||
          p->nodes.front() != from || p->nodes.back() != to) {
        return AssertionFailure() << "path " << what << ": " << p->nodes.size()
                                  << " nodes, distance " << distance;
      }
    }
    return AssertionSuccess();
  }

  // `n` rounds of each kind of query.
  void CompareRandomQueries(uint64_t seed, int n,
                            const std::string& artifact_type,
                            const std::string& execution_type) {
    Rng rng(seed);
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(SameSubgraph(RandomSubgraphQuery(rng))) << "round " << i;
      ASSERT_TRUE(
          SameAncestry(RandomAncestryQuery(rng, artifact_type, execution_type)))
          << "round " << i;
      ASSERT_TRUE(SamePaths(rng)) << "round " << i;
    }
  }

  void ReopenIndexed() {
    indexed_.reset();
    Options options;
    options.use_graph_index = true;
    ASSERT_OK_AND_ASSIGN(indexed_, Store::Open(options, Path("indexed")));
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> indexed_, scanned_;
  int64_t artifacts_ = 0, executions_ = 0;
};

TEST_F(IndexOracleTest, DagGraphsAgree) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    ASSERT_NO_FATAL_FAILURE(Reset());
    ASSERT_NO_FATAL_FAILURE(WriteDag(seed, 1500 + 500 * seed));
    ASSERT_NO_FATAL_FAILURE(CompareRandomQueries(seed, 60, "Data", "Task"));
  }
  ASSERT_NO_FATAL_FAILURE(ReopenIndexed());
  ASSERT_NO_FATAL_FAILURE(CompareRandomQueries(99, 40, "Data", "Task"));
}

TEST_F(IndexOracleTest, RandomGraphsWithLateEventsAgree) {
  for (uint64_t seed : {11, 12}) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    ASSERT_NO_FATAL_FAILURE(Reset());
    ASSERT_NO_FATAL_FAILURE(WriteRandom(seed));
    ASSERT_NO_FATAL_FAILURE(CompareRandomQueries(seed, 80, "Data", "Task"));
    ASSERT_NO_FATAL_FAILURE(ReopenIndexed());
    ASSERT_NO_FATAL_FAILURE(
        CompareRandomQueries(seed + 50, 40, "Data", "Task"));
  }
}

TEST_F(IndexOracleTest, IndexFollowsWritesAfterReopen) {
  ASSERT_NO_FATAL_FAILURE(WriteRandom(21));
  ASSERT_NO_FATAL_FAILURE(ReopenIndexed());
  // More writes to the reopened store, and the same to the other: an
  // execution reading old artifacts, and a new artifact read by an old
  // execution.
  const int64_t old_artifacts = artifacts_;
  for (Store* store : {indexed_.get(), scanned_.get()}) {
    ASSERT_OK_AND_ASSIGN(Type data,
                         store->GetType(NodeKind::kArtifact, "Data"));
    ASSERT_OK_AND_ASSIGN(Type task,
                         store->GetType(NodeKind::kExecution, "Task"));
    Execution x;
    x.type_id = task.id;
    Artifact out;
    out.type_id = data.id;
    std::vector<ArtifactAndEvent> pairs;
    for (int64_t id : {int64_t{1}, old_artifacts / 2, old_artifacts}) {
      Event e;
      e.artifact_id = id;
      e.type = EventType::kInput;
      pairs.push_back({std::nullopt, e});
    }
    Event e;
    e.type = EventType::kOutput;
    pairs.push_back({out, e});
    ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                         store->PutExecution(x, pairs, {}));
    executions_ = r.execution_id;
    ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store->Put<Artifact>({out}));
    artifacts_ = ids[0];
    e.artifact_id = ids[0];
    e.execution_id = 5;
    e.type = EventType::kInput;
    ASSERT_OK(store->PutEvents({e}));
  }
  ASSERT_NO_FATAL_FAILURE(CompareRandomQueries(22, 60, "Data", "Task"));
}

// lineagedb against MLMD's breadth-first walk and the recursive CTE on one
// TFX-shaped graph written to both with the same ids.
TEST(SqliteOracleTest, TfxGraphMatchesMlmd) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store,
                       Store::Open(Options{}, dir.path() + "/store"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<MlmdSqlite> db,
                       MlmdSqlite::Open(":memory:"));
  gen::TfxOptions options;
  options.pipelines = 10;
  options.seed = 5;
  options.runs_per_pipeline = gen::TfxRunsForTargetNodes(options, 10000);
  ASSERT_OK_AND_ASSIGN(auto gen1, gen::NewTfxGenerator(options));
  ASSERT_OK_AND_ASSIGN(gen::SinkCounts counts,
                       gen::RunIntoStore(gen1.get(), store.get()));
  ASSERT_OK_AND_ASSIGN(auto gen2, gen::NewTfxGenerator(options));
  ASSERT_OK_AND_ASSIGN(gen::SinkCounts counts2,
                       gen::RunIntoMlmdSqlite(gen2.get(), db.get()));
  ASSERT_EQ(counts.events, counts2.events);
  ASSERT_GE(counts.nodes(), 9000);

  Rng rng(17);
  constexpr int kSamples = 120;
  for (int s = 0; s < kSamples; ++s) {
    const NodeRef start = s % 2 == 0 ? A(rng.Between(1, counts.artifacts))
                                     : X(rng.Between(1, counts.executions));
    SCOPED_TRACE(Str(start));
    for (int d = 1; d <= 3; ++d) {
      const auto dir = static_cast<Direction>(d);
      const auto mlmd_dir = static_cast<LineageDirection>(d);
      std::vector<NodeRef> ancestry;
      if (dir != Direction::kBidirectional) {
        AncestryQuery aq;
        aq.start = start;
        aq.direction = dir;
        ASSERT_OK_AND_ASSIGN(std::vector<AncestryEntry> entries,
                             GetAncestry(store.get(), aq));
        ASSERT_OK_AND_ASSIGN(
            baseline::LineageGraph all,
            db->Lineage(start.kind, {start.id}, MlmdSqlite::kUnbounded,
                        mlmd_dir, /*fetch_nodes=*/false));
        for (const AncestryEntry& e : entries) ancestry.push_back(e.node);
        ancestry.push_back(start);
        EXPECT_EQ(IdsOfKind(ancestry, NodeKind::kArtifact), all.artifact_ids);
        EXPECT_EQ(IdsOfKind(ancestry, NodeKind::kExecution), all.execution_ids);
        if (start.kind == NodeKind::kArtifact) {
          ASSERT_OK_AND_ASSIGN(baseline::LineageGraph up,
                               dir == Direction::kUpstream
                                   ? db->Upstream(start.id)
                                   : db->Downstream(start.id));
          EXPECT_EQ(up.artifact_ids, all.artifact_ids);
        }
        // Entries within h hops are the h-hop subgraph: checks distances.
        for (int hops = 1; hops <= 6; ++hops) {
          std::vector<NodeRef> within = {start};
          for (const AncestryEntry& e : entries) {
            if (e.distance <= hops) within.push_back(e.node);
          }
          LineageQuery q;
          (start.kind == NodeKind::kArtifact ? q.artifact_ids : q.execution_ids)
              .push_back(start.id);
          q.max_hops = hops;
          q.direction = dir;
          q.fetch_nodes = false;
          ASSERT_OK_AND_ASSIGN(LineageGraph g,
                               GetLineageSubgraph(store.get(), q));
          EXPECT_EQ(IdsOfKind(g.nodes, NodeKind::kArtifact),
                    IdsOfKind(within, NodeKind::kArtifact))
              << "hops " << hops;
          EXPECT_EQ(IdsOfKind(g.nodes, NodeKind::kExecution),
                    IdsOfKind(within, NodeKind::kExecution))
              << "hops " << hops;
        }
      }
      for (int hops = 1; hops <= 6; ++hops) {
        LineageQuery q;
        (start.kind == NodeKind::kArtifact ? q.artifact_ids : q.execution_ids)
            .push_back(start.id);
        q.max_hops = hops;
        q.direction = dir;
        q.fetch_nodes = false;
        ASSERT_OK_AND_ASSIGN(LineageGraph g,
                             GetLineageSubgraph(store.get(), q));
        ASSERT_OK_AND_ASSIGN(
            baseline::LineageGraph bfs,
            db->Lineage(start.kind, {start.id}, hops, mlmd_dir, false));
        EXPECT_EQ(IdsOfKind(g.nodes, NodeKind::kArtifact), bfs.artifact_ids)
            << "hops " << hops << " dir " << d;
        EXPECT_EQ(IdsOfKind(g.nodes, NodeKind::kExecution), bfs.execution_ids)
            << "hops " << hops << " dir " << d;
        EXPECT_EQ(Keys(g.events, false), Keys(bfs.events, false))
            << "hops " << hops << " dir " << d;
        if (s % 4 < 2) {
          ASSERT_OK_AND_ASSIGN(
              baseline::LineageGraph cte,
              db->LineageCte(start.kind, {start.id}, hops, mlmd_dir));
          EXPECT_EQ(IdsOfKind(g.nodes, NodeKind::kArtifact), cte.artifact_ids)
              << "cte hops " << hops << " dir " << d;
          EXPECT_EQ(IdsOfKind(g.nodes, NodeKind::kExecution), cte.execution_ids)
              << "cte hops " << hops << " dir " << d;
          EXPECT_EQ(Keys(g.events, false), Keys(cte.events, false))
              << "cte hops " << hops << " dir " << d;
        }
      }
      if (HasFailure()) return;
    }
  }
  // The events are MLMD's; with fetched nodes, paths included (lineage.h).
  for (bool fetch : {false, true}) {
    LineageQuery q;
    q.artifact_ids = {counts.artifacts / 2};
    q.max_hops = 4;
    q.fetch_nodes = fetch;
    ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store.get(), q));
    ASSERT_OK_AND_ASSIGN(baseline::LineageGraph bfs,
                         db->Lineage(NodeKind::kArtifact, q.artifact_ids, 4,
                                     LineageDirection::kBidirectional, false));
    EXPECT_EQ(Keys(g.events, fetch), Keys(bfs.events, fetch))
        << "fetch_nodes " << fetch;
  }
}

}  // namespace
}  // namespace lineagedb
