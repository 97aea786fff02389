// MlmdSqlite's pipeline questions: the cache lookup and the stale steps of a
// pipeline, answered with the queries an orchestrator issues through MLMD's
// API (filtered executions, executions of a context, events by ids,
// artifacts by ids).
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/baseline/mlmd_sqlite.h"
#include "bench/baseline/mlmd_sqlite_internal.h"

namespace lineagedb::baseline {

namespace {

bool Usable(ArtifactState state) {
  return state != ArtifactState::kDeleted &&
         state != ArtifactState::kAbandoned &&
         state != ArtifactState::kMarkedForDeletion;
}

// (producing execution type, output key): the slot of an artifact.
using Slot = std::pair<int64_t, std::string>;

std::string FirstKey(const Event& e) {
  for (const PathStep& s : e.path) {
    if (const auto* key = std::get_if<std::string>(&s.step)) return *key;
  }
  return "";
}

}  // namespace

StatusOr<MlmdSqlite::CachedRun> MlmdSqlite::FindCachedExecution(
    std::string_view fingerprint) {
  std::vector<int64_t> candidates;
  {
    MLMD_ASSIGN_OR_RETURN(
        sqlite3_stmt * raw,
        Prepare("SELECT P.execution_id FROM `ExecutionProperty` AS P"
                " JOIN `Execution` AS E ON E.id = P.execution_id"
                " WHERE P.name = ?1 AND P.is_custom_property = 1"
                " AND P.string_value = ?2 AND E.last_known_state = ?3"
                " ORDER BY P.execution_id DESC;"));
    Stmt stmt(db_, raw);
    stmt.BindText(1, kCacheKeyProperty);
    stmt.BindText(2, fingerprint);
    stmt.BindInt(3, static_cast<int>(ExecutionState::kComplete));
    for (;;) {
      MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      candidates.push_back(stmt.Int(0));
    }
  }
  for (const int64_t id : candidates) {
    MLMD_ASSIGN_OR_RETURN(auto events, ReadEvents(NodeKind::kExecution, {id}));
    std::vector<int64_t> outputs;
    for (const auto& [event_id, e] : events) {
      if (e.type == EventType::kOutput) outputs.push_back(e.artifact_id);
    }
    MLMD_ASSIGN_OR_RETURN(std::vector<Artifact> artifacts,
                          GetArtifactsByIds(outputs));
    if (!std::all_of(artifacts.begin(), artifacts.end(),
                     [](const Artifact& a) { return Usable(a.state); })) {
      continue;
    }
    MLMD_ASSIGN_OR_RETURN(Execution execution, GetExecution(id));
    return CachedRun{std::move(execution), std::move(artifacts)};
  }
  return absl::NotFoundError(
      absl::StrCat("no usable COMPLETE execution with fingerprint ",
                   std::string(fingerprint)));
}

StatusOr<std::vector<int64_t>> MlmdSqlite::StaleSteps(int64_t context_id,
                                                      int64_t new_artifact_id) {
  MLMD_ASSIGN_OR_RETURN(auto contexts, GetContextsByIds({context_id}));
  if (contexts.empty()) {
    return absl::NotFoundError(absl::StrCat("context ", context_id));
  }
  MLMD_ASSIGN_OR_RETURN(auto artifacts, GetArtifactsByIds({new_artifact_id}));
  if (artifacts.empty()) {
    return absl::NotFoundError(absl::StrCat("artifact ", new_artifact_id));
  }

  // The producing events of `ids`, and the types of their executions.
  std::map<int64_t, std::optional<Slot>> slots;
  auto resolve_slots = [&](const std::vector<int64_t>& ids) -> Status {
    MLMD_ASSIGN_OR_RETURN(auto events, ReadEvents(NodeKind::kArtifact, ids));
    std::map<int64_t, const Event*> producer;  // artifact -> first producer
    std::vector<int64_t> executions;
    for (const auto& [event_id, e] : events) {
      if (e.type != EventType::kOutput) continue;
      const Event*& p = producer[e.artifact_id];
      if (p == nullptr || e.execution_id < p->execution_id) p = &e;
      executions.push_back(e.execution_id);
    }
    std::map<int64_t, int64_t> type_of;
    {
      MLMD_ASSIGN_OR_RETURN(
          sqlite3_stmt * raw,
          Prepare("SELECT `id`, `type_id` FROM `Execution` WHERE"
                  " `id` IN (SELECT value FROM json_each(?1));"));
      Stmt stmt(db_, raw);
      stmt.BindText(1, JsonIdList(executions));
      for (;;) {
        MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        type_of[stmt.Int(0)] = stmt.Int(1);
      }
    }
    for (const int64_t id : ids) {
      const auto it = producer.find(id);
      slots[id] =
          it == producer.end()
              ? std::nullopt
              : std::optional<Slot>(Slot{type_of[it->second->execution_id],
                                         FirstKey(*it->second)});
    }
    return absl::OkStatus();
  };
  MLMD_RETURN_IF_ERROR(resolve_slots({new_artifact_id}));
  const std::optional<Slot> new_slot = slots[new_artifact_id];
  if (!new_slot.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "artifact ", new_artifact_id, " has no producing execution"));
  }

  // Each execution type's latest execution in the context.
  std::vector<int64_t> types;
  {
    MLMD_ASSIGN_OR_RETURN(
        sqlite3_stmt * raw,
        Prepare("SELECT `id` FROM `Type` WHERE `type_kind` = ?1;"));
    Stmt stmt(db_, raw);
    stmt.BindInt(1, kExecutionTypeKind);
    for (;;) {
      MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      types.push_back(stmt.Int(0));
    }
  }
  std::map<int64_t, int64_t> latest;  // type -> execution
  for (const int64_t type : types) {
    MLMD_ASSIGN_OR_RETURN(
        sqlite3_stmt * raw,
        Prepare("SELECT E.id, E.last_known_state FROM `Association` AS A"
                " JOIN `Execution` AS E ON E.id = A.execution_id"
                " WHERE A.context_id = ?1 AND E.type_id = ?2"
                " ORDER BY A.execution_id DESC;"));
    Stmt stmt(db_, raw);
    stmt.BindInt(1, context_id);
    stmt.BindInt(2, type);
    int64_t chosen = 0;
    for (;;) {
      MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      if (chosen == 0) chosen = stmt.Int(0);
      const auto state = static_cast<ExecutionState>(stmt.Int(1));
      if (state == ExecutionState::kComplete ||
          state == ExecutionState::kCached) {
        chosen = stmt.Int(0);
        break;
      }
    }
    if (chosen != 0) latest[type] = chosen;
  }

  std::map<int64_t, int64_t> step_of;  // latest execution -> its type
  std::vector<int64_t> executions;
  for (const auto& [type, id] : latest) {
    step_of[id] = type;
    executions.push_back(id);
  }
  MLMD_ASSIGN_OR_RETURN(auto events,
                        ReadEvents(NodeKind::kExecution, executions));
  std::vector<int64_t> inputs;
  for (const auto& [event_id, e] : events) {
    if (IsInputEvent(e.type) && !slots.contains(e.artifact_id)) {
      inputs.push_back(e.artifact_id);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  MLMD_RETURN_IF_ERROR(resolve_slots(inputs));

  std::set<int64_t> stale;
  std::set<int64_t> read_new;  // Steps that read the new artifact itself.
  std::set<std::pair<int64_t, int64_t>> edges;  // producer -> consumer step
  for (const auto& [event_id, e] : events) {
    if (!IsInputEvent(e.type)) continue;
    const int64_t consumer = step_of[e.execution_id];
    if (e.artifact_id == new_artifact_id) read_new.insert(consumer);
    const std::optional<Slot>& slot = slots[e.artifact_id];
    if (!slot.has_value()) continue;
    if (latest.contains(slot->first)) edges.emplace(slot->first, consumer);
    if (*slot == *new_slot && e.artifact_id < new_artifact_id) {
      stale.insert(consumer);
    }
  }
  for (const int64_t type : read_new) stale.erase(type);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [from, to] : edges) {
      if (stale.contains(from) && stale.insert(to).second) grew = true;
    }
  }
  std::vector<int64_t> out;
  for (const int64_t type : stale) out.push_back(latest[type]);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lineagedb::baseline
