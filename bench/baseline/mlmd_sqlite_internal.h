// Private helpers shared by the mlmd_sqlite*.cc files: a cached statement in
// use, a transaction guard, SQLite error mapping, MLMD's enum numbers and the
// property value encoding.
#ifndef LINEAGEDB_BENCH_BASELINE_MLMD_SQLITE_INTERNAL_H_
#define LINEAGEDB_BENCH_BASELINE_MLMD_SQLITE_INTERNAL_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/baseline/mlmd_sqlite.h"

namespace lineagedb::baseline {

#define MLMD_RETURN_IF_ERROR(expr)         \
  do {                                     \
    const ::absl::Status mlmd_s_ = (expr); \
    if (!mlmd_s_.ok()) return mlmd_s_;     \
  } while (0)

#define MLMD_CONCAT_INNER_(a, b) a##b
#define MLMD_CONCAT_(a, b) MLMD_CONCAT_INNER_(a, b)
#define MLMD_ASSIGN_OR_RETURN(lhs, expr) \
  MLMD_ASSIGN_OR_RETURN_IMPL_(MLMD_CONCAT_(mlmd_sor_, __LINE__), lhs, expr)
#define MLMD_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                \
  if (!var.ok()) return var.status();               \
  lhs = std::move(var).value()

// MLMD's Type.type_kind numbers (its TypeKind enum).
constexpr int kExecutionTypeKind = 0;
constexpr int kArtifactTypeKind = 1;
constexpr int kContextTypeKind = 2;
int TypeKindOf(NodeKind kind);

// Maps a failed SQLite call (`rc`) to a Status: a UNIQUE or PRIMARY KEY
// violation is ALREADY_EXISTS, SQLITE_BUSY is ABORTED, the rest INTERNAL.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

int64_t NowMs();

// "[1,2,3]": the id list as one bound parameter for json_each(?).
std::string JsonIdList(const std::vector<int64_t>& ids);

// True when a walk in `dir` standing on a node of kind `from` crosses an
// event of `type` (UPSTREAM: artifact -> its producers via outputs,
// execution -> what it read via inputs).
bool Follows(NodeKind from, EventType type, LineageDirection dir);

// Sorts g.artifact_ids and g.execution_ids and sets g.events to those of
// `events` (keyed by event id) whose both ends are among them, sorted by
// (artifact_id, execution_id, type).
void FinishGraph(std::vector<std::pair<int64_t, Event>> events,
                 LineageGraph& g);

// Table and column names of one node kind.
struct KindTables {
  const char* node;       // "Artifact"
  const char* property;   // "ArtifactProperty"
  const char* id_column;  // "artifact_id"
};
const KindTables& TablesOf(NodeKind kind);

// Property values are stored as MLMD stores them: int, double, string and
// bool in their columns; a struct in string_value as "mlmd-struct::" and the
// base64 of its JSON text (MLMD: of the serialized google.protobuf.Struct);
// a proto in proto_value as a serialized google.protobuf.Any (field 1
// type_url, field 2 value).
// The value column of `v`'s kind ("int_value", ...).
const char* ValueColumn(const Value& v);
// Binds `v`'s stored form at parameter `index` of `stmt`.
int BindValue(sqlite3_stmt* stmt, int index, const Value& v);
// Reads a value from the columns int_value, double_value, string_value,
// proto_value, bool_value at `first` .. first+4 of the current row.
// Errors: DATA_LOSS (no column set, or a malformed struct or proto).
StatusOr<Value> ReadValue(sqlite3_stmt* stmt, int first);

// A cached statement in use: binds by position, steps, and resets itself
// and clears its bindings when it goes out of scope.
class MlmdSqlite::Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binders take 1-based parameter indexes. An empty optional string binds
  // NULL where noted by the caller via BindTextOrNull.
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
  }
  // Binds NULL for an empty string.
  void BindTextOrNull(int i, std::string_view v) {
    if (v.empty()) {
      sqlite3_bind_null(stmt_, i);
    } else {
      BindText(i, v);
    }
  }
  void BindValue(int i, const Value& v) { baseline::BindValue(stmt_, i, v); }

  // True when a row is ready, false when done.
  StatusOr<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, sqlite3_sql(stmt_));
  }
  // Steps to the end, ignoring rows.
  Status Run() {
    for (;;) {
      StatusOr<bool> row = Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
    }
  }

  bool IsNull(int c) const {
    return sqlite3_column_type(stmt_, c) == SQLITE_NULL;
  }
  int64_t Int(int c) const { return sqlite3_column_int64(stmt_, c); }
  // "" for NULL.
  std::string Text(int c) const {
    const auto* p =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return p == nullptr
               ? std::string()
               : std::string(
                     p, static_cast<size_t>(sqlite3_column_bytes(stmt_, c)));
  }
  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN on Begin(); ROLLBACK on destruction unless Commit() succeeded.
// Inside a batch's open transaction (MlmdSqliteOptions::
// executions_per_transaction) a savepoint instead, released on Commit() and
// rolled back to on destruction.
class MlmdSqlite::Txn {
 public:
  explicit Txn(MlmdSqlite* store)
      : store_(store), nested_(store->batch_open_) {}
  ~Txn() {
    if (!open_) return;
    if (nested_) {
      (void)Finish("ROLLBACK TO txn;");
      (void)Finish("RELEASE txn;");
    } else {
      (void)Finish("ROLLBACK;");
    }
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  Status Begin() {
    MLMD_RETURN_IF_ERROR(Finish(nested_ ? "SAVEPOINT txn;" : "BEGIN;"));
    open_ = true;
    return absl::OkStatus();
  }
  Status Commit() {
    MLMD_RETURN_IF_ERROR(Finish(nested_ ? "RELEASE txn;" : "COMMIT;"));
    open_ = false;
    return absl::OkStatus();
  }

 private:
  Status Finish(const char* sql) {
    MLMD_ASSIGN_OR_RETURN(sqlite3_stmt * raw, store_->Prepare(sql));
    Stmt stmt(store_->db_, raw);
    return stmt.Run();
  }

  MlmdSqlite* store_;
  const bool nested_;
  bool open_ = false;
};

}  // namespace lineagedb::baseline

#endif  // LINEAGEDB_BENCH_BASELINE_MLMD_SQLITE_INTERNAL_H_
