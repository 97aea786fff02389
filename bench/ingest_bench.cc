// Ingest throughput of a TFX-shaped workload (each execution: 3 inputs, 2
// new outputs, 2 contexts, 4 properties per node), WAL on:
//   BM_PutExecution    one atomic PutExecution call per execution
//   BM_BulkWriter      the BulkWriter, batches of 256 KiB, 1 MiB and 16 MiB
//   BM_RawWriteBatch   RocksDB alone, replaying exactly the batches the
//                      BulkWriter wrote (same keys, sizes, order, batches):
//                      the physical limit the BulkWriter is measured against.
// Run: build/bench/ingest_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "lineagedb/bulk_writer.h"
#include "lineagedb/lineagedb.h"
#include "storage/kv.h"
#include "store/store_impl.h"

namespace lineagedb {
namespace {

constexpr int kExecutions = 20000;

class TempStore {
 public:
  TempStore() {
    // $TMPDIR naming a missing folder would throw: /tmp then.
    std::error_code ec;
    std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    path_ = tmp / ("lineagedb_ingest_" + std::to_string(::getpid()) + "_" +
                   std::to_string(counter_++));
    std::filesystem::remove_all(path_);
  }
  ~TempStore() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

struct Workload {
  int64_t artifact_type = 0, execution_type = 0, context_type = 0;
};

Workload PutTypes(Store& store) {
  Workload w;
  Type a{.kind = NodeKind::kArtifact, .name = "Examples"};
  Type e{.kind = NodeKind::kExecution, .name = "Trainer"};
  Type c{.kind = NodeKind::kContext, .name = "pipeline_run"};
  for (Type* t : {&a, &e, &c}) {
    t->properties = {{"span", PropertyKind::kInt},
                     {"split", PropertyKind::kString},
                     {"ratio", PropertyKind::kDouble},
                     {"tag", PropertyKind::kString}};
  }
  w.artifact_type = store.PutType(a).value();
  w.execution_type = store.PutType(e).value();
  w.context_type = store.PutType(c).value();
  return w;
}

PropertyMap Props(int64_t i) {
  return {{"span", i}, {"split", "train"}, {"ratio", 0.8}, {"tag", "v1"}};
}

// Execution i: inputs are 3 outputs of earlier executions (artifact ids are
// dense from 1), outputs are 2 new artifacts; contexts are a pipeline
// context (reused) and a run context per 8 executions.
struct Step {
  Execution execution;
  std::vector<ArtifactAndEvent> pairs;
  std::vector<Context> contexts;
};

Step MakeStep(const Workload& w, int64_t i) {
  Step s;
  s.execution.type_id = w.execution_type;
  s.execution.last_known_state = ExecutionState::kComplete;
  s.execution.properties = Props(i);
  const int64_t produced = 2 * i;  // Artifacts that exist before step i.
  for (int k = 0; k < 3 && k < produced; ++k) {
    ArtifactAndEvent in;
    in.event = Event{.artifact_id = produced - k,
                     .type = EventType::kInput,
                     .path = {PathStep{"examples"}, PathStep{int64_t{k}}}};
    s.pairs.push_back(std::move(in));
  }
  for (int k = 0; k < 2; ++k) {
    Artifact a;
    a.type_id = w.artifact_type;
    a.uri = "s3://bucket/run/" + std::to_string(i) + "/out" + std::to_string(k);
    a.state = ArtifactState::kLive;
    a.properties = Props(i);
    ArtifactAndEvent out;
    out.artifact = std::move(a);
    out.event = Event{.type = EventType::kOutput,
                      .path = {PathStep{"output"}, PathStep{int64_t{k}}}};
    s.pairs.push_back(std::move(out));
  }
  Context pipeline, run;
  pipeline.type_id = run.type_id = w.context_type;
  pipeline.name = "pipeline";
  pipeline.properties = Props(0);
  run.name = "run-" + std::to_string(i / 8);
  run.properties = Props(i / 8);
  s.contexts = {pipeline, run};
  return s;
}

constexpr PutExecutionOptions kReuse{.reuse_context_if_already_exist = true};

void Report(benchmark::State& state, int64_t keys) {
  const int64_t n = state.iterations() * kExecutions;
  state.counters["executions/s"] =
      benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(n * 5, benchmark::Counter::kIsRate);
  if (keys > 0) {
    state.counters["keys/s"] = benchmark::Counter(state.iterations() * keys,
                                                  benchmark::Counter::kIsRate);
  }
}

void BM_PutExecution(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    TempStore dir;
    auto store = std::move(Store::Open(Options{}, dir.path())).value();
    Workload w = PutTypes(*store);
    state.ResumeTiming();
    for (int64_t i = 0; i < kExecutions; ++i) {
      Step s = MakeStep(w, i);
      auto r = store->PutExecution(s.execution, s.pairs, s.contexts, kReuse);
      if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    }
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  Report(state, /*keys=*/0);
}
BENCHMARK(BM_PutExecution)->Unit(benchmark::kMillisecond)->UseRealTime();

// Serialized batches the BulkWriter committed in its last run: the first
// `count` of `batches`. Recording happens inside the BulkWriter's timed
// loop, so the strings keep their buffers from run to run: a record is a
// copy into memory already touched, not a fresh allocation page-faulted in
// (which cost ~100 ms of the writer thread per run).
struct Recording {
  std::vector<std::string> batches;
  size_t count = 0;
  void Add(std::string_view batch) {
    if (count == batches.size()) batches.emplace_back();
    batches[count++].assign(batch);
  }
};
Recording& RecordedBatches() {
  static Recording recording;
  return recording;
}
int64_t recorded_keys = 0;
int64_t recorded_batch_kib = 0;

void BM_BulkWriter(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    TempStore dir;
    auto store = std::move(Store::Open(Options{}, dir.path())).value();
    Workload w = PutTypes(*store);
    RecordedBatches().count = 0;
    store->impl()->kv()->SetBatchObserver(
        [](std::string_view batch) { RecordedBatches().Add(batch); });
    state.ResumeTiming();
    BulkWriterOptions options;
    options.batch_bytes = static_cast<size_t>(state.range(0)) << 10;
    options.put_options = kReuse;
    auto writer = std::move(NewBulkWriter(store.get(), options)).value();
    for (int64_t i = 0; i < kExecutions; ++i) {
      Step s = MakeStep(w, i);
      auto r = writer->Add(s.execution, s.pairs, s.contexts);
      if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    }
    if (Status s = writer->Close(); !s.ok()) {
      return state.SkipWithError(s.ToString().c_str());
    }
    recorded_keys = static_cast<int64_t>(writer->stats().keys);
    recorded_batch_kib = state.range(0);
    state.PauseTiming();
    writer.reset();
    store->impl()->kv()->SetBatchObserver(nullptr);
    store.reset();
    state.ResumeTiming();
  }
  Report(state, recorded_keys);
}

void BM_RawWriteBatch(benchmark::State& state) {
  const Recording& recorded = RecordedBatches();
  if (recorded.count == 0 || recorded_batch_kib != state.range(0)) {
    return state.SkipWithError(
        "run BM_BulkWriter with the same batch size first (it records the "
        "batches)");
  }
  for (auto _ : state) {
    state.PauseTiming();
    TempStore dir;
    auto kv = std::move(storage::Kv::Open(Options{}, dir.path())).value();
    std::vector<std::string> batches(
        recorded.batches.begin(),
        recorded.batches.begin() + static_cast<ptrdiff_t>(recorded.count));
    state.ResumeTiming();
    for (std::string& b : batches) {
      Status s = kv->WriteSerialized(std::move(b), /*sync=*/false);
      if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    }
    state.PauseTiming();
    kv.reset();
    state.ResumeTiming();
  }
  Report(state, recorded_keys);
}
// Each BulkWriter run is followed by the replay of its batches. Argument:
// batch size in KiB.
void BulkThenRaw(int64_t batch_kib) {
  benchmark::RegisterBenchmark("BM_BulkWriter", BM_BulkWriter)
      ->Arg(batch_kib)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_RawWriteBatch", BM_RawWriteBatch)
      ->Arg(batch_kib)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}
[[maybe_unused]] const bool registered = [] {
  for (int64_t kib : {256, 1024, 16384}) BulkThenRaw(kib);
  return true;
}();

}  // namespace
}  // namespace lineagedb

BENCHMARK_MAIN();
