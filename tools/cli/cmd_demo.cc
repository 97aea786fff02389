// `lineagedb demo`: builds a store with a realistic history (TFX-shaped
// pipelines through the bulk writer, plus Marquez's food_delivery
// OpenLineage events) and answers lineage questions on it with real output.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <set>

#ifdef LINEAGEDB_CLI_HAVE_GEN
#include "bench/gen/generator.h"
#include "bench/gen/sinks.h"
#endif
#include "fmt/format.h"
#include "lineagedb/openlineage.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/demo_pipeline.h"
#include "tools/cli/describe.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kFoodDeliveryTarget[] =
    "food_delivery:public.popular_orders_day_of_week";
// A source table of food_delivery, upstream of most of the others.
constexpr char kFoodDeliverySource[] = "food_delivery:public.menus";
// The demo's largest history: a few minutes; lineage_gen makes larger ones.
constexpr int64_t kMaxRuns = 100'000;

void Section(int n, std::string_view title) {
  std::cout << fmt::format("\n== {}. {} ==\n", n, title);
}

// The newest (highest id) artifact of `type`, the oldest if !newest, or
// NOT_FOUND.
StatusOr<Artifact> Newest(Store* store, std::string_view type, bool newest) {
  NodeQuery query;
  query.type_name = std::string(type);
  ListOptions options;
  options.max_result_size = 1;
  options.ascending = !newest;
  ASSIGN_OR_RETURN(Page<Artifact> page, store->List<Artifact>(query, options));
  if (page.items.empty()) {
    return absl::NotFoundError(fmt::format("no {} artifact", type));
  }
  return page.items[0];
}

class DemoCommand : public Command {
 public:
  std::string_view name() const override { return "demo"; }
  std::string_view help() const override {
    return "Build a demo store (default ./demo-store, wiped first) and answer "
           "lineage questions on it";
  }
  void AddOptions(CLI::App* app) override {
    CLI::Option* small =
        app->add_flag("--small", small_, "10 runs per pipeline (fast)");
    app->add_option("--pipelines", pipelines_, "TFX pipelines")
        ->capture_default_str();
    app->add_option("--runs", runs_, "Runs per pipeline")
        ->capture_default_str()
        ->excludes(small);
    app->add_option("--data", data_,
                    "OpenLineage events to ingest (default: the project's "
                    "tests/data/openlineage/marquez_food_delivery.json)");
  }

  Status Run(const GlobalOptions& global) override {
    dir_ = global.store_given ? global.store : "./demo-store";
    if (small_) runs_ = 10;
    if (pipelines_ < 1 || runs_ < 1) {
      return UsageError("--pipelines and --runs must be at least 1");
    }
    if (pipelines_ > kMaxRuns || runs_ > kMaxRuns / pipelines_) {
      return UsageError(fmt::format(
          "the demo makes at most {} runs (--pipelines x --runs); lineage_gen "
          "and lineage_bench make larger histories",
          kMaxRuns));
    }
    if (global.json) {
      return UsageError(
          "the demo prints a report for people and has no --json output; "
          "query its store with --json instead");
    }
    if (!data_.empty()) RETURN_IF_ERROR(CheckInput(data_));
    RETURN_IF_ERROR(Store::Destroy(dir_));
    GlobalOptions options = global;
    options.store = dir_;
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(options, /*create=*/true));
    store_ = store.get();
    std::cout << fmt::format("lineagedb demo: store {} (wiped first)\n", dir_);
    RETURN_IF_ERROR(GenerateTfx());
    RETURN_IF_ERROR(IngestOpenLineage());
    RETURN_IF_ERROR(LatestPushedModel());
    RETURN_IF_ERROR(DatasetImpact());
    RETURN_IF_ERROR(FoodDeliveryUpstream());
    RETURN_IF_ERROR(Picture());
    ASSIGN_OR_RETURN(const int64_t trainer, DemoCacheHit(store_, 8));
    RETURN_IF_ERROR(DemoStaleSteps(store_, 9));
    std::cout << fmt::format(
        "\nTry next:\n"
        "  lineagedb --store {0} stats\n"
        "  lineagedb --store {0} lineage artifact:{1} --up --hops 4\n"
        "  lineagedb --store {0} impact {2}\n"
        "  lineagedb --store {0} cache lookup --execution {3} "
        "--code-version {4}\n"
        "  lineagedb --store {0} check\n",
        dir_, latest_model_, impact_example_, trainer, kDemoTrainerVersion);
    return absl::OkStatus();
  }

 private:
  Status GenerateTfx() {
    Section(1, "A realistic ML history: TFX pipelines through the bulk writer");
#ifndef LINEAGEDB_CLI_HAVE_GEN
    return absl::FailedPreconditionError(
        "the demo needs the lineage-bench generators: build with "
        "LINEAGEDB_BUILD_BENCH=ON");
#else
    gen::TfxOptions tfx;
    tfx.pipelines = pipelines_;
    tfx.runs_per_pipeline = runs_;
    ASSIGN_OR_RETURN(std::unique_ptr<gen::Generator> generator,
                     gen::NewTfxGenerator(tfx));
    const double start = NowSeconds();
    ASSIGN_OR_RETURN(gen::SinkCounts counts,
                     gen::RunIntoBulkWriter(generator.get(), store_));
    const double seconds = std::max(NowSeconds() - start, 1e-6);
    std::cout << fmt::format(
        "{} pipelines x {} runs: {} executions, {} artifacts, {} events, {} "
        "contexts\n",
        pipelines_, runs_, counts.executions, counts.artifacts, counts.events,
        counts.contexts);
    std::cout << fmt::format(
        "ingested in {:.3f} s: {:.0f} executions/s, {:.0f} events/s\n", seconds,
        counts.executions / seconds, counts.events / seconds);
    return absl::OkStatus();
#endif
  }

  Status IngestOpenLineage() {
    Section(2, data_.empty()
                   ? "OpenLineage events from Marquez's food_delivery example"
                   : "OpenLineage events");
    std::string path = data_;
#ifdef LINEAGEDB_SOURCE_DIR
    if (path.empty()) {
      path = std::string(LINEAGEDB_SOURCE_DIR) +
             "/tests/data/openlineage/marquez_food_delivery.json";
    }
#endif
    std::error_code ec;
    if (path.empty() || !fs::exists(path, ec)) {
      std::cout << fmt::format("skipped: no events file at '{}' (use --data)\n",
                               path);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::string doc, ReadInput(path));
    const double start = NowSeconds();
    ASSIGN_OR_RETURN(std::unique_ptr<OpenLineageIngester> ingester,
                     NewOpenLineageIngester(store_));
    RETURN_IF_ERROR(ingester->IngestDocument(doc, path));
    RETURN_IF_ERROR(ingester->Finish());
    const double seconds = std::max(NowSeconds() - start, 1e-6);
    const OpenLineageSummary& s = ingester->summary();
    std::cout << fmt::format("{}\n", fs::path(path).filename().string());
    std::cout << fmt::format("{} ({:.3f} s, {:.0f} events/s)\n", SummaryText(s),
                             seconds, s.events / seconds);
    have_openlineage_ = s.events > 0;
    return absl::OkStatus();
  }

  Status LatestPushedModel() {
    Section(3, "Where did the latest pushed model come from?");
    ASSIGN_OR_RETURN(Artifact pushed, Newest(store_, "PushedModel", true));
    ASSIGN_OR_RETURN(Artifact model, Newest(store_, "Model", true));
    latest_model_ = model.id;
    AncestryQuery query;
    query.start = {NodeKind::kArtifact, pushed.id};
    query.direction = Direction::kUpstream;
    ASSIGN_OR_RETURN(std::vector<AncestryEntry> entries,
                     GetAncestry(store_, query));
    std::vector<NodeRef> refs = {query.start};
    for (const AncestryEntry& e : entries) refs.push_back(e.node);
    ASSIGN_OR_RETURN(NodeInfoMap info, FetchNodeInfo(store_, refs));
    std::cout << fmt::format(
        "latest PushedModel: {}\n{} nodes upstream, by distance "
        "(GetAncestry upstream):\n",
        Describe(query.start, info, true), entries.size());
    std::cout << AncestryText(entries, info, 4);
    return absl::OkStatus();
  }

  Status DatasetImpact() {
    Section(4, "Which models does a dataset affect?");
    // Among the earliest Examples, the one that feeds the most models.
    NodeQuery examples;
    examples.type_name = "Examples";
    ListOptions first;
    first.max_result_size = 20;
    ASSIGN_OR_RETURN(Page<Artifact> early,
                     store_->List<Artifact>(examples, first));
    if (early.items.empty()) return absl::NotFoundError("no Examples");
    NodeRef start;
    std::vector<AncestryEntry> models;
    for (const Artifact& candidate : early.items) {
      AncestryQuery query;
      query.start = {NodeKind::kArtifact, candidate.id};
      query.direction = Direction::kDownstream;
      query.artifact_types = {"Model"};
      query.artifacts_only = true;
      ASSIGN_OR_RETURN(std::vector<AncestryEntry> found,
                       GetAncestry(store_, query));
      if (start.id == 0 || found.size() > models.size()) {
        start = query.start;
        models = std::move(found);
      }
    }
    std::vector<NodeRef> refs = {start};
    for (const AncestryEntry& e : models) refs.push_back(e.node);
    ASSIGN_OR_RETURN(NodeInfoMap info, FetchNodeInfo(store_, refs));
    std::cout << fmt::format(
        "dataset: {}\n(of the first {} Examples, the one that feeds the most "
        "models)\n{} models downstream (GetAncestry downstream, Model types "
        "only):\n",
        Describe(start, info, true), early.items.size(), models.size());
    std::cout << AncestryText(models, info, 8);
    if (models.empty()) return absl::OkStatus();
    Section(5, "Why does the newest of those models depend on the dataset?");
    const NodeRef model = models.back().node;
    ASSIGN_OR_RETURN(ProvenancePath path,
                     GetProvenancePath(store_, start, model));
    ASSIGN_OR_RETURN(NodeInfoMap path_info, FetchNodeInfo(store_, path.nodes));
    std::cout << fmt::format("provenance path, {} hops (GetProvenancePath):\n",
                             path.events.size())
              << PathText(path, path_info);
    return absl::OkStatus();
  }

  // The upstream of food_delivery's last table, or with other events
  // (--data) of the dataset stored last.
  Status FoodDeliveryUpstream() {
    if (!have_openlineage_) {
      Section(6, "Upstream of an OpenLineage dataset");
      std::cout << "skipped: no OpenLineage events were ingested\n";
      return absl::OkStatus();
    }
    StatusOr<NodeRef> found = ResolveNode(store_, kFoodDeliveryTarget);
    if (absl::IsNotFound(found.status())) {
      ASSIGN_OR_RETURN(Artifact last, Newest(store_, kDatasetType, true));
      found = NodeRef{NodeKind::kArtifact, last.id};
      // The dataset stored first: more likely a source, with a downstream.
      ASSIGN_OR_RETURN(Artifact first, Newest(store_, kDatasetType, false));
      impact_example_ = fmt::format("artifact:{}", first.id);
      Section(6, fmt::format("Upstream of {}", Printable(last.name)));
    } else {
      impact_example_ = kFoodDeliverySource;
      Section(6, fmt::format("Upstream of {}", kFoodDeliveryTarget));
    }
    ASSIGN_OR_RETURN(NodeRef target, std::move(found));
    AncestryQuery query;
    query.start = target;
    query.direction = Direction::kUpstream;
    ASSIGN_OR_RETURN(std::vector<AncestryEntry> entries,
                     GetAncestry(store_, query));
    std::vector<int64_t> run_ids, dataset_ids;
    for (const AncestryEntry& e : entries) {
      (e.node.kind == NodeKind::kExecution ? run_ids : dataset_ids)
          .push_back(e.node.id);
    }
    ASSIGN_OR_RETURN(std::vector<Execution> runs,
                     store_->GetByIds<Execution>(run_ids));
    ASSIGN_OR_RETURN(std::vector<Artifact> datasets,
                     store_->GetByIds<Artifact>(dataset_ids));
    std::set<std::string> jobs;
    for (const Execution& run : runs) {
      auto it = run.properties.find("job_name");
      jobs.insert(it != run.properties.end() ? ValueText(it->second)
                                             : run.name);
    }
    std::cout << fmt::format("{} runs of {} jobs, {} datasets upstream:\n",
                             runs.size(), jobs.size(), datasets.size());
    std::cout << "  jobs:    ";
    std::string sep;
    for (const std::string& job : jobs) {
      std::cout << sep << job;
      sep = ", ";
    }
    std::cout << "\n  datasets:";
    sep = " ";
    for (const Artifact& d : datasets) {
      std::cout << sep << d.name;
      sep = ", ";
    }
    std::cout << "\n";
    return absl::OkStatus();
  }

  Status Picture() {
    Section(7, "A picture of the latest model's lineage");
    LineageQuery query;
    query.artifact_ids = {latest_model_};
    query.direction = Direction::kUpstream;
    ASSIGN_OR_RETURN(LineageGraph graph, GetLineageSubgraph(store_, query));
    const std::string dot =
        GraphDot(graph, {{NodeKind::kArtifact, latest_model_}});
    const bool svg = HaveDot();
    const std::string path =
        (fs::path(dir_) /
         (svg ? "latest_model_lineage.svg" : "latest_model_lineage.dot"))
            .string();
    if (svg) {
      RETURN_IF_ERROR(DotToSvg(dot, path));
    } else {
      RETURN_IF_ERROR(WriteOutput(path, dot));
      std::cout << "(graphviz `dot` is not installed: wrote DOT, not SVG)\n";
    }
    std::cout << fmt::format("upstream of artifact:{}: {} nodes, {} events\n",
                             latest_model_, graph.nodes.size(),
                             graph.events.size());
    std::cout << fmt::format("wrote {}\n", path);
    return absl::OkStatus();
  }

  bool small_ = false;
  int64_t pipelines_ = 3;
  int64_t runs_ = 100;
  std::string data_;
  std::string dir_;
  Store* store_ = nullptr;
  bool have_openlineage_ = false;
  int64_t latest_model_ = 0;
  // A node for "Try next" to show `impact` on: a source of the OpenLineage
  // datasets, else the first artifact (an early Examples).
  std::string impact_example_ = "artifact:1";
};

}  // namespace

std::unique_ptr<Command> NewDemoCommand() {
  return std::make_unique<DemoCommand>();
}

}  // namespace lineagedb::cli
