// One lineage-bench run: generate a scenario's graph, ingest it into
// lineagedb and into the MLMD-style SQLite baseline, time every query kind
// on every system, and collect the report.
#ifndef LINEAGEDB_BENCH_RUNNER_SCENARIO_H_
#define LINEAGEDB_BENCH_RUNNER_SCENARIO_H_

#include <cstdint>
#include <string>

#include "bench/runner/report.h"
#include "bench/runner/workload.h"
#include "lineagedb/status.h"

namespace lineagedb::bench {

struct RunConfig {
  Scenario scenario;
  // Results and the stores go here (stores under <out_dir>/<scenario>/).
  // Default: "bench-out"
  std::string out_dir = "bench-out";
  // Timed queries per kind and system.
  // Default: 1000
  int queries = 1000;
  // Untimed warm-up queries per kind and system, on other inputs.
  // Default: 50
  int warmup = 50;
  // Timed passes over the same inputs; only the last is reported, so with 2
  // or more the caches hold what the queries touch (a hot working set).
  // Default: 1
  int passes = 1;
  // Seeds the generator and the query sampling.
  // Default: 1
  uint64_t seed = 1;
  // Run lineagedb only.
  // Default: false
  bool skip_baselines = false;
  // PutExecution calls per SQLite transaction in the baseline's ingest: 1
  // is MLMD's way (and the ingest rate to compare); more builds the same
  // tables faster (MlmdSqliteOptions::executions_per_transaction).
  // Default: 1
  int sqlite_batch = 1;
  // lineagedb keeps the answers of repeated cache lookups (Options::
  // result_cache_entries). Off, a later pass times first lookups on warm
  // RocksDB caches instead of repeats.
  // Default: true
  bool result_cache = true;
  // Stop timing a (kind, system) after this many seconds; the report marks
  // it truncated.
  // Default: 60
  double budget_s = 60;
  // lineagedb's block cache and SQLite's page cache, the same size.
  // Default: 256
  int64_t cache_mib = 256;
  // Keep the stores after the run.
  // Default: false
  bool keep_data = false;
  // Query the stores a keep_data run of the same scenario, seed and
  // pipelines left under out_dir, instead of generating and ingesting them
  // (the catalog comes from the generator, without writes, and the new
  // spans are the kept run's); nothing is written and the stores are kept.
  // The report's scenario is "<name>-reused".
  // Default: false
  bool reuse_data = false;
  // Progress lines on stderr.
  // Default: true
  bool progress = true;
};

// Runs the whole benchmark and writes nothing but the stores; see
// WriteReportFiles for the result files.
// Errors: NOT_FOUND (reuse_data without kept stores), FAILED_PRECONDITION
// (kept stores of another graph); from the stores, the generator and the
// file system.
StatusOr<BenchReport> RunScenario(const RunConfig& config);

}  // namespace lineagedb::bench

#endif  // LINEAGEDB_BENCH_RUNNER_SCENARIO_H_
