#include "codec/records.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "codec/coding.h"
#include "codec/keys.h"
#include "schema/lineagedb_generated.h"
#include "util/str_cat.h"

namespace lineagedb::codec {

namespace {

namespace fb = ::lineagedb::fb;

constexpr uint32_t kChecksumSeed = 0x6c646231;  // "ldb1"

uint32_t Checksum(std::string_view bytes) {
  return XXH32(bytes.data(), bytes.size(), kChecksumSeed);
}

std::string Frame(const flatbuffers::FlatBufferBuilder& b) {
  std::string out(reinterpret_cast<const char*>(b.GetBufferPointer()),
                  b.GetSize());
  PutU32(&out, Checksum(out));
  return out;
}

Status Corrupt(std::string_view key, std::string_view what) {
  return absl::DataLossError(
      StrCat("corrupt value under key ", Hex(key), ": ", what));
}

// Checks the frame of `value` and returns the verified root table of type T
// in *root. FlatBuffers reads scalars in place, so a misaligned buffer is
// copied into `*aligned` first.
template <typename T>
Status Unframe(std::string_view key, std::string_view value,
               std::string* aligned, const T** root) {
  if (value.size() < 4 + sizeof(flatbuffers::uoffset_t)) {
    return Corrupt(key, "value too short");
  }
  std::string_view payload = value.substr(0, value.size() - 4);
  std::string_view tail = value.substr(value.size() - 4);
  uint32_t stored;
  GetU32(&tail, &stored);
  if (stored != Checksum(payload)) return Corrupt(key, "checksum mismatch");
  const char* data = payload.data();
  if (reinterpret_cast<uintptr_t>(data) % 8 != 0) {
    aligned->assign(payload);
    data = aligned->data();
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  flatbuffers::Verifier verifier(bytes, payload.size());
  if (!verifier.VerifyBuffer<T>(nullptr)) {
    return Corrupt(key, "FlatBuffers verification failed");
  }
  *root = flatbuffers::GetRoot<T>(bytes);
  return absl::OkStatus();
}

std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

flatbuffers::Offset<fb::Value> BuildValue(flatbuffers::FlatBufferBuilder& b,
                                          const Value& v) {
  flatbuffers::Offset<flatbuffers::String> str;
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> bytes;
  switch (v.kind()) {
    case PropertyKind::kString:
      str = b.CreateString(v.string_value());
      break;
    case PropertyKind::kStruct:
      str = b.CreateString(v.struct_value().json);
      break;
    case PropertyKind::kProto:
      str = b.CreateString(v.proto_value().type_url);
      bytes = b.CreateVector(
          reinterpret_cast<const uint8_t*>(v.proto_value().bytes.data()),
          v.proto_value().bytes.size());
      break;
    default:
      break;
  }
  fb::ValueBuilder vb(b);
  vb.add_kind(static_cast<fb::ValueKind>(v.kind()));
  switch (v.kind()) {
    case PropertyKind::kInt:
      vb.add_int_value(v.int_value());
      break;
    case PropertyKind::kDouble:
      // FlatBuffers leaves out a field equal to its default, and -0.0 ==
      // 0.0: a negative zero is written explicitly to keep its sign.
      if (std::signbit(v.double_value())) b.ForceDefaults(true);
      vb.add_double_value(v.double_value());
      b.ForceDefaults(false);
      break;
    case PropertyKind::kBool:
      vb.add_bool_value(v.bool_value());
      break;
    case PropertyKind::kString:
    case PropertyKind::kStruct:
      vb.add_string_value(str);
      break;
    case PropertyKind::kProto:
      vb.add_string_value(str);
      vb.add_bytes_value(bytes);
      break;
    case PropertyKind::kUnknown:
      break;
  }
  return vb.Finish();
}

bool ReadValue(const fb::Value* v, Value* out) {
  if (v == nullptr) return false;
  switch (v->kind()) {
    case fb::ValueKind::UNKNOWN:
      *out = Value();
      return true;
    case fb::ValueKind::INT:
      *out = Value(static_cast<int64_t>(v->int_value()));
      return true;
    case fb::ValueKind::DOUBLE:
      *out = Value(v->double_value());
      return true;
    case fb::ValueKind::STRING:
      *out = Value(Str(v->string_value()));
      return true;
    case fb::ValueKind::STRUCT:
      *out = Value(StructValue{Str(v->string_value())});
      return true;
    case fb::ValueKind::PROTO: {
      std::string bytes;
      if (v->bytes_value() != nullptr) {
        bytes.assign(reinterpret_cast<const char*>(v->bytes_value()->data()),
                     v->bytes_value()->size());
      }
      *out = Value(ProtoValue{Str(v->string_value()), std::move(bytes)});
      return true;
    }
    case fb::ValueKind::BOOL:
      *out = Value(v->bool_value());
      return true;
  }
  return false;
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Property>>>
BuildProperties(flatbuffers::FlatBufferBuilder& b, const PropertyMap& props) {
  std::vector<flatbuffers::Offset<fb::Property>> out;
  out.reserve(props.size());
  // PropertyMap iterates in name order, which is the order of the key.
  for (const auto& [name, value] : props) {
    auto n = b.CreateString(name);
    auto v = BuildValue(b, value);
    out.push_back(fb::CreateProperty(b, n, v));
  }
  return b.CreateVector(out);
}

bool ReadProperties(
    const flatbuffers::Vector<flatbuffers::Offset<fb::Property>>* props,
    PropertyMap* out) {
  out->clear();
  if (props == nullptr) return true;
  for (const fb::Property* p : *props) {
    Value v;
    if (p->name() == nullptr || !ReadValue(p->value(), &v)) return false;
    out->emplace_hint(out->end(), p->name()->str(), std::move(v));
  }
  return true;
}

bool ValidKind(uint8_t k) { return k >= 1 && k <= 3; }

}  // namespace

std::string EncodeType(const Type& type, int64_t create_time_ms, uint64_t seq) {
  flatbuffers::FlatBufferBuilder b(256);
  auto name = b.CreateString(type.name);
  auto version = b.CreateString(type.version);
  auto description = b.CreateString(type.description);
  auto external_id = b.CreateString(type.external_id);
  std::vector<flatbuffers::Offset<fb::PropertyDecl>> decls;
  for (const auto& [pname, kind] : type.properties) {
    decls.push_back(fb::CreatePropertyDecl(b, b.CreateString(pname),
                                           static_cast<fb::ValueKind>(kind)));
  }
  auto props = b.CreateVector(decls);
  fb::TypeRecordBuilder tb(b);
  tb.add_kind(static_cast<uint8_t>(type.kind));
  tb.add_name(name);
  tb.add_version(version);
  tb.add_description(description);
  tb.add_external_id(external_id);
  tb.add_properties(props);
  tb.add_base_type(static_cast<uint8_t>(type.base_type));
  tb.add_create_time_ms(create_time_ms);
  tb.add_seq(seq);
  b.Finish(tb.Finish());
  return Frame(b);
}

bool StateFitsKind(uint8_t state, NodeKind kind) {
  switch (kind) {
    case NodeKind::kArtifact:
      return state <= static_cast<uint8_t>(ArtifactState::kReference);
    case NodeKind::kExecution:
      return state <= static_cast<uint8_t>(ExecutionState::kCanceled);
    case NodeKind::kContext:
      return state == 0;
  }
  return false;
}

bool BaseTypeFitsKind(BaseType base, NodeKind kind) {
  const int b = static_cast<int>(base);
  if (base == BaseType::kUnset) return true;
  if (kind == NodeKind::kArtifact) return b >= 1 && b <= 4;
  if (kind == NodeKind::kExecution) return b >= 11 && b <= 15;
  return false;
}

Status DecodeType(std::string_view key, std::string_view value, Type* out,
                  int64_t* create_time_ms) {
  int64_t id;
  if (!ParseTypeKey(key, &id)) return Corrupt(key, "not a type key");
  std::string aligned;
  const fb::TypeRecord* r;
  if (Status s = Unframe(key, value, &aligned, &r); !s.ok()) return s;
  if (!ValidKind(r->kind())) return Corrupt(key, "bad type kind");
  out->id = id;
  out->kind = static_cast<NodeKind>(r->kind());
  out->name = Str(r->name());
  out->version = Str(r->version());
  out->description = Str(r->description());
  out->external_id = Str(r->external_id());
  out->base_type = static_cast<BaseType>(r->base_type());
  if (!BaseTypeFitsKind(out->base_type, out->kind)) {
    return Corrupt(key, "bad base type");
  }
  if (create_time_ms != nullptr) *create_time_ms = r->create_time_ms();
  out->properties.clear();
  if (r->properties() != nullptr) {
    for (const fb::PropertyDecl* d : *r->properties()) {
      uint8_t k = static_cast<uint8_t>(d->kind());
      if (d->name() == nullptr || k == 0 || k > 6) {
        return Corrupt(key, "bad property declaration");
      }
      out->properties.emplace(d->name()->str(), static_cast<PropertyKind>(k));
    }
  }
  return absl::OkStatus();
}

std::string EncodeNode(const NodeRow& row) {
  flatbuffers::FlatBufferBuilder b(256);
  auto name = b.CreateString(row.base.name);
  auto uri = b.CreateString(row.uri);
  auto external_id = b.CreateString(row.base.external_id);
  auto props = BuildProperties(b, row.base.properties);
  auto custom = BuildProperties(b, row.base.custom_properties);
  flatbuffers::Offset<flatbuffers::String> fingerprint;
  if (!row.fingerprint.empty()) fingerprint = b.CreateString(row.fingerprint);
  fb::NodeRecordBuilder nb(b);
  nb.add_kind(static_cast<uint8_t>(row.kind));
  nb.add_type_id(static_cast<uint64_t>(row.base.type_id));
  nb.add_name(name);
  nb.add_uri(uri);
  nb.add_external_id(external_id);
  nb.add_state(row.state);
  nb.add_properties(props);
  nb.add_custom_properties(custom);
  nb.add_create_time_ms(row.base.create_time_ms);
  nb.add_last_update_time_ms(row.base.last_update_time_ms);
  nb.add_create_seq(row.create_seq);
  nb.add_update_seq(row.update_seq);
  if (!row.fingerprint.empty()) nb.add_fingerprint(fingerprint);
  b.Finish(nb.Finish());
  return Frame(b);
}

namespace {
// The record under a node key, of the kind the key names.
Status UnframeNode(std::string_view key, std::string_view value,
                   std::string* aligned, ParsedNodeKey* pk,
                   const fb::NodeRecord** r) {
  if (!ParseNodeKey(key, pk)) return Corrupt(key, "not a node key");
  if (Status s = Unframe(key, value, aligned, r); !s.ok()) return s;
  if ((*r)->kind() != static_cast<uint8_t>(pk->kind)) {
    return Corrupt(key, "record kind differs from key");
  }
  return absl::OkStatus();
}
}  // namespace

Status DecodeNodeTypeId(std::string_view key, std::string_view value,
                        int64_t* type_id) {
  ParsedNodeKey pk;
  std::string aligned;
  const fb::NodeRecord* r;
  if (Status s = UnframeNode(key, value, &aligned, &pk, &r); !s.ok()) return s;
  *type_id = static_cast<int64_t>(r->type_id());
  return absl::OkStatus();
}

Status DecodeNode(std::string_view key, std::string_view value, NodeRow* out) {
  ParsedNodeKey pk;
  std::string aligned;
  const fb::NodeRecord* r;
  if (Status s = UnframeNode(key, value, &aligned, &pk, &r); !s.ok()) return s;
  if (r->type_id() < 1 || r->type_id() > uint64_t{INT64_MAX}) {
    return Corrupt(key, "bad type id");
  }
  out->kind = pk.kind;
  out->base.id = pk.id;
  out->base.type_id = static_cast<int64_t>(r->type_id());
  out->base.type.clear();
  out->base.name = Str(r->name());
  out->base.external_id = Str(r->external_id());
  out->uri = Str(r->uri());
  out->fingerprint = Str(r->fingerprint());
  out->state = r->state();
  out->base.create_time_ms = r->create_time_ms();
  out->base.last_update_time_ms = r->last_update_time_ms();
  out->create_seq = r->create_seq();
  out->update_seq = r->update_seq();
  if (!ReadProperties(r->properties(), &out->base.properties) ||
      !ReadProperties(r->custom_properties(), &out->base.custom_properties)) {
    return Corrupt(key, "bad property");
  }
  return absl::OkStatus();
}

std::string EncodeEvent(const Event& event, uint64_t seq) {
  flatbuffers::FlatBufferBuilder b(128);
  std::vector<flatbuffers::Offset<fb::PathStep>> steps;
  for (const PathStep& s : event.path) {
    if (const auto* index = std::get_if<int64_t>(&s.step)) {
      steps.push_back(fb::CreatePathStep(b, true, *index));
    } else {
      auto k = b.CreateString(std::get<std::string>(s.step));
      steps.push_back(fb::CreatePathStep(b, false, 0, k));
    }
  }
  auto path = b.CreateVector(steps);
  b.Finish(fb::CreateEventRecord(b, path, event.time_ms, seq));
  return Frame(b);
}

Status DecodeEvent(std::string_view key, std::string_view value, Event* out) {
  ParsedEventKey pk;
  if (!ParseEventKey(key, &pk)) return Corrupt(key, "not an event key");
  std::string aligned;
  const fb::EventRecord* r;
  if (Status s = Unframe(key, value, &aligned, &r); !s.ok()) return s;
  bool by_artifact = pk.tag == Tag::kEventByArtifact;
  out->artifact_id = by_artifact ? pk.from : pk.to;
  out->execution_id = by_artifact ? pk.to : pk.from;
  out->type = pk.type;
  out->time_ms = r->time_ms();
  out->path.clear();
  if (r->path() != nullptr) {
    for (const fb::PathStep* s : *r->path()) {
      if (s->is_index()) {
        out->path.push_back(PathStep{static_cast<int64_t>(s->index())});
      } else {
        out->path.push_back(PathStep{Str(s->key())});
      }
    }
  }
  return absl::OkStatus();
}

std::string EncodeEdge(int64_t create_time_ms, uint64_t seq) {
  flatbuffers::FlatBufferBuilder b(64);
  b.Finish(fb::CreateEdgeRecord(b, create_time_ms, seq));
  return Frame(b);
}

Status DecodeEdge(std::string_view key, std::string_view value,
                  int64_t* create_time_ms, uint64_t* seq) {
  std::string aligned;
  const fb::EdgeRecord* r;
  if (Status s = Unframe(key, value, &aligned, &r); !s.ok()) return s;
  *create_time_ms = r->create_time_ms();
  *seq = r->seq();
  return absl::OkStatus();
}

std::string EncodeId(int64_t id) {
  std::string out;
  PutU64(&out, static_cast<uint64_t>(id));
  return out;
}

Status DecodeId(std::string_view key, std::string_view value, int64_t* id) {
  uint64_t u;
  if (value.size() != 8 || !GetU64(&value, &u) || u == 0 ||
      u > static_cast<uint64_t>(INT64_MAX)) {
    return Corrupt(key, "bad id value");
  }
  *id = static_cast<int64_t>(u);
  return absl::OkStatus();
}

namespace {
void PutBytes(std::string* out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

bool GetBytes(std::string_view* in, std::string* out) {
  uint32_t n;
  if (!GetU32(in, &n) || in->size() < n) return false;
  out->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}
}  // namespace

// Head with an answer: u64 id, u32 n, bytes execution, then n times
// (u64 artifact, u8 event type, bytes event, bytes artifact), then the
// checksum of all of it; `bytes` is a u32 length and the bytes.
std::string EncodeFingerprintHead(int64_t id, const HeadAnswer* answer) {
  if (id == 0) return std::string();
  std::string out = EncodeId(id);
  if (answer == nullptr) return out;
  PutU32(&out, static_cast<uint32_t>(answer->outputs.size()));
  PutBytes(&out, answer->execution);
  for (const HeadOutput& o : answer->outputs) {
    PutU64(&out, static_cast<uint64_t>(o.artifact_id));
    out.push_back(static_cast<char>(o.type));
    PutBytes(&out, o.event);
    PutBytes(&out, o.artifact);
  }
  PutU32(&out, Checksum(out));
  return out;
}

Status DecodeFingerprintHead(std::string_view key, std::string_view value,
                             int64_t* id, std::optional<HeadAnswer>* answer) {
  if (answer != nullptr) answer->reset();
  if (value.empty()) {
    *id = 0;
    return absl::OkStatus();
  }
  if (value.size() <= 8) return DecodeId(key, value, id);
  if (value.size() < 8 + 4 + 4 + 4) return Corrupt(key, "head too short");
  std::string_view tail = value.substr(value.size() - 4);
  std::string_view body = value.substr(0, value.size() - 4);
  uint32_t stored;
  GetU32(&tail, &stored);
  if (stored != Checksum(body)) return Corrupt(key, "checksum mismatch");
  if (Status s = DecodeId(key, body.substr(0, 8), id); !s.ok()) return s;
  if (answer == nullptr) return absl::OkStatus();
  body.remove_prefix(8);
  uint32_t n;
  HeadAnswer& a = answer->emplace();
  if (!GetU32(&body, &n) || !GetBytes(&body, &a.execution) || n > body.size()) {
    return Corrupt(key, "bad head answer");
  }
  a.outputs.resize(n);
  for (HeadOutput& o : a.outputs) {
    uint64_t artifact;
    if (!GetU64(&body, &artifact) || artifact == 0 ||
        artifact > static_cast<uint64_t>(INT64_MAX) || body.empty()) {
      return Corrupt(key, "bad head answer output");
    }
    o.artifact_id = static_cast<int64_t>(artifact);
    o.type = static_cast<EventType>(body[0]);
    body.remove_prefix(1);
    if (o.type < EventType::kDeclaredOutput ||
        o.type > EventType::kPendingOutput || IsInputEvent(o.type)) {
      return Corrupt(key, "head answer lists an event that is no output");
    }
    if (!GetBytes(&body, &o.event) || !GetBytes(&body, &o.artifact)) {
      return Corrupt(key, "bad head answer output");
    }
  }
  if (!body.empty()) return Corrupt(key, "bytes after the head answer");
  return absl::OkStatus();
}

std::string EncodeFingerprintList(const std::vector<std::string>& list) {
  std::string out;
  PutU32(&out, static_cast<uint32_t>(list.size()));
  for (const std::string& f : list) PutBytes(&out, f);
  return out;
}

Status DecodeFingerprintList(std::string_view key, std::string_view value,
                             std::vector<std::string>* list) {
  list->clear();
  uint32_t n;
  if (!GetU32(&value, &n) || n > value.size()) {
    return Corrupt(key, "bad fingerprint list");
  }
  list->resize(n);
  for (std::string& f : *list) {
    if (!GetBytes(&value, &f) || f.empty()) {
      return Corrupt(key, "bad fingerprint list");
    }
  }
  if (!value.empty()) return Corrupt(key, "bytes after the fingerprint list");
  return absl::OkStatus();
}

// Counters layout: u32 field count, then that many u64 fields, then the
// checksum. Readers take the fields they know and ignore later ones.
std::string EncodeCounters(const Counters& c) {
  const uint64_t fields[] = {
      c.seq,
      static_cast<uint64_t>(c.next_type_id),
      static_cast<uint64_t>(c.next_node_id[0]),
      static_cast<uint64_t>(c.next_node_id[1]),
      static_cast<uint64_t>(c.next_node_id[2]),
      static_cast<uint64_t>(c.last_create_ms[0]),
      static_cast<uint64_t>(c.last_create_ms[1]),
      static_cast<uint64_t>(c.last_create_ms[2]),
      c.edges_seq,
  };
  std::string out;
  PutU32(&out, std::size(fields));
  for (uint64_t f : fields) PutU64(&out, f);
  PutU32(&out, Checksum(out));
  return out;
}

Status DecodeCounters(std::string_view key, std::string_view value,
                      Counters* out) {
  constexpr uint32_t kKnown = 8;
  if (value.size() < 8) return Corrupt(key, "counters too short");
  std::string_view payload = value.substr(0, value.size() - 4);
  std::string_view tail = value.substr(value.size() - 4);
  uint32_t stored, count;
  GetU32(&tail, &stored);
  if (stored != Checksum(payload)) return Corrupt(key, "checksum mismatch");
  if (!GetU32(&payload, &count) || count < kKnown ||
      payload.size() != count * 8ull) {
    return Corrupt(key, "bad counters layout");
  }
  uint64_t f[kKnown];
  for (uint64_t& x : f) GetU64(&payload, &x);
  // A next id is 1 or more and leaves room to count up (ids are int64).
  for (int i = 1; i < 5; ++i) {
    if (f[i] < 1 || f[i] >= uint64_t{INT64_MAX}) {
      return Corrupt(key, StrCat("id counter ", i, " out of range: ", f[i]));
    }
  }
  out->seq = f[0];
  out->next_type_id = static_cast<int64_t>(f[1]);
  for (int i = 0; i < 3; ++i) {
    out->next_node_id[i] = static_cast<int64_t>(f[2 + i]);
    out->last_create_ms[i] = static_cast<int64_t>(f[5 + i]);
  }
  // Field 9 (edges_seq) is optional; absent, it reads as field 1 (seq).
  out->edges_seq = out->seq;
  if (count >= kKnown + 1) GetU64(&payload, &out->edges_seq);
  return absl::OkStatus();
}

std::string EncodeFormatVersion(uint32_t version) {
  std::string out;
  PutU32(&out, version);
  return out;
}

Status DecodeFormatVersion(std::string_view key, std::string_view value,
                           uint32_t* version) {
  if (value.size() != 4 || !GetU32(&value, version)) {
    return Corrupt(key, "bad format version value");
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::codec
