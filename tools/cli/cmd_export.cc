// `lineagedb export`: the whole store, or the lineage subgraph around a
// node, as JSON, graphviz DOT or SVG.
#include <CLI/CLI.hpp>
#include <iostream>
#include <set>

#include "codec/coding.h"
#include "codec/keys.h"
#include "fmt/format.h"
#include "store/store_impl.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/describe.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

template <typename N>
StatusOr<std::vector<N>> ListAll(Store* store) {
  std::vector<N> all;
  ListOptions options;
  options.max_result_size = 10000;
  do {
    ASSIGN_OR_RETURN(Page<N> page, store->List<N>({}, options));
    std::move(page.items.begin(), page.items.end(), std::back_inserter(all));
    options.page_token = page.next_page_token;
  } while (!options.page_token.empty());
  return all;
}

// The graph's nodes and contexts.
class NodeIds {
 public:
  explicit NodeIds(const LineageGraph& graph)
      : refs_(graph.nodes.begin(), graph.nodes.end()) {
    for (const Context& c : graph.contexts) {
      refs_.insert({NodeKind::kContext, c.id});
    }
  }
  bool Has(NodeRef ref) const { return refs_.contains(ref); }

 private:
  std::set<NodeRef> refs_;
};

// Every artifact, execution, context and event of the store. Errors:
// DATA_LOSS (an event names a node without a record), storage errors.
StatusOr<LineageGraph> WholeGraph(Store* store) {
  LineageGraph graph;
  ASSIGN_OR_RETURN(graph.artifacts, ListAll<Artifact>(store));
  ASSIGN_OR_RETURN(graph.executions, ListAll<Execution>(store));
  ASSIGN_OR_RETURN(graph.contexts, ListAll<Context>(store));
  std::vector<int64_t> ids;
  for (const Artifact& a : graph.artifacts) {
    graph.nodes.push_back({NodeKind::kArtifact, a.id});
  }
  for (const Execution& e : graph.executions) {
    graph.nodes.push_back({NodeKind::kExecution, e.id});
    ids.push_back(e.id);
  }
  for (size_t i = 0; i < ids.size(); i += 1000) {
    std::vector<int64_t> chunk(ids.begin() + i,
                               ids.begin() + std::min(ids.size(), i + 1000));
    ASSIGN_OR_RETURN(std::vector<Event> events,
                     store->GetEventsByExecutionIds(chunk));
    std::move(events.begin(), events.end(), std::back_inserter(graph.events));
  }
  const NodeIds known(graph);
  for (const Event& e : graph.events) {
    const NodeRef artifact{NodeKind::kArtifact, e.artifact_id};
    if (!known.Has(artifact)) return MissingRecord(artifact, "events");
  }
  // Events were fetched by execution: those of an execution without its
  // record are found by their keys.
  std::unique_ptr<storage::ReadView> view = store->impl()->kv()->NewReadView();
  std::unique_ptr<storage::Iterator> it =
      view->Scan(codec::TagPrefix(codec::Tag::kEventByExecution));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedEventKey key;
    if (!codec::ParseEventKey(it->key(), &key)) {
      return absl::DataLossError("bad event key " + codec::Hex(it->key()));
    }
    const NodeRef execution{NodeKind::kExecution, key.from};
    if (!known.Has(execution)) return MissingRecord(execution, "events");
  }
  RETURN_IF_ERROR(it->status());
  return graph;
}

// Writes the pairs of one link family ("attributions": context, artifact;
// "associations": context, execution; "parent_contexts": child, parent),
// whose ends are of kinds `from_kind` and `to_kind`. Errors: DATA_LOSS (an
// end without a record), storage errors.
Status WriteLinks(Store* store, const NodeIds& ids, codec::Tag tag,
                  const char* key, const char* from, NodeKind from_kind,
                  const char* to, NodeKind to_kind, JsonWriter* json) {
  std::unique_ptr<storage::ReadView> view = store->impl()->kv()->NewReadView();
  std::unique_ptr<storage::Iterator> it = view->Scan(codec::TagPrefix(tag));
  json->Key(key).BeginArray();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedPairKey pair;
    if (!codec::ParsePairKey(it->key(), &pair)) {
      return absl::DataLossError("bad edge key " + codec::Hex(it->key()));
    }
    for (const NodeRef end :
         {NodeRef{from_kind, pair.from}, NodeRef{to_kind, pair.to}}) {
      if (!ids.Has(end)) return MissingRecord(end, key);
    }
    json->BeginObject().Key(from).Int(pair.from).Key(to).Int(pair.to);
    json->EndObject();
  }
  json->EndArray();
  return it->status();
}

StatusOr<std::string> WholeStoreJson(Store* store, const LineageGraph& graph) {
  JsonWriter json;
  json.BeginObject().Key("types").BeginArray();
  TypeVersions versions;
  for (NodeKind kind :
       {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
    ASSIGN_OR_RETURN(std::vector<Type> types, store->ListTypes(kind));
    for (const Type& t : types) {
      WriteTypeJson(t, &json);
      versions.Add(t);
    }
  }
  json.EndArray().Key("artifacts").BeginArray();
  for (const Artifact& a : graph.artifacts) {
    WriteNodeJson(a, &json, versions.Of(a.type_id));
  }
  json.EndArray().Key("executions").BeginArray();
  for (const Execution& e : graph.executions) {
    WriteNodeJson(e, &json, versions.Of(e.type_id));
  }
  json.EndArray().Key("contexts").BeginArray();
  for (const Context& c : graph.contexts) {
    WriteNodeJson(c, &json, versions.Of(c.type_id));
  }
  json.EndArray().Key("events").BeginArray();
  for (const Event& e : graph.events) WriteEventJson(e, &json);
  json.EndArray();
  const NodeIds ids(graph);
  RETURN_IF_ERROR(WriteLinks(store, ids, codec::Tag::kAttributionByContext,
                             "attributions", "context_id", NodeKind::kContext,
                             "artifact_id", NodeKind::kArtifact, &json));
  RETURN_IF_ERROR(WriteLinks(store, ids, codec::Tag::kAssociationByContext,
                             "associations", "context_id", NodeKind::kContext,
                             "execution_id", NodeKind::kExecution, &json));
  RETURN_IF_ERROR(WriteLinks(store, ids, codec::Tag::kParentByChild,
                             "parent_contexts", "child_id", NodeKind::kContext,
                             "parent_id", NodeKind::kContext, &json));
  json.EndObject();
  return json.str() + "\n";
}

class ExportCommand : public Command {
 public:
  std::string_view name() const override { return "export"; }
  std::string_view help() const override {
    return "Export the whole store, or the subgraph around a node, as JSON, "
           "DOT or SVG";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("node", node_, "Export only the lineage around this node");
    auto* up = app->add_flag("--up", up_, "With a node: upstream only");
    auto* down = app->add_flag("--down", down_, "With a node: downstream only");
    up->excludes(down);
    hops_option_ =
        HopLimit(app->add_option("--hops", hops_,
                                 "With a node: maximum hops, -1 = no limit")
                     ->capture_default_str());
    format_option_ = app->add_option("--format", format_, "json, dot or svg")
                         ->capture_default_str();
    app->add_option("-o,--output", output_,
                    "Write to this file (svg: needed "
                    "unless stdout is wanted)");
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(format_, OutputFormat(global, format_option_, format_));
    if (format_ != "json" && format_ != "dot" && format_ != "svg") {
      return UsageError("--format must be json, dot or svg");
    }
    if (node_.empty() && (up_ || down_ || hops_option_->count() > 0)) {
      return UsageError("--up, --down and --hops need a node");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    LineageGraph graph;
    std::vector<NodeRef> starts;
    if (node_.empty()) {
      ASSIGN_OR_RETURN(graph, WholeGraph(store.get()));
    } else {
      ASSIGN_OR_RETURN(NodeRef start, ResolveNode(store.get(), node_));
      starts.push_back(start);
      LineageQuery query;
      (start.kind == NodeKind::kArtifact ? query.artifact_ids
                                         : query.execution_ids)
          .push_back(start.id);
      query.max_hops = LineageMaxHops(hops_);
      query.direction = up_     ? Direction::kUpstream
                        : down_ ? Direction::kDownstream
                                : Direction::kBidirectional;
      ASSIGN_OR_RETURN(graph, GetLineageSubgraph(store.get(), query));
    }
    if (format_ == "svg") {
      RETURN_IF_ERROR(CheckSvgSize(graph));
      return DotToSvg(GraphDot(graph, starts), output_);
    }
    if (format_ == "dot") return WriteOutput(output_, GraphDot(graph, starts));
    if (node_.empty()) {
      ASSIGN_OR_RETURN(std::string json, WholeStoreJson(store.get(), graph));
      return WriteOutput(output_, json);
    }
    return WriteOutput(output_, GraphJson(graph));
  }

 private:
  std::string node_;
  bool up_ = false;
  bool down_ = false;
  int hops_ = 20;
  std::string format_ = "json";
  CLI::Option* format_option_ = nullptr;
  CLI::Option* hops_option_ = nullptr;
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> NewExportCommand() {
  return std::make_unique<ExportCommand>();
}

}  // namespace lineagedb::cli
