// `lineagedb impact`: everything downstream of a node, by distance.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/describe.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class ImpactCommand : public Command {
 public:
  std::string_view name() const override { return "impact"; }
  std::string_view help() const override {
    return "Everything downstream of a node (what a change to it affects)";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("node", node_, "Starting node (as for lineage)")
        ->required();
    HopLimit(app->add_option("--hops", hops_, "Maximum hops, -1 = no limit")
                 ->capture_default_str());
    app->add_option("--artifact-type", artifact_types_,
                    "Only artifacts of this type (repeatable)")
        ->allow_extra_args(false);
    app->add_option("--execution-type", execution_types_,
                    "Only executions of this type (repeatable)")
        ->allow_extra_args(false);
    app->add_flag("--artifacts-only", artifacts_only_, "Skip executions");
    NotNegative(app->add_option("--max-listed", max_listed_,
                                "List a hop's nodes when at most this many, "
                                "else count them by type"))
        ->capture_default_str();
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    ASSIGN_OR_RETURN(NodeRef start, ResolveNode(store.get(), node_));
    RETURN_IF_ERROR(
        CheckTypeNamesExist(store.get(), NodeKind::kArtifact, artifact_types_));
    RETURN_IF_ERROR(CheckTypeNamesExist(store.get(), NodeKind::kExecution,
                                        execution_types_));
    AncestryQuery query;
    query.start = start;
    query.direction = Direction::kDownstream;
    query.max_hops = hops_;
    query.artifact_types = artifact_types_;
    query.execution_types = execution_types_;
    query.artifacts_only = artifacts_only_;
    ASSIGN_OR_RETURN(std::vector<AncestryEntry> entries,
                     GetAncestry(store.get(), query));
    std::vector<NodeRef> refs = {start};
    for (const AncestryEntry& e : entries) refs.push_back(e.node);
    ASSIGN_OR_RETURN(NodeInfoMap info, FetchNodeInfo(store.get(), refs));
    if (global.json) {
      std::cout << AncestryJson(start, entries, info);
      return absl::OkStatus();
    }
    std::cout << fmt::format("downstream of {}: {} nodes\n",
                             Describe(start, info, true), entries.size())
              << AncestryText(entries, info, max_listed_);
    return absl::OkStatus();
  }

 private:
  std::string node_;
  int hops_ = -1;
  std::vector<std::string> artifact_types_;
  std::vector<std::string> execution_types_;
  bool artifacts_only_ = false;
  size_t max_listed_ = 6;
};

}  // namespace

std::unique_ptr<Command> NewImpactCommand() {
  return std::make_unique<ImpactCommand>();
}

}  // namespace lineagedb::cli
