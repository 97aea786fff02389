#include "codec/keys.h"

#include "codec/coding.h"

namespace lineagedb::codec {

namespace {

std::string Start(Tag tag) {
  std::string k;
  k.reserve(32);
  k.push_back(static_cast<char>(tag));
  return k;
}

std::string Start(Tag tag, NodeKind kind) {
  std::string k = Start(tag);
  k.push_back(static_cast<char>(kind));
  return k;
}

void PutId(std::string* k, int64_t id) { PutU64(k, static_cast<uint64_t>(id)); }

// Ids in keys are positive int64s: 0 and anything past INT64_MAX (which
// would read back negative) are damage.
bool GetId(std::string_view* in, int64_t* id) {
  uint64_t u;
  if (!GetU64(in, &u)) return false;
  if (u == 0 || u > static_cast<uint64_t>(INT64_MAX)) return false;
  *id = static_cast<int64_t>(u);
  return true;
}

bool IsKind(uint8_t b) { return b >= 1 && b <= 3; }

}  // namespace

Direction DirectionOf(EventType type) {
  return IsInputEvent(type) ? Direction::kInput : Direction::kOutput;
}

std::string TagPrefix(Tag tag) { return Start(tag); }

std::string MetaKey(MetaId id) {
  std::string k = Start(Tag::kMeta);
  k.push_back(static_cast<char>(id));
  return k;
}

std::string TypeKey(int64_t type_id) {
  std::string k = Start(Tag::kType);
  PutId(&k, type_id);
  return k;
}

std::string TypePrefix() { return Start(Tag::kType); }

std::string TypeByNameKey(NodeKind kind, std::string_view name,
                          std::string_view version) {
  std::string k = Start(Tag::kTypeByName, kind);
  PutString(&k, name);
  PutString(&k, version);
  return k;
}

std::string TypeByExternalIdKey(NodeKind kind, std::string_view external_id) {
  std::string k = Start(Tag::kTypeByExternalId, kind);
  PutString(&k, external_id);
  return k;
}

std::string NodeKey(NodeKind kind, int64_t id) {
  std::string k = Start(Tag::kNode, kind);
  PutId(&k, id);
  return k;
}

std::string NodePrefix(NodeKind kind) { return Start(Tag::kNode, kind); }

std::string NodeByTypeKey(NodeKind kind, int64_t type_id, int64_t id) {
  std::string k = NodeByTypePrefix(kind, type_id);
  PutId(&k, id);
  return k;
}

std::string NodeByTypePrefix(NodeKind kind, int64_t type_id) {
  std::string k = Start(Tag::kNodeByType, kind);
  PutId(&k, type_id);
  return k;
}

std::string NodeByTypeNameKey(NodeKind kind, int64_t type_id,
                              std::string_view name) {
  std::string k = Start(Tag::kNodeByTypeName, kind);
  PutId(&k, type_id);
  PutString(&k, name);
  return k;
}

std::string NodeByTypeNamePrefix(NodeKind kind, int64_t type_id,
                                 std::string_view name_prefix) {
  std::string k = NodeByTypeNameKey(kind, type_id, name_prefix);
  k.resize(k.size() - 2);  // The name's terminator (PutString).
  return k;
}

std::string ArtifactByUriKey(std::string_view uri, int64_t id) {
  std::string k = ArtifactByUriPrefix(uri);
  PutId(&k, id);
  return k;
}

std::string ArtifactByUriPrefix(std::string_view uri) {
  std::string k = Start(Tag::kArtifactByUri);
  PutString(&k, uri);
  return k;
}

std::string NodeByExternalIdKey(NodeKind kind, std::string_view external_id) {
  std::string k = Start(Tag::kNodeByExternalId, kind);
  PutString(&k, external_id);
  return k;
}

std::string NodeByUpdateTimeKey(NodeKind kind, int64_t type_id, int64_t time_ms,
                                int64_t id) {
  std::string k = NodeByUpdateTimePrefix(kind, type_id);
  PutI64(&k, time_ms);
  PutId(&k, id);
  return k;
}

std::string NodeByUpdateTimePrefix(NodeKind kind, int64_t type_id) {
  std::string k = Start(Tag::kNodeByUpdateTime, kind);
  PutId(&k, type_id);
  return k;
}

std::string EventKey(Tag tag, int64_t from, EventType type, int64_t to) {
  std::string k = EventPrefix(tag, from, DirectionOf(type));
  k.push_back(static_cast<char>(type));
  PutId(&k, to);
  return k;
}

std::string EventPrefix(Tag tag, int64_t from) {
  std::string k = Start(tag);
  PutId(&k, from);
  return k;
}

std::string EventPrefix(Tag tag, int64_t from, Direction dir) {
  std::string k = EventPrefix(tag, from);
  k.push_back(static_cast<char>(dir));
  return k;
}

std::string PairKey(Tag tag, int64_t from, int64_t to) {
  std::string k = PairPrefix(tag, from);
  PutId(&k, to);
  return k;
}

std::string PairPrefix(Tag tag, int64_t from) {
  std::string k = Start(tag);
  PutId(&k, from);
  return k;
}

std::string ContextExecutionByTypeKey(int64_t context_id, int64_t type_id,
                                      int64_t execution_id) {
  std::string k = ContextExecutionByTypePrefix(context_id, type_id);
  PutId(&k, execution_id);
  return k;
}

std::string ContextExecutionByTypePrefix(int64_t context_id) {
  std::string k = Start(Tag::kContextExecutionByType);
  PutId(&k, context_id);
  return k;
}

std::string ContextExecutionByTypePrefix(int64_t context_id, int64_t type_id) {
  std::string k = ContextExecutionByTypePrefix(context_id);
  PutId(&k, type_id);
  return k;
}

std::string ExecutionByFingerprintKey(std::string_view fingerprint,
                                      int64_t execution_id) {
  std::string k = ExecutionByFingerprintPrefix(fingerprint);
  PutId(&k, execution_id);
  return k;
}

std::string ExecutionByFingerprintPrefix(std::string_view fingerprint) {
  std::string k = Start(Tag::kExecutionByFingerprint);
  PutString(&k, fingerprint);
  return k;
}

std::string FingerprintHeadKey(std::string_view fingerprint) {
  std::string k = Start(Tag::kFingerprintHead);
  PutString(&k, fingerprint);
  return k;
}

std::string HeadsByArtifactKey(int64_t artifact_id) {
  std::string k = Start(Tag::kHeadsByArtifact);
  PutId(&k, artifact_id);
  return k;
}

std::string MaxIdKey(std::string_view prefix) {
  std::string k(prefix);
  k.append(8, '\xff');
  return k;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

bool ParseNodeKey(std::string_view key, ParsedNodeKey* out) {
  if (key.size() != 10 ||
      static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(Tag::kNode)) {
    return false;
  }
  uint8_t kind = static_cast<uint8_t>(key[1]);
  if (!IsKind(kind)) return false;
  out->kind = static_cast<NodeKind>(kind);
  key.remove_prefix(2);
  return GetId(&key, &out->id);
}

bool ParseTypeKey(std::string_view key, int64_t* type_id) {
  if (key.size() != 9 ||
      static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(Tag::kType)) {
    return false;
  }
  key.remove_prefix(1);
  return GetId(&key, type_id);
}

bool ParseEventKey(std::string_view key, ParsedEventKey* out) {
  if (key.size() != 19) return false;
  uint8_t tag = static_cast<uint8_t>(key[0]);
  if (tag != static_cast<uint8_t>(Tag::kEventByArtifact) &&
      tag != static_cast<uint8_t>(Tag::kEventByExecution)) {
    return false;
  }
  out->tag = static_cast<Tag>(tag);
  key.remove_prefix(1);
  if (!GetId(&key, &out->from)) return false;
  uint8_t dir = static_cast<uint8_t>(key[0]);
  uint8_t type = static_cast<uint8_t>(key[1]);
  if (type == 0 || type > 7) return false;
  out->type = static_cast<EventType>(type);
  if (dir != static_cast<uint8_t>(DirectionOf(out->type))) return false;
  key.remove_prefix(2);
  return GetId(&key, &out->to);
}

bool ParsePairKey(std::string_view key, ParsedPairKey* out) {
  if (key.size() != 17) return false;
  uint8_t tag = static_cast<uint8_t>(key[0]);
  if (tag < static_cast<uint8_t>(Tag::kAttributionByContext) ||
      tag > static_cast<uint8_t>(Tag::kChildByParent)) {
    return false;
  }
  out->tag = static_cast<Tag>(tag);
  key.remove_prefix(1);
  return GetId(&key, &out->from) && GetId(&key, &out->to);
}

bool ParseIndexKeyKind(std::string_view key, NodeKind* kind) {
  if (key.size() < 2) return false;
  const uint8_t b = static_cast<uint8_t>(key[1]);
  if (b < 1 || b > 3) return false;
  *kind = static_cast<NodeKind>(b);
  return true;
}

bool ParseFingerprintHeadKey(std::string_view key, std::string* fingerprint) {
  if (key.empty() || static_cast<uint8_t>(key[0]) !=
                         static_cast<uint8_t>(Tag::kFingerprintHead)) {
    return false;
  }
  key.remove_prefix(1);
  return GetString(&key, fingerprint) && key.empty();
}

bool ParseTrailingId(std::string_view key, int64_t* id) {
  if (key.size() < 9) return false;
  key.remove_prefix(key.size() - 8);
  return GetId(&key, id);
}

bool ParseUpdateTimeKey(std::string_view key, ParsedUpdateTimeKey* out) {
  if (key.size() != 26 || static_cast<uint8_t>(key[0]) !=
                              static_cast<uint8_t>(Tag::kNodeByUpdateTime)) {
    return false;
  }
  uint8_t kind = static_cast<uint8_t>(key[1]);
  if (!IsKind(kind)) return false;
  out->kind = static_cast<NodeKind>(kind);
  key.remove_prefix(2);
  return GetId(&key, &out->type_id) && GetI64(&key, &out->time_ms) &&
         GetId(&key, &out->id);
}

}  // namespace lineagedb::codec
