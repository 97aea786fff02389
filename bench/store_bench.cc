// Micro-benchmarks of single store operations.
//   build/bench/store_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "lineagedb/caching.h"
#include "lineagedb/lineage.h"
#include "lineagedb/lineagedb.h"

namespace lineagedb {
namespace {

// A store in a fresh temporary folder, removed on destruction.
class BenchStore {
 public:
  explicit BenchStore(const Options& options = {}) {
    // $TMPDIR naming a missing folder would throw: /tmp then.
    std::error_code ec;
    std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    path_ = tmp / ("lineagedb_bench_" + std::to_string(::getpid()) + "_" +
                   std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    store_ = std::move(Store::Open(options, path_.string())).value();
    Type t{.kind = NodeKind::kArtifact,
           .name = "Examples",
           .properties = {{"span", PropertyKind::kInt},
                          {"split", PropertyKind::kString},
                          {"ratio", PropertyKind::kDouble}}};
    type_id_ = store_->PutType(t).value();
  }
  ~BenchStore() {
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  Store& store() { return *store_; }

  std::vector<Artifact> MakeArtifacts(int n) {
    std::vector<Artifact> out(n);
    for (int i = 0; i < n; ++i) {
      Artifact& a = out[i];
      a.type_id = type_id_;
      a.uri = "s3://bucket/examples/" + std::to_string(next_++);
      a.properties = {{"span", int64_t{i}}, {"split", "train"}, {"ratio", 0.8}};
    }
    return out;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  int64_t type_id_ = 0;
  int64_t next_ = 0;
};

// One Put call of 1,000 artifacts with 3 properties each.
void BM_Put1000Artifacts(benchmark::State& state) {
  BenchStore bs;
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = bs.MakeArtifacts(1000);
    state.ResumeTiming();
    auto ids = bs.store().Put(batch);
    if (!ids.ok()) state.SkipWithError(ids.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Put1000Artifacts)->Unit(benchmark::kMillisecond);

// GetByIds of one random id in a store of range(0) artifacts.
void BM_GetById(benchmark::State& state) {
  BenchStore bs;
  const int n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; i += 1000)
    (void)bs.store().Put(bs.MakeArtifacts(1000));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> pick(1, n);
  for (auto _ : state) {
    auto got = bs.store().GetByIds<Artifact>({pick(rng)});
    if (!got.ok() || got->size() != 1) state.SkipWithError("get failed");
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetById)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// One page of range(1) artifacts listed by type, in a store of range(0).
void BM_ListByType(benchmark::State& state) {
  BenchStore bs;
  const int n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; i += 1000)
    (void)bs.store().Put(bs.MakeArtifacts(1000));
  ListOptions options{.max_result_size = static_cast<int>(state.range(1))};
  for (auto _ : state) {
    auto page =
        bs.store().List<Artifact>(NodeQuery{.type_name = "Examples"}, options);
    if (!page.ok()) state.SkipWithError(page.status().ToString().c_str());
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_ListByType)
    ->Args({10000, 100})
    ->Args({100000, 100})
    ->Args({100000, 1000})
    ->Unit(benchmark::kMicrosecond);

// The first page of 100 artifacts of a filtered list, in a store of
// range(0) (a multiple of 100) artifacts, each attributed to one of 100
// contexts (ctx-0 .. ctx-99) and holding span = its index:
//   0  filter "id > 0": every node matches, one page of records read;
//   1  filter "uri LIKE '%/199__'": the last 100 of 20,000 match, every
//      record read and tested;
//   2  filter "contexts_a.name = 'ctx-7'": every record and its context
//      read and tested;
//   3  NodeQuery::context_id of ctx-7: its attribution index read (the
//      indexed form of 2).
void BM_ListFilter(benchmark::State& state) {
  BenchStore bs;
  Store& store = bs.store();
  const int n = static_cast<int>(state.range(0));
  const int64_t run_type =
      store.PutType(Type{.kind = NodeKind::kContext, .name = "run"}).value();
  std::vector<Context> contexts(100);
  for (int i = 0; i < 100; ++i) {
    contexts[i].type_id = run_type;
    contexts[i].name = "ctx-" + std::to_string(i);
  }
  const std::vector<int64_t> context_ids = store.Put(contexts).value();
  for (int i = 0; i < n; i += 1000) {
    const std::vector<int64_t> ids = store.Put(bs.MakeArtifacts(1000)).value();
    std::vector<Attribution> links;
    for (size_t j = 0; j < ids.size(); ++j) {
      links.push_back({context_ids[(i + j) % 100], ids[j]});
    }
    if (!store.PutAttributionsAndAssociations(links, {}).ok()) {
      state.SkipWithError("attribution failed");
      return;
    }
  }
  NodeQuery query;
  switch (state.range(1)) {
    case 0:
      query.filter = "id > 0";
      break;
    case 1:
      query.filter = "uri LIKE '%/" + std::to_string(n / 100 - 1) + "__'";
      break;
    case 2:
      query.filter = "contexts_a.name = 'ctx-7'";
      break;
    default:
      query.context_id = context_ids[7];
  }
  const ListOptions options{.max_result_size = 100};
  for (auto _ : state) {
    auto page = store.List<Artifact>(query, options);
    if (!page.ok() || page->items.size() != 100) {
      state.SkipWithError("list failed");
      return;
    }
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ListFilter)
    ->ArgsProduct({{20000}, {0, 1, 2, 3, 4, 5}})
    ->Unit(benchmark::kMicrosecond);

// A list whose filter names one of range(0) artifacts (the middle one):
//   0  filter "uri LIKE 'U'" (U its URI): every record read and tested;
//   1  filter "uri = 'U'": the URI index names the candidates;
//   2  filter "id = N": the node read by id;
//   3  NodeQuery::uri U: the URI index, no filter;
//   4  filter "id = N OR id = M" (M the next one's): both read by id;
//   5  NodeQuery::name_prefix "ds-I@" (artifact I is named "ds-I@1"): the
//      name index.
void BM_ListFilterLookup(benchmark::State& state) {
  BenchStore bs;
  Store& store = bs.store();
  const int n = static_cast<int>(state.range(0));
  std::vector<int64_t> ids;
  for (int i = 0; i < n; i += 1000) {
    std::vector<Artifact> batch = bs.MakeArtifacts(1000);
    for (int j = 0; j < 1000; ++j) {
      batch[j].name = "ds-" + std::to_string(i + j) + "@1";
    }
    const std::vector<int64_t> more = store.Put(batch).value();
    ids.insert(ids.end(), more.begin(), more.end());
  }
  const std::string uri = "s3://bucket/examples/" + std::to_string(n / 2);
  NodeQuery query;
  switch (state.range(1)) {
    case 0:
      query.filter = "uri LIKE '" + uri + "'";
      break;
    case 1:
      query.filter = "uri = '" + uri + "'";
      break;
    case 2:
      query.filter = "id = " + std::to_string(ids[n / 2]);
      break;
    case 3:
      query.uri = uri;
      break;
    case 4:
      query.filter = "id = " + std::to_string(ids[n / 2]) +
                     " OR id = " + std::to_string(ids[n / 2 + 1]);
      break;
    default:
      query.name_prefix = "ds-" + std::to_string(n / 2) + "@";
  }
  const size_t found = state.range(1) == 4 ? 2 : 1;
  const ListOptions options{.max_result_size = 100};
  for (auto _ : state) {
    auto page = store.List<Artifact>(query, options);
    if (!page.ok() || page->items.size() != found ||
        page->items[0].id != ids[n / 2]) {
      state.SkipWithError("list failed");
      return;
    }
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_ListFilterLookup)
    ->ArgsProduct({{20000}, {0, 1, 2, 3, 4, 5}})
    ->Unit(benchmark::kMicrosecond);

// One step reading `input` and writing a new artifact; returns its id.
int64_t PutStep(Store& store, int64_t step_type, int64_t artifact_type,
                int64_t input) {
  Execution x;
  x.type_id = step_type;
  Artifact out;
  out.type_id = artifact_type;
  Event in_event, out_event;
  in_event.type = EventType::kInput;
  in_event.artifact_id = input;
  out_event.type = EventType::kOutput;
  auto r = store.PutExecution(x, {{std::nullopt, in_event}, {out, out_event}},
                              {}, {});
  return r.ok() ? r->artifact_ids[1] : 0;
}

// The middle page (of range(0) nodes) of a lineage paged by 100 nodes,
// topology only: resumed from its cursor with no lineage written since
// (range(1) 0), or after a step written elsewhere (1), which makes the page
// check that the walk still begins with the pages before.
void BM_LineageMiddlePage(benchmark::State& state) {
  BenchStore bs;
  Store& store = bs.store();
  const int64_t step =
      store.PutType(Type{.kind = NodeKind::kExecution, .name = "Step"}).value();
  const int64_t data = bs.store().Put(bs.MakeArtifacts(1)).value()[0];
  const int64_t type = store.GetByIds<Artifact>({data}).value()[0].type_id;
  // A root read by range(0) / 4 steps, each output read by one more step.
  const int64_t fan_out = state.range(0) / 4;
  for (int64_t i = 0; i < fan_out; ++i) {
    PutStep(store, step, type, PutStep(store, step, type, data));
  }
  int64_t elsewhere = bs.store().Put(bs.MakeArtifacts(1)).value()[0];
  LineageQuery q;
  q.artifact_ids = {data};
  q.direction = Direction::kDownstream;
  q.max_hops = 4;
  q.fetch_nodes = false;
  q.max_nodes = 100;
  // The cursor of the page before the middle one.
  std::string middle;
  for (int64_t nodes = 0; nodes < state.range(0) / 2; nodes += 100) {
    auto page = GetLineageSubgraph(&store, q);
    if (!page.ok() || !page->partial) {
      state.SkipWithError("paging ended early");
      return;
    }
    q.cursor = middle = page->cursor;
  }
  for (auto _ : state) {
    if (state.range(1) == 1) {
      state.PauseTiming();
      elsewhere = PutStep(store, step, type, elsewhere);
      state.ResumeTiming();
    }
    auto page = GetLineageSubgraph(&store, q);
    if (!page.ok()) state.SkipWithError(page.status().ToString().c_str());
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * q.max_nodes);
}
BENCHMARK(BM_LineageMiddlePage)
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Unit(benchmark::kMicrosecond);

// A small lineage with its records (a chain of range(0) steps downstream of
// one artifact, fetch_nodes): the per-query cost of reading the records from
// the state of the store the walk saw.
void BM_LineageWithRecords(benchmark::State& state) {
  BenchStore bs;
  Store& store = bs.store();
  const int64_t step =
      store.PutType(Type{.kind = NodeKind::kExecution, .name = "Step"}).value();
  const int64_t data = bs.store().Put(bs.MakeArtifacts(1)).value()[0];
  const int64_t type = store.GetByIds<Artifact>({data}).value()[0].type_id;
  int64_t last = data;
  for (int64_t i = 0; i < state.range(0); ++i) {
    last = PutStep(store, step, type, last);
  }
  LineageQuery q;
  q.artifact_ids = {data};
  q.direction = Direction::kDownstream;
  q.max_hops = 2 * static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto graph = GetLineageSubgraph(&store, q);
    if (!graph.ok() || graph->executions.size() != size_t(state.range(0))) {
      state.SkipWithError("wrong lineage");
      return;
    }
    benchmark::DoNotOptimize(graph);
  }
}
BENCHMARK(BM_LineageWithRecords)
    ->Arg(3)
    ->Arg(30)
    ->Unit(benchmark::kMicrosecond);

// A cache lookup of a fingerprint with two COMPLETE executions (the older
// one's output usable) and range(0) recorded hits of the newer one (CACHED
// executions with the same fingerprint), answers not kept:
//   0  the newer one's output usable: the head's answer, one read;
//   1  the newer one's output DELETED: the executions older than the head;
//   2  the newer one FAILED since: no head is known, every execution with
//      the fingerprint is a candidate, newest first.
void BM_CacheLookupPastHits(benchmark::State& state) {
  BenchStore bs(Options{.result_cache_entries = 0});
  Store& store = bs.store();
  const int64_t step =
      store.PutType(Type{.kind = NodeKind::kExecution, .name = "Trainer"})
          .value();
  const std::string fingerprint = "f";
  auto run = [&] {
    Execution x;
    x.type_id = step;
    x.last_known_state = ExecutionState::kComplete;
    x.fingerprint = fingerprint;
    Event out;
    out.type = EventType::kOutput;
    auto r = store.PutExecution(x, {{bs.MakeArtifacts(1)[0], out}}, {}, {});
    return r.value();
  };
  run();
  const PutExecutionResult newer = run();
  for (int64_t i = 0; i < state.range(0); ++i) {
    CacheHit hit;
    hit.cached_execution_id = newer.execution_id;
    hit.execution.type_id = step;
    if (!RecordCacheHit(&store, hit).ok()) {
      state.SkipWithError("RecordCacheHit failed");
      return;
    }
  }
  if (state.range(1) == 1) {
    Artifact a = store.GetByIds<Artifact>({newer.artifact_ids[0]}).value()[0];
    a.state = ArtifactState::kDeleted;
    store.Put(std::vector<Artifact>{a}).value();
  } else if (state.range(1) == 2) {
    Execution x = store.GetByIds<Execution>({newer.execution_id}).value()[0];
    x.last_known_state = ExecutionState::kFailed;
    store.Put(std::vector<Execution>{x}).value();
  }
  const int64_t expected =
      state.range(1) == 0 ? newer.execution_id : newer.execution_id - 1;
  for (auto _ : state) {
    auto found = FindCachedExecution(&store, fingerprint);
    if (!found.ok() || found->execution.id != expected) {
      state.SkipWithError("wrong cache lookup");
      return;
    }
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_CacheLookupPastHits)
    ->ArgsProduct({{2000, 20000}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond);

// GetStaleSteps after new data, in a pipeline Gen -> Train -> Eval whose
// Train ran once and then was a cache hit range(0) times: each hit adds an
// OUTPUT event to the model Eval read.
void BM_StaleStepsPastHits(benchmark::State& state) {
  BenchStore bs;
  Store& store = bs.store();
  const int64_t pipeline_type =
      store.PutType(Type{.kind = NodeKind::kContext, .name = "Pipeline"})
          .value();
  Context pipeline;
  pipeline.type_id = pipeline_type;
  pipeline.name = "p";
  const PutExecutionOptions reuse{.reuse_context_if_already_exist = true};
  auto step = [&](const std::string& name, std::optional<int64_t> input) {
    Execution x;
    x.type_id =
        store.PutType(Type{.kind = NodeKind::kExecution, .name = name}).value();
    x.last_known_state = ExecutionState::kComplete;
    std::vector<ArtifactAndEvent> pairs;
    if (input.has_value()) {
      Event in;
      in.type = EventType::kInput;
      in.artifact_id = *input;
      in.path = {PathStep{std::string("in")}};
      pairs.push_back({std::nullopt, in});
    }
    Event out;
    out.type = EventType::kOutput;
    out.path = {PathStep{std::string("out")}};
    pairs.push_back({bs.MakeArtifacts(1)[0], out});
    return store.PutExecution(x, pairs, {pipeline}, reuse).value();
  };
  const PutExecutionResult gen = step("Gen", std::nullopt);
  const PutExecutionResult train = step("Train", gen.artifact_ids[0]);
  for (int64_t i = 0; i < state.range(0); ++i) {
    CacheHit hit;
    hit.cached_execution_id = train.execution_id;
    hit.execution.type_id =
        store.GetByIds<Execution>({train.execution_id}).value()[0].type_id;
    hit.contexts = {pipeline};
    Event in;
    in.type = EventType::kInput;
    in.artifact_id = gen.artifact_ids[0];
    in.path = {PathStep{std::string("in")}};
    hit.inputs = {in};
    if (!RecordCacheHit(&store, hit).ok()) {
      state.SkipWithError("RecordCacheHit failed");
      return;
    }
  }
  step("Eval", train.artifact_ids[1]);
  const PutExecutionResult newer = step("Gen", std::nullopt);
  for (auto _ : state) {
    auto stale =
        GetStaleSteps(&store, newer.context_ids[0], newer.artifact_ids[0]);
    if (!stale.ok() || stale->stale.size() != 2) {
      state.SkipWithError("wrong stale steps");
      return;
    }
    benchmark::DoNotOptimize(stale);
  }
}
BENCHMARK(BM_StaleStepsPastHits)
    ->Arg(0)
    ->Arg(20000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace lineagedb

BENCHMARK_MAIN();
