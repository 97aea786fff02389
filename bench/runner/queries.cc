#include "bench/runner/queries.h"

#include <algorithm>

#include "lineagedb/caching.h"
#include "lineagedb/lineage.h"

namespace lineagedb::bench {

using baseline::LineageDirection;
using baseline::MlmdSqlite;

const std::vector<QueryKind>& AllQueryKinds() {
  static const auto* kKinds = new std::vector<QueryKind>{
      QueryKind::kNeighbors1Hop,     QueryKind::kUpstreamModel,
      QueryKind::kDownstreamDataset, QueryKind::kSubgraph5Hop,
      QueryKind::kDatasetsOfModel,   QueryKind::kLookupById,
      QueryKind::kLookupByTypeName,  QueryKind::kIsUpstream,
      QueryKind::kCacheLookup,       QueryKind::kStaleSteps};
  return *kKinds;
}

const std::vector<System>& AllSystems() {
  static const auto* kSystems = new std::vector<System>{
      System::kLineagedb, System::kMlmdBfs, System::kSqliteCte};
  return *kSystems;
}

std::string QueryKindName(QueryKind kind) {
  switch (kind) {
    case QueryKind::kNeighbors1Hop:
      return "neighbors_1hop";
    case QueryKind::kUpstreamModel:
      return "upstream_model";
    case QueryKind::kDownstreamDataset:
      return "downstream_dataset";
    case QueryKind::kSubgraph5Hop:
      return "subgraph_5hop";
    case QueryKind::kDatasetsOfModel:
      return "datasets_of_model";
    case QueryKind::kLookupById:
      return "lookup_by_id";
    case QueryKind::kLookupByTypeName:
      return "lookup_by_type_name";
    case QueryKind::kIsUpstream:
      return "is_upstream";
    case QueryKind::kCacheLookup:
      return "cache_lookup";
    case QueryKind::kStaleSteps:
      return "stale_steps";
  }
  return "unknown";
}

std::string QueryKindTitle(QueryKind kind) {
  switch (kind) {
    case QueryKind::kNeighbors1Hop:
      return "1-hop neighbours of an artifact (both directions)";
    case QueryKind::kUpstreamModel:
      return "Full upstream ancestry of a recent model";
    case QueryKind::kDownstreamDataset:
      return "Full downstream impact of an old dataset";
    case QueryKind::kSubgraph5Hop:
      return "5-hop bidirectional lineage subgraph";
    case QueryKind::kDatasetsOfModel:
      return "Dataset artifacts upstream of a model";
    case QueryKind::kLookupById:
      return "Point lookup by id";
    case QueryKind::kLookupByTypeName:
      return "Point lookup by (type, name)";
    case QueryKind::kIsUpstream:
      return "Reachability: is dataset X upstream of model Y";
    case QueryKind::kCacheLookup:
      return "Cache lookup: the newest usable run with a fingerprint";
    case QueryKind::kStaleSteps:
      return "Stale steps of a pipeline after a new data span";
  }
  return "unknown";
}

std::string SystemName(System system) {
  switch (system) {
    case System::kLineagedb:
      return "lineagedb";
    case System::kMlmdBfs:
      return "mlmd-bfs";
    case System::kSqliteCte:
      return "sqlite-cte";
  }
  return "unknown";
}

bool Supports(System system, QueryKind kind) {
  if (system != System::kSqliteCte) return true;
  return kind != QueryKind::kLookupById &&
         kind != QueryKind::kLookupByTypeName &&
         kind != QueryKind::kCacheLookup && kind != QueryKind::kStaleSteps;
}

namespace {

// A uniform pick from the newest (newest=true) or oldest tenth of `ids`.
int64_t PickTenth(const std::vector<int64_t>& ids, bool newest, gen::Rng& rng) {
  const uint64_t tenth = std::max<uint64_t>(1, ids.size() / 10);
  const uint64_t k = rng.Below(tenth);
  return newest ? ids[ids.size() - 1 - k] : ids[k];
}

int64_t PickArtifact(const GraphCatalog& catalog, gen::Rng& rng) {
  return 1 + static_cast<int64_t>(
                 rng.Below(static_cast<uint64_t>(catalog.artifacts())));
}

// Ancestry of artifact `id` restricted to artifacts of `type`.
StatusOr<std::vector<AncestryEntry>> DatasetsUpstream(Store* store, int64_t id,
                                                      const std::string& type) {
  AncestryQuery q;
  q.start = {NodeKind::kArtifact, id};
  q.direction = Direction::kUpstream;
  q.artifact_types = {type};
  q.artifacts_only = true;
  return GetAncestry(store, q);
}

// `n` indexes into a pool of `size`: each pass over the pool in a new
// random order, so that no input repeats before every one was drawn.
std::vector<size_t> Draws(size_t size, int n, gen::Rng& rng) {
  std::vector<size_t> order(size), out;
  for (size_t i = 0; i < size; ++i) order[i] = i;
  while (out.size() < static_cast<size_t>(n)) {
    for (size_t i = size; i > 1; --i)
      std::swap(order[i - 1], order[rng.Below(i)]);
    for (size_t i = 0; i < size && out.size() < static_cast<size_t>(n); ++i) {
      out.push_back(order[i]);
    }
  }
  return out;
}

}  // namespace

StatusOr<std::vector<QueryInput>> SampleInputs(QueryKind kind,
                                               const GraphCatalog& catalog,
                                               Store* store, gen::Rng& rng,
                                               int n) {
  if (catalog.artifacts() == 0 || catalog.models.empty() ||
      catalog.datasets.empty()) {
    return absl::FailedPreconditionError("the graph has no models or datasets");
  }
  if ((kind == QueryKind::kCacheLookup && catalog.fingerprints.empty()) ||
      (kind == QueryKind::kStaleSteps && catalog.new_spans.empty())) {
    return std::vector<QueryInput>{};
  }
  std::vector<QueryInput> inputs(static_cast<size_t>(n));
  // Cache lookups and stale steps draw from a few thousand fingerprints and
  // a few dozen spans: without repeats while they last (a repeated lookup
  // would be a kept answer).
  std::vector<size_t> draws;
  if (kind == QueryKind::kCacheLookup) {
    draws = Draws(catalog.fingerprints.size(), n, rng);
  } else if (kind == QueryKind::kStaleSteps) {
    draws = Draws(catalog.new_spans.size(), n, rng);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    QueryInput& in = inputs[i];
    switch (kind) {
      case QueryKind::kCacheLookup:
        in.fingerprint = catalog.fingerprints[draws[i]];
        break;
      case QueryKind::kStaleSteps: {
        const auto& [pipeline, artifact] = catalog.new_spans[draws[i]];
        in.a = pipeline;
        in.b = artifact;
        break;
      }
      case QueryKind::kUpstreamModel:
      case QueryKind::kDatasetsOfModel:
        in.a = PickTenth(catalog.models, /*newest=*/true, rng);
        break;
      case QueryKind::kDownstreamDataset:
        in.a = PickTenth(catalog.datasets, /*newest=*/false, rng);
        break;
      case QueryKind::kIsUpstream: {
        in.b = PickTenth(catalog.models, /*newest=*/true, rng);
        in.a = PickTenth(catalog.datasets, /*newest=*/false, rng);
        if (rng.Chance(0.5)) {
          auto up = DatasetsUpstream(store, in.b, catalog.dataset_type);
          if (!up.ok()) return up.status();
          if (!up->empty()) in.a = (*up)[rng.Below(up->size())].node.id;
        }
        break;
      }
      case QueryKind::kLookupByTypeName:
        in.a = PickArtifact(catalog, rng);
        in.type = catalog.artifact_types[catalog.artifact_type[in.a - 1]];
        in.name = ArtifactName(in.a);
        break;
      default:
        in.a = PickArtifact(catalog, rng);
        break;
    }
  }
  return inputs;
}

namespace {

int64_t Size(const LineageGraph& g) {
  return static_cast<int64_t>(g.nodes.size()) - 1;
}
int64_t Size(const baseline::LineageGraph& g) {
  return static_cast<int64_t>(g.artifact_ids.size() + g.execution_ids.size()) -
         1;
}

StatusOr<int64_t> Subgraph(Store* store, int64_t id, int hops) {
  LineageQuery q;
  q.artifact_ids = {id};
  q.max_hops = hops;
  q.direction = Direction::kBidirectional;
  q.fetch_nodes = false;
  auto g = GetLineageSubgraph(store, q);
  if (!g.ok()) return g.status();
  return Size(*g);
}

StatusOr<int64_t> Ancestry(Store* store, int64_t id, Direction dir) {
  AncestryQuery q;
  q.start = {NodeKind::kArtifact, id};
  q.direction = dir;
  auto r = GetAncestry(store, q);
  if (!r.ok()) return r.status();
  return static_cast<int64_t>(r->size());
}

StatusOr<int64_t> RunLineagedb(QueryKind kind, const QueryInput& in,
                               const GraphCatalog& catalog, Store* store) {
  switch (kind) {
    case QueryKind::kNeighbors1Hop: {
      auto r = GetNeighbors(store, {NodeKind::kArtifact, in.a},
                            Direction::kBidirectional);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->size());  // Start excluded, as Size().
    }
    case QueryKind::kSubgraph5Hop:
      return Subgraph(store, in.a, 5);
    case QueryKind::kUpstreamModel:
      return Ancestry(store, in.a, Direction::kUpstream);
    case QueryKind::kDownstreamDataset:
      return Ancestry(store, in.a, Direction::kDownstream);
    case QueryKind::kDatasetsOfModel: {
      auto r = DatasetsUpstream(store, in.a, catalog.dataset_type);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->size());
    }
    case QueryKind::kLookupById: {
      auto r = store->GetByIds<Artifact>({in.a});
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->size());
    }
    case QueryKind::kLookupByTypeName: {
      auto r = store->GetByTypeAndName<Artifact>(in.type, in.name);
      if (!r.ok()) return r.status();
      return r->id == in.a ? 1 : 0;
    }
    case QueryKind::kIsUpstream: {
      auto r = IsUpstream(store, {NodeKind::kArtifact, in.a},
                          {NodeKind::kArtifact, in.b});
      if (!r.ok()) return r.status();
      return *r ? 1 : 0;
    }
    case QueryKind::kCacheLookup: {
      auto r = FindCachedExecution(store, in.fingerprint);
      if (!r.ok()) return r.status();
      int64_t outputs = 0;
      for (const auto& [slot, artifacts] : r->outputs) {
        outputs += static_cast<int64_t>(artifacts.size());
      }
      return outputs;
    }
    case QueryKind::kStaleSteps: {
      auto r = GetStaleSteps(store, in.a, in.b);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->stale.size());
    }
  }
  return absl::InternalError("unknown query kind");
}

StatusOr<int64_t> Walk(MlmdSqlite* db, bool cte, int64_t id, int hops,
                       LineageDirection dir) {
  auto g = cte ? db->LineageCte(NodeKind::kArtifact, {id}, hops, dir)
               : db->Lineage(NodeKind::kArtifact, {id}, hops, dir,
                             /*fetch_nodes=*/false);
  if (!g.ok()) return g.status();
  return Size(*g);
}

StatusOr<int64_t> RunSqlite(bool cte, QueryKind kind, const QueryInput& in,
                            const GraphCatalog& catalog, MlmdSqlite* db) {
  constexpr int kAll = MlmdSqlite::kUnbounded;
  switch (kind) {
    case QueryKind::kNeighbors1Hop: {
      if (!cte)
        return Walk(db, false, in.a, 1, LineageDirection::kBidirectional);
      auto r = db->Neighbors(NodeKind::kArtifact, in.a,
                             LineageDirection::kBidirectional);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->size());
    }
    case QueryKind::kSubgraph5Hop:
      return Walk(db, cte, in.a, 5, LineageDirection::kBidirectional);
    case QueryKind::kUpstreamModel:
      return Walk(db, cte, in.a, kAll, LineageDirection::kUpstream);
    case QueryKind::kDownstreamDataset:
      return Walk(db, cte, in.a, kAll, LineageDirection::kDownstream);
    case QueryKind::kDatasetsOfModel: {
      auto r = cte ? db->UpstreamArtifactsOfTypeCte(in.a, catalog.dataset_type)
                   : db->UpstreamArtifactsOfType(in.a, catalog.dataset_type);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->size());
    }
    case QueryKind::kLookupById: {
      auto r = db->GetArtifact(in.a);
      if (!r.ok()) return r.status();
      return r->id == in.a ? 1 : 0;
    }
    case QueryKind::kLookupByTypeName: {
      auto r = db->GetArtifactByTypeAndName(in.type, in.name);
      if (!r.ok()) return r.status();
      return r->id == in.a ? 1 : 0;
    }
    case QueryKind::kIsUpstream: {
      // No reachability primitive: the upstream set of `b`, then membership.
      auto g = cte ? db->UpstreamCte(in.b)
                   : db->Lineage(NodeKind::kArtifact, {in.b}, kAll,
                                 LineageDirection::kUpstream,
                                 /*fetch_nodes=*/false);
      if (!g.ok()) return g.status();
      const auto& ids = g->artifact_ids;
      return in.a != in.b && std::binary_search(ids.begin(), ids.end(), in.a)
                 ? 1
                 : 0;
    }
    case QueryKind::kCacheLookup: {
      auto r = db->FindCachedExecution(in.fingerprint);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->outputs.size());
    }
    case QueryKind::kStaleSteps: {
      auto r = db->StaleSteps(in.a, in.b);
      if (!r.ok()) return r.status();
      return static_cast<int64_t>(r->size());
    }
  }
  return absl::InternalError("unknown query kind");
}

}  // namespace

StatusOr<int64_t> RunQuery(System system, QueryKind kind,
                           const QueryInput& input, const GraphCatalog& catalog,
                           Store* store, MlmdSqlite* db) {
  if (system == System::kLineagedb) {
    return RunLineagedb(kind, input, catalog, store);
  }
  return RunSqlite(system == System::kSqliteCte, kind, input, catalog, db);
}

}  // namespace lineagedb::bench
