// The pipeline questions of lineage-bench (cache lookup, stale steps)
// answered by lineagedb and by the MLMD-style SQLite baseline on the same
// generated TFX history: every sampled fingerprint and every new span gets
// the same answer from both, also after outputs are marked DELETED.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "bench/baseline/mlmd_sqlite.h"
#include "bench/gen/sinks.h"
#include "bench/runner/queries.h"
#include "bench/runner/workload.h"
#include "lineagedb/caching.h"
#include "tests/test_util.h"

namespace lineagedb::bench {
namespace {

using ::lineagedb::baseline::MlmdSqlite;

class PipelineOracleTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK_AND_ASSIGN(Scenario scenario, ParseScenario("tfx-5k"));
    catalog_.fingerprint_sample = FingerprintSample(scenario.target_nodes);
    {
      ASSERT_OK_AND_ASSIGN(auto inner, NewScenarioGenerator(scenario, 7));
      NamingGenerator gen(std::move(inner), scenario.shape, &catalog_);
      ASSERT_OK(gen::PutTypes(gen.inner(), store_.get()));
      ASSERT_OK(gen::RunIntoBulkWriter(&gen, store_.get()).status());
    }
    ASSERT_OK_AND_ASSIGN(db_, MlmdSqlite::Open(":memory:"));
    ASSERT_OK_AND_ASSIGN(auto inner, NewScenarioGenerator(scenario, 7));
    NamingGenerator gen(std::move(inner), scenario.shape, nullptr);
    ASSERT_OK(gen::PutTypes(gen.inner(), db_.get()));
    ASSERT_OK(gen::RunIntoMlmdSqlite(&gen, db_.get()).status());
    ASSERT_OK(AddNewSpans(store_.get(), db_.get(), &catalog_, 8));
  }

  // Both systems' cached run of `fingerprint`: the same execution and the
  // same outputs, or NOT_FOUND from both.
  void ExpectSameCacheAnswer(const std::string& fingerprint) {
    SCOPED_TRACE(fingerprint);
    StatusOr<CachedExecution> ours =
        FindCachedExecution(store_.get(), fingerprint);
    StatusOr<MlmdSqlite::CachedRun> theirs =
        db_->FindCachedExecution(fingerprint);
    ASSERT_EQ(ours.status().code(), theirs.status().code());
    if (!ours.ok()) return;
    EXPECT_EQ(ours->execution.id, theirs->execution.id);
    EXPECT_EQ(ours->execution.last_known_state, ExecutionState::kComplete);
    std::vector<int64_t> outputs;
    for (const auto& [slot, artifacts] : ours->outputs) {
      for (const Artifact& a : artifacts) outputs.push_back(a.id);
    }
    std::sort(outputs.begin(), outputs.end());
    EXPECT_EQ(outputs, testing::IdsOf(theirs->outputs));
    EXPECT_FALSE(outputs.empty());
  }

  GraphCatalog catalog_;
  std::unique_ptr<MlmdSqlite> db_;
};

TEST_F(PipelineOracleTest, CacheLookupsAgree) {
  ASSERT_GT(catalog_.fingerprints.size(), 5u);
  for (const std::string& fp : catalog_.fingerprints) ExpectSameCacheAnswer(fp);
  ExpectSameCacheAnswer("00000000000000000000000000000000");
}

TEST_F(PipelineOracleTest, DeletedOutputsAreSkippedByBoth) {
  const std::string fp = catalog_.fingerprints.front();
  ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                       FindCachedExecution(store_.get(), fp));
  // Mark the newest hit's outputs DELETED in both stores; both then fall
  // back to an older run with the fingerprint, or to NOT_FOUND.
  for (auto& [slot, artifacts] : hit.outputs) {
    for (Artifact a : artifacts) {
      a.state = ArtifactState::kDeleted;
      ASSERT_OK(store_.get()->Put<Artifact>({a}).status());
      ASSERT_OK(db_->SetArtifactState(a.id, ArtifactState::kDeleted));
    }
  }
  StatusOr<CachedExecution> after = FindCachedExecution(store_.get(), fp);
  if (after.ok()) {
    EXPECT_NE(after->execution.id, hit.execution.id);
  }
  ExpectSameCacheAnswer(fp);
}

TEST_F(PipelineOracleTest, StaleStepsAgree) {
  ASSERT_EQ(catalog_.new_spans.size(), 8u);
  for (const auto& [pipeline, artifact] : catalog_.new_spans) {
    SCOPED_TRACE(::testing::Message() << "pipeline " << pipeline);
    ASSERT_OK_AND_ASSIGN(StaleSteps ours,
                         GetStaleSteps(store_.get(), pipeline, artifact));
    ASSERT_OK_AND_ASSIGN(std::vector<int64_t> theirs,
                         db_->StaleSteps(pipeline, artifact));
    std::vector<int64_t> stale;
    for (const PipelineStep& s : ours.stale) {
      stale.push_back(s.latest_execution_id);
    }
    std::sort(stale.begin(), stale.end());
    EXPECT_EQ(stale, theirs);
    // Everything downstream of ExampleGen, which itself just ran.
    EXPECT_EQ(ours.stale.size(), 7u);
    ASSERT_EQ(ours.valid.size(), 1u);
    EXPECT_EQ(ours.valid[0].execution_type, "ExampleGen");
  }
  // An artifact nobody produced, and unknown ids, fail alike.
  EXPECT_CODE(db_->StaleSteps(catalog_.new_spans[0].first, 1 << 30), kNotFound);
  EXPECT_CODE(db_->StaleSteps(1 << 30, catalog_.new_spans[0].second),
              kNotFound);
}

}  // namespace
}  // namespace lineagedb::bench
