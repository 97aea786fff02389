// The demo's pipeline questions: would re-running a step be a cache hit,
// and which steps does new data make stale (lineagedb/caching.h).
#ifndef LINEAGEDB_TOOLS_CLI_DEMO_PIPELINE_H_
#define LINEAGEDB_TOOLS_CLI_DEMO_PIPELINE_H_

#include "lineagedb/caching.h"
#include "lineagedb/lineagedb.h"

namespace lineagedb::cli {

// The cache key an orchestrator would build for execution `e`: its type,
// its inputs by slot (first key of the event path), its properties as the
// parameters, and `code_version`.
StatusOr<CacheKey> CacheKeyOf(Store* store, const Execution& e,
                              std::string_view code_version);

// Prints sections `first` and `first` + 1 of the demo.
Status DemoCacheHit(Store* store, int first);
Status DemoStaleSteps(Store* store, int first);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_DEMO_PIPELINE_H_
