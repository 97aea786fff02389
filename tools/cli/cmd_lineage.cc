// `lineagedb lineage`: the lineage subgraph around a node, as text, JSON,
// DOT or SVG; with --column, the column lineage of a dataset column.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "lineagedb/openlineage.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::cli {
namespace {

constexpr char kColumnHelp[] =
    R"(Column lineage (--column NS:NAME:FIELD --up|--down [--hops N]):
  The column is split at its last two ':' (FIELD after the last, NAME before
  it, NS the rest), so a namespace may hold ':' and "://"
  ("postgres://db:5432:public.orders:id"); NAME and FIELD may not. The edges
  come from the datasets' OpenLineage columnLineage facets (the newest
  version carrying one), hop by hop, each column expanded once; --hops
  defaults to -1 (no limit). Text: one line an edge,
  "hop N: NS:NAME:FIELD <- NS:NAME:FIELD" upstream ("->" downstream), near
  column first, then the transformation in brackets if known. --json: an
  array of {"hop","from","to","transformation"}, from and to being
  {"namespace","name","field"} (data flows from -> to).)";

// "NS:NAME:FIELD", split at the last two ':'. UsageError if a part is empty.
StatusOr<ColumnRef> ParseColumn(std::string_view spec) {
  const size_t last = spec.rfind(':');
  const size_t middle = last == std::string_view::npos || last == 0
                            ? std::string_view::npos
                            : spec.rfind(':', last - 1);
  if (middle == std::string_view::npos || middle == 0 || middle + 1 == last ||
      last + 1 == spec.size()) {
    return UsageError(fmt::format(
        "bad column '{}' (expected NS:NAME:FIELD, see --help)", spec));
  }
  return ColumnRef{std::string(spec.substr(0, middle)),
                   std::string(spec.substr(middle + 1, last - middle - 1)),
                   std::string(spec.substr(last + 1))};
}

std::string ColumnText(const ColumnRef& c) {
  return Printable(fmt::format("{}:{}:{}", c.ns, c.name, c.field));
}

void WriteColumnJson(const ColumnRef& c, JsonWriter* json) {
  json->BeginObject().Key("namespace").String(c.ns).Key("name").String(c.name);
  json->Key("field").String(c.field).EndObject();
}

std::string ColumnEdgesJson(const std::vector<ColumnEdge>& edges) {
  JsonWriter json;
  json.BeginArray();
  for (const ColumnEdge& e : edges) {
    json.BeginObject().Key("hop").Int(e.hop).Key("from");
    WriteColumnJson(e.from, &json);
    json.Key("to");
    WriteColumnJson(e.to, &json);
    json.Key("transformation").String(e.transformation).EndObject();
  }
  json.EndArray();
  return json.str() + "\n";
}

std::string ColumnEdgesText(const ColumnRef& start, bool up,
                            const std::vector<ColumnEdge>& edges) {
  std::string text =
      fmt::format("column lineage of {}, {}: {} edges\n", ColumnText(start),
                  up ? "upstream" : "downstream", edges.size());
  for (const ColumnEdge& e : edges) {
    text +=
        fmt::format("hop {}: {} {} {}", e.hop, ColumnText(up ? e.to : e.from),
                    up ? "<-" : "->", ColumnText(up ? e.from : e.to));
    if (!e.transformation.empty()) {
      text += fmt::format("  [{}]", Printable(e.transformation));
    }
    text += "\n";
  }
  return text;
}

class LineageCommand : public Command {
 public:
  std::string_view name() const override { return "lineage"; }
  std::string_view help() const override {
    return "Lineage subgraph of a node (artifact:ID, execution:ID, "
           "NAMESPACE:NAME[@VERSION] or an artifact's name), or column "
           "lineage (--column NS:NAME:FIELD)";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("node", node_, "Starting node (not with --column)");
    app->add_option("--column", column_,
                    "Column lineage of NS:NAME:FIELD (with --up or --down)");
    app->footer(kColumnHelp);
    auto* up = app->add_flag("--up", up_, "Upstream only (where it came from)");
    auto* down =
        app->add_flag("--down", down_, "Downstream only (what it affects)");
    auto* both = app->add_flag("--both", both_, "Both directions (default)");
    up->excludes(down)->excludes(both);
    down->excludes(both);
    hops_option_ = HopLimit(
        app->add_option("--hops", hops_,
                        "Maximum hops, -1 = no limit; with --column the "
                        "default is -1")
            ->capture_default_str());
    // One value a flag, so that the node after it stays the positional.
    app->add_option("--end", ends_, "Do not walk past this node (repeatable)")
        ->allow_extra_args(false);
    app->add_option("--end-artifacts", end_artifacts_,
                    "Do not walk past the artifacts this filter query takes, "
                    "e.g. \"type = 'Examples'\" (schema/FILTERS.md)");
    app->add_option("--end-executions", end_executions_,
                    "Do not walk past the executions this filter query takes");
    app->add_flag("--exclude-ending", exclude_ending_,
                  "Leave the ending nodes out of the result");
    NotNegative(app->add_option(
        "--max-nodes", max_nodes_,
        "Cap on nodes (0 = none); a result it cuts prints a cursor"));
    app->add_option("--cursor", cursor_,
                    "The rest of a result --max-nodes cut: the cursor it "
                    "printed (same node and options)");
    format_option_ =
        app->add_option("--format", format_, "text, json, dot or svg")
            ->capture_default_str();
    app->add_option("-o,--output", output_, "Write to this file");
  }

  Status Run(const GlobalOptions& global) override {
    if (!column_.empty()) return RunColumn(global);
    if (node_.empty()) return UsageError("give a node or --column");
    ASSIGN_OR_RETURN(const std::string format,
                     OutputFormat(global, format_option_, format_));
    if (format != "text" && format != "json" && format != "dot" &&
        format != "svg") {
      return UsageError("--format must be text, json, dot or svg");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    ASSIGN_OR_RETURN(NodeRef start, ResolveNode(store.get(), node_));
    LineageQuery query;
    (start.kind == NodeKind::kArtifact ? query.artifact_ids
                                       : query.execution_ids)
        .push_back(start.id);
    query.max_hops = LineageMaxHops(hops_);
    query.direction = up_     ? Direction::kUpstream
                      : down_ ? Direction::kDownstream
                              : Direction::kBidirectional;
    for (const std::string& end : ends_) {
      ASSIGN_OR_RETURN(NodeRef ref, ResolveNode(store.get(), end));
      (ref.kind == NodeKind::kArtifact ? query.ending_artifact_ids
                                       : query.ending_execution_ids)
          .push_back(ref.id);
    }
    query.ending_artifacts_filter = end_artifacts_;
    query.ending_executions_filter = end_executions_;
    query.include_ending_nodes = !exclude_ending_;
    query.max_nodes = max_nodes_;
    query.cursor = cursor_;
    StatusOr<LineageGraph> walked = GetLineageSubgraph(store.get(), query);
    if (absl::IsInvalidArgument(walked.status())) {
      // A filter query that does not parse, a damaged cursor or one of
      // another query: given on the command line, so a usage error (as
      // list's --page-token).
      const std::string message(walked.status().message());
      using Names = std::pair<std::string_view, std::string_view>;
      for (const auto& [field, flag] :
           {Names{"ending_artifacts_filter: ", "--end-artifacts: "},
            Names{"ending_executions_filter: ", "--end-executions: "}}) {
        if (message.starts_with(field)) {
          return UsageError(
              StrCat(flag, std::string_view(message).substr(field.size())));
        }
      }
      if (!cursor_.empty()) {
        return UsageError(fmt::format("--cursor: {}", message));
      }
    }
    ASSIGN_OR_RETURN(LineageGraph graph, std::move(walked));
    const std::vector<NodeRef> starts = {start};
    if (format == "svg") {
      RETURN_IF_ERROR(CheckSvgSize(graph));
      return DotToSvg(GraphDot(graph, starts), output_);
    }
    std::string text;
    if (format == "json") {
      text = GraphJson(graph);
    } else if (format == "dot") {
      text = GraphDot(graph, starts);
    } else {
      const char* dir = up_ ? "upstream" : down_ ? "downstream" : "both ways";
      const std::string limit =
          hops_ < 0 ? "no hop limit" : fmt::format("up to {} hops", hops_);
      text =
          fmt::format("lineage of {}, {}, {}: ", RefText(start), dir, limit) +
          GraphText(graph, starts);
    }
    return WriteOutput(output_, text);
  }

 private:
  Status RunColumn(const GlobalOptions& global) {
    if (!node_.empty()) return UsageError("give a node or --column, not both");
    if (!up_ && !down_) return UsageError("--column needs --up or --down");
    if (!ends_.empty() || !end_artifacts_.empty() || !end_executions_.empty() ||
        exclude_ending_ || max_nodes_ != 0 || !cursor_.empty()) {
      return UsageError(
          "--end, --end-artifacts, --end-executions, --exclude-ending, "
          "--max-nodes and --cursor do not apply to --column");
    }
    ASSIGN_OR_RETURN(const std::string format,
                     OutputFormat(global, format_option_, format_));
    const bool json = format == "json";
    if (!json && format != "text") {
      return UsageError("--column writes text or json");
    }
    ASSIGN_OR_RETURN(ColumnRef start, ParseColumn(column_));
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    const int hops = hops_option_->count() > 0 ? hops_ : -1;
    ASSIGN_OR_RETURN(
        std::vector<ColumnEdge> edges,
        GetColumnLineage(store.get(), start,
                         up_ ? Direction::kUpstream : Direction::kDownstream,
                         hops));
    return WriteOutput(output_, json ? ColumnEdgesJson(edges)
                                     : ColumnEdgesText(start, up_, edges));
  }

  std::string node_;
  std::string column_;
  CLI::Option* hops_option_ = nullptr;
  CLI::Option* format_option_ = nullptr;
  bool up_ = false;
  bool down_ = false;
  bool both_ = false;
  int hops_ = 20;
  std::vector<std::string> ends_;
  std::string end_artifacts_;
  std::string end_executions_;
  bool exclude_ending_ = false;
  size_t max_nodes_ = 0;
  std::string cursor_;
  std::string format_ = "text";
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> NewLineageCommand() {
  return std::make_unique<LineageCommand>();
}

}  // namespace lineagedb::cli
