// MlmdSqlite reads: point lookups, and lineage walked breadth-first the way
// MLMD walks it (per hop one query on Event, one on EventPath, the
// direction filtered in memory, then the node rows fetched by id).
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/baseline/mlmd_sqlite.h"
#include "bench/baseline/mlmd_sqlite_internal.h"

namespace lineagedb::baseline {

bool Follows(NodeKind from, EventType type, LineageDirection dir) {
  if (dir == LineageDirection::kBidirectional) return true;
  const bool input = IsInputEvent(type);
  const bool upstream = dir == LineageDirection::kUpstream;
  // From an artifact, upstream crosses outputs; from an execution, inputs.
  return (from == NodeKind::kArtifact) == (upstream != input);
}

void FinishGraph(std::vector<std::pair<int64_t, Event>> events,
                 LineageGraph& g) {
  std::sort(g.artifact_ids.begin(), g.artifact_ids.end());
  std::sort(g.execution_ids.begin(), g.execution_ids.end());
  std::sort(events.begin(), events.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  events.erase(std::unique(events.begin(), events.end(),
                           [](const auto& a, const auto& b) {
                             return a.first == b.first;
                           }),
               events.end());
  g.events.clear();
  for (auto& [id, e] : events) {
    if (std::binary_search(g.artifact_ids.begin(), g.artifact_ids.end(),
                           e.artifact_id) &&
        std::binary_search(g.execution_ids.begin(), g.execution_ids.end(),
                           e.execution_id)) {
      g.events.push_back(std::move(e));
    }
  }
  std::sort(g.events.begin(), g.events.end(),
            [](const Event& a, const Event& b) {
              return std::tie(a.artifact_id, a.execution_id, a.type) <
                     std::tie(b.artifact_id, b.execution_id, b.type);
            });
}

// ---- Node rows ----

template <typename N>
StatusOr<std::vector<N>> MlmdSqlite::ReadNodes(
    const std::vector<int64_t>& ids) {
  std::vector<N> nodes;
  if (ids.empty()) return nodes;
  const char* extra = "";
  if constexpr (N::kKind == NodeKind::kArtifact) extra = ", N.uri, N.state";
  if constexpr (N::kKind == NodeKind::kExecution) {
    extra = ", N.last_known_state";
  }
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(absl::StrCat(
          "SELECT N.id, N.type_id, N.name, N.external_id,"
          " N.create_time_since_epoch, N.last_update_time_since_epoch,"
          " T.name",
          extra, " FROM `", TablesOf(N::kKind).node,
          "` AS N LEFT JOIN `Type` AS T ON T.id = N.type_id"
          " WHERE N.id IN (SELECT value FROM json_each(?1)) ORDER BY N.id;")));
  {
    Stmt stmt(db_, raw);
    stmt.BindText(1, JsonIdList(ids));
    for (;;) {
      MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      N& n = nodes.emplace_back();
      n.id = stmt.Int(0);
      n.type_id = stmt.Int(1);
      n.name = stmt.Text(2);
      n.external_id = stmt.Text(3);
      n.create_time_ms = stmt.Int(4);
      n.last_update_time_ms = stmt.Int(5);
      n.type = stmt.Text(6);
      if constexpr (N::kKind == NodeKind::kArtifact) {
        n.uri = stmt.Text(7);
        n.state = static_cast<ArtifactState>(stmt.Int(8));
      }
      if constexpr (N::kKind == NodeKind::kExecution) {
        n.last_known_state = static_cast<ExecutionState>(stmt.Int(7));
      }
    }
  }
  std::vector<NodeBase*> bases;
  bases.reserve(nodes.size());
  for (N& n : nodes) bases.push_back(&n);
  MLMD_RETURN_IF_ERROR(ReadProperties(N::kKind, bases));
  return nodes;
}

Status MlmdSqlite::ReadProperties(NodeKind kind,
                                  const std::vector<NodeBase*>& nodes) {
  if (nodes.empty()) return absl::OkStatus();
  std::unordered_map<int64_t, NodeBase*> by_id;
  std::vector<int64_t> ids;
  for (NodeBase* n : nodes) {
    by_id.emplace(n->id, n);
    ids.push_back(n->id);
  }
  const KindTables& t = TablesOf(kind);
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(absl::StrCat(
          "SELECT `", t.id_column,
          "`, `name`, `is_custom_property`, `int_value`, `double_value`,"
          " `string_value`, `proto_value`, `bool_value` FROM `",
          t.property, "` WHERE `", t.id_column,
          "` IN (SELECT value FROM json_each(?1));")));
  Stmt stmt(db_, raw);
  stmt.BindText(1, JsonIdList(ids));
  for (;;) {
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const auto it = by_id.find(stmt.Int(0));
    if (it == by_id.end()) continue;
    MLMD_ASSIGN_OR_RETURN(Value v, ReadValue(stmt.raw(), 3));
    PropertyMap& map = stmt.Int(2) != 0 ? it->second->custom_properties
                                        : it->second->properties;
    map.insert_or_assign(stmt.Text(1), std::move(v));
  }
  return absl::OkStatus();
}

StatusOr<std::vector<Artifact>> MlmdSqlite::GetArtifactsByIds(
    const std::vector<int64_t>& ids) {
  return ReadNodes<Artifact>(ids);
}

StatusOr<std::vector<Execution>> MlmdSqlite::GetExecutionsByIds(
    const std::vector<int64_t>& ids) {
  return ReadNodes<Execution>(ids);
}

StatusOr<std::vector<Context>> MlmdSqlite::GetContextsByIds(
    const std::vector<int64_t>& ids) {
  return ReadNodes<Context>(ids);
}

StatusOr<Artifact> MlmdSqlite::GetArtifact(int64_t id) {
  MLMD_ASSIGN_OR_RETURN(std::vector<Artifact> found, ReadNodes<Artifact>({id}));
  if (found.empty())
    return absl::NotFoundError(absl::StrCat("no artifact ", id));
  return std::move(found.front());
}

StatusOr<Execution> MlmdSqlite::GetExecution(int64_t id) {
  MLMD_ASSIGN_OR_RETURN(std::vector<Execution> found,
                        ReadNodes<Execution>({id}));
  if (found.empty()) {
    return absl::NotFoundError(absl::StrCat("no execution ", id));
  }
  return std::move(found.front());
}

StatusOr<Artifact> MlmdSqlite::GetArtifactByTypeAndName(
    std::string_view type_name, std::string_view name) {
  MLMD_ASSIGN_OR_RETURN(const int64_t type_id,
                        FindType(NodeKind::kArtifact, type_name, ""));
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("SELECT `id` FROM `Artifact` WHERE `type_id` = ?1 AND"
              " `name` = ?2;"));
  int64_t id = 0;
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, type_id);
    stmt.BindText(2, name);
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      return absl::NotFoundError(absl::StrCat("no artifact ", std::string(name),
                                              " of type ",
                                              std::string(type_name)));
    }
    id = stmt.Int(0);
  }
  return GetArtifact(id);
}

// ---- Events ----

StatusOr<std::vector<std::pair<int64_t, Event>>> MlmdSqlite::ReadEvents(
    NodeKind kind, const std::vector<int64_t>& ids) {
  std::vector<std::pair<int64_t, Event>> events;
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(kind == NodeKind::kArtifact
                  ? "SELECT `id`, `artifact_id`, `execution_id`, `type`,"
                    " `milliseconds_since_epoch` FROM `Event` WHERE"
                    " `artifact_id` IN (SELECT value FROM json_each(?1));"
                  : "SELECT `id`, `artifact_id`, `execution_id`, `type`,"
                    " `milliseconds_since_epoch` FROM `Event` WHERE"
                    " `execution_id` IN (SELECT value FROM json_each(?1));"));
  {
    Stmt stmt(db_, raw);
    stmt.BindText(1, JsonIdList(ids));
    for (;;) {
      MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      Event e;
      e.artifact_id = stmt.Int(1);
      e.execution_id = stmt.Int(2);
      e.type = static_cast<EventType>(stmt.Int(3));
      e.time_ms = stmt.Int(4);
      events.emplace_back(stmt.Int(0), std::move(e));
    }
  }
  MLMD_RETURN_IF_ERROR(ReadPaths(events));
  return events;
}

Status MlmdSqlite::ReadPaths(std::vector<std::pair<int64_t, Event>>& events) {
  if (events.empty()) return absl::OkStatus();
  std::unordered_map<int64_t, Event*> by_id;
  std::vector<int64_t> ids;
  for (auto& [id, e] : events) {
    by_id.emplace(id, &e);
    ids.push_back(id);
  }
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("SELECT `event_id`, `is_index_step`, `step_index`, `step_key`"
              " FROM `EventPath` WHERE"
              " `event_id` IN (SELECT value FROM json_each(?1));"));
  Stmt stmt(db_, raw);
  stmt.BindText(1, JsonIdList(ids));
  for (;;) {
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const auto it = by_id.find(stmt.Int(0));
    if (it == by_id.end()) continue;
    PathStep step;
    if (stmt.Int(1) != 0) {
      step.step = stmt.Int(2);
    } else {
      step.step = stmt.Text(3);
    }
    it->second->path.push_back(std::move(step));
  }
  return absl::OkStatus();
}

// ---- Lineage, breadth-first ----

StatusOr<std::vector<int64_t>> MlmdSqlite::Neighbors(NodeKind kind, int64_t id,
                                                     LineageDirection dir) {
  if (kind == NodeKind::kContext) {
    return absl::InvalidArgumentError("contexts have no lineage");
  }
  MLMD_ASSIGN_OR_RETURN(auto events, ReadEvents(kind, {id}));
  std::vector<int64_t> out;
  for (const auto& [event_id, e] : events) {
    if (!Follows(kind, e.type, dir)) continue;
    out.push_back(kind == NodeKind::kArtifact ? e.execution_id : e.artifact_id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

StatusOr<LineageGraph> MlmdSqlite::Lineage(
    NodeKind start_kind, const std::vector<int64_t>& start_ids, int max_hops,
    LineageDirection dir, bool fetch_nodes) {
  if (start_kind == NodeKind::kContext) {
    return absl::InvalidArgumentError(
        "lineage starts at artifacts or executions");
  }
  if (max_hops < 0) return absl::InvalidArgumentError("max_hops < 0");
  Txn txn(this);
  MLMD_RETURN_IF_ERROR(txn.Begin());
  // seen[0]: artifacts, seen[1]: executions.
  std::unordered_set<int64_t> seen[2];
  auto slot = [](NodeKind k) { return k == NodeKind::kArtifact ? 0 : 1; };
  std::vector<int64_t> frontier;
  for (const int64_t id : start_ids) {
    if (seen[slot(start_kind)].insert(id).second) frontier.push_back(id);
  }
  std::vector<std::pair<int64_t, Event>> all_events;
  NodeKind kind = start_kind;
  for (int hop = 0; hop < max_hops && !frontier.empty(); ++hop) {
    MLMD_ASSIGN_OR_RETURN(auto events, ReadEvents(kind, frontier));
    const NodeKind other = kind == NodeKind::kArtifact ? NodeKind::kExecution
                                                       : NodeKind::kArtifact;
    std::vector<int64_t> next;
    for (auto& entry : events) {
      const Event& e = entry.second;
      if (Follows(kind, e.type, dir)) {
        const int64_t end =
            kind == NodeKind::kArtifact ? e.execution_id : e.artifact_id;
        if (seen[slot(other)].insert(end).second) next.push_back(end);
      }
      all_events.push_back(std::move(entry));
    }
    frontier = std::move(next);
    kind = other;
  }
  LineageGraph g;
  g.artifact_ids.assign(seen[0].begin(), seen[0].end());
  g.execution_ids.assign(seen[1].begin(), seen[1].end());
  FinishGraph(std::move(all_events), g);
  if (fetch_nodes) {
    MLMD_ASSIGN_OR_RETURN(g.artifacts, ReadNodes<Artifact>(g.artifact_ids));
    MLMD_ASSIGN_OR_RETURN(g.executions, ReadNodes<Execution>(g.execution_ids));
  }
  MLMD_RETURN_IF_ERROR(txn.Commit());
  return g;
}

StatusOr<LineageGraph> MlmdSqlite::Upstream(int64_t artifact_id) {
  return Lineage(NodeKind::kArtifact, {artifact_id}, kUnbounded,
                 LineageDirection::kUpstream);
}

StatusOr<LineageGraph> MlmdSqlite::Downstream(int64_t artifact_id) {
  return Lineage(NodeKind::kArtifact, {artifact_id}, kUnbounded,
                 LineageDirection::kDownstream);
}

StatusOr<std::vector<int64_t>> MlmdSqlite::UpstreamArtifactsOfType(
    int64_t artifact_id, std::string_view type_name) {
  MLMD_ASSIGN_OR_RETURN(LineageGraph g, Upstream(artifact_id));
  std::vector<int64_t> out;
  for (const Artifact& a : g.artifacts) {
    if (a.id != artifact_id && a.type == type_name) out.push_back(a.id);
  }
  return out;  // g.artifacts is in id order.
}

}  // namespace lineagedb::baseline
