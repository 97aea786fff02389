#include "bench/runner/cli.h"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <string>

#include "bench/runner/report.h"
#include "bench/runner/scenario.h"
#include "bench/runner/workload.h"

namespace lineagedb::bench {

int RunBenchCommand(int argc, char** argv) {
  CLI::App app{
      "lineage-bench: ingest a generated lineage graph into lineagedb and an "
      "MLMD-style SQLite store, then time the same lineage queries on both."};
  std::string scenario_name;
  RunConfig config;
  bool list = false;
  bool quiet = false;
  app.add_option("--scenario", scenario_name,
                 "Graph to run: tfx-10k, tfx-100k, tfx-1m, tfx-10m, dag-100k, "
                 "dag-1m, or any <tfx|dag>-<count>[k|m]");
  app.add_option("--out", config.out_dir,
                 "Folder for results-<scenario>.{json,csv}, chart.svg and the "
                 "stores (removed after the run unless --keep-data)")
      ->capture_default_str();
  app.add_option("--queries", config.queries,
                 "Timed queries per query kind and system")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  bool no_result_cache = false;
  app.add_flag("--no-result-cache", no_result_cache,
               "lineagedb keeps no answers of repeated cache lookups: with "
               "--passes 2 the last pass times first lookups on warm caches");
  app.add_option("--warmup", config.warmup,
                 "Untimed warm-up queries per query kind and system")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  app.add_option("--passes", config.passes,
                 "Timed passes over the same inputs; the last is reported "
                 "(2+: caches warmed by the earlier passes)")
      ->capture_default_str()
      ->check(CLI::Range(1, INT32_MAX).description("1 or more"));
  app.add_option("--seed", config.seed,
                 "Seed of the generator and of the query sampling")
      ->capture_default_str();
  app.add_option("--budget", config.budget_s,
                 "Seconds of timed queries per kind and system before the "
                 "rest are skipped")
      ->capture_default_str();
  app.add_option("--cache-mib", config.cache_mib,
                 "lineagedb's block cache and SQLite's page cache, in MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  int64_t pipelines = 0;
  app.add_option("--pipelines", pipelines,
                 "TFX: pipelines the runs are spread over (default: about "
                 "10K nodes per pipeline, at least 10)")
      ->check(CLI::Range(1, INT32_MAX).description("1 or more"));
  app.add_flag("--skip-baselines", config.skip_baselines, "Run lineagedb only");
  app.add_option("--sqlite-batch", config.sqlite_batch,
                 "Executions per SQLite transaction in the baseline's ingest "
                 "(1: MLMD's way, the rate to compare; more: the same tables "
                 "built faster)")
      ->check(CLI::Range(1, INT32_MAX).description("1 or more"));
  app.add_flag("--keep-data", config.keep_data,
               "Keep the lineagedb and SQLite stores under --out");
  app.add_flag("--reuse-data", config.reuse_data,
               "Query the stores a --keep-data run of the same scenario, seed "
               "and pipelines left under --out, without ingesting");
  app.add_flag("--quiet", quiet, "No progress lines on stderr");
  app.add_flag("--list", list, "List the named scenarios and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (list) {
    for (const std::string& name : NamedScenarios()) std::cout << name << "\n";
    return 0;
  }
  if (scenario_name.empty()) {
    std::cerr << "--scenario is required (see --list)\n";
    return 2;
  }
  StatusOr<Scenario> scenario = ParseScenario(scenario_name);
  if (!scenario.ok()) {
    std::cerr << scenario.status().message() << "\n";
    return 2;
  }
  config.scenario = *scenario;
  config.scenario.pipelines = pipelines;
  config.progress = !quiet;
  config.result_cache = !no_result_cache;

  StatusOr<BenchReport> report = RunScenario(config);
  if (!report.ok()) {
    std::cerr << "lineage_bench failed: " << report.status() << "\n";
    return 1;
  }
  PrintReport(*report, std::cout);
  if (Status s = WriteReportFiles(*report, config.out_dir); !s.ok()) {
    std::cerr << "lineage_bench: " << s << "\n";
    return 1;
  }
  std::cout << "\nWrote " << config.out_dir << "/results-" << report->scenario
            << ".{json,csv} and " << config.out_dir << "/chart.svg\n";
  for (const QueryResult& r : report->results) {
    if (r.mismatches > 0) return 3;
  }
  return 0;
}

}  // namespace lineagedb::bench
