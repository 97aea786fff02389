// `lineagedb get`: one artifact, execution or context by id or by type and
// name.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class GetCommand : public Command {
 public:
  std::string_view name() const override { return "get"; }
  std::string_view help() const override {
    return "Show one artifact, execution or context by id or by type+name";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("kind", kind_, "artifact, execution or context")
        ->required();
    AddIdOption(app, "id", &id_, "Node id");
    app->add_option("--type", type_, "Type name (with --name)");
    app->add_option("--name", name_, "Node name (with --type)");
    app->add_option("--type-version", version_, "Type version");
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(NodeKind kind, ParseKind(kind_));
    if ((id_ > 0) == (!type_.empty() || !name_.empty())) {
      return UsageError("give either an id or --type and --name");
    }
    if (id_ <= 0 && (type_.empty() || name_.empty())) {
      return UsageError("--type and --name go together");
    }
    if (id_ > 0 && !version_.empty()) {
      return UsageError("--type-version goes with --type and --name");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    switch (kind) {
      case NodeKind::kArtifact:
        return Show<Artifact>(store.get(), global);
      case NodeKind::kExecution:
        return Show<Execution>(store.get(), global);
      case NodeKind::kContext:
        return Show<Context>(store.get(), global);
    }
    return absl::OkStatus();
  }

 private:
  template <typename N>
  Status Show(Store* store, const GlobalOptions& global) {
    N node;
    if (id_ > 0) {
      ASSIGN_OR_RETURN(std::vector<N> found, store->GetByIds<N>({id_}));
      if (found.empty()) {
        return absl::NotFoundError(
            fmt::format("no {} {}", NodeKindName(N::kKind), id_));
      }
      node = std::move(found[0]);
    } else {
      RETURN_IF_ERROR(CheckTypeExists(store, N::kKind, type_, version_));
      ASSIGN_OR_RETURN(node,
                       store->GetByTypeAndName<N>(type_, name_, version_));
    }
    // A node's contexts; a context's parent and child contexts.
    std::vector<std::pair<std::string_view, std::vector<Context>>> linked;
    TypeVersions versions;
    RETURN_IF_ERROR(versions.Load(store, N::kKind));
    if constexpr (N::kKind != NodeKind::kContext) {
      ASSIGN_OR_RETURN(std::vector<Context> contexts,
                       store->GetContextsOf<N>(node.id));
      linked.emplace_back("context", std::move(contexts));
      RETURN_IF_ERROR(versions.Load(store, NodeKind::kContext));
    } else {
      ASSIGN_OR_RETURN(auto parents, store->GetParentContexts({node.id}));
      ASSIGN_OR_RETURN(auto children, store->GetChildContexts({node.id}));
      linked.emplace_back("parent_context", std::move(parents[node.id]));
      linked.emplace_back("child_context", std::move(children[node.id]));
    }
    if (global.json) {
      JsonWriter json;
      WriteNodeJson(node, &json, versions.Of(node.type_id));
      std::string out = json.str();
      out.pop_back();
      // Adds the linked contexts' ids to the object.
      for (const auto& [name, contexts] : linked) {
        JsonWriter ids;
        ids.BeginArray();
        for (const Context& c : contexts) ids.Int(c.id);
        ids.EndArray();
        out += fmt::format(",\"{}_ids\":{}", name, ids.str());
      }
      std::cout << out << "}\n";
      return absl::OkStatus();
    }
    std::cout << NodeDetailText(node, versions.Of(node.type_id));
    for (const auto& [name, contexts] : linked) {
      for (const Context& c : contexts) {
        std::cout << fmt::format("  {}: {}\n", name,
                                 NodeLine(c, versions.Of(c.type_id)));
      }
    }
    return absl::OkStatus();
  }

  std::string kind_;
  int64_t id_ = 0;
  std::string type_;
  std::string name_;
  std::string version_;
};

}  // namespace

std::unique_ptr<Command> NewGetCommand() {
  return std::make_unique<GetCommand>();
}

}  // namespace lineagedb::cli
