// Types: put with MLMD's evolution rules, reads from the in-memory cache.
#include <set>
#include <string>
#include <vector>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

// "<kind> type '<name>'", with " version '<version>'" if it has one.
std::string TypeLabel(NodeKind kind, std::string_view name,
                      std::string_view version) {
  return StrCat(NodeKindName(kind), " type '", name, "'",
                version.empty() ? "" : StrCat(" version '", version, "'"));
}

Status ValidateType(const Type& type) {
  int kind = static_cast<int>(type.kind);
  if (kind < 1 || kind > 3) {
    return absl::InvalidArgumentError(StrCat("unknown node kind ", kind));
  }
  if (type.name.empty()) {
    return absl::InvalidArgumentError("a type needs a name");
  }
  for (const auto& [name, pkind] : type.properties) {
    int k = static_cast<int>(pkind);
    if (name.empty()) {
      return absl::InvalidArgumentError(
          StrCat("type '", type.name, "' declares a property without name"));
    }
    if (k < 1 || k > 6) {
      return absl::InvalidArgumentError(
          StrCat("property '", name, "' of type '", type.name,
                 "' has no valid kind (", k, ")"));
    }
  }
  if (!codec::BaseTypeFitsKind(type.base_type, type.kind)) {
    return absl::InvalidArgumentError(
        StrCat("base type ", BaseTypeName(type.base_type), " (",
               static_cast<int>(type.base_type), ") is not one of ",
               NodeKindName(type.kind), " types"));
  }
  return absl::OkStatus();
}

// Applies MLMD's evolution rules of `given` to `stored`.
Status Evolve(const Type& given, const PutTypeOptions& options, Type* stored) {
  for (const auto& [name, kind] : given.properties) {
    auto it = stored->properties.find(name);
    if (it == stored->properties.end()) {
      if (!options.can_add_fields) {
        return absl::AlreadyExistsError(
            StrCat("type '", given.name, "' exists without property '", name,
                   "'; set can_add_fields to add it"));
      }
      continue;
    }
    if (it->second != kind) {
      return absl::AlreadyExistsError(
          StrCat("type '", given.name, "' has property '", name, "' of kind ",
                 PropertyKindName(it->second), "; it cannot change to ",
                 PropertyKindName(kind)));
    }
  }
  for (const auto& [name, kind] : stored->properties) {
    if (!given.properties.contains(name) && !options.can_omit_fields) {
      return absl::AlreadyExistsError(StrCat(
          "type '", given.name, "' has property '", name,
          "' that the given type omits; set can_omit_fields to keep it"));
    }
  }
  for (const auto& [name, kind] : given.properties) {
    stored->properties.emplace(name, kind);
  }
  if (given.base_type != BaseType::kUnset &&
      stored->base_type != BaseType::kUnset &&
      given.base_type != stored->base_type) {
    return absl::AlreadyExistsError(
        StrCat("type '", given.name, "' has base type ",
               BaseTypeName(stored->base_type), "; it cannot change to ",
               BaseTypeName(given.base_type)));
  }
  if (!given.description.empty()) stored->description = given.description;
  if (given.base_type != BaseType::kUnset) stored->base_type = given.base_type;
  return absl::OkStatus();
}

}  // namespace

Status StoreImpl::LoadTypes() {
  auto view = kv_->NewReadView();
  auto it = view->Scan(codec::TypePrefix());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Type t;
    RETURN_IF_ERROR(codec::DecodeType(it->key(), it->value(), &t));
    CacheType(std::move(t));
  }
  return it->status();
}

void StoreImpl::CacheType(Type type) {
  std::unique_lock lock(types_mu_);
  type_ids_by_name_[codec::TypeByNameKey(type.kind, type.name, type.version)] =
      type.id;
  int64_t id = type.id;
  types_[id] = std::make_shared<const Type>(std::move(type));
}

std::shared_ptr<const Type> StoreImpl::CachedType(NodeKind kind,
                                                  int64_t type_id) {
  std::shared_lock lock(types_mu_);
  auto it = types_.find(type_id);
  if (it == types_.end() || it->second->kind != kind) return nullptr;
  return it->second;
}

int64_t StoreImpl::CachedTypeId(NodeKind kind, std::string_view name,
                                std::string_view version) {
  std::shared_lock lock(types_mu_);
  auto it = type_ids_by_name_.find(codec::TypeByNameKey(kind, name, version));
  return it == type_ids_by_name_.end() ? 0 : it->second;
}

void StoreImpl::FillTypeNames(std::vector<codec::NodeRow>* rows) {
  std::shared_lock lock(types_mu_);
  for (auto& row : *rows) {
    auto it = types_.find(row.base.type_id);
    if (it != types_.end()) row.base.type = it->second->name;
  }
}

Status StoreImpl::StageType(WriteContext& wc, const Type& type,
                            const PutTypeOptions& options, Type* stored,
                            bool* changed) {
  *changed = false;
  const int64_t existing_id = CachedTypeId(type.kind, type.name, type.version);
  if (existing_id != 0) {
    *stored = *CachedType(type.kind, existing_id);
    if (type.id != 0 && type.id != existing_id) {
      return absl::InvalidArgumentError(StrCat("type '", type.name, "' has id ",
                                               existing_id, ", not ", type.id));
    }
    const Type before = *stored;
    RETURN_IF_ERROR(Evolve(type, options, stored));
    if (!type.external_id.empty() && type.external_id != stored->external_id) {
      if (!stored->external_id.empty()) {
        return absl::AlreadyExistsError(StrCat(
            "type '", type.name, "' has external_id '", stored->external_id,
            "'; it cannot change to '", type.external_id, "'"));
      }
      stored->external_id = type.external_id;
    }
    if (*stored == before) return absl::OkStatus();
  } else {
    if (type.id != 0) {
      return absl::InvalidArgumentError(StrCat("no ", NodeKindName(type.kind),
                                               " type '", type.name,
                                               "' with id ", type.id));
    }
    *stored = type;
    ASSIGN_OR_RETURN(stored->id, wc.NextTypeId());
    wc.Put(codec::TypeByNameKey(type.kind, type.name, type.version),
           codec::EncodeId(stored->id));
  }
  if (!stored->external_id.empty()) {
    const std::string ext_key =
        codec::TypeByExternalIdKey(type.kind, stored->external_id);
    std::string value;
    Status s = wc.Get(ext_key, &value);
    if (s.ok()) {
      int64_t owner;
      RETURN_IF_ERROR(codec::DecodeId(ext_key, value, &owner));
      if (owner != stored->id) {
        return absl::AlreadyExistsError(
            StrCat(NodeKindName(type.kind), " type external_id '",
                   stored->external_id, "' belongs to type ", owner));
      }
    } else if (absl::IsNotFound(s)) {
      wc.Put(ext_key, codec::EncodeId(stored->id));
    } else {
      return s;
    }
  }
  // An evolved type keeps the time it was first stored.
  int64_t create_time_ms = wc.now_ms();
  if (existing_id != 0) {
    const std::string key = codec::TypeKey(existing_id);
    std::string value;
    Type read;
    if (Status s = wc.Get(key, &value); !s.ok()) {
      return absl::IsNotFound(s)
                 ? absl::DataLossError(StrCat("type ", existing_id,
                                              " has no record under key ",
                                              codec::Hex(key)))
                 : s;
    }
    RETURN_IF_ERROR(codec::DecodeType(key, value, &read, &create_time_ms));
  }
  wc.Put(codec::TypeKey(stored->id),
         codec::EncodeType(*stored, create_time_ms, wc.seq()));
  *changed = true;
  return absl::OkStatus();
}

StatusOr<int64_t> StoreImpl::PutType(const Type& type,
                                     const PutTypeOptions& options) {
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, PutTypes({type}, options));
  return ids.front();
}

StatusOr<std::vector<int64_t>> StoreImpl::PutTypes(
    const std::vector<Type>& types, const PutTypeOptions& options) {
  std::set<std::string> names;
  for (const Type& type : types) {
    RETURN_IF_ERROR(ValidateType(type));
    if (!names.insert(codec::TypeByNameKey(type.kind, type.name, type.version))
             .second) {
      return absl::InvalidArgumentError(StrCat(
          TypeLabel(type.kind, type.name, type.version), " is given twice"));
    }
  }
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  std::vector<int64_t> ids;
  std::vector<Type> written;
  for (const Type& type : types) {
    Type stored;
    bool changed;
    RETURN_IF_ERROR(StageType(wc, type, options, &stored, &changed));
    ids.push_back(stored.id);
    if (changed) written.push_back(std::move(stored));
  }
  if (written.empty()) return ids;
  RETURN_IF_ERROR(Commit(wc));
  for (Type& type : written) CacheType(std::move(type));
  return ids;
}

StatusOr<Type> StoreImpl::GetType(NodeKind kind, std::string_view name,
                                  std::string_view version) {
  int64_t id = CachedTypeId(kind, name, version);
  if (id != 0) return *CachedType(kind, id);
  return absl::NotFoundError(StrCat("no ", TypeLabel(kind, name, version)));
}

StatusOr<std::vector<Type>> StoreImpl::GetTypesByIds(
    NodeKind kind, const std::vector<int64_t>& ids) {
  std::vector<Type> out;
  for (int64_t id : ids) {
    if (auto t = CachedType(kind, id)) out.push_back(*t);
  }
  return out;
}

StatusOr<std::vector<Type>> StoreImpl::GetTypesByExternalIds(
    NodeKind kind, const std::vector<std::string>& external_ids) {
  std::vector<Type> out;
  std::shared_lock lock(types_mu_);
  for (const std::string& ext : external_ids) {
    if (ext.empty()) continue;
    for (const auto& [id, t] : types_) {
      if (t->kind == kind && t->external_id == ext) {
        out.push_back(*t);
        break;
      }
    }
  }
  return out;
}

StatusOr<std::vector<Type>> StoreImpl::ListTypes(NodeKind kind) {
  std::vector<Type> out;
  std::shared_lock lock(types_mu_);
  for (const auto& [id, t] : types_) {
    if (t->kind == kind) out.push_back(*t);
  }
  return out;
}

}  // namespace lineagedb
