// Concurrency tests (lineagedb.h: write calls are atomic and serialized,
// each read sees one consistent snapshot): readers racing a writer never see
// an execution without all of its events and contexts. Kept small so that CI
// can run them under ThreadSanitizer (--gtest_filter=ConcurrencyTest.*).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lineagedb/bulk_writer.h"
#include "lineagedb/lineage.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::Dump;
using ::lineagedb::testing::Ev;
using ::lineagedb::testing::IdsOf;
using ::lineagedb::testing::OfContext;
using ::lineagedb::testing::Pair;

constexpr int kExecutions = 300;
constexpr int kReaders = 4;

class ConcurrencyTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(const testing::NodeTypes types,
                         testing::PutNodeTypes(store_.get()));
    artifact_type_ = types.artifact;
    execution_type_ = types.execution;
    context_type_ = types.context;
    std::vector<Artifact> seeds(2);
    for (Artifact& a : seeds) a.type_id = artifact_type_;
    ASSERT_OK_AND_ASSIGN(seeds_, store_->Put(seeds));
    Context pipeline;
    pipeline.type_id = context_type_;
    pipeline.name = "pipeline";
    ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                         store_->Put(std::vector<Context>{pipeline}));
    pipeline_ = ids[0];
  }

  // Step i: reads the two outputs of step i-1 (the seeds for step 0), writes
  // two new artifacts; in the shared context and a new context "run-i".
  struct Step {
    Execution execution;
    std::vector<ArtifactAndEvent> pairs;
    std::vector<Context> contexts;
  };
  Step MakeStep(int i, const std::vector<int64_t>& inputs) const {
    Step s;
    s.execution.type_id = execution_type_;
    s.execution.name = "e" + std::to_string(i);
    for (int64_t in : inputs) {
      s.pairs.push_back(Pair(std::nullopt, Ev(EventType::kInput, in)));
    }
    for (int j = 0; j < 2; ++j) {
      Artifact out;
      out.type_id = artifact_type_;
      out.uri = "out-" + std::to_string(i) + "-" + std::to_string(j);
      s.pairs.push_back(Pair(out, Ev(EventType::kOutput)));
    }
    Context shared;
    shared.id = pipeline_;
    shared.type_id = context_type_;
    shared.name = "pipeline";
    Context run;
    run.type_id = context_type_;
    run.name = "run-" + std::to_string(i);
    s.contexts = {shared, run};
    return s;
  }

  // Reads until `done`, then once more; every execution seen must have its
  // 4 events, its 2 output artifacts and its 2 contexts. Returns the number
  // of passes.
  int ReadUntil(const std::atomic<bool>& done) {
    std::set<int64_t> checked;  // Executions whose contexts were checked.
    int passes = 0;
    bool last = false;
    while (!last) {
      last = done.load();
      ++passes;
      ListOptions options;
      options.max_result_size = 10000;
      auto page = store_->List<Execution>({}, options);
      if (!page.ok()) {
        ADD_FAILURE() << page.status().ToString();
        return passes;
      }
      std::vector<int64_t> ids;
      for (const Execution& e : page->items) ids.push_back(e.id);
      auto events = store_->GetEventsByExecutionIds(ids);
      if (!events.ok()) {
        ADD_FAILURE() << events.status().ToString();
        return passes;
      }
      std::map<int64_t, int> inputs, outputs;
      std::vector<int64_t> output_artifacts;
      for (const Event& ev : *events) {
        if (IsInputEvent(ev.type)) {
          ++inputs[ev.execution_id];
        } else {
          ++outputs[ev.execution_id];
          output_artifacts.push_back(ev.artifact_id);
        }
      }
      for (int64_t id : ids) {
        EXPECT_EQ(inputs[id], 2) << "execution " << id;
        EXPECT_EQ(outputs[id], 2) << "execution " << id;
      }
      auto artifacts = store_->GetByIds<Artifact>(output_artifacts);
      EXPECT_TRUE(artifacts.ok() &&
                  artifacts->size() == output_artifacts.size());
      for (int64_t id : ids) {
        if (!checked.insert(id).second) continue;
        auto contexts = store_->GetContextsOf<Execution>(id);
        EXPECT_TRUE(contexts.ok() && contexts->size() == 2u)
            << "execution " << id;
      }
      if (HasFailure()) return passes;
    }
    EXPECT_EQ(checked.size(), static_cast<size_t>(kExecutions));
    return passes;
  }

  // The same through GetLineageSubgraph, which walks the topology and then
  // reads the records: both must come from one state of the store. The
  // steps are a chain, so the seeds' downstream is every step written.
  int ReadLineageUntil(const std::atomic<bool>& done) {
    int passes = 0;
    bool last = false;
    while (!last) {
      last = done.load();
      ++passes;
      LineageQuery q;
      q.artifact_ids = seeds_;
      q.direction = Direction::kDownstream;
      q.max_hops = 2 * kExecutions;
      auto graph = GetLineageSubgraph(store_.get(), q);
      if (!graph.ok()) {
        ADD_FAILURE() << graph.status().ToString();
        return passes;
      }
      // A step's execution, outputs, events and context "run-i" are one
      // write, and so is the attribution of its inputs to "run-i".
      const size_t steps = graph->executions.size();
      EXPECT_EQ(graph->artifacts.size(), 2 + 2 * steps);
      EXPECT_EQ(graph->events.size(), 4 * steps);
      EXPECT_EQ(graph->associations.size(), 2 * steps);
      EXPECT_EQ(graph->contexts.size(), steps == 0 ? 0 : 1 + steps)
          << "executions " << steps;
      if (HasFailure()) return passes;
    }
    return passes;
  }

  // Runs `write` on one thread and kReaders readers until it returns.
  // Readers of lineage queries if `lineage`.
  void RaceReaders(const std::function<void()>& write, bool lineage = false) {
    std::atomic<bool> done{false};
    std::vector<int> passes(kReaders, 0);
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&, r] {
        passes[r] = lineage ? ReadLineageUntil(done) : ReadUntil(done);
      });
    }
    std::thread writer([&] {
      write();
      done = true;
    });
    writer.join();
    for (std::thread& t : readers) t.join();
    for (int p : passes) EXPECT_GE(p, 1);
  }

  // Writes the chain of kExecutions steps by PutExecution.
  void WriteSteps() {
    std::vector<int64_t> inputs = seeds_;
    for (int i = 0; i < kExecutions; ++i) {
      Step s = MakeStep(i, inputs);
      auto r = store_->PutExecution(s.execution, s.pairs, s.contexts);
      if (!r.ok()) {
        ADD_FAILURE() << r.status().ToString();
        return;
      }
      inputs = {r->artifact_ids[2], r->artifact_ids[3]};
    }
  }

  int64_t artifact_type_ = 0;
  int64_t execution_type_ = 0;
  int64_t context_type_ = 0;
  std::vector<int64_t> seeds_;
  int64_t pipeline_ = 0;
};

TEST_F(ConcurrencyTest, ReadersSeeWholePutExecutions) {
  RaceReaders([this] { WriteSteps(); });
  ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                       store_->GetEventsByArtifactIds(seeds_));
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(ConcurrencyTest, LineageQueriesSeeWholePutExecutions) {
  RaceReaders([this] { WriteSteps(); }, /*lineage=*/true);
}

TEST_F(ConcurrencyTest, LineageQueriesWithoutTheIndexSeeWholePutExecutions) {
  options_.use_graph_index = false;
  Reopen();
  RaceReaders([this] { WriteSteps(); }, /*lineage=*/true);
}

TEST_F(ConcurrencyTest, ReadersSeeWholeBulkWriterBatches) {
  RaceReaders([this] {
    BulkWriterOptions options;
    options.batch_bytes = 8192;
    auto writer = NewBulkWriter(store_.get(), options);
    if (!writer.ok()) {
      ADD_FAILURE() << writer.status().ToString();
      return;
    }
    std::vector<int64_t> inputs = seeds_;
    for (int i = 0; i < kExecutions; ++i) {
      Step s = MakeStep(i, inputs);
      auto r = (*writer)->Add(s.execution, s.pairs, s.contexts);
      if (!r.ok()) {
        ADD_FAILURE() << r.status().ToString();
        return;
      }
      inputs = {r->artifact_ids[2], r->artifact_ids[3]};
    }
    EXPECT_OK((*writer)->Close());
    EXPECT_GT((*writer)->stats().commits, 2u);
  });
}

TEST_F(ConcurrencyTest, ConcurrentWritersAreSerialized) {
  constexpr int kWriters = 4;
  constexpr int kEach = 50;
  std::vector<std::vector<int64_t>> ids(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        Step s = MakeStep(w * 1000 + i, seeds_);
        s.contexts.erase(s.contexts.begin());  // No shared context.
        auto r = store_->PutExecution(s.execution, s.pairs, s.contexts);
        if (!r.ok()) {
          ADD_FAILURE() << r.status().ToString();
          return;
        }
        ids[w].push_back(r->execution_id);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  std::set<int64_t> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kWriters * kEach));
  // Dense: no id lost or shared.
  EXPECT_EQ(*all.rbegin() - *all.begin() + 1, kWriters * kEach);
  ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                       store_->GetEventsByArtifactIds(seeds_));
  EXPECT_EQ(events.size(), static_cast<size_t>(2 * kWriters * kEach));
}

}  // namespace
}  // namespace lineagedb
