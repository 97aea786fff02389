// `lineagedb path`: one shortest chain of events from X down to Y.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/describe.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class PathCommand : public Command {
 public:
  std::string_view name() const override { return "path"; }
  std::string_view help() const override {
    return "Provenance path: why Y depends on X (shortest chain of events)";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("from", from_, "Upstream node (as for lineage)")
        ->required();
    app->add_option("to", to_, "Downstream node (as for lineage)")->required();
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    ASSIGN_OR_RETURN(NodeRef from, ResolveNode(store.get(), from_));
    ASSIGN_OR_RETURN(NodeRef to, ResolveNode(store.get(), to_));
    if (from == to) {
      return UsageError(
          fmt::format("{} and {} name the same node ({}); a path needs two",
                      from_, to_, RefText(from)));
    }
    StatusOr<ProvenancePath> path = GetProvenancePath(store.get(), from, to);
    if (absl::IsNotFound(path.status())) {
      return absl::NotFoundError(
          fmt::format("{} is not upstream of {}", RefText(from), RefText(to)));
    }
    RETURN_IF_ERROR(path.status());
    ASSIGN_OR_RETURN(NodeInfoMap info, FetchNodeInfo(store.get(), path->nodes));
    if (global.json) {
      std::cout << PathJson(*path, info);
    } else {
      std::cout << fmt::format("path from {} to {} ({} hops):\n", RefText(from),
                               RefText(to), path->events.size())
                << PathText(*path, info);
    }
    return absl::OkStatus();
  }

 private:
  std::string from_;
  std::string to_;
};

}  // namespace

std::unique_ptr<Command> NewPathCommand() {
  return std::make_unique<PathCommand>();
}

}  // namespace lineagedb::cli
