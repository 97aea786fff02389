// Results of one lineage-bench run, and their renderings: console tables,
// JSON, CSV and an SVG chart of latency against graph size.
#ifndef LINEAGEDB_BENCH_RUNNER_REPORT_H_
#define LINEAGEDB_BENCH_RUNNER_REPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "bench/runner/measure.h"
#include "lineagedb/status.h"

namespace lineagedb::bench {

// Ingest of the graph into one store.
struct IngestResult {
  std::string system;  // "lineagedb" or "sqlite" (both SQLite systems).
  double seconds = 0;
  double executions_per_s = 0;
  double events_per_s = 0;
  double nodes_per_s = 0;
  int64_t disk_bytes = 0;
  // SQLite: PutExecution calls per transaction (1: MLMD's way); 0 for
  // lineagedb, whose BulkWriter commits by size.
  int executions_per_transaction = 0;
};

// Latencies of one query kind on one system.
struct QueryResult {
  std::string kind;        // QueryKindName().
  std::string title;       // QueryKindTitle().
  std::string system;      // SystemName().
  LatencySummary latency;  // Of the last pass run.
  // The pass `latency` is of (1-based): below the run's passes when the time
  // budget ended an earlier pass, whose figures are then cold ones.
  int pass = 1;
  // With several passes: p50 of the first, before any cache held answers or
  // records for these inputs; 0 with one pass.
  double first_pass_p50_us = 0;
  double mean_result_size = 0;  // Nodes per answer (1/0 for lookups).
  int64_t mismatches = 0;       // Answers whose size differs from lineagedb's.
  bool truncated = false;       // The time budget stopped the run early.
  // The last pass split by lineagedb's answer: found (size > 0: upstream,
  // a cache hit) or empty. Set only when each group has a query and neither
  // lineagedb's pass nor this one was cut short, so that a mix's p50 does
  // not hide either kind of answer.
  LatencySummary found_answers;
  LatencySummary empty_answers;
};

struct BenchReport {
  std::string scenario;
  std::string shape;
  uint64_t seed = 0;
  int queries = 0;  // Timed queries asked per kind and system.
  // The generated graph.
  int64_t nodes = 0;
  int64_t executions = 0;
  int64_t artifacts = 0;
  int64_t contexts = 0;
  int64_t events = 0;
  int64_t pipelines = 0;     // TFX pipeline contexts (0 for DAG graphs).
  int64_t cache_mib = 0;     // Block cache / page cache of each system.
  bool result_cache = true;  // lineagedb kept repeated lookups' answers.
  int passes = 1;            // Timed passes; the last one is reported.
  std::vector<IngestResult> ingest;
  // lineagedb's adjacency index after reopening the store.
  double index_build_s = 0;  // Store::Open of the ingested store.
  int64_t index_bytes = 0;
  int64_t index_edges = 0;  // Per direction.
  std::vector<QueryResult> results;
  std::vector<std::string> mismatch_examples;  // At most a few.
  // Wall time per phase, in order.
  std::vector<std::pair<std::string, double>> phases;
  int64_t peak_rss_bytes = 0;  // Mapped table pages included.
  int64_t anon_rss_bytes = 0;  // After the queries; no file pages.
};

// The p50 of (kind, system), or 0 if absent.
double P50(const BenchReport& report, const std::string& kind,
           const std::string& system);

// Human-readable tables: the graph, ingest, storage, and one table per
// query kind with p50/p95/p99 per system and the speed-up of lineagedb
// (baseline p50 / lineagedb p50).
void PrintReport(const BenchReport& report, std::ostream& out);

std::string ReportJson(const BenchReport& report);
// One row per (kind, system) with a header line; the SVG chart reads these.
std::string ReportCsv(const BenchReport& report);

// A row of a results CSV, as read back for the chart.
struct CsvRow {
  std::string scenario;
  std::string shape;
  int64_t nodes = 0;
  std::string kind;
  std::string system;
  double p50_us = 0;
};
// Parses ReportCsv()'s text; malformed lines are skipped.
std::vector<CsvRow> ParseCsv(const std::string& text);

// An SVG chart: one panel per query kind, p50 latency against graph size
// (both log scale), one line per (shape, system).
std::string RenderSvg(const std::vector<CsvRow>& rows);

// Writes results-<scenario>.json and .csv into `out_dir`, then chart.svg
// from every results-*.csv found there. Errors: INTERNAL (a write failed).
Status WriteReportFiles(const BenchReport& report, const std::string& out_dir);

}  // namespace lineagedb::bench

#endif  // LINEAGEDB_BENCH_RUNNER_REPORT_H_
