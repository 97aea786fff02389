// The query kinds of lineage-bench, their sampled inputs, and how each
// system answers them. Every answer is reduced to a size (nodes returned,
// not counting the start node; 1/0 for lookups and reachability) so that
// the systems can be checked against each other.
#ifndef LINEAGEDB_BENCH_RUNNER_QUERIES_H_
#define LINEAGEDB_BENCH_RUNNER_QUERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/baseline/mlmd_sqlite.h"
#include "bench/gen/generator.h"
#include "bench/runner/workload.h"
#include "lineagedb/lineagedb.h"
#include "lineagedb/status.h"

namespace lineagedb::bench {

enum class QueryKind {
  kNeighbors1Hop,      // Both directions, one hop, from a random artifact.
  kUpstreamModel,      // Full ancestry of a recent model.
  kDownstreamDataset,  // Full impact of an old dataset.
  kSubgraph5Hop,       // Both directions, five hops, from a random artifact.
  kDatasetsOfModel,    // Dataset artifacts upstream of a recent model.
  kLookupById,         // One artifact by id.
  kLookupByTypeName,   // One artifact by (type, name).
  kIsUpstream,         // Is dataset X upstream of model Y (half are).
  kCacheLookup,        // The cached run of a sampled fingerprint.
  kStaleSteps,         // A pipeline's steps made stale by a new data span.
};

// The systems compared: lineagedb; MLMD's breadth-first loop of queries on
// SQLite; the same SQLite database answering with one query (a recursive
// CTE, or a single join) per question.
enum class System { kLineagedb, kMlmdBfs, kSqliteCte };

const std::vector<QueryKind>& AllQueryKinds();
const std::vector<System>& AllSystems();
// Short stable names used in reports ("upstream_model", "mlmd-bfs").
std::string QueryKindName(QueryKind kind);
std::string QueryKindTitle(QueryKind kind);
std::string SystemName(System system);
// False where the system has no separate way to answer (the point lookups
// are the same SQL for both SQLite systems; only mlmd-bfs runs them).
bool Supports(System system, QueryKind kind);

// One sampled query: artifact `a` (the start, or the possible ancestor of
// IsUpstream), artifact `b` (IsUpstream's descendant), and for
// kLookupByTypeName the type and name of `a`.
// kStaleSteps: pipeline context `a`, new artifact `b`. kCacheLookup: the
// fingerprint.
struct QueryInput {
  int64_t a = 0;
  int64_t b = 0;
  std::string type;
  std::string name;
  std::string fingerprint;
};

// Writes `count` new data spans (a COMPLETE ExampleGen execution with a new
// Examples output in a pipeline's context), spread over the catalog's
// pipelines, into `store` and, if not null, `db`, with the same ids in
// both; records them in catalog->new_spans. No pipelines: writes nothing.
// Errors: from the stores; INTERNAL (the two stores assigned different ids).
Status AddNewSpans(Store* store, baseline::MlmdSqlite* db,
                   GraphCatalog* catalog, int count);

// The new spans a kept store holds (AddNewSpans of the run that kept it):
// the `count` artifacts after the generated ones (at most one per pipeline),
// recorded in catalog->new_spans without writing.
// Errors: FAILED_PRECONDITION (they are not new spans: the store is of
// another graph); from the store.
Status RecoverNewSpans(Store* store, GraphCatalog* catalog, int count);

// `n` inputs of `kind`, a pure function of the catalog and `rng`, except
// that kIsUpstream picks true ancestors from `store` (outside any timing).
// Models are drawn from the newest 10% of models, datasets from the oldest
// 10% of datasets, other starts from all artifacts; fingerprints and new
// spans uniformly from the catalog's. Empty when the catalog has no inputs
// for `kind` (no fingerprints or new spans).
StatusOr<std::vector<QueryInput>> SampleInputs(QueryKind kind,
                                               const GraphCatalog& catalog,
                                               Store* store, gen::Rng& rng,
                                               int n);

// Runs one query on `system` and returns the answer's size (kCacheLookup:
// the cached run's outputs; kStaleSteps: the stale steps). `db` is used by
// the SQLite systems, `store` by lineagedb.
StatusOr<int64_t> RunQuery(System system, QueryKind kind,
                           const QueryInput& input, const GraphCatalog& catalog,
                           Store* store, baseline::MlmdSqlite* db);

}  // namespace lineagedb::bench

#endif  // LINEAGEDB_BENCH_RUNNER_QUERIES_H_
