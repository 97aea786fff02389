// lineage_gen: writes a generated lineage graph to a file, as OpenLineage
// RunEvents (openlineage_sink.h) or as native steps (sinks.h StepToJson),
// one JSON object per line:
//
//   lineage_gen --scenario tfx-1200k --events 1000000 --out /tmp/ol.ndjson
//
// --events N stops after N lines (0 = the whole graph); it is an error if
// the scenario's graph ends before N lines were written. Exit codes: 0 ok,
// 1 the write failed or the graph was too small, 2 bad flags.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "bench/gen/openlineage_sink.h"
#include "bench/gen/sinks.h"
#include "bench/runner/workload.h"

namespace lineagedb::gen {
namespace {

int Run(int argc, char** argv) {
  CLI::App app{
      "lineage_gen: write a generated lineage graph as newline-delimited "
      "OpenLineage RunEvents or native steps"};
  std::string scenario_name, format = "openlineage", out;
  int64_t events = 0;
  OpenLineageSinkOptions ol;
  app.add_option("--scenario", scenario_name,
                 "Graph: <tfx|dag>-<count>[k|m] nodes, as lineage_bench")
      ->required();
  app.add_option("--format", format, "openlineage or native")
      ->check(CLI::IsMember({"openlineage", "native"}))
      ->capture_default_str();
  app.add_option("--events", events,
                 "Lines to write: OpenLineage events or native steps; 0 = "
                 "the whole graph")
      ->check(CLI::Range(int64_t{0}, INT64_MAX).description("0 or more"))
      ->capture_default_str();
  app.add_option("--out", out, "Output file")->required();
  app.add_option("--seed", ol.seed, "Seed of the graph and of the runIds")
      ->capture_default_str();
  app.add_option("--fail-share", ol.fail_share,
                 "Share of runs ending with FAIL (openlineage)")
      ->check(CLI::Range(0.0, 1.0))
      ->check(
          [](const std::string& text) {
            // Range lets NaN through (no comparison with it holds).
            const double v = std::strtod(text.c_str(), nullptr);
            return v == v ? std::string() : std::string("not a number");
          },
          "a number")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  StatusOr<bench::Scenario> scenario = bench::ParseScenario(scenario_name);
  if (!scenario.ok()) {
    std::cerr << scenario.status().message() << "\n";
    return 2;
  }
  StatusOr<std::unique_ptr<Generator>> gen =
      bench::NewScenarioGenerator(*scenario, ol.seed);
  if (!gen.ok()) {
    std::cerr << "lineage_gen: " << gen.status() << "\n";
    return 1;
  }
  int64_t written = 0;
  if (format == "openlineage") {
    ol.max_events = events;
    StatusOr<OpenLineageSinkCounts> c =
        RunIntoOpenLineageNdjsonFile(gen->get(), out, ol);
    if (!c.ok()) {
      std::cerr << "lineage_gen: " << c.status() << "\n";
      return 1;
    }
    written = c->events;
    std::cerr << "wrote " << c->events << " OpenLineage events: " << c->runs
              << " runs (" << c->failed << " failed), " << c->jobs << " jobs, "
              << c->datasets << " datasets, " << c->edges << " edges, to "
              << out << "\n";
  } else {
    SinkOptions options;
    options.max_steps = events;
    StatusOr<SinkCounts> c = RunIntoNdjsonFile(gen->get(), out, options);
    if (!c.ok()) {
      std::cerr << "lineage_gen: " << c.status() << "\n";
      return 1;
    }
    written = c->executions;
    std::cerr << "wrote " << c->executions << " steps: " << c->artifacts
              << " artifacts, " << c->events << " events, " << c->contexts
              << " contexts, to " << out << "\n";
  }
  if (events > 0 && written < events) {
    std::cerr << "lineage_gen: " << scenario_name << " ends after " << written
              << " lines, not " << events << "; pick a larger scenario\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace lineagedb::gen

int main(int argc, char** argv) { return lineagedb::gen::Run(argc, argv); }
