// `lineagedb lineage`: the lineage subgraph around a node, as text, JSON,
// DOT or SVG.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class LineageCommand : public Command {
 public:
  std::string_view name() const override { return "lineage"; }
  std::string_view help() const override {
    return "Lineage subgraph of a node (artifact:ID, execution:ID or "
           "NAMESPACE:NAME)";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("node", node_, "Starting node")->required();
    auto* up = app->add_flag("--up", up_, "Upstream only (where it came from)");
    auto* down =
        app->add_flag("--down", down_, "Downstream only (what it affects)");
    auto* both = app->add_flag("--both", both_, "Both directions (default)");
    up->excludes(down)->excludes(both);
    down->excludes(both);
    app->add_option("--hops", hops_, "Maximum hops")->capture_default_str();
    app->add_option("--end", ends_, "Do not walk past this node (repeatable)");
    app->add_flag("--exclude-ending", exclude_ending_,
                  "Leave the ending nodes out of the result");
    app->add_option("--max-nodes", max_nodes_, "Cap on nodes (0 = none)");
    app->add_option("--format", format_, "text, json, dot or svg")
        ->capture_default_str();
    app->add_option("-o,--output", output_, "Write to this file");
  }

  Status Run(const GlobalOptions& global) override {
    std::string format = global.json ? "json" : format_;
    if (format != "text" && format != "json" && format != "dot" &&
        format != "svg") {
      return UsageError("--format must be text, json, dot or svg");
    }
    if (hops_ < 0) return UsageError("--hops must be >= 0");
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    ASSIGN_OR_RETURN(NodeRef start, ResolveNode(store.get(), node_));
    LineageQuery query;
    (start.kind == NodeKind::kArtifact ? query.artifact_ids
                                       : query.execution_ids)
        .push_back(start.id);
    query.max_hops = hops_;
    query.direction = up_     ? Direction::kUpstream
                      : down_ ? Direction::kDownstream
                              : Direction::kBidirectional;
    for (const std::string& end : ends_) {
      ASSIGN_OR_RETURN(NodeRef ref, ResolveNode(store.get(), end));
      (ref.kind == NodeKind::kArtifact ? query.ending_artifact_ids
                                       : query.ending_execution_ids)
          .push_back(ref.id);
    }
    query.include_ending_nodes = !exclude_ending_;
    query.max_nodes = max_nodes_;
    ASSIGN_OR_RETURN(LineageGraph graph,
                     GetLineageSubgraph(store.get(), query));
    const std::vector<NodeRef> starts = {start};
    if (format == "svg") return DotToSvg(GraphDot(graph, starts), output_);
    std::string text;
    if (format == "json") {
      text = GraphJson(graph);
    } else if (format == "dot") {
      text = GraphDot(graph, starts);
    } else {
      const char* dir = up_ ? "upstream" : down_ ? "downstream" : "both ways";
      text = fmt::format("lineage of {}, {}, up to {} hops: ", RefText(start),
                         dir, hops_) +
             GraphText(graph, starts);
    }
    return WriteOutput(output_, text);
  }

 private:
  std::string node_;
  bool up_ = false;
  bool down_ = false;
  bool both_ = false;
  int hops_ = 20;
  std::vector<std::string> ends_;
  bool exclude_ending_ = false;
  size_t max_nodes_ = 0;
  std::string format_ = "text";
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> NewLineageCommand() {
  return std::make_unique<LineageCommand>();
}

}  // namespace lineagedb::cli
