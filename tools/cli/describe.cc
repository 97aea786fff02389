#include "tools/cli/describe.h"

#include <algorithm>

#include "fmt/format.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {

Status MissingRecord(NodeRef ref, std::string_view edges) {
  return absl::DataLossError(fmt::format(
      "the store is damaged: {} {} has {} but no record (`lineagedb check` "
      "lists the damage)",
      NodeKindName(ref.kind), ref.id, edges));
}

StatusOr<NodeInfoMap> FetchNodeInfo(Store* store,
                                    const std::vector<NodeRef>& refs) {
  std::vector<int64_t> artifact_ids, execution_ids;
  for (const NodeRef& ref : refs) {
    (ref.kind == NodeKind::kArtifact ? artifact_ids : execution_ids)
        .push_back(ref.id);
  }
  NodeInfoMap info;
  ASSIGN_OR_RETURN(std::vector<Artifact> artifacts,
                   store->GetByIds<Artifact>(artifact_ids));
  for (const Artifact& a : artifacts) {
    info[{NodeKind::kArtifact, a.id}] = {a.type, a.name, a.uri,
                                         a.name.empty() ? a.uri : a.name};
  }
  ASSIGN_OR_RETURN(std::vector<Execution> executions,
                   store->GetByIds<Execution>(execution_ids));
  for (const Execution& e : executions) {
    info[{NodeKind::kExecution, e.id}] = {e.type, e.name, "", ShownName(e)};
  }
  for (const NodeRef& ref : refs) {
    if (info.contains(ref)) continue;
    return MissingRecord(ref, "events");
  }
  return info;
}

void WriteNodeInfoJson(NodeRef ref, const NodeInfoMap& info, JsonWriter* json) {
  auto it = info.find(ref);
  if (it == info.end()) return;
  json->Key("type").String(it->second.type);
  json->Key("name").String(it->second.name);
  if (ref.kind == NodeKind::kArtifact) json->Key("uri").String(it->second.uri);
  json->Key("label").String(it->second.shown);
}

std::string Describe(NodeRef ref, const NodeInfoMap& info, bool with_name) {
  auto it = info.find(ref);
  if (it == info.end()) return RefText(ref);
  if (with_name && !it->second.shown.empty()) {
    return fmt::format("{} ({} '{}')", RefText(ref), Printable(it->second.type),
                       Printable(it->second.shown));
  }
  return fmt::format("{} ({})", RefText(ref), Printable(it->second.type));
}

std::string AncestryText(const std::vector<AncestryEntry>& entries,
                         const NodeInfoMap& info, size_t max_listed) {
  std::string out;
  size_t i = 0;
  while (i < entries.size()) {
    const int distance = entries[i].distance;
    size_t j = i;
    while (j < entries.size() && entries[j].distance == distance) ++j;
    const std::string head =
        fmt::format("  {:>3} hop{} ", distance, distance == 1 ? " " : "s");
    std::string line;
    if (j - i <= max_listed) {
      // One node a line, named, under the distance.
      for (size_t k = i; k < j; ++k) {
        if (!line.empty()) line += "\n" + std::string(head.size(), ' ');
        line += Describe(entries[k].node, info, /*with_name=*/true);
      }
    } else {
      // Counts by type, in order of first appearance.
      std::vector<std::pair<std::string, int>> counts;
      for (size_t k = i; k < j; ++k) {
        auto it = info.find(entries[k].node);
        const std::string type = it == info.end() ? "?" : it->second.type;
        auto c = std::find_if(counts.begin(), counts.end(),
                              [&](const auto& p) { return p.first == type; });
        if (c == counts.end()) {
          counts.push_back({type, 1});
        } else {
          ++c->second;
        }
      }
      line = fmt::format("{} nodes:", j - i);
      for (size_t k = 0; k < counts.size(); ++k) {
        line += fmt::format("{} {} {}", k ? "," : "", counts[k].second,
                            Printable(counts[k].first));
      }
    }
    out += head + line + "\n";
    i = j;
  }
  return out;
}

std::string AncestryJson(NodeRef start,
                         const std::vector<AncestryEntry>& entries,
                         const NodeInfoMap& info) {
  JsonWriter json;
  json.BeginObject().Key("start").String(RefText(start));
  json.Key("nodes").BeginArray();
  for (const AncestryEntry& e : entries) {
    json.BeginObject().Key("node").String(RefText(e.node));
    json.Key("distance").Int(e.distance);
    WriteNodeInfoJson(e.node, info, &json);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return json.str() + "\n";
}

std::string PathText(const ProvenancePath& path, const NodeInfoMap& info) {
  std::string out;
  for (size_t i = 0; i < path.nodes.size(); ++i) {
    if (i == 0) {
      out += "  " + Describe(path.nodes[i], info, true) + "\n";
    } else {
      out += fmt::format("    -[{}]-> {}\n",
                         i - 1 < path.events.size()
                             ? EventTypeName(path.events[i - 1].type)
                             : "?",
                         Describe(path.nodes[i], info, true));
    }
  }
  return out;
}

std::string PathJson(const ProvenancePath& path, const NodeInfoMap& info) {
  JsonWriter json;
  json.BeginObject().Key("nodes").BeginArray();
  for (const NodeRef& ref : path.nodes) {
    json.BeginObject().Key("node").String(RefText(ref));
    WriteNodeInfoJson(ref, info, &json);
    json.EndObject();
  }
  json.EndArray().Key("events").BeginArray();
  for (const Event& e : path.events) WriteEventJson(e, &json);
  json.EndArray().EndObject();
  return json.str() + "\n";
}

}  // namespace lineagedb::cli
