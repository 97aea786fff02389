// MlmdSqlite: opening, the schema, statement caching, the value encoding and
// types.
#include "bench/baseline/mlmd_sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/baseline/mlmd_sqlite_internal.h"

namespace lineagedb::baseline {
namespace {

// MLMD schema v10 for SQLite (tables, then its secondary indexes).
constexpr const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS `Type` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `name` VARCHAR(255) NOT NULL,"
    " `version` VARCHAR(255), `type_kind` TINYINT(1) NOT NULL,"
    " `description` TEXT, `input_type` TEXT, `output_type` TEXT,"
    " `external_id` VARCHAR(255) UNIQUE);",
    "CREATE TABLE IF NOT EXISTS `ParentType` ("
    " `type_id` INT NOT NULL, `parent_type_id` INT NOT NULL,"
    " PRIMARY KEY (`type_id`, `parent_type_id`));",
    "CREATE TABLE IF NOT EXISTS `TypeProperty` ("
    " `type_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL,"
    " `data_type` INT NULL, PRIMARY KEY (`type_id`, `name`));",
    "CREATE TABLE IF NOT EXISTS `Artifact` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `type_id` INT NOT NULL,"
    " `uri` TEXT, `state` INT, `name` VARCHAR(255),"
    " `external_id` VARCHAR(255) UNIQUE,"
    " `create_time_since_epoch` INT NOT NULL DEFAULT 0,"
    " `last_update_time_since_epoch` INT NOT NULL DEFAULT 0,"
    " UNIQUE(`type_id`, `name`));",
    "CREATE TABLE IF NOT EXISTS `ArtifactProperty` ("
    " `artifact_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL,"
    " `is_custom_property` TINYINT(1) NOT NULL, `int_value` INT,"
    " `double_value` DOUBLE, `string_value` TEXT, `byte_value` BLOB,"
    " `proto_value` BLOB, `bool_value` BOOLEAN,"
    " PRIMARY KEY (`artifact_id`, `name`, `is_custom_property`));",
    "CREATE TABLE IF NOT EXISTS `Execution` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `type_id` INT NOT NULL,"
    " `last_known_state` INT, `name` VARCHAR(255),"
    " `external_id` VARCHAR(255) UNIQUE,"
    " `create_time_since_epoch` INT NOT NULL DEFAULT 0,"
    " `last_update_time_since_epoch` INT NOT NULL DEFAULT 0,"
    " UNIQUE(`type_id`, `name`));",
    "CREATE TABLE IF NOT EXISTS `ExecutionProperty` ("
    " `execution_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL,"
    " `is_custom_property` TINYINT(1) NOT NULL, `int_value` INT,"
    " `double_value` DOUBLE, `string_value` TEXT, `byte_value` BLOB,"
    " `proto_value` BLOB, `bool_value` BOOLEAN,"
    " PRIMARY KEY (`execution_id`, `name`, `is_custom_property`));",
    "CREATE TABLE IF NOT EXISTS `Context` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `type_id` INT NOT NULL,"
    " `name` VARCHAR(255) NOT NULL, `external_id` VARCHAR(255) UNIQUE,"
    " `create_time_since_epoch` INT NOT NULL DEFAULT 0,"
    " `last_update_time_since_epoch` INT NOT NULL DEFAULT 0,"
    " UNIQUE(`type_id`, `name`));",
    "CREATE TABLE IF NOT EXISTS `ContextProperty` ("
    " `context_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL,"
    " `is_custom_property` TINYINT(1) NOT NULL, `int_value` INT,"
    " `double_value` DOUBLE, `string_value` TEXT, `byte_value` BLOB,"
    " `proto_value` BLOB, `bool_value` BOOLEAN,"
    " PRIMARY KEY (`context_id`, `name`, `is_custom_property`));",
    "CREATE TABLE IF NOT EXISTS `ParentContext` ("
    " `context_id` INT NOT NULL, `parent_context_id` INT NOT NULL,"
    " PRIMARY KEY (`context_id`, `parent_context_id`));",
    "CREATE TABLE IF NOT EXISTS `Event` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `artifact_id` INT NOT NULL,"
    " `execution_id` INT NOT NULL, `type` INT NOT NULL,"
    " `milliseconds_since_epoch` INT,"
    " UNIQUE(`artifact_id`, `execution_id`, `type`));",
    "CREATE TABLE IF NOT EXISTS `EventPath` ("
    " `event_id` INT NOT NULL, `is_index_step` TINYINT(1) NOT NULL,"
    " `step_index` INT, `step_key` TEXT);",
    "CREATE TABLE IF NOT EXISTS `Association` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `context_id` INT NOT NULL,"
    " `execution_id` INT NOT NULL, UNIQUE(`context_id`, `execution_id`));",
    "CREATE TABLE IF NOT EXISTS `Attribution` ("
    " `id` INTEGER PRIMARY KEY AUTOINCREMENT, `context_id` INT NOT NULL,"
    " `artifact_id` INT NOT NULL, UNIQUE(`context_id`, `artifact_id`));",
    "CREATE TABLE IF NOT EXISTS `MLMDEnv` ("
    " `schema_version` INTEGER PRIMARY KEY);",
    "INSERT OR IGNORE INTO `MLMDEnv`(`schema_version`) VALUES(10);",
    "CREATE INDEX IF NOT EXISTS `idx_artifact_uri` ON `Artifact`(`uri`);",
    "CREATE INDEX IF NOT EXISTS `idx_artifact_create_time_since_epoch`"
    " ON `Artifact`(`create_time_since_epoch`);",
    "CREATE INDEX IF NOT EXISTS `idx_artifact_last_update_time_since_epoch`"
    " ON `Artifact`(`last_update_time_since_epoch`);",
    "CREATE INDEX IF NOT EXISTS `idx_event_execution_id`"
    " ON `Event`(`execution_id`);",
    "CREATE INDEX IF NOT EXISTS `idx_parentcontext_parent_context_id`"
    " ON `ParentContext`(`parent_context_id`);",
    "CREATE INDEX IF NOT EXISTS `idx_type_name` ON `Type`(`name`);",
    "CREATE INDEX IF NOT EXISTS `idx_execution_create_time_since_epoch`"
    " ON `Execution`(`create_time_since_epoch`);",
    "CREATE INDEX IF NOT EXISTS `idx_execution_last_update_time_since_epoch`"
    " ON `Execution`(`last_update_time_since_epoch`);",
    "CREATE INDEX IF NOT EXISTS `idx_context_create_time_since_epoch`"
    " ON `Context`(`create_time_since_epoch`);",
    "CREATE INDEX IF NOT EXISTS `idx_context_last_update_time_since_epoch`"
    " ON `Context`(`last_update_time_since_epoch`);",
    "CREATE INDEX IF NOT EXISTS `idx_eventpath_event_id`"
    " ON `EventPath`(`event_id`);",
    "CREATE INDEX IF NOT EXISTS `idx_type_external_id`"
    " ON `Type`(`external_id`);",
    "CREATE INDEX IF NOT EXISTS `idx_artifact_external_id`"
    " ON `Artifact`(`external_id`);",
    "CREATE INDEX IF NOT EXISTS `idx_execution_external_id`"
    " ON `Execution`(`external_id`);",
    "CREATE INDEX IF NOT EXISTS `idx_context_external_id`"
    " ON `Context`(`external_id`);",
};

// Property indexes: per property table, per value kind, (name,
// is_custom_property, value) where the value is set.
constexpr const char* kPropertyIndexTables[][2] = {
    {"artifact", "ArtifactProperty"},
    {"execution", "ExecutionProperty"},
    {"context", "ContextProperty"},
};
constexpr const char* kIndexedValueKinds[] = {"int", "double", "string"};

constexpr char kStructPrefix[] = "mlmd-struct::";
constexpr size_t kStructPrefixSize = sizeof(kStructPrefix) - 1;

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// google.protobuf.Any: field 1 (type_url) and 2 (value), length-delimited.
std::string EncodeAny(const ProtoValue& p) {
  std::string out;
  out.reserve(p.type_url.size() + p.bytes.size() + 12);
  out.push_back(0x0a);
  PutVarint(p.type_url.size(), out);
  out.append(p.type_url);
  out.push_back(0x12);
  PutVarint(p.bytes.size(), out);
  out.append(p.bytes);
  return out;
}

bool DecodeAny(std::string_view in, ProtoValue& p) {
  while (!in.empty()) {
    uint64_t tag = 0;
    uint64_t len = 0;
    if (!GetVarint(in, tag) || (tag & 7) != 2 || !GetVarint(in, len) ||
        len > in.size()) {
      return false;
    }
    const std::string_view field = in.substr(0, len);
    in.remove_prefix(len);
    if (tag >> 3 == 1) p.type_url = std::string(field);
    if (tag >> 3 == 2) p.bytes = std::string(field);
  }
  return true;
}

}  // namespace

// ---- Shared helpers (declared in mlmd_sqlite_internal.h) ----

int TypeKindOf(NodeKind kind) {
  switch (kind) {
    case NodeKind::kArtifact:
      return kArtifactTypeKind;
    case NodeKind::kExecution:
      return kExecutionTypeKind;
    case NodeKind::kContext:
      return kContextTypeKind;
  }
  return -1;
}

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const std::string msg =
      absl::StrCat(sqlite3_errmsg(db), " (", sqlite3_errstr(rc),
                   ") in: ", std::string(what.substr(0, 200)));
  const int ext = sqlite3_extended_errcode(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return absl::AlreadyExistsError(msg);
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return absl::AbortedError(msg);
  }
  return absl::InternalError(msg);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string JsonIdList(const std::vector<int64_t>& ids) {
  return absl::StrCat("[", absl::StrJoin(ids, ","), "]");
}

const KindTables& TablesOf(NodeKind kind) {
  static constexpr KindTables kArtifact = {"Artifact", "ArtifactProperty",
                                           "artifact_id"};
  static constexpr KindTables kExecution = {"Execution", "ExecutionProperty",
                                            "execution_id"};
  static constexpr KindTables kContext = {"Context", "ContextProperty",
                                          "context_id"};
  switch (kind) {
    case NodeKind::kArtifact:
      return kArtifact;
    case NodeKind::kExecution:
      return kExecution;
    case NodeKind::kContext:
      break;
  }
  return kContext;
}

const char* ValueColumn(const Value& v) {
  switch (v.kind()) {
    case PropertyKind::kInt:
      return "int_value";
    case PropertyKind::kDouble:
      return "double_value";
    case PropertyKind::kString:
    case PropertyKind::kStruct:
      return "string_value";
    case PropertyKind::kProto:
      return "proto_value";
    case PropertyKind::kBool:
      return "bool_value";
    case PropertyKind::kUnknown:
      break;
  }
  return "byte_value";
}

int BindValue(sqlite3_stmt* stmt, int index, const Value& v) {
  switch (v.kind()) {
    case PropertyKind::kInt:
      return sqlite3_bind_int64(stmt, index, v.int_value());
    case PropertyKind::kDouble:
      return sqlite3_bind_double(stmt, index, v.double_value());
    case PropertyKind::kString:
      return sqlite3_bind_text(stmt, index, v.string_value().data(),
                               static_cast<int>(v.string_value().size()),
                               SQLITE_TRANSIENT);
    case PropertyKind::kStruct: {
      const std::string text = absl::StrCat(
          kStructPrefix, absl::Base64Escape(v.struct_value().json));
      return sqlite3_bind_text(stmt, index, text.data(),
                               static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    case PropertyKind::kProto: {
      const std::string any = EncodeAny(v.proto_value());
      return sqlite3_bind_blob(stmt, index, any.data(),
                               static_cast<int>(any.size()), SQLITE_TRANSIENT);
    }
    case PropertyKind::kBool:
      return sqlite3_bind_int(stmt, index, v.bool_value() ? 1 : 0);
    case PropertyKind::kUnknown:
      break;
  }
  return sqlite3_bind_null(stmt, index);
}

StatusOr<Value> ReadValue(sqlite3_stmt* stmt, int first) {
  if (sqlite3_column_type(stmt, first) != SQLITE_NULL) {
    return Value(static_cast<int64_t>(sqlite3_column_int64(stmt, first)));
  }
  if (sqlite3_column_type(stmt, first + 1) != SQLITE_NULL) {
    return Value(sqlite3_column_double(stmt, first + 1));
  }
  if (sqlite3_column_type(stmt, first + 2) != SQLITE_NULL) {
    const auto* p =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt, first + 2));
    std::string s(p,
                  static_cast<size_t>(sqlite3_column_bytes(stmt, first + 2)));
    if (!absl::StartsWith(s, kStructPrefix)) return Value(std::move(s));
    StructValue sv;
    if (!absl::Base64Unescape(absl::string_view(s).substr(kStructPrefixSize),
                              &sv.json)) {
      return absl::DataLossError("malformed struct property");
    }
    return Value(std::move(sv));
  }
  if (sqlite3_column_type(stmt, first + 3) != SQLITE_NULL) {
    const auto* p =
        static_cast<const char*>(sqlite3_column_blob(stmt, first + 3));
    const std::string_view blob(
        p, static_cast<size_t>(sqlite3_column_bytes(stmt, first + 3)));
    ProtoValue pv;
    if (!DecodeAny(blob, pv)) {
      return absl::DataLossError("malformed proto property");
    }
    return Value(std::move(pv));
  }
  if (sqlite3_column_type(stmt, first + 4) != SQLITE_NULL) {
    return Value(sqlite3_column_int(stmt, first + 4) != 0);
  }
  return absl::DataLossError("property row without a value");
}

// ---- Opening ----

MlmdSqlite::MlmdSqlite(sqlite3* db, int executions_per_transaction)
    : db_(db), batch_size_(std::max(1, executions_per_transaction)) {}

MlmdSqlite::~MlmdSqlite() {
  (void)Flush();
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

StatusOr<std::unique_ptr<MlmdSqlite>> MlmdSqlite::Open(
    const std::string& path, const MlmdSqliteOptions& options) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    Status s = absl::InternalError(
        absl::StrCat("cannot open ", path, ": ",
                     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<MlmdSqlite> store(
      new MlmdSqlite(db, options.executions_per_transaction));
  MLMD_RETURN_IF_ERROR(store->CreateSchema(options));
  return store;
}

Status MlmdSqlite::CreateSchema(const MlmdSqliteOptions& options) {
  MLMD_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL;"));
  MLMD_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL;"));
  if (options.cache_kib > 0) {
    MLMD_RETURN_IF_ERROR(Exec(
        absl::StrCat("PRAGMA cache_size=-", options.cache_kib, ";").c_str()));
  }
  MLMD_RETURN_IF_ERROR(Exec("BEGIN;"));
  for (const char* sql : kSchema) {
    Status s = Exec(sql);
    if (!s.ok()) {
      (void)Exec("ROLLBACK;");
      return s;
    }
  }
  for (const auto& [prefix, table] : kPropertyIndexTables) {
    for (const char* kind : kIndexedValueKinds) {
      const std::string sql = absl::StrCat(
          "CREATE INDEX IF NOT EXISTS `idx_", prefix, "_property_", kind,
          "` ON `", table, "`(`name`, `is_custom_property`, `", kind,
          "_value`) WHERE `", kind, "_value` IS NOT NULL;");
      MLMD_RETURN_IF_ERROR(Exec(sql.c_str()));
    }
  }
  if (options.covering_event_index) {
    MLMD_RETURN_IF_ERROR(
        Exec("CREATE INDEX IF NOT EXISTS `idx_event_execution_cover`"
             " ON `Event`(`execution_id`, `type`, `artifact_id`);"));
  }
  return Exec("COMMIT;");
}

Status MlmdSqlite::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  return absl::OkStatus();
}

StatusOr<sqlite3_stmt*> MlmdSqlite::Prepare(const std::string& sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  stmts_.emplace(sql, stmt);
  return stmt;
}

StatusOr<int64_t> MlmdSqlite::LastInsertId() {
  MLMD_ASSIGN_OR_RETURN(sqlite3_stmt * raw,
                        Prepare("SELECT last_insert_rowid();"));
  Stmt stmt(db_, raw);
  MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("last_insert_rowid() gave no row");
  return stmt.Int(0);
}

// ---- Types ----

StatusOr<int64_t> MlmdSqlite::FindType(NodeKind kind, std::string_view name,
                                       std::string_view version) {
  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare(version.empty() ? "SELECT `id` FROM `Type` WHERE `name` = ?1 AND"
                                " `version` IS NULL AND `type_kind` = ?2;"
                              : "SELECT `id` FROM `Type` WHERE `name` = ?1 AND"
                                " `version` = ?3 AND `type_kind` = ?2;"));
  Stmt stmt(db_, raw);
  stmt.BindText(1, name);
  stmt.BindInt(2, TypeKindOf(kind));
  if (!version.empty()) stmt.BindText(3, version);
  MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row)
    return absl::NotFoundError(absl::StrCat("no type ", std::string(name)));
  return stmt.Int(0);
}

StatusOr<std::map<std::string, PropertyKind>> MlmdSqlite::TypeProperties(
    int64_t type_id) {
  MLMD_ASSIGN_OR_RETURN(sqlite3_stmt * raw,
                        Prepare("SELECT `name`, `data_type` FROM `TypeProperty`"
                                " WHERE `type_id` = ?1;"));
  Stmt stmt(db_, raw);
  stmt.BindInt(1, type_id);
  std::map<std::string, PropertyKind> props;
  for (;;) {
    MLMD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    props.emplace(stmt.Text(0), static_cast<PropertyKind>(stmt.Int(1)));
  }
  return props;
}

StatusOr<int64_t> MlmdSqlite::SystemBaseType(NodeKind kind, BaseType base) {
  static const std::map<BaseType, const char*> kNames = {
      {BaseType::kDataset, "mlmd.Dataset"},
      {BaseType::kModel, "mlmd.Model"},
      {BaseType::kMetrics, "mlmd.Metrics"},
      {BaseType::kStatistics, "mlmd.Statistics"},
      {BaseType::kTrain, "mlmd.Train"},
      {BaseType::kTransform, "mlmd.Transform"},
      {BaseType::kProcess, "mlmd.Process"},
      {BaseType::kEvaluate, "mlmd.Evaluate"},
      {BaseType::kDeploy, "mlmd.Deploy"},
  };
  const auto it = kNames.find(base);
  if (it == kNames.end()) return absl::InvalidArgumentError("bad base type");
  StatusOr<int64_t> found = FindType(kind, it->second, "");
  if (found.ok() || !absl::IsNotFound(found.status())) return found;
  MLMD_ASSIGN_OR_RETURN(sqlite3_stmt * raw,
                        Prepare("INSERT INTO `Type`(`name`, `type_kind`)"
                                " VALUES(?1, ?2);"));
  Stmt stmt(db_, raw);
  stmt.BindText(1, it->second);
  stmt.BindInt(2, TypeKindOf(kind));
  MLMD_RETURN_IF_ERROR(stmt.Run());
  return LastInsertId();
}

StatusOr<int64_t> MlmdSqlite::PutType(const Type& type) {
  if (type.name.empty()) return absl::InvalidArgumentError("type has no name");
  for (const auto& [name, kind] : type.properties) {
    if (kind == PropertyKind::kUnknown) {
      return absl::InvalidArgumentError(
          absl::StrCat("property ", name, " of kind UNKNOWN"));
    }
  }
  Txn txn(this);
  MLMD_RETURN_IF_ERROR(txn.Begin());
  StatusOr<int64_t> existing = FindType(type.kind, type.name, type.version);
  if (existing.ok()) {
    MLMD_ASSIGN_OR_RETURN(auto props, TypeProperties(*existing));
    if (props != type.properties) {
      return absl::AlreadyExistsError(
          absl::StrCat("type ", type.name, " exists with other properties"));
    }
    MLMD_RETURN_IF_ERROR(txn.Commit());
    return *existing;
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();

  MLMD_ASSIGN_OR_RETURN(
      sqlite3_stmt * raw,
      Prepare("INSERT INTO `Type`(`name`, `type_kind`, `version`,"
              " `description`, `external_id`) VALUES(?1, ?2, ?3, ?4, ?5);"));
  {
    Stmt stmt(db_, raw);
    stmt.BindText(1, type.name);
    stmt.BindInt(2, TypeKindOf(type.kind));
    stmt.BindTextOrNull(3, type.version);
    stmt.BindTextOrNull(4, type.description);
    stmt.BindTextOrNull(5, type.external_id);
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  MLMD_ASSIGN_OR_RETURN(const int64_t type_id, LastInsertId());
  MLMD_ASSIGN_OR_RETURN(raw,
                        Prepare("INSERT INTO `TypeProperty`(`type_id`,"
                                " `name`, `data_type`) VALUES(?1, ?2, ?3);"));
  for (const auto& [name, kind] : type.properties) {
    Stmt stmt(db_, raw);
    stmt.BindInt(1, type_id);
    stmt.BindText(2, name);
    stmt.BindInt(3, static_cast<int>(kind));
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  if (type.base_type != BaseType::kUnset) {
    MLMD_ASSIGN_OR_RETURN(const int64_t base_id,
                          SystemBaseType(type.kind, type.base_type));
    MLMD_ASSIGN_OR_RETURN(raw, Prepare("INSERT INTO `ParentType`(`type_id`,"
                                       " `parent_type_id`) VALUES(?1, ?2);"));
    Stmt stmt(db_, raw);
    stmt.BindInt(1, type_id);
    stmt.BindInt(2, base_id);
    MLMD_RETURN_IF_ERROR(stmt.Run());
  }
  MLMD_RETURN_IF_ERROR(txn.Commit());
  return type_id;
}

}  // namespace lineagedb::baseline
