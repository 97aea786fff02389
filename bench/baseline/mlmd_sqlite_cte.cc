// MlmdSqlite's *Cte methods: each lineage question answered by one
// recursive common table expression over Event, using MLMD's indexes
// (UNIQUE(artifact_id, execution_id, type) and Event(execution_id)), and the
// covering Event(execution_id, type, artifact_id) when opened with it.
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/baseline/mlmd_sqlite.h"
#include "bench/baseline/mlmd_sqlite_internal.h"

namespace lineagedb::baseline {
namespace {

constexpr const char* kInputTypes = "(2, 3, 5)";
constexpr const char* kOutputTypes = "(1, 4, 6, 7)";

// The event type filter of a step from `from` in `dir` ("" for none).
std::string TypeFilter(NodeKind from, LineageDirection dir) {
  if (dir == LineageDirection::kBidirectional) return "";
  const bool outputs =
      (from == NodeKind::kArtifact) == (dir == LineageDirection::kUpstream);
  return absl::StrCat(" AND e.`type` IN ",
                      outputs ? kOutputTypes : kInputTypes);
}

// WITH RECURSIVE walk(kind, id[, hops]): the nodes reached from the start
// ids (parameter ?1, a JSON array, of NodeKind ?2) in `dir`, within ?3 hops
// when `bounded`. kind is a NodeKind number (1 artifact, 2 execution).
// Bounded walks keep (kind, id, hops) rows, so a node may appear once per
// depth; unbounded walks keep (kind, id) and so end on any graph.
std::string WalkCte(LineageDirection dir, bool bounded) {
  const std::string hops_col = bounded ? ", hops" : "";
  const std::string next_hop = bounded ? ", w.hops + 1" : "";
  const std::string hop_limit = bounded ? " AND w.hops < ?3" : "";
  return absl::StrCat(
      "WITH RECURSIVE walk(kind, id", hops_col,
      ") AS ("
      " SELECT ?2, value",
      bounded ? ", 0" : "",
      " FROM json_each(?1)"
      " UNION"
      " SELECT 2, e.`execution_id`",
      next_hop,
      " FROM walk AS w JOIN `Event` AS e ON e.`artifact_id` = w.id"
      " WHERE w.kind = 1",
      hop_limit, TypeFilter(NodeKind::kArtifact, dir),
      " UNION"
      " SELECT 1, e.`artifact_id`",
      next_hop,
      " FROM walk AS w JOIN `Event` AS e ON e.`execution_id` = w.id"
      " WHERE w.kind = 2",
      hop_limit, TypeFilter(NodeKind::kExecution, dir), ") ");
}

}  // namespace

StatusOr<LineageGraph> MlmdSqlite::LineageCte(
    NodeKind start_kind, const std::vector<int64_t>& start_ids, int max_hops,
    LineageDirection dir) {
  if (start_kind == NodeKind::kContext) {
    return absl::InvalidArgumentError(
        "lineage starts at artifacts or executions");
  }
  if (max_hops < 0) return absl::InvalidArgumentError("max_hops < 0");
  const bool bounded = max_hops != kUnbounded;
  Txn txn(this);
  MLMD_RETURN_IF_ERROR(txn.Begin());
  LineageGraph g;
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(absl::StrCat(WalkCte(dir, bounded),
                           "SELECT DISTINCT kind, id FROM walk;")));
  {
    Stmt stmt(db_, raw);
    stmt.BindText(1, JsonIdList(start_ids));
    stmt.BindInt(2, static_cast<int>(start_kind));
    if (bounded) stmt.BindInt(3, max_hops);
    for (;;) {
      MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      (stmt.Int(0) == static_cast<int>(NodeKind::kArtifact) ? g.artifact_ids
                                                            : g.execution_ids)
          .push_back(stmt.Int(1));
    }
  }
  // The events touching the artifacts reached; FinishGraph keeps those whose
  // execution was reached too. (Filtering on both ends in SQL makes SQLite
  // probe every (artifact, execution) pair when it has no statistics.)
  std::vector<std::pair<int64_t, Event>> events;
  if (!g.artifact_ids.empty() && !g.execution_ids.empty()) {
    MLMD_ASSIGN_OR_RETURN(
        raw, Prepare("SELECT `id`, `artifact_id`, `execution_id`, `type`,"
                     " `milliseconds_since_epoch` FROM `Event` WHERE"
                     " `artifact_id` IN (SELECT value FROM json_each(?1));"));
    Stmt stmt(db_, raw);
    stmt.BindText(1, JsonIdList(g.artifact_ids));
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
  std::sort(g.execution_ids.begin(), g.execution_ids.end());
  std::erase_if(events, [&g](const std::pair<int64_t, Event>& e) {
    return !std::binary_search(g.execution_ids.begin(), g.execution_ids.end(),
                               e.second.execution_id);
  });
  MLMD_RETURN_IF_ERROR(ReadPaths(events));
  FinishGraph(std::move(events), g);
  MLMD_RETURN_IF_ERROR(txn.Commit());
  return g;
}

StatusOr<LineageGraph> MlmdSqlite::UpstreamCte(int64_t artifact_id) {
  return LineageCte(NodeKind::kArtifact, {artifact_id}, kUnbounded,
                    LineageDirection::kUpstream);
}

StatusOr<LineageGraph> MlmdSqlite::DownstreamCte(int64_t artifact_id) {
  return LineageCte(NodeKind::kArtifact, {artifact_id}, kUnbounded,
                    LineageDirection::kDownstream);
}

StatusOr<std::vector<int64_t>> MlmdSqlite::UpstreamArtifactsOfTypeCte(
    int64_t artifact_id, std::string_view type_name) {
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(
          absl::StrCat(WalkCte(LineageDirection::kUpstream, /*bounded=*/false),
                       "SELECT A.`id` FROM walk AS w"
                       " JOIN `Artifact` AS A ON A.`id` = w.id"
                       " JOIN `Type` AS T ON T.`id` = A.`type_id`"
                       " WHERE w.kind = 1 AND A.`id` != ?4 AND T.`name` = ?5"
                       " ORDER BY A.`id`;")));
  Stmt stmt(db_, raw);
  stmt.BindText(1, JsonIdList({artifact_id}));
  stmt.BindInt(2, static_cast<int>(NodeKind::kArtifact));
  stmt.BindInt(4, artifact_id);
  stmt.BindText(5, type_name);
  std::vector<int64_t> out;
  for (;;) {
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(stmt.Int(0));
  }
  return out;
}

}  // namespace lineagedb::baseline
