// MlmdSqlite::PutExecution, written the way MLMD writes: one statement per
// row, a last_insert_rowid() read after each node and event.
#include <sqlite3.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/baseline/mlmd_sqlite.h"
#include "bench/baseline/mlmd_sqlite_internal.h"

namespace lineagedb::baseline {
namespace {

// Checks `node.properties` against the declared `props` (MLMD loads the
// type of every node it writes for this).
Status CheckDeclared(const std::map<std::string, PropertyKind>& props,
                     const NodeBase& node) {
  for (const auto& [name, value] : node.properties) {
    const auto it = props.find(name);
    if (it == props.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "property ", name, " is not declared by type ", node.type_id));
    }
    if (it->second != value.kind()) {
      return absl::InvalidArgumentError(
          absl::StrCat("property ", name, " has another kind than declared"));
    }
  }
  for (const auto& [name, value] : node.custom_properties) {
    if (value.kind() == PropertyKind::kUnknown) {
      return absl::InvalidArgumentError(
          absl::StrCat("custom property ", name, " has no value"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Status MlmdSqlite::CheckProperties(NodeKind kind, const NodeBase& node) {
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("SELECT `id` FROM `Type` WHERE `id` = ?1 AND `type_kind` = ?2;"));
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, node.type_id);
    stmt.BindInt(2, TypeKindOf(kind));
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown ", TablesOf(kind).node, " type ", node.type_id));
    }
  }
  MLMD_ASSIGN_OR_RETURN(auto props, TypeProperties(node.type_id));
  return CheckDeclared(props, node);
}

Status MlmdSqlite::InsertProperties(NodeKind kind, int64_t node_id,
                                    const NodeBase& node) {
  const KindTables& t = TablesOf(kind);
  for (const bool custom : {false, true}) {
    for (const auto& [name, value] :
         custom ? node.custom_properties : node.properties) {
      MLMD_ASSIGN_OR_RETURN(
          sqlite3_stmt * raw,
          Prepare(absl::StrCat("INSERT INTO `", t.property, "`(`", t.id_column,
                               "`, `name`, `is_custom_property`,"
                               " `",
                               ValueColumn(value),
                               "`) VALUES(?1, ?2, ?3, ?4);")));
      Stmt stmt(db_, raw);
      stmt.BindInt(1, node_id);
      stmt.BindText(2, name);
      stmt.BindInt(3, custom ? 1 : 0);
      stmt.BindValue(4, value);
      MLMD_RETURN_IF_ERROR(stmt.Run());
    }
  }
  return absl::OkStatus();
}

StatusOr<int64_t> MlmdSqlite::InsertArtifact(const Artifact& a,
                                             int64_t now_ms) {
  MLMD_RETURN_IF_ERROR(CheckProperties(NodeKind::kArtifact, a));
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("INSERT INTO `Artifact`(`type_id`, `uri`, `state`, `name`,"
              " `external_id`, `create_time_since_epoch`,"
              " `last_update_time_since_epoch`)"
              " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7);"));
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, a.type_id);
    stmt.BindTextOrNull(2, a.uri);
    stmt.BindInt(3, static_cast<int>(a.state));
    stmt.BindTextOrNull(4, a.name);
    stmt.BindTextOrNull(5, a.external_id);
    stmt.BindInt(6, now_ms);
    stmt.BindInt(7, now_ms);
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  MLMD_ASSIGN_OR_RETURN(const int64_t id, LastInsertId());
  MLMD_RETURN_IF_ERROR(InsertProperties(NodeKind::kArtifact, id, a));
  return id;
}

StatusOr<int64_t> MlmdSqlite::InsertExecution(const Execution& e,
                                              int64_t now_ms) {
  MLMD_RETURN_IF_ERROR(CheckProperties(NodeKind::kExecution, e));
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("INSERT INTO `Execution`(`type_id`, `last_known_state`, `name`,"
              " `external_id`, `create_time_since_epoch`,"
              " `last_update_time_since_epoch`)"
              " VALUES(?1, ?2, ?3, ?4, ?5, ?6);"));
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, e.type_id);
    stmt.BindInt(2, static_cast<int>(e.last_known_state));
    stmt.BindTextOrNull(3, e.name);
    stmt.BindTextOrNull(4, e.external_id);
    stmt.BindInt(5, now_ms);
    stmt.BindInt(6, now_ms);
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  MLMD_ASSIGN_OR_RETURN(const int64_t id, LastInsertId());
  if (e.fingerprint.empty()) {
    MLMD_RETURN_IF_ERROR(InsertProperties(NodeKind::kExecution, id, e));
  } else {
    Execution keyed = e;
    keyed.custom_properties[kCacheKeyProperty] = Value(e.fingerprint);
    MLMD_RETURN_IF_ERROR(InsertProperties(NodeKind::kExecution, id, keyed));
  }
  return id;
}

Status MlmdSqlite::SetArtifactState(int64_t id, ArtifactState state) {
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("UPDATE `Artifact` SET `state` = ?1,"
              " `last_update_time_since_epoch` = ?2 WHERE `id` = ?3;"));
  Stmt stmt(db_, raw);
  stmt.BindInt(1, static_cast<int>(state));
  stmt.BindInt(2, NowMs());
  stmt.BindInt(3, id);
  MLMD_RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("artifact ", id));
  }
  return absl::OkStatus();
}

StatusOr<int64_t> MlmdSqlite::PutContext(const Context& c, int64_t now_ms) {
  if (c.id != 0) {
    MLMD_RETURN_IF_ERROR(CheckNodeExists(NodeKind::kContext, c.id));
    return c.id;
  }
  if (c.name.empty()) return absl::InvalidArgumentError("context has no name");
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("SELECT `id` FROM `Context` WHERE `type_id` = ?1 AND"
              " `name` = ?2;"));
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, c.type_id);
    stmt.BindText(2, c.name);
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) return stmt.Int(0);
  }
  MLMD_RETURN_IF_ERROR(CheckProperties(NodeKind::kContext, c));
  MLMD_ASSIGN_OR_RETURN(
      raw, Prepare("INSERT INTO `Context`(`type_id`, `name`, `external_id`,"
                   " `create_time_since_epoch`,"
                   " `last_update_time_since_epoch`)"
                   " VALUES(?1, ?2, ?3, ?4, ?5);"));
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, c.type_id);
    stmt.BindText(2, c.name);
    stmt.BindTextOrNull(3, c.external_id);
    stmt.BindInt(4, now_ms);
    stmt.BindInt(5, now_ms);
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  MLMD_ASSIGN_OR_RETURN(const int64_t id, LastInsertId());
  MLMD_RETURN_IF_ERROR(InsertProperties(NodeKind::kContext, id, c));
  return id;
}

Status MlmdSqlite::CheckNodeExists(NodeKind kind, int64_t id) {
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(absl::StrCat("SELECT 1 FROM `", TablesOf(kind).node,
                           "` WHERE `id` = ?1;")));
  Stmt stmt(db_, raw);
  stmt.BindInt(1, id);
  MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return absl::InvalidArgumentError(
        absl::StrCat("no ", TablesOf(kind).node, " with id ", id));
  }
  return absl::OkStatus();
}

Status MlmdSqlite::InsertEvent(const Event& event, int64_t now_ms) {
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("INSERT INTO `Event`(`artifact_id`, `execution_id`, `type`,"
              " `milliseconds_since_epoch`) VALUES(?1, ?2, ?3, ?4);"));
  {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, event.artifact_id);
    stmt.BindInt(2, event.execution_id);
    stmt.BindInt(3, static_cast<int>(event.type));
    stmt.BindInt(4, event.time_ms != 0 ? event.time_ms : now_ms);
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  MLMD_ASSIGN_OR_RETURN(const int64_t event_id, LastInsertId());
  for (const PathStep& step : event.path) {
    const bool is_index = std::holds_alternative<int64_t>(step.step);
    MLMD_ASSIGN_OR_RETURN(
        raw, Prepare(is_index ? "INSERT INTO `EventPath`(`event_id`,"
                                " `is_index_step`, `step_index`)"
                                " VALUES(?1, 1, ?2);"
                              : "INSERT INTO `EventPath`(`event_id`,"
                                " `is_index_step`, `step_key`)"
                                " VALUES(?1, 0, ?2);"));
    Stmt stmt(db_, raw);
    stmt.BindInt(1, event_id);
    if (is_index) {
      stmt.BindInt(2, std::get<int64_t>(step.step));
    } else {
      stmt.BindText(2, std::get<std::string>(step.step));
    }
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  return absl::OkStatus();
}

StatusOr<ExecutionWrite> MlmdSqlite::PutExecution(
    const Execution& execution,
    const std::vector<std::pair<Artifact, Event>>& pairs,
    const std::vector<Context>& contexts) {
  if (execution.id != 0) {
    return absl::InvalidArgumentError("the execution must be new (id 0)");
  }
  MLMD_RETURN_IF_ERROR(CheckBatchAlive());
  if (batch_size_ > 1 && !batch_open_) {
    MLMD_RETURN_IF_ERROR(Exec("BEGIN;"));
    batch_open_ = true;
  }
  const int64_t now_ms = NowMs();
  ExecutionWrite out;
  Txn txn(this);
  MLMD_RETURN_IF_ERROR(txn.Begin());
  for (const auto& [artifact, event] : pairs) {
    if (artifact.id != 0) {
      MLMD_RETURN_IF_ERROR(CheckNodeExists(NodeKind::kArtifact, artifact.id));
      out.artifact_ids.push_back(artifact.id);
    } else {
      MLMD_ASSIGN_OR_RETURN(const int64_t id, InsertArtifact(artifact, now_ms));
      out.artifact_ids.push_back(id);
    }
  }
  MLMD_ASSIGN_OR_RETURN(out.execution_id, InsertExecution(execution, now_ms));
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].second.type == EventType::kUnknown) continue;
    Event event = pairs[i].second;
    event.artifact_id = out.artifact_ids[i];
    event.execution_id = out.execution_id;
    MLMD_RETURN_IF_ERROR(InsertEvent(event, now_ms));
  }
  for (const Context& context : contexts) {
    MLMD_ASSIGN_OR_RETURN(const int64_t id, PutContext(context, now_ms));
    out.context_ids.push_back(id);
  }
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * association,
      Prepare("INSERT OR IGNORE INTO `Association`(`context_id`,"
              " `execution_id`) VALUES(?1, ?2);"));
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * attribution,
      Prepare("INSERT OR IGNORE INTO `Attribution`(`context_id`,"
              " `artifact_id`) VALUES(?1, ?2);"));
  for (const int64_t context_id : out.context_ids) {
    {
      Stmt stmt(db_, association);
      stmt.BindInt(1, context_id);
      stmt.BindInt(2, out.execution_id);
      MLMD_RETURN_IF_ERROR(stmt.Run());
    }
    for (const int64_t artifact_id : out.artifact_ids) {
      Stmt stmt(db_, attribution);
      stmt.BindInt(1, context_id);
      stmt.BindInt(2, artifact_id);
      MLMD_RETURN_IF_ERROR(stmt.Run());
    }
  }
  MLMD_RETURN_IF_ERROR(txn.Commit());
  if (batch_open_ && ++batch_count_ >= batch_size_) {
    MLMD_RETURN_IF_ERROR(Flush());
  }
  return out;
}

Status MlmdSqlite::CheckBatchAlive() {
  // SQLite rolls a whole transaction back by itself on some errors (a full
  // disk, an I/O error, out of memory): then it is in autocommit mode.
  if (!batch_open_ || sqlite3_get_autocommit(db_) == 0) {
    return absl::OkStatus();
  }
  const int lost = batch_count_;
  batch_open_ = false;
  batch_count_ = 0;
  return absl::InternalError(
      absl::StrCat("SQLite rolled back the open batch: the ", lost,
                   " executions written since its last commit are lost"));
}

Status MlmdSqlite::Flush() {
  MLMD_RETURN_IF_ERROR(CheckBatchAlive());
  if (!batch_open_) return absl::OkStatus();
  batch_open_ = false;
  batch_count_ = 0;
  Status s = Exec("COMMIT;");
  if (!s.ok()) (void)Exec("ROLLBACK;");
  return s;
}

}  // namespace lineagedb::baseline
