// A sink that writes a generated lineage graph (generator.h) as OpenLineage
// RunEvents (spec 2-0-2), one per line, the way a scheduler integration
// emits them; the input of `lineagedb ingest` at any scale.
//
// Each step (one execution) becomes two events that share its runId: START,
// then COMPLETE (FAIL for an execution whose state is FAILED or that
// options.fail_share picks; ABORT for CANCELED). Both name every input and
// output; COMPLETE adds the facets. Identities, with P the name of the
// step's first context (the pipeline; none for a step without contexts)
// and R its last one (the pipeline run, or the pipeline itself when the
// step has one context):
//  - runId: a UUID (version 4 form) derived from options.seed and the
//    predicted execution id, so every run of a graph has its own;
//  - job: namespace options.job_namespace, name "P.<execution type>" (the
//    execution type alone without contexts), with a jobType job facet on
//    START;
//  - parent run facet (both events): job (options.job_namespace, P), runId
//    derived from R's predicted context id;
//  - dataset of artifact id N of type T: namespace
//    options.dataset_namespace, name "T/N". On COMPLETE a new artifact (an
//    output the step creates) carries the facets schema (one field per
//    declared property, or "uri" when it has none) and dataSource, and the
//    output facet outputStatistics;
//  - run facets: nominalTime and processing_engine on START, the custom
//    facet "lineageGen" (execution type, MLMD state as the end event has
//    it: FAILED for a FAIL, properties) on the end event, errorMessage on
//    FAIL;
//  - a FAIL still names its outputs (what the run wrote before it failed),
//    and later steps of the graph read them as the generator made them;
//  - eventTime: options.start_time_ms plus options.interval_ms per event
//    written, in UTC with milliseconds ("2024-01-01T00:00:01.000Z").
// Every event passes the ingester's validation (schema/OPENLINEAGE.md).
#ifndef LINEAGEDB_BENCH_GEN_OPENLINEAGE_SINK_H_
#define LINEAGEDB_BENCH_GEN_OPENLINEAGE_SINK_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "bench/gen/generator.h"
#include "lineagedb/status.h"

namespace lineagedb::gen {

struct OpenLineageSinkOptions {
  // Stop after this many events (the last step may end after its START);
  // 0 = run the generator to its end.
  // Default: 0
  int64_t max_events = 0;
  // Seeds the runIds and the fail_share draw.
  // Default: 1
  uint64_t seed = 1;
  // Share of executions, picked by a hash of the seed and the execution id,
  // that end with FAIL instead of COMPLETE.
  // Default: 0.01
  double fail_share = 0.01;
  // Default: "lineage-gen"
  std::string job_namespace = "lineage-gen";
  // A namespace with a scheme, so that datasets get a URI.
  // Default: "gs://lineage-gen"
  std::string dataset_namespace = "gs://lineage-gen";
  // eventTime of the first event, in ms since the epoch.
  // Default: 2024-01-01T00:00:00Z
  int64_t start_time_ms = 1704067200000;
  // Default: 1000
  int64_t interval_ms = 1000;
  // Call `progress` after every progress_every events; 0 = never.
  // Default: 0
  int64_t progress_every = 0;
  // Default: none
  std::function<void(int64_t events)> progress;
};

// What the sink wrote; what an ingester's summary should report for it.
struct OpenLineageSinkCounts {
  int64_t events = 0;
  int64_t runs = 0;      // Steps with at least their START written.
  int64_t failed = 0;    // Runs that ended with FAIL.
  int64_t jobs = 0;      // Distinct jobs of the events (not parents).
  int64_t datasets = 0;  // Distinct datasets named.
  int64_t edges = 0;     // Distinct (run, dataset, input|output).
};

// Errors: INVALID_ARGUMENT (fail_share outside [0, 1], interval_ms < 0,
// an empty namespace); INTERNAL (a write to `out` or the file failed, or the
// file cannot be opened).
StatusOr<OpenLineageSinkCounts> RunIntoOpenLineageNdjson(
    Generator* gen, std::ostream& out,
    const OpenLineageSinkOptions& options = {});
StatusOr<OpenLineageSinkCounts> RunIntoOpenLineageNdjsonFile(
    Generator* gen, const std::string& path,
    const OpenLineageSinkOptions& options = {});

// "2024-01-01T00:00:01.000Z" for 1704067201000.
std::string FormatUtcMillis(int64_t ms);

}  // namespace lineagedb::gen

#endif  // LINEAGEDB_BENCH_GEN_OPENLINEAGE_SINK_H_
