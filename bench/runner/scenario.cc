#include "bench/runner/scenario.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/baseline/mlmd_sqlite.h"
#include "bench/gen/sinks.h"
#include "bench/runner/measure.h"
#include "bench/runner/queries.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/lineagedb.h"
#include "store/store_impl.h"
#include "util/status_macros.h"

namespace lineagedb::bench {
namespace {

namespace fs = std::filesystem;

// Everything one run holds on to between phases.
struct RunState {
  explicit RunState(const RunConfig& c) : config(c) {}
  const RunConfig& config;
  BenchReport report;
  GraphCatalog catalog;
  std::unique_ptr<Store> store;
  std::unique_ptr<baseline::MlmdSqlite> db;
  std::string store_path;
  std::string sqlite_path;
};

// New data spans written before the queries (kStaleSteps' inputs).
constexpr int kNewSpans = 64;

gen::SinkOptions ProgressOptions(Progress* progress) {
  gen::SinkOptions options;
  options.progress_every = 1000;
  options.progress = [progress](const gen::SinkCounts& c) {
    if (!progress->Due()) return;
    progress->Update(absl::StrCat(HumanCount(c.nodes()), " nodes, ",
                                  HumanCount(c.executions), " executions, ",
                                  HumanCount(c.events), " events"));
  };
  return options;
}

IngestResult MakeIngest(std::string system, const gen::SinkCounts& c,
                        double seconds) {
  IngestResult r;
  r.system = std::move(system);
  r.seconds = seconds;
  r.executions_per_s = c.executions / seconds;
  r.events_per_s = c.events / seconds;
  r.nodes_per_s = c.nodes() / seconds;
  return r;
}

Options LineagedbOptions(const RunConfig& config) {
  Options options;  // WAL on, not synced per write (the default).
  // The same memory as SQLite's page cache: 3/4 blocks, 1/4 rows.
  const uint64_t cache_bytes = static_cast<uint64_t>(config.cache_mib) << 20;
  options.block_cache_bytes = cache_bytes - cache_bytes / 4;
  options.row_cache_bytes = cache_bytes / 4;
  if (!config.result_cache) options.result_cache_entries = 0;
  return options;
}

// Opens the store at s.store_path (timed: the index is built or loaded) and
// waits for its compactions; records the index's size.
Status OpenLineagedb(RunState& s, std::string_view phase) {
  const Clock::time_point open_start = Clock::now();
  ASSIGN_OR_RETURN(s.store,
                   Store::Open(LineagedbOptions(s.config), s.store_path));
  s.report.index_build_s = SecondsSince(open_start);
  s.report.phases.emplace_back(std::string(phase), s.report.index_build_s);
  const Clock::time_point resettle_start = Clock::now();
  RETURN_IF_ERROR(s.store->impl()->kv()->WaitForCompactions());
  s.report.phases.emplace_back("settle lineagedb after reopen",
                               SecondsSince(resettle_start));
  if (auto index = s.store->impl()->graph_index()) {
    s.report.index_bytes = static_cast<int64_t>(index->memory_bytes());
    s.report.index_edges = static_cast<int64_t>(index->edges());
  }
  return absl::OkStatus();
}

void SetCounts(const gen::SinkCounts& counts, RunState& s) {
  s.report.nodes = counts.nodes();
  s.report.executions = counts.executions;
  s.report.artifacts = counts.artifacts;
  s.report.contexts = counts.contexts;
  s.report.pipelines = static_cast<int64_t>(s.catalog.pipelines.size());
  s.report.events = counts.events;
}

// The last generated artifact of the catalog is the kept stores' artifact
// of that id, name and type, and the new spans follow it in lineagedb.
Status CheckKeptStores(RunState& s) {
  const int64_t last = s.catalog.artifacts();
  const std::string& type =
      s.catalog.artifact_types[s.catalog.artifact_type[last - 1]];
  auto refuse = [&](const char* system) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the kept ", system, " store is not this graph: its artifact ", last,
        " is not ", type, " ", ArtifactName(last),
        " (another scenario, seed or pipelines?)"));
  };
  ASSIGN_OR_RETURN(std::vector<Artifact> found,
                   s.store->GetByIds<Artifact>({last}));
  if (found.empty() || found[0].name != ArtifactName(last) ||
      found[0].type != type) {
    return refuse("lineagedb");
  }
  if (s.db != nullptr) {
    StatusOr<Artifact> a = s.db->GetArtifact(last);
    if (!a.ok() || a->name != ArtifactName(last)) return refuse("SQLite");
  }
  return RecoverNewSpans(s.store.get(), &s.catalog, kNewSpans);
}

// --reuse-data: opens the stores a kept run left, and rebuilds the catalog
// by running the same generator without writing.
Status OpenKeptStores(RunState& s) {
  for (const auto& [path, what] :
       {std::pair{s.store_path, "lineagedb"}, {s.sqlite_path, "SQLite"}}) {
    if (path == s.sqlite_path && s.config.skip_baselines) continue;
    if (!fs::exists(path)) {
      return absl::NotFoundError(absl::StrCat(
          "no kept ", what, " store at ", path,
          " (run the same scenario, --pipelines and --skip-baselines with "
          "--keep-data first)"));
    }
  }
  RETURN_IF_ERROR(OpenLineagedb(s, "open lineagedb (index)"));
  if (!s.config.skip_baselines) {
    baseline::MlmdSqliteOptions options;
    options.cache_kib = s.config.cache_mib * 1024;
    ASSIGN_OR_RETURN(s.db, baseline::MlmdSqlite::Open(s.sqlite_path, options));
  }
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(auto inner,
                   NewScenarioGenerator(s.config.scenario, s.config.seed));
  NamingGenerator gen(std::move(inner), s.config.scenario.shape, &s.catalog);
  std::vector<int64_t> type_ids;
  for (const Type& type : gen.inner()->Types()) {
    ASSIGN_OR_RETURN(Type stored,
                     s.store->GetType(type.kind, type.name, type.version));
    type_ids.push_back(stored.id);
  }
  RETURN_IF_ERROR(gen.inner()->BindTypeIds(type_ids));
  gen::GenStep step;
  while (gen.Next(&step)) {
  }
  const gen::GenStats stats = gen.stats();
  gen::SinkCounts counts;
  counts.executions = stats.executions;
  counts.artifacts = stats.artifacts;
  counts.events = stats.events;
  counts.contexts = stats.contexts;
  SetCounts(counts, s);
  s.report.phases.emplace_back("catalog (generator, no writes)",
                               SecondsSince(start));
  return CheckKeptStores(s);
}

Status IngestLineagedb(RunState& s) {
  Progress progress("ingest lineagedb", 3.0, s.config.progress);
  ASSIGN_OR_RETURN(auto inner,
                   NewScenarioGenerator(s.config.scenario, s.config.seed));
  NamingGenerator gen(std::move(inner), s.config.scenario.shape, &s.catalog);
  const Options options = LineagedbOptions(s.config);
  ASSIGN_OR_RETURN(s.store, Store::Open(options, s.store_path));
  const Clock::time_point start = Clock::now();
  RETURN_IF_ERROR(gen::PutTypes(gen.inner(), s.store.get()));
  ASSIGN_OR_RETURN(gen::SinkCounts counts,
                   gen::RunIntoBulkWriter(&gen, s.store.get(), {},
                                          ProgressOptions(&progress)));
  const double seconds = SecondsSince(start);
  s.report.phases.emplace_back("ingest lineagedb", seconds);
  SetCounts(counts, s);
  IngestResult r = MakeIngest("lineagedb", counts, seconds);

  const Clock::time_point flush_start = Clock::now();
  RETURN_IF_ERROR(s.store->impl()->kv()->Flush());
  r.disk_bytes = static_cast<int64_t>(s.store->impl()->kv()->DiskBytes());
  s.report.phases.emplace_back("flush lineagedb", SecondsSince(flush_start));
  s.report.ingest.push_back(r);
  // Queries run on a settled store, as a long-lived store is, not under the
  // compactions the bulk ingest left pending.
  const Clock::time_point settle_start = Clock::now();
  RETURN_IF_ERROR(s.store->impl()->kv()->WaitForCompactions());
  s.report.phases.emplace_back("settle lineagedb (compactions)",
                               SecondsSince(settle_start));
  progress.Print(absl::StrCat("done: ", HumanCount(counts.nodes()),
                              " nodes in ", seconds, " s"));

  // Reopening loads the index snapshot saved at close (or rebuilds it).
  s.store.reset();
  return OpenLineagedb(s, "reopen lineagedb (index build)");
}

Status IngestSqlite(RunState& s) {
  Progress progress("ingest sqlite", 3.0, s.config.progress);
  ASSIGN_OR_RETURN(auto inner,
                   NewScenarioGenerator(s.config.scenario, s.config.seed));
  NamingGenerator gen(std::move(inner), s.config.scenario.shape, nullptr);
  baseline::MlmdSqliteOptions options;
  options.cache_kib = s.config.cache_mib * 1024;
  options.executions_per_transaction = s.config.sqlite_batch;
  ASSIGN_OR_RETURN(s.db, baseline::MlmdSqlite::Open(s.sqlite_path, options));
  const Clock::time_point start = Clock::now();
  RETURN_IF_ERROR(gen::PutTypes(gen.inner(), s.db.get()));
  ASSIGN_OR_RETURN(
      gen::SinkCounts counts,
      gen::RunIntoMlmdSqlite(&gen, s.db.get(), ProgressOptions(&progress)));
  const double seconds = SecondsSince(start);
  s.report.phases.emplace_back("ingest sqlite", seconds);
  if (counts.nodes() != s.report.nodes || counts.events != s.report.events) {
    return absl::InternalError("the SQLite graph differs from lineagedb's");
  }
  IngestResult r = MakeIngest("sqlite", counts, seconds);
  r.executions_per_transaction = s.config.sqlite_batch;
  r.disk_bytes = PathBytes(s.sqlite_path) + PathBytes(s.sqlite_path + "-wal");
  s.report.ingest.push_back(r);
  progress.Print(absl::StrCat("done: ", HumanCount(counts.nodes()),
                              " nodes in ", seconds, " s"));
  return absl::OkStatus();
}

// One timed pass over `inputs` on one system, appending to r->latency's
// source `latencies`. `sizes` holds lineagedb's answer sizes: filled when
// `system` is lineagedb, compared against otherwise.
Status TimePass(RunState& s, QueryKind kind, System system,
                const std::vector<QueryInput>& inputs,
                std::vector<int64_t>* sizes, Progress* progress,
                Clock::time_point start, QueryResult* r,
                std::vector<int64_t>* latencies, double* total_size) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Clock::time_point t0 = Clock::now();
    StatusOr<int64_t> size =
        RunQuery(system, kind, inputs[i], s.catalog, s.store.get(), s.db.get());
    const Clock::time_point t1 = Clock::now();
    if (!size.ok()) {
      return absl::Status(size.status().code(),
                          absl::StrCat(r->kind, " on ", r->system, ": ",
                                       size.status().message()));
    }
    latencies->push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    *total_size += static_cast<double>(*size);
    if (system == System::kLineagedb) {
      sizes->push_back(*size);
    } else if (i < sizes->size() && (*sizes)[i] != *size) {
      ++r->mismatches;
      if (s.report.mismatch_examples.size() < 10) {
        s.report.mismatch_examples.push_back(absl::StrCat(
            r->kind, " a=", inputs[i].a, " b=", inputs[i].b, ": lineagedb ",
            (*sizes)[i], ", ", r->system, " ", *size));
      }
    }
    if (progress->Due()) {
      progress->Update(absl::StrCat(r->kind, " / ", r->system, ": ", i + 1, "/",
                                    inputs.size()));
    }
    if (SecondsSince(start) > s.config.budget_s && i + 1 < inputs.size()) {
      r->truncated = true;
      break;
    }
  }
  return absl::OkStatus();
}

// Times `inputs` (after `warmup` untimed ones) on one system, config.passes
// times over the same inputs; the last pass is reported, so earlier passes
// warm the caches. Sizes and mismatches as TimePass.
StatusOr<QueryResult> TimeQueries(RunState& s, QueryKind kind, System system,
                                  const std::vector<QueryInput>& warmup,
                                  const std::vector<QueryInput>& inputs,
                                  std::vector<int64_t>* sizes,
                                  Progress* progress) {
  QueryResult r;
  r.kind = QueryKindName(kind);
  r.title = QueryKindTitle(kind);
  r.system = SystemName(system);
  for (const QueryInput& in : warmup) {
    RETURN_IF_ERROR(
        RunQuery(system, kind, in, s.catalog, s.store.get(), s.db.get())
            .status());
  }
  std::vector<int64_t> latencies;
  double total_size = 0;
  const Clock::time_point start = Clock::now();
  for (int pass = 0; pass < s.config.passes && !r.truncated; ++pass) {
    r.pass = pass + 1;
    latencies.clear();
    total_size = 0;
    r.mismatches = 0;
    if (system == System::kLineagedb) sizes->clear();
    RETURN_IF_ERROR(TimePass(s, kind, system, inputs, sizes, progress, start,
                             &r, &latencies, &total_size));
    if (pass == 0 && s.config.passes > 1) {
      r.first_pass_p50_us = Summarize(latencies).p50_us;
    }
  }
  r.mean_result_size = latencies.empty()
                           ? 0
                           : total_size / static_cast<double>(latencies.size());
  std::vector<int64_t> by_answer[2];        // Empty, found.
  if (sizes->size() == latencies.size()) {  // No pass cut short.
    for (size_t i = 0; i < latencies.size(); ++i) {
      by_answer[(*sizes)[i] > 0].push_back(latencies[i]);
    }
  }
  if (!by_answer[0].empty() && !by_answer[1].empty()) {
    r.empty_answers = Summarize(std::move(by_answer[0]));
    r.found_answers = Summarize(std::move(by_answer[1]));
  }
  r.latency = Summarize(std::move(latencies));
  return r;
}

Status RunQueries(RunState& s) {
  Progress progress("queries", 3.0, s.config.progress);
  const Clock::time_point start = Clock::now();
  int kind_index = 0;
  for (QueryKind kind : AllQueryKinds()) {
    // One stream per kind, so that adding a kind leaves the others' inputs
    // unchanged.
    gen::Rng rng(s.config.seed * 1000003 + static_cast<uint64_t>(++kind_index));
    ASSIGN_OR_RETURN(std::vector<QueryInput> all,
                     SampleInputs(kind, s.catalog, s.store.get(), rng,
                                  s.config.warmup + s.config.queries));
    if (all.empty()) continue;  // Nothing to ask this graph.
    const std::vector<QueryInput> warmup(all.begin(),
                                         all.begin() + s.config.warmup);
    const std::vector<QueryInput> timed(all.begin() + s.config.warmup,
                                        all.end());
    std::vector<int64_t> sizes;
    for (System system : AllSystems()) {
      if (system != System::kLineagedb &&
          (s.config.skip_baselines || !Supports(system, kind))) {
        continue;
      }
      ASSIGN_OR_RETURN(QueryResult r, TimeQueries(s, kind, system, warmup,
                                                  timed, &sizes, &progress));
      s.report.results.push_back(std::move(r));
    }
  }
  s.report.phases.emplace_back("queries", SecondsSince(start));
  return absl::OkStatus();
}

}  // namespace

StatusOr<BenchReport> RunScenario(const RunConfig& config) {
  if (config.queries < 1 || config.warmup < 0 || config.passes < 1) {
    return absl::InvalidArgumentError(
        "queries and passes must be >= 1, warmup >= 0");
  }
  RunState s(config);
  s.catalog.fingerprint_sample =
      FingerprintSample(config.scenario.target_nodes);
  // A reuse run's results go beside the kept run's, not over them.
  // A graph of given pipelines is another graph: its stores and results
  // are named apart.
  const std::string name =
      config.scenario.pipelines > 0
          ? absl::StrCat(config.scenario.name, "-p", config.scenario.pipelines)
          : config.scenario.name;
  s.report.scenario = config.reuse_data ? absl::StrCat(name, "-reused") : name;
  s.report.cache_mib = config.cache_mib;
  s.report.result_cache = config.result_cache;
  s.report.passes = config.passes;
  s.report.shape = ShapeName(config.scenario.shape);
  s.report.seed = config.seed;
  s.report.queries = config.queries;
  const fs::path data = fs::path(config.out_dir) / name;
  s.store_path = (data / "lineagedb").string();
  s.sqlite_path = (data / "mlmd.sqlite").string();
  std::error_code ec;
  if (config.reuse_data) {
    RETURN_IF_ERROR(OpenKeptStores(s));
  } else {
    fs::remove_all(data, ec);
    fs::create_directories(data, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("cannot create ", data.string(), ": ", ec.message()));
    }
    RETURN_IF_ERROR(IngestLineagedb(s));
    if (!config.skip_baselines) RETURN_IF_ERROR(IngestSqlite(s));
  }
  // A reuse run writes nothing: its spans are the kept run's.
  if (!config.reuse_data) {
    RETURN_IF_ERROR(
        AddNewSpans(s.store.get(), s.db.get(), &s.catalog, kNewSpans));
  }
  // Both systems start their queries from a warm OS page cache: the store
  // ingested first would otherwise have been evicted by the later ingest.
  const Clock::time_point warm_start = Clock::now();
  ReadThrough(data.string());
  s.report.phases.emplace_back("read stores into the OS cache",
                               SecondsSince(warm_start));
  RETURN_IF_ERROR(RunQueries(s));
  s.report.peak_rss_bytes = PeakRssBytes();
  s.report.anon_rss_bytes = AnonRssBytes();

  s.store.reset();
  s.db.reset();
  if (!config.keep_data && !config.reuse_data) fs::remove_all(data, ec);
  return std::move(s.report);
}

}  // namespace lineagedb::bench
