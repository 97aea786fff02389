#include "bench/runner/report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "util/json_string.h"

namespace lineagedb::bench {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// A Markdown table with columns padded to their widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void AddToLast(std::string cell) { rows_.back().push_back(std::move(cell)); }
  void Print(std::ostream& out) const {
    std::vector<size_t> width(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) {
        width[i] = std::max(width[i], row[i].size());
      }
    }
    for (size_t r = 0; r < rows_.size(); ++r) {
      out << "|";
      for (size_t i = 0; i < rows_[r].size(); ++i) {
        out << " " << rows_[r][i]
            << std::string(width[i] - rows_[r][i].size(), ' ') << " |";
      }
      out << "\n";
      if (r == 0) {
        out << "|";
        for (size_t w : width) out << std::string(w + 2, '-') << "|";
        out << "\n";
      }
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string PerUnit(int64_t bytes, int64_t units) {
  return units > 0 ? Fixed(static_cast<double>(bytes) / units, 1) : "-";
}

std::string JsonString(const std::string& s) {
  return lineagedb::JsonString(s);
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

double P50(const BenchReport& report, const std::string& kind,
           const std::string& system) {
  for (const QueryResult& r : report.results) {
    if (r.kind == kind && r.system == system) return r.latency.p50_us;
  }
  return 0;
}

void PrintReport(const BenchReport& report, std::ostream& out) {
  out << "\n## lineage-bench " << report.scenario << " (seed " << report.seed
      << ")\n\nGraph: " << report.nodes << " nodes (" << report.executions
      << " executions, " << report.artifacts << " artifacts, "
      << report.contexts << " contexts), " << report.events << " events\n";
  if (report.pipelines > 0) {
    // Every context but the pipelines' is one run's.
    out << "Pipelines: " << report.pipelines << ", about "
        << (report.contexts - report.pipelines) / report.pipelines
        << " runs each\n";
  }
  out << "Caches: " << report.cache_mib << " MiB per system";
  if (!report.result_cache) out << ", lineagedb's result cache off";
  if (report.passes > 1) {
    out << "; latencies of pass " << report.passes << " of " << report.passes
        << " over the same inputs (caches warmed by the earlier passes)";
  }
  out << "\n\n";

  Table ingest({"system", "seconds", "executions/s", "events/s", "nodes/s",
                "disk", "bytes/node", "bytes/event"});
  for (const IngestResult& r : report.ingest) {
    const std::string system =
        r.executions_per_transaction > 1
            ? absl::StrCat(r.system, " (", r.executions_per_transaction,
                           " executions per transaction)")
            : r.system;
    ingest.Add({system, Fixed(r.seconds, 2), HumanCount(r.executions_per_s),
                HumanCount(r.events_per_s), HumanCount(r.nodes_per_s),
                HumanBytes(r.disk_bytes), PerUnit(r.disk_bytes, report.nodes),
                PerUnit(r.disk_bytes, report.events)});
  }
  ingest.Print(out);

  out << "\nlineagedb index: build (Store::Open) "
      << Fixed(report.index_build_s * 1000, 1) << " ms, "
      << HumanBytes(report.index_bytes) << " for " << report.index_edges
      << " edges = " << PerUnit(report.index_bytes, report.index_edges)
      << " B/edge (" << PerUnit(report.index_bytes, 2 * report.index_edges)
      << " B/edge/direction); peak RSS " << HumanBytes(report.peak_rss_bytes)
      << " (with the table pages RocksDB maps), anonymous RSS "
      << HumanBytes(report.anon_rss_bytes) << "\n";

  std::vector<std::string> kinds;
  for (const QueryResult& r : report.results) {
    if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) {
      kinds.push_back(r.kind);
    }
  }
  for (const std::string& kind : kinds) {
    const double base = P50(report, kind, "lineagedb");
    std::vector<std::string> columns = {
        "system", "n",         "p50",          "p95",
        "p99",    "mean size", "speed-up p50", "mismatches"};
    if (report.passes > 1) columns.push_back("p50 pass 1");
    Table t(columns);
    std::string title;
    for (const QueryResult& r : report.results) {
      if (r.kind != kind) continue;
      title = r.title;
      const bool self = r.system == "lineagedb";
      t.Add({r.system,
             absl::StrCat(r.latency.count, r.truncated ? " (budget" : "",
                          r.truncated && r.pass < report.passes
                              ? absl::StrCat(", pass ", r.pass)
                              : "",
                          r.truncated ? ")" : ""),
             HumanMicros(r.latency.p50_us), HumanMicros(r.latency.p95_us),
             HumanMicros(r.latency.p99_us), Fixed(r.mean_result_size, 1),
             self || base <= 0
                 ? "-"
                 : absl::StrCat(Fixed(r.latency.p50_us / base, 1), "x"),
             self ? "-" : absl::StrCat(r.mismatches)});
      if (report.passes > 1) t.AddToLast(HumanMicros(r.first_pass_p50_us));
    }
    out << "\n### " << kind << ": " << title << "\n\n";
    t.Print(out);
    std::string split;
    for (const QueryResult& r : report.results) {
      if (r.kind != kind || r.found_answers.count == 0) continue;
      absl::StrAppend(&split, split.empty() ? "" : "; ", r.system, " ",
                      HumanMicros(r.found_answers.p50_us), " / ",
                      HumanMicros(r.found_answers.p99_us), " (",
                      r.found_answers.count, ") vs ",
                      HumanMicros(r.empty_answers.p50_us), " / ",
                      HumanMicros(r.empty_answers.p99_us), " (",
                      r.empty_answers.count, ")");
    }
    if (!split.empty()) {
      out << "\nBy answer, found vs empty (p50 / p99 (n)): " << split << "\n";
    }
  }

  int64_t mismatches = 0;
  for (const QueryResult& r : report.results) mismatches += r.mismatches;
  out << "\nResult-size mismatches against lineagedb: " << mismatches << "\n";
  for (const std::string& m : report.mismatch_examples) {
    out << "  " << m << "\n";
  }
  out << "\nPhases:";
  for (const auto& [name, seconds] : report.phases) {
    out << " " << name << " " << Fixed(seconds, 2) << " s;";
  }
  out << "\n";
}

std::string ReportJson(const BenchReport& report) {
  std::ostringstream j;
  j << "{\n  \"scenario\": " << JsonString(report.scenario)
    << ",\n  \"shape\": " << JsonString(report.shape)
    << ",\n  \"seed\": " << report.seed
    << ",\n  \"queries\": " << report.queries
    << ",\n  \"graph\": {\"nodes\": " << report.nodes
    << ", \"executions\": " << report.executions
    << ", \"artifacts\": " << report.artifacts
    << ", \"contexts\": " << report.contexts
    << ", \"events\": " << report.events
    << ", \"pipelines\": " << report.pipelines
    << "},\n  \"cache_mib\": " << report.cache_mib
    << ",\n  \"result_cache\": " << (report.result_cache ? "true" : "false")
    << ",\n  \"passes\": " << report.passes << ",\n  \"ingest\": [";
  for (size_t i = 0; i < report.ingest.size(); ++i) {
    const IngestResult& r = report.ingest[i];
    j << (i ? ",\n" : "\n") << "    {\"system\": " << JsonString(r.system)
      << ", \"seconds\": " << r.seconds
      << ", \"executions_per_s\": " << r.executions_per_s
      << ", \"events_per_s\": " << r.events_per_s
      << ", \"nodes_per_s\": " << r.nodes_per_s
      << ", \"disk_bytes\": " << r.disk_bytes
      << ", \"executions_per_transaction\": " << r.executions_per_transaction
      << "}";
  }
  j << "\n  ],\n  \"index\": {\"build_s\": " << report.index_build_s
    << ", \"memory_bytes\": " << report.index_bytes
    << ", \"edges_per_direction\": " << report.index_edges
    << "},\n  \"peak_rss_bytes\": " << report.peak_rss_bytes
    << ",\n  \"anon_rss_bytes\": " << report.anon_rss_bytes
    << ",\n  \"results\": [";
  for (size_t i = 0; i < report.results.size(); ++i) {
    const QueryResult& r = report.results[i];
    const double base = P50(report, r.kind, "lineagedb");
    j << (i ? ",\n" : "\n") << "    {\"kind\": " << JsonString(r.kind)
      << ", \"system\": " << JsonString(r.system)
      << ", \"count\": " << r.latency.count
      << ", \"p50_us\": " << r.latency.p50_us
      << ", \"p95_us\": " << r.latency.p95_us
      << ", \"p99_us\": " << r.latency.p99_us
      << ", \"mean_us\": " << r.latency.mean_us
      << ", \"max_us\": " << r.latency.max_us
      << ", \"first_pass_p50_us\": " << r.first_pass_p50_us
      << ", \"speedup_p50\": " << (base > 0 ? r.latency.p50_us / base : 0)
      << ", \"mean_result_size\": " << r.mean_result_size
      << ", \"mismatches\": " << r.mismatches;
    for (const auto& [name, split] :
         {std::pair{"found", &r.found_answers}, {"empty", &r.empty_answers}}) {
      if (split->count == 0) continue;  // No split.
      j << ", \"" << name << "_p50_us\": " << split->p50_us << ", \"" << name
        << "_p99_us\": " << split->p99_us << ", \"" << name
        << "_count\": " << split->count;
    }
    j << ", \"truncated\": " << (r.truncated ? "true" : "false")
      << ", \"pass\": " << r.pass << "}";
  }
  j << "\n  ],\n  \"phases_s\": {";
  for (size_t i = 0; i < report.phases.size(); ++i) {
    j << (i ? ", " : "") << JsonString(report.phases[i].first) << ": "
      << report.phases[i].second;
  }
  j << "}\n}\n";
  return j.str();
}

std::string ReportCsv(const BenchReport& report) {
  std::ostringstream c;
  c << "scenario,shape,nodes,events,kind,system,count,p50_us,p95_us,p99_us,"
       "mean_us,speedup_p50,mean_result_size,mismatches,truncated,"
       "first_pass_p50_us,pass\n";
  for (const QueryResult& r : report.results) {
    const double base = P50(report, r.kind, "lineagedb");
    c << report.scenario << "," << report.shape << "," << report.nodes << ","
      << report.events << "," << r.kind << "," << r.system << ","
      << r.latency.count << "," << r.latency.p50_us << "," << r.latency.p95_us
      << "," << r.latency.p99_us << "," << r.latency.mean_us << ","
      << (base > 0 ? r.latency.p50_us / base : 0) << "," << r.mean_result_size
      << "," << r.mismatches << "," << (r.truncated ? 1 : 0) << ","
      << r.first_pass_p50_us << "," << r.pass << "\n";
  }
  return c.str();
}

std::vector<CsvRow> ParseCsv(const std::string& text) {
  std::vector<CsvRow> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    if (f.size() < 8 || f[0] == "scenario") continue;
    CsvRow row;
    row.scenario = f[0];
    row.shape = f[1];
    row.kind = f[4];
    row.system = f[5];
    try {
      row.nodes = std::stoll(f[2]);
      row.p50_us = std::stod(f[7]);
    } catch (...) {
      continue;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Status WriteReportFiles(const BenchReport& report, const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  const fs::path dir(out_dir);
  const std::string base = "results-" + report.scenario;
  if (auto s = WriteFile((dir / (base + ".json")).string(), ReportJson(report));
      !s.ok()) {
    return s;
  }
  if (auto s = WriteFile((dir / (base + ".csv")).string(), ReportCsv(report));
      !s.ok()) {
    return s;
  }
  // The chart covers every scenario whose results are in the folder.
  std::vector<CsvRow> rows;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("results-", 0) != 0 || entry.path().extension() != ".csv") {
      continue;
    }
    std::ifstream f(entry.path());
    std::stringstream text;
    text << f.rdbuf();
    for (CsvRow& row : ParseCsv(text.str())) rows.push_back(std::move(row));
  }
  return WriteFile((dir / "chart.svg").string(), RenderSvg(rows));
}

}  // namespace lineagedb::bench
