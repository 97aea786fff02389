// The demo's pipeline questions: would re-running a step be a cache hit,
// and which steps does new data make stale (lineagedb/caching.h).
#ifndef LINEAGEDB_TOOLS_CLI_DEMO_PIPELINE_H_
#define LINEAGEDB_TOOLS_CLI_DEMO_PIPELINE_H_

#include "lineagedb/caching.h"
#include "lineagedb/lineagedb.h"

namespace lineagedb::cli {

// The cache key an orchestrator would build for execution `e`: its type,
// its inputs by slot (the first key of the event path; kUnkeyedSlot for a
// path without one, which a key "-" shares), its parameters, and
// `code_version`. The parameters are its properties, named
// kPropertyParameterPrefix + name, and its custom properties (where TFX
// keeps a step's exec properties), kCustomParameterPrefix + name, but for
// names of the form __NAME__, an orchestrator's own (TFX's per-run
// __stateful_working_dir_index__ would make every key unique).
// Errors: GetEventsByExecutionIds's.
inline constexpr char kUnkeyedSlot[] = "-";
inline constexpr char kPropertyParameterPrefix[] = "properties.";
inline constexpr char kCustomParameterPrefix[] = "custom_properties.";
StatusOr<CacheKey> CacheKeyOf(Store* store, const Execution& e,
                              std::string_view code_version);

// The code version the demo's Trainer fingerprints carry.
inline constexpr char kDemoTrainerVersion[] = "trainer:1.0";

// Prints section `n` of the demo; returns the id of the Trainer it asked
// about.
StatusOr<int64_t> DemoCacheHit(Store* store, int n);
// Prints section `n` of the demo.
Status DemoStaleSteps(Store* store, int n);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_DEMO_PIPELINE_H_
