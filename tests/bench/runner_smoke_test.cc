// A tiny end-to-end run of lineage-bench (2K-node graphs, every system):
// the report has every query kind, sane latencies, no answer-size
// mismatches, and the result files are written.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "bench/runner/queries.h"
#include "bench/runner/report.h"
#include "bench/runner/scenario.h"
#include "bench/runner/workload.h"
#include "tests/test_util.h"

namespace lineagedb::bench {
namespace {

using ::lineagedb::testing::TempDir;

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

RunConfig SmallRun(const std::string& scenario, const std::string& out) {
  RunConfig config;
  config.scenario = ParseScenario(scenario).value();
  config.out_dir = out;
  config.queries = 20;
  config.warmup = 2;
  config.progress = false;
  return config;
}

void CheckReport(const BenchReport& report) {
  EXPECT_GT(report.nodes, 1000);
  EXPECT_GT(report.events, report.executions);
  ASSERT_EQ(report.ingest.size(), 2u);
  for (const IngestResult& r : report.ingest) {
    EXPECT_GT(r.events_per_s, 0) << r.system;
    EXPECT_GT(r.executions_per_s, 0) << r.system;
    EXPECT_GT(r.disk_bytes, 0) << r.system;
  }
  EXPECT_GT(report.index_bytes, 0);
  EXPECT_EQ(report.index_edges, report.events);
  EXPECT_GT(report.index_build_s, 0);
  EXPECT_GT(report.peak_rss_bytes, 0);
  EXPECT_GT(report.anon_rss_bytes, 0);

  std::set<std::pair<std::string, std::string>> seen;
  for (const QueryResult& r : report.results) {
    SCOPED_TRACE(r.kind + " / " + r.system);
    seen.insert({r.kind, r.system});
    EXPECT_EQ(r.latency.count, 20);
    EXPECT_FALSE(r.truncated);
    EXPECT_GT(r.latency.p50_us, 0);
    EXPECT_LE(r.latency.p50_us, r.latency.p95_us);
    EXPECT_LE(r.latency.p95_us, r.latency.p99_us);
    EXPECT_LT(r.latency.p99_us, 10e6);  // Under 10 s per query.
    EXPECT_EQ(r.mismatches, 0);
  }
  EXPECT_TRUE(report.mismatch_examples.empty());
  for (QueryKind kind : AllQueryKinds()) {
    // A DAG has no pipelines, so no new spans to ask about.
    if (kind == QueryKind::kStaleSteps && report.shape == "dag") continue;
    for (System system : AllSystems()) {
      if (!Supports(system, kind)) continue;
      EXPECT_TRUE(seen.count({QueryKindName(kind), SystemName(system)}))
          << QueryKindName(kind) << " / " << SystemName(system);
    }
  }
  // Lookups find their artifact, lineage answers are not empty.
  for (const QueryResult& r : report.results) {
    if (r.kind == "lookup_by_id" || r.kind == "lookup_by_type_name") {
      EXPECT_EQ(r.mean_result_size, 1.0) << r.kind;
    }
    if (r.kind == "cache_lookup") {
      EXPECT_GE(r.mean_result_size, 1.0);
    }
    if (r.kind == "upstream_model" || r.kind == "subgraph_5hop") {
      EXPECT_GT(r.mean_result_size, 1.0) << r.kind;
    }
    // The split by answer covers the pass; reachability has both answers.
    if (r.found_answers.count > 0) {
      EXPECT_EQ(r.found_answers.count + r.empty_answers.count, r.latency.count)
          << r.kind << " / " << r.system;
      EXPECT_LE(r.found_answers.p50_us, r.found_answers.p99_us);
      EXPECT_LE(r.empty_answers.p50_us, r.empty_answers.p99_us);
    }
    if (r.kind == "is_upstream") {
      EXPECT_GT(r.found_answers.count, 0) << r.system;
      EXPECT_GT(r.empty_answers.count, 0) << r.system;
      EXPECT_NEAR(r.mean_result_size,
                  static_cast<double>(r.found_answers.count) /
                      static_cast<double>(r.latency.count),
                  1e-9)
          << r.system;
    }
  }
}

TEST(RunnerSmokeTest, Tfx2kAllSystems) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(BenchReport report,
                       RunScenario(SmallRun("tfx-2k", dir.path())));
  CheckReport(report);

  ASSERT_OK(WriteReportFiles(report, dir.path()));
  const std::filesystem::path out(dir.path());
  const std::string json = ReadAll(out / "results-tfx-2k.json");
  EXPECT_NE(json.find("\"scenario\": \"tfx-2k\""), std::string::npos);
  EXPECT_NE(json.find("\"is_upstream\""), std::string::npos);
  const std::vector<CsvRow> rows =
      ParseCsv(ReadAll(out / "results-tfx-2k.csv"));
  EXPECT_EQ(rows.size(), report.results.size());
  const std::string svg = ReadAll(out / "chart.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("upstream_model"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  // The stores are removed after the run.
  EXPECT_FALSE(std::filesystem::exists(out / "tfx-2k"));
}

TEST(RunnerSmokeTest, Dag2kAllSystems) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(BenchReport report,
                       RunScenario(SmallRun("dag-2k", dir.path())));
  CheckReport(report);
}

// Two pipelines hold every run; the second pass over the same inputs is the
// one reported, with the same answers.
TEST(RunnerSmokeTest, FewPipelinesTwoPasses) {
  TempDir dir;
  RunConfig config = SmallRun("tfx-2k", dir.path());
  config.scenario.pipelines = 2;
  config.passes = 2;
  ASSERT_OK_AND_ASSIGN(BenchReport report, RunScenario(config));
  CheckReport(report);
  EXPECT_EQ(report.pipelines, 2);
  EXPECT_EQ(report.scenario, "tfx-2k-p2");  // Not the 2k graph's results.
  EXPECT_EQ(report.passes, 2);
  // About 2,000 nodes at about 19 per run: dozens of runs per pipeline.
  EXPECT_GT((report.contexts - report.pipelines) / report.pipelines, 40);
  std::ostringstream text;
  PrintReport(report, text);
  EXPECT_NE(text.str().find("Pipelines: 2, about"), std::string::npos);
  EXPECT_NE(text.str().find("pass 2 of 2"), std::string::npos);
  EXPECT_NE(text.str().find("p50 pass 1"), std::string::npos);
  for (const QueryResult& r : report.results) {
    EXPECT_GT(r.first_pass_p50_us, 0) << r.kind << " on " << r.system;
  }
}

// A time budget spent within the first pass leaves that pass's (cold)
// figures, and the report says which pass they are of.
TEST(RunnerSmokeTest, ABudgetSpentInTheFirstPassIsReportedAsThatPass) {
  TempDir dir;
  RunConfig config = SmallRun("tfx-2k", dir.path());
  config.passes = 2;
  config.budget_s = 0;
  config.skip_baselines = true;
  ASSERT_OK_AND_ASSIGN(BenchReport report, RunScenario(config));
  ASSERT_FALSE(report.results.empty());
  for (const QueryResult& r : report.results) {
    SCOPED_TRACE(r.kind);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.pass, 1);
  }
  std::ostringstream text;
  PrintReport(report, text);
  EXPECT_NE(text.str().find("(budget, pass 1)"), std::string::npos)
      << text.str();
  EXPECT_NE(ReportCsv(report).find(",truncated,first_pass_p50_us,pass\n"),
            std::string::npos);
}

// A kept run's stores answer later runs without an ingest and without
// writes, with the same graph and the same answers; stores of another graph
// are refused.
TEST(RunnerSmokeTest, ReusesKeptStores) {
  TempDir dir;
  RunConfig config = SmallRun("tfx-2k", dir.path());
  config.keep_data = true;
  ASSERT_OK_AND_ASSIGN(BenchReport first, RunScenario(config));
  config.keep_data = false;
  config.reuse_data = true;
  config.skip_baselines = true;
  ASSERT_OK_AND_ASSIGN(BenchReport lineagedb_only, RunScenario(config));
  config.skip_baselines = false;
  ASSERT_OK_AND_ASSIGN(BenchReport again, RunScenario(config));
  EXPECT_EQ(again.scenario, "tfx-2k-reused");
  EXPECT_TRUE(again.ingest.empty());
  EXPECT_EQ(again.nodes, first.nodes);
  EXPECT_EQ(again.events, first.events);
  EXPECT_EQ(again.pipelines, first.pipelines);
  // The index holds the kept run's new spans (one per pipeline, at most
  // 64), and the reuse runs added none.
  const int64_t spans = std::min<int64_t>(first.pipelines, 64);
  EXPECT_EQ(lineagedb_only.index_edges, first.index_edges + spans);
  EXPECT_EQ(again.index_edges, first.index_edges + spans);
  ASSERT_EQ(again.results.size(), first.results.size());
  for (size_t i = 0; i < again.results.size(); ++i) {
    const QueryResult& r = again.results[i];
    SCOPED_TRACE(r.kind + " on " + r.system);
    EXPECT_EQ(r.mismatches, 0);
    EXPECT_EQ(r.mean_result_size, first.results[i].mean_result_size);
  }
  config.seed = 2;
  EXPECT_CODE(RunScenario(config), kFailedPrecondition);
  config.out_dir = dir.path() + "/empty";
  EXPECT_CODE(RunScenario(config), kNotFound);
}

TEST(RunnerSmokeTest, ParsesScenarioNames) {
  ASSERT_OK_AND_ASSIGN(Scenario s, ParseScenario("tfx-1m"));
  EXPECT_EQ(s.shape, Shape::kTfx);
  EXPECT_EQ(s.target_nodes, 1000000);
  ASSERT_OK_AND_ASSIGN(s, ParseScenario("dag-100k"));
  EXPECT_EQ(s.shape, Shape::kDag);
  EXPECT_EQ(s.target_nodes, 100000);
  EXPECT_CODE(ParseScenario("tree-1m"), kInvalidArgument);
  EXPECT_CODE(ParseScenario("tfx-"), kInvalidArgument);
  EXPECT_CODE(ParseScenario("tfx-12x"), kInvalidArgument);
  // Past a billion nodes, and counts whose product would overflow.
  ASSERT_OK_AND_ASSIGN(s, ParseScenario("tfx-1000m"));
  EXPECT_EQ(s.target_nodes, kMaxTargetNodes);
  for (const std::string name :
       {"tfx-1001m", "tfx-1000000001", "tfx-18446744073709552k",
        "dag-9223372036854775807", "tfx-1000000000m"}) {
    EXPECT_CODE(ParseScenario(name), kInvalidArgument) << name;
  }
}

// Fingerprints are sampled across every step type of a TFX run (a k-th-id
// sample is always the same step of an 8-step run), and cache lookups draw
// them without repeats while they last.
TEST(RunnerSmokeTest, SampledFingerprintsSpanTheStepsAndDoNotRepeat) {
  ASSERT_OK_AND_ASSIGN(Scenario scenario, ParseScenario("tfx-200k"));
  EXPECT_EQ(FingerprintSample(10000), 1);
  EXPECT_EQ(FingerprintSample(200000), 4);
  EXPECT_EQ(FingerprintSample(100000000), kFingerprintSample);
  GraphCatalog catalog;
  catalog.fingerprint_sample = FingerprintSample(scenario.target_nodes);
  ASSERT_OK_AND_ASSIGN(auto inner, NewScenarioGenerator(scenario, 3));
  NamingGenerator gen(std::move(inner), scenario.shape, &catalog);
  std::map<std::string, int> sampled;  // Execution type -> samples.
  int64_t complete = 0;
  gen::GenStep step;
  for (int i = 0; i < 20000; ++i) {
    const size_t before = catalog.fingerprints.size();
    if (!gen.Next(&step)) break;
    complete += step.execution.last_known_state == ExecutionState::kComplete;
    if (catalog.fingerprints.size() > before) ++sampled[step.execution.type];
  }
  EXPECT_GE(sampled.size(), 6u);
  const double share =
      static_cast<double>(catalog.fingerprints.size()) / complete;
  EXPECT_GT(share, 0.15);
  EXPECT_LT(share, 0.35);
  gen::Rng rng(1);
  const int n = static_cast<int>(catalog.fingerprints.size());
  ASSERT_OK_AND_ASSIGN(
      std::vector<QueryInput> inputs,
      SampleInputs(QueryKind::kCacheLookup, catalog, nullptr, rng, n));
  // Each of the pool's entries once (a re-run with the same key makes a
  // fingerprint twice in the pool).
  std::multiset<std::string> drawn,
      pool(catalog.fingerprints.begin(), catalog.fingerprints.end());
  for (const QueryInput& in : inputs) drawn.insert(in.fingerprint);
  EXPECT_EQ(drawn, pool);
}

TEST(RunnerSmokeTest, PercentilesAreNearestRank) {
  std::vector<int64_t> ns;
  for (int i = 1; i <= 100; ++i) ns.push_back(i * 1000);
  const LatencySummary s = Summarize(ns);
  EXPECT_EQ(s.count, 100);
  EXPECT_DOUBLE_EQ(s.p50_us, 50);
  EXPECT_DOUBLE_EQ(s.p95_us, 95);
  EXPECT_DOUBLE_EQ(s.p99_us, 99);
  EXPECT_DOUBLE_EQ(s.max_us, 100);
}

}  // namespace
}  // namespace lineagedb::bench
