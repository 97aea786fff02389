// Nodes of all three kinds: validation, staging of records and their
// secondary indexes, and point reads.
#include <algorithm>

#include "absl/strings/match.h"
#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "store/json_check.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

using codec::NodeRow;

namespace {

// The node a message is about: "artifact 12", or for an insert "new
// artifact 'name'" (or its external id, or nothing else to go by).
std::string Subject(const NodeRow& row) {
  if (row.base.id != 0) return StrCat(NodeKindName(row.kind), " ", row.base.id);
  if (!row.base.name.empty()) {
    return StrCat("new ", NodeKindName(row.kind), " '", row.base.name, "'");
  }
  if (!row.base.external_id.empty()) {
    return StrCat("new ", NodeKindName(row.kind), " with external_id '",
                  row.base.external_id, "'");
  }
  return StrCat("new ", NodeKindName(row.kind));
}

Status CheckValue(const NodeRow& row, const std::string& name,
                  const Value& value, bool custom) {
  const char* which = custom ? "custom property" : "property";
  if (name.empty()) {
    return absl::InvalidArgumentError(
        StrCat(Subject(row), " has a ", which, " without a name"));
  }
  if (value.kind() == PropertyKind::kUnknown) {
    return absl::InvalidArgumentError(
        StrCat(which, " '", name, "' of ", Subject(row), " has no value"));
  }
  if (value.kind() == PropertyKind::kStruct) {
    const std::string problem =
        store::JsonObjectProblem(value.struct_value().json);
    if (!problem.empty()) {
      return absl::InvalidArgumentError(
          StrCat(which, " '", name, "' of ", Subject(row),
                 " holds a struct that ", problem));
    }
  }
  return absl::OkStatus();
}

// The node's state is one of its kind's, and its properties are those its
// type declares, with their kinds.
Status CheckProperties(const NodeRow& row, const Type& type) {
  if (!codec::StateFitsKind(row.state, row.kind)) {
    return absl::InvalidArgumentError(StrCat(Subject(row),
                                             " has no valid state (",
                                             static_cast<int>(row.state), ")"));
  }
  for (const auto& [name, value] : row.base.properties) {
    RETURN_IF_ERROR(CheckValue(row, name, value, /*custom=*/false));
    auto it = type.properties.find(name);
    if (it == type.properties.end()) {
      return absl::InvalidArgumentError(StrCat(
          Subject(row), ": type '", type.name, "' declares no property '", name,
          "' (use custom_properties for undeclared ones)"));
    }
    if (it->second != value.kind()) {
      return absl::InvalidArgumentError(
          StrCat(Subject(row), ": property '", name, "' of type '", type.name,
                 "' is ", PropertyKindName(it->second), ", not ",
                 PropertyKindName(value.kind())));
    }
  }
  for (const auto& [name, value] : row.base.custom_properties) {
    RETURN_IF_ERROR(CheckValue(row, name, value, /*custom=*/true));
  }
  return absl::OkStatus();
}

void SetOrErase(const PropertyMap& from, const std::string& name,
                PropertyMap* to) {
  auto it = from.find(name);
  if (it == from.end()) {
    to->erase(name);
  } else {
    (*to)[name] = it->second;
  }
}

// Copies the fields named by `mask` from `given` into `merged` (which
// starts as the stored row). An empty mask copies every mutable field.
Status ApplyUpdate(const NodeRow& given, const std::vector<std::string>& mask,
                   NodeRow* merged) {
  const bool artifact = given.kind == NodeKind::kArtifact;
  const bool execution = given.kind == NodeKind::kExecution;
  if (mask.empty()) {
    merged->base.properties = given.base.properties;
    merged->base.custom_properties = given.base.custom_properties;
    merged->base.external_id = given.base.external_id;
    merged->uri = given.uri;
    merged->state = given.state;
    if (!given.base.name.empty()) merged->base.name = given.base.name;
    if (!given.fingerprint.empty()) merged->fingerprint = given.fingerprint;
    return absl::OkStatus();
  }
  for (const std::string& path : mask) {
    if (path == "properties") {
      merged->base.properties = given.base.properties;
    } else if (path == "custom_properties") {
      merged->base.custom_properties = given.base.custom_properties;
    } else if (path == "properties." || path == "custom_properties.") {
      return absl::InvalidArgumentError(
          StrCat("update_mask path '", path, "' names no property"));
    } else if (absl::StartsWith(path, "properties.")) {
      SetOrErase(given.base.properties, path.substr(11),
                 &merged->base.properties);
    } else if (absl::StartsWith(path, "custom_properties.")) {
      SetOrErase(given.base.custom_properties, path.substr(18),
                 &merged->base.custom_properties);
    } else if (path == "name") {
      merged->base.name = given.base.name;
    } else if (path == "external_id") {
      merged->base.external_id = given.base.external_id;
    } else if (path == "uri" && artifact) {
      merged->uri = given.uri;
    } else if (path == "fingerprint" && execution) {
      merged->fingerprint = given.fingerprint;
    } else if ((path == "state" && artifact) ||
               (path == "last_known_state" && execution)) {
      merged->state = given.state;
    } else {
      return absl::InvalidArgumentError(StrCat("update mask path '", path,
                                               "' is not a field of ",
                                               NodeKindName(given.kind), "s"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<NodeRow> StoreImpl::ReadNode(WriteContext& wc, NodeKind kind,
                                      int64_t id) {
  const std::string key = codec::NodeKey(kind, id);
  std::string value;
  Status s = wc.Get(key, &value);
  if (absl::IsNotFound(s)) {
    return absl::NotFoundError(
        StrCat("no ", NodeKindName(kind), " with id ", id));
  }
  RETURN_IF_ERROR(s);
  NodeRow row;
  RETURN_IF_ERROR(codec::DecodeNode(key, value, &row));
  return row;
}

namespace {
StatusOr<int64_t> FindId(WriteContext& wc, const std::string& key) {
  std::string value;
  Status s = wc.Get(key, &value);
  if (absl::IsNotFound(s)) return 0;
  RETURN_IF_ERROR(s);
  int64_t id;
  RETURN_IF_ERROR(codec::DecodeId(key, value, &id));
  return id;
}
}  // namespace

StatusOr<int64_t> StoreImpl::FindByTypeName(WriteContext& wc, NodeKind kind,
                                            int64_t type_id,
                                            std::string_view name) {
  return FindId(wc, codec::NodeByTypeNameKey(kind, type_id, name));
}

StatusOr<int64_t> StoreImpl::FindByExternalId(WriteContext& wc, NodeKind kind,
                                              std::string_view external_id) {
  return FindId(wc, codec::NodeByExternalIdKey(kind, external_id));
}

namespace {

// The index entries (key, value) of a node row.
std::vector<std::pair<std::string, std::string>> IndexEntries(
    const NodeRow& row) {
  const NodeKind kind = row.kind;
  const int64_t id = row.base.id;
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(6);
  entries.emplace_back(codec::NodeByTypeKey(kind, row.base.type_id, id), "");
  entries.emplace_back(
      codec::NodeByUpdateTimeKey(kind, row.base.type_id,
                                 row.base.last_update_time_ms, id),
      "");
  const std::string id_value = codec::EncodeId(id);
  if (!row.base.name.empty()) {
    entries.emplace_back(
        codec::NodeByTypeNameKey(kind, row.base.type_id, row.base.name),
        id_value);
  }
  if (!row.base.external_id.empty()) {
    entries.emplace_back(codec::NodeByExternalIdKey(kind, row.base.external_id),
                         id_value);
  }
  if (kind == NodeKind::kArtifact && !row.uri.empty()) {
    entries.emplace_back(codec::ArtifactByUriKey(row.uri, id), "");
  }
  if (kind == NodeKind::kExecution && !row.fingerprint.empty()) {
    entries.emplace_back(codec::ExecutionByFingerprintKey(row.fingerprint, id),
                         "");
  }
  return entries;
}

// Stages the index changes from `stored` to `merged` (the same node): an
// entry both rows have, with the same value, is left as it is.
void StageIndexChanges(WriteContext& wc, const NodeRow& stored,
                       const NodeRow& merged) {
  const auto before = IndexEntries(stored);
  const auto after = IndexEntries(merged);
  auto contains = [](const auto& entries, const auto& entry, bool by_key) {
    return std::any_of(entries.begin(), entries.end(), [&](const auto& e) {
      return e.first == entry.first && (by_key || e.second == entry.second);
    });
  };
  for (const auto& entry : before) {
    if (!contains(after, entry, /*by_key=*/true)) wc.Delete(entry.first);
  }
  for (const auto& entry : after) {
    if (!contains(before, entry, /*by_key=*/false)) {
      wc.Put(entry.first, entry.second);
    }
  }
}

}  // namespace

void StoreImpl::StageIndexes(WriteContext& wc, const NodeRow& row, bool put) {
  for (const auto& [key, value] : IndexEntries(row)) {
    if (put) {
      wc.Put(key, value);
    } else {
      wc.Delete(key);
    }
  }
}

Status StoreImpl::StageNode(WriteContext& wc, NodeRow* row,
                            const PutNodesOptions& options,
                            KnownFree known_free) {
  if (row->base.id != 0) {
    ASSIGN_OR_RETURN(NodeRow stored, ReadNode(wc, row->kind, row->base.id));
    if (row->base.type_id != 0 && row->base.type_id != stored.base.type_id) {
      return absl::InvalidArgumentError(StrCat(
          NodeKindName(row->kind), " ", row->base.id, " has type_id ",
          stored.base.type_id, "; it cannot change to ", row->base.type_id));
    }
    std::shared_ptr<const Type> type =
        CachedType(row->kind, stored.base.type_id);
    if (type == nullptr) {
      return absl::DataLossError(StrCat(NodeKindName(row->kind), " ",
                                        row->base.id, " has unknown type_id ",
                                        stored.base.type_id));
    }
    return StageUpdate(wc, row, std::move(stored), *type, options);
  }
  std::shared_ptr<const Type> type = CachedType(row->kind, row->base.type_id);
  if (type == nullptr) {
    return absl::InvalidArgumentError(StrCat(
        "no ", NodeKindName(row->kind), " type with id ", row->base.type_id));
  }
  return StageInsert(wc, row, *type, known_free);
}

namespace {
// `owner` new since the save point is another node of the same call.
Status AlreadyNamed(const WriteContext& wc, NodeKind kind, const Type& type,
                    const std::string& name, int64_t owner) {
  if (wc.IsNewSinceSavePoint(kind, owner)) {
    return absl::AlreadyExistsError(StrCat(NodeKindName(kind), " '", name,
                                           "' of type '", type.name,
                                           "' is given twice in one write"));
  }
  return absl::AlreadyExistsError(StrCat(NodeKindName(kind), " '", name,
                                         "' of type '", type.name,
                                         "' already exists (id ", owner, ")"));
}
Status ExternalIdTaken(const WriteContext& wc, NodeKind kind,
                       const std::string& ext, int64_t owner) {
  if (wc.IsNewSinceSavePoint(kind, owner)) {
    return absl::AlreadyExistsError(StrCat(NodeKindName(kind), " external_id '",
                                           ext,
                                           "' is given twice in one write"));
  }
  return absl::AlreadyExistsError(StrCat(NodeKindName(kind), " external_id '",
                                         ext, "' belongs to ",
                                         NodeKindName(kind), " ", owner));
}
}  // namespace

Status StoreImpl::StageInsert(WriteContext& wc, NodeRow* row, const Type& type,
                              KnownFree known_free) {
  if (row->kind == NodeKind::kContext && row->base.name.empty()) {
    return absl::InvalidArgumentError(
        StrCat("a context needs a name (type '", type.name, "')"));
  }
  RETURN_IF_ERROR(CheckProperties(*row, type));
  if (!row->base.name.empty() && known_free != KnownFree::kNameAndExternalId) {
    ASSIGN_OR_RETURN(int64_t owner,
                     FindByTypeName(wc, row->kind, type.id, row->base.name));
    if (owner != 0) {
      return AlreadyNamed(wc, row->kind, type, row->base.name, owner);
    }
  }
  if (!row->base.external_id.empty() && known_free == KnownFree::kNothing) {
    ASSIGN_OR_RETURN(int64_t owner,
                     FindByExternalId(wc, row->kind, row->base.external_id));
    if (owner != 0) {
      return ExternalIdTaken(wc, row->kind, row->base.external_id, owner);
    }
  }
  ASSIGN_OR_RETURN(row->base.id, wc.NextNodeId(row->kind));
  row->base.create_time_ms = wc.CreateTime(row->kind);
  row->base.last_update_time_ms = row->base.create_time_ms;
  row->create_seq = row->update_seq = wc.seq();
  const std::string record = codec::EncodeNode(*row);
  wc.Put(codec::NodeKey(row->kind, row->base.id), record);
  StageIndexes(wc, *row, /*put=*/true);
  return StageFingerprintHead(wc, nullptr, *row, record);
}

Status StoreImpl::StageUpdate(WriteContext& wc, NodeRow* row, NodeRow stored,
                              const Type& type,
                              const PutNodesOptions& options) {
  NodeRow merged = stored;
  RETURN_IF_ERROR(ApplyUpdate(*row, options.update_mask, &merged));
  if (!stored.base.name.empty() && merged.base.name != stored.base.name) {
    return absl::InvalidArgumentError(
        StrCat(NodeKindName(row->kind), " ", row->base.id, " is named '",
               stored.base.name, "'; a name cannot change once set"));
  }
  RETURN_IF_ERROR(CheckProperties(merged, type));
  if (merged.base.name != stored.base.name) {
    ASSIGN_OR_RETURN(int64_t owner,
                     FindByTypeName(wc, row->kind, type.id, merged.base.name));
    if (owner != 0) {
      return AlreadyNamed(wc, row->kind, type, merged.base.name, owner);
    }
  }
  if (!merged.base.external_id.empty() &&
      merged.base.external_id != stored.base.external_id) {
    ASSIGN_OR_RETURN(int64_t owner,
                     FindByExternalId(wc, row->kind, merged.base.external_id));
    if (owner != 0) {
      return ExternalIdTaken(wc, row->kind, merged.base.external_id, owner);
    }
  }
  // Unchanged means the same bytes: -0.0 and 0.0 differ, a NaN is itself.
  if (!options.force_update_time &&
      codec::EncodeNode(merged) == codec::EncodeNode(stored)) {
    *row = std::move(merged);
    return absl::OkStatus();
  }
  merged.base.last_update_time_ms =
      std::max(wc.now_ms(), stored.base.last_update_time_ms);
  merged.update_seq = wc.seq();
  StageIndexChanges(wc, stored, merged);
  const std::string record = codec::EncodeNode(merged);
  RETURN_IF_ERROR(StageFingerprintHead(wc, &stored, merged, record));
  if (row->kind == NodeKind::kArtifact) {
    RETURN_IF_ERROR(StageHeadArtifact(wc, row->base.id, record));
  }
  wc.Put(codec::NodeKey(row->kind, row->base.id), record);
  *row = std::move(merged);
  return absl::OkStatus();
}

StatusOr<std::vector<int64_t>> StoreImpl::PutNodes(
    std::vector<NodeRow> rows, const PutNodesOptions& options) {
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (NodeRow& row : rows) {
    RETURN_IF_ERROR(StageNode(wc, &row, options));
    ids.push_back(row.base.id);
  }
  RETURN_IF_ERROR(Commit(wc));
  return ids;
}

namespace {
// Reads the nodes under `keys` through `view`, skipping absent ones.
StatusOr<std::vector<NodeRow>> ReadRows(const storage::ReadView& view,
                                        const std::vector<std::string>& keys) {
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  std::vector<NodeRow> rows;
  rows.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!found[i]) continue;
    rows.emplace_back();
    RETURN_IF_ERROR(codec::DecodeNode(keys[i], values[i], &rows.back()));
  }
  return rows;
}
}  // namespace

StatusOr<std::vector<NodeRow>> StoreImpl::GetNodes(
    NodeKind kind, const std::vector<int64_t>& ids) {
  return GetNodes(*kv_->NewReadView(), kind, ids);
}

StatusOr<std::vector<NodeRow>> StoreImpl::GetNodes(
    const storage::ReadView& view, NodeKind kind,
    const std::vector<int64_t>& ids) {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (int64_t id : ids) keys.push_back(codec::NodeKey(kind, id));
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows, ReadRows(view, keys));
  FillTypeNames(&rows);
  return rows;
}

StatusOr<std::vector<NodeRow>> StoreImpl::GetNodesByExternalIds(
    NodeKind kind, const std::vector<std::string>& external_ids) {
  std::vector<std::string> index_keys;
  for (const std::string& ext : external_ids) {
    if (!ext.empty()) {
      index_keys.push_back(codec::NodeByExternalIdKey(kind, ext));
    }
  }
  auto view = kv_->NewReadView();
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view->MultiGet(index_keys, &values, &found));
  std::vector<std::string> keys;
  for (size_t i = 0; i < index_keys.size(); ++i) {
    if (!found[i]) continue;
    int64_t id;
    RETURN_IF_ERROR(codec::DecodeId(index_keys[i], values[i], &id));
    keys.push_back(codec::NodeKey(kind, id));
  }
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows, ReadRows(*view, keys));
  FillTypeNames(&rows);
  return rows;
}

StatusOr<NodeRow> StoreImpl::GetNodeByTypeAndName(NodeKind kind,
                                                  std::string_view type_name,
                                                  std::string_view node_name,
                                                  std::string_view version) {
  const int64_t type_id = CachedTypeId(kind, type_name, version);
  auto not_found = [&] {
    return absl::NotFoundError(StrCat("no ", NodeKindName(kind), " '",
                                      node_name, "' of type '", type_name,
                                      "'"));
  };
  if (type_id == 0 || node_name.empty()) return not_found();
  auto view = kv_->NewReadView();
  const std::string index_key =
      codec::NodeByTypeNameKey(kind, type_id, node_name);
  std::string value;
  Status s = view->Get(index_key, &value);
  if (absl::IsNotFound(s)) return not_found();
  RETURN_IF_ERROR(s);
  int64_t id;
  RETURN_IF_ERROR(codec::DecodeId(index_key, value, &id));
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                   ReadRows(*view, {codec::NodeKey(kind, id)}));
  if (rows.empty()) {
    return absl::DataLossError(
        StrCat("index ", codec::Hex(index_key), " names missing node ", id));
  }
  // A damaged entry naming another node would answer for the wrong one.
  if (rows[0].base.name != node_name || rows[0].base.type_id != type_id) {
    return absl::DataLossError(StrCat("index ", codec::Hex(index_key),
                                      " names node ", id,
                                      ", which has another name or type"));
  }
  FillTypeNames(&rows);
  return std::move(rows[0]);
}

}  // namespace lineagedb
