// `lineagedb diff`: how the upstream lineage of two artifacts differs.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "fmt/format.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/describe.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

// "A -> B": "(absent)" for a property one side lacks, "" for an empty
// value; values that read alike (the string "1" and the int 1) with their
// kinds.
std::string ChangeText(const PropertyChange& c) {
  std::string text[2];
  const std::optional<Value>* values[2] = {&c.value_a, &c.value_b};
  for (int i = 0; i < 2; ++i) {
    if (!values[i]->has_value()) {
      text[i] = "(absent)";
    } else {
      const std::string value = ValueText(**values[i]);
      text[i] = value.empty() ? "\"\"" : Printable(value);
    }
  }
  if (c.value_a.has_value() && c.value_b.has_value() && text[0] == text[1]) {
    text[0] += fmt::format(" ({})", PropertyKindName(c.value_a->kind()));
    text[1] += fmt::format(" ({})", PropertyKindName(c.value_b->kind()));
  }
  return text[0] + " -> " + text[1];
}

class DiffCommand : public Command {
 public:
  std::string_view name() const override { return "diff"; }
  std::string_view help() const override {
    return "How the upstream lineage of two artifacts (e.g. models) differs";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("a", a_, "First artifact (a node as for lineage)")
        ->required();
    app->add_option("b", b_, "Second artifact (a node as for lineage)")
        ->required();
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    ASSIGN_OR_RETURN(NodeRef a, ResolveNode(store.get(), a_));
    ASSIGN_OR_RETURN(NodeRef b, ResolveNode(store.get(), b_));
    if (a.kind != NodeKind::kArtifact || b.kind != NodeKind::kArtifact) {
      return UsageError("diff compares two artifacts");
    }
    ASSIGN_OR_RETURN(LineageDiff diff, DiffLineage(store.get(), a.id, b.id));
    std::vector<NodeRef> refs = {a, b};
    refs.insert(refs.end(), diff.only_a.begin(), diff.only_a.end());
    refs.insert(refs.end(), diff.only_b.begin(), diff.only_b.end());
    ASSIGN_OR_RETURN(NodeInfoMap info, FetchNodeInfo(store.get(), refs));
    if (global.json) {
      JsonWriter json;
      json.BeginObject().Key("a").String(RefText(a));
      json.Key("b").String(RefText(b));
      json.Key("only_a").BeginArray();
      for (const NodeRef& r : diff.only_a) json.String(RefText(r));
      json.EndArray().Key("only_b").BeginArray();
      for (const NodeRef& r : diff.only_b) json.String(RefText(r));
      json.EndArray().Key("changed").BeginArray();
      for (const PropertyChange& c : diff.changed) {
        json.BeginObject().Key("execution_type").String(c.execution_type);
        json.Key("property").String(c.property);
        // An absent property has no key: null is a DOUBLE NaN, as in
        // native JSON; "" is an empty value.
        for (const auto& [key, value] :
             {std::pair{"a", &c.value_a}, std::pair{"b", &c.value_b}}) {
          if (value->has_value()) WriteValueJson(**value, &json.Key(key));
        }
        json.EndObject();
      }
      json.EndArray();
      // The type and name of every node listed above, by reference.
      json.Key("nodes").BeginObject();
      for (const auto& [ref, node] : info) {
        json.Key(RefText(ref)).BeginObject();
        WriteNodeInfoJson(ref, info, &json);
        json.EndObject();
      }
      json.EndObject().EndObject();
      std::cout << json.str() << "\n";
      return absl::OkStatus();
    }
    std::cout << fmt::format("a = {}\nb = {}\n", Describe(a, info, true),
                             Describe(b, info, true));
    auto print_only = [&](const char* label, const std::vector<NodeRef>& v) {
      std::cout << fmt::format("upstream of {} only: {}\n", label, v.size());
      for (const NodeRef& r : v) {
        std::cout << "  " << Describe(r, info, /*with_name=*/true) << "\n";
      }
    };
    print_only("a", diff.only_a);
    print_only("b", diff.only_b);
    std::cout << fmt::format("changed properties: {}\n", diff.changed.size());
    for (const PropertyChange& c : diff.changed) {
      std::cout << fmt::format("  {} {}: {}\n", Printable(c.execution_type),
                               Printable(c.property), ChangeText(c));
    }
    return absl::OkStatus();
  }

 private:
  std::string a_;
  std::string b_;
};

}  // namespace

std::unique_ptr<Command> NewDiffCommand() {
  return std::make_unique<DiffCommand>();
}

}  // namespace lineagedb::cli
