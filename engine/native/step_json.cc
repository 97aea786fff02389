#include "native/step_json.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json_fields.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::native {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

using util::GetString;
using util::InvalidAt;
using util::JsonPath;
using util::Member;

// Every member of `obj` is one of `known`, and appears once (simdjson keeps
// both copies of a repeated member, and a lookup finds the first).
Status CheckKeys(const object& obj, const JsonPath& path,
                 std::initializer_list<std::string_view> known) {
  std::vector<std::string_view> seen;
  for (const auto field : obj) {
    if (std::find(known.begin(), known.end(), field.key) == known.end()) {
      return InvalidAt(JsonPath(path, field.key), "is not a known field");
    }
    if (std::find(seen.begin(), seen.end(), field.key) != seen.end()) {
      return InvalidAt(JsonPath(path, field.key), "appears twice");
    }
    seen.push_back(field.key);
  }
  return absl::OkStatus();
}

// An optional id: a positive integer.
Status GetLabel(const object& obj, std::string_view key, const JsonPath& path,
                Label* out) {
  std::optional<element> e = Member(obj, key);
  if (!e.has_value()) return absl::OkStatus();
  int64_t id = 0;
  if (e->get_int64().get(id) != simdjson::SUCCESS || id <= 0) {
    return InvalidAt(JsonPath(path, key), "must be a positive integer");
  }
  *out = id;
  return absl::OkStatus();
}

// An optional enum member spelled by its MLMD name.
template <typename Enum>
Status GetEnum(const object& obj, std::string_view key, const JsonPath& path,
               std::optional<Enum> (*parse)(std::string_view), Enum* out) {
  std::string name;
  RETURN_IF_ERROR(GetString(obj, key, path, /*required=*/false, &name));
  if (!Member(obj, key).has_value()) return absl::OkStatus();
  std::optional<Enum> value = parse(name);
  if (!value.has_value()) {
    return InvalidAt(JsonPath(path, key),
                     StrCat("has an unknown value '", name, "'"));
  }
  *out = *value;
  return absl::OkStatus();
}

Status HexToBytes(std::string_view hex, const JsonPath& path,
                  std::string* out) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return InvalidAt(path, "must have an even length");
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]);
    const int lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return InvalidAt(path, "must be hexadecimal");
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return absl::OkStatus();
}

// {"type_url": "...", "hex": "..."} exactly.
bool IsProto(const object& obj) {
  if (obj.size() != 2) return false;
  std::optional<element> url = Member(obj, "type_url");
  std::optional<element> hex = Member(obj, "hex");
  return url.has_value() && hex.has_value() && url->is_string() &&
         hex->is_string();
}

Status ParseValue(const element& e, const JsonPath& path, Value* out) {
  switch (e.type()) {
    case element_type::INT64:
      *out = e.get_int64().value();
      return absl::OkStatus();
    case element_type::UINT64:
      return InvalidAt(path, "is out of the range of a 64-bit integer");
    case element_type::DOUBLE:
      *out = e.get_double().value();
      return absl::OkStatus();
    case element_type::NULL_VALUE:
      *out = std::numeric_limits<double>::quiet_NaN();
      return absl::OkStatus();
    case element_type::STRING:
      *out = std::string(e.get_string().value());
      return absl::OkStatus();
    case element_type::BOOL:
      *out = e.get_bool().value();
      return absl::OkStatus();
    case element_type::OBJECT: {
      const object obj = e.get_object().value();
      if (!IsProto(obj)) {
        *out = StructValue{simdjson::minify(e)};
        return absl::OkStatus();
      }
      ProtoValue proto;
      proto.type_url = obj["type_url"].get_string().value();
      RETURN_IF_ERROR(HexToBytes(obj["hex"].get_string().value(),
                                 JsonPath(path, "hex"), &proto.bytes));
      *out = std::move(proto);
      return absl::OkStatus();
    }
    case element_type::ARRAY:
      return InvalidAt(path, "is an array, which is not a property value");
  }
  return InvalidAt(path, "is not a property value");
}

Status GetProperties(const object& obj, std::string_view key,
                     const JsonPath& path, PropertyMap* out) {
  std::optional<element> e = Member(obj, key);
  if (!e.has_value()) return absl::OkStatus();
  object props;
  if (e->get_object().get(props) != simdjson::SUCCESS) {
    return InvalidAt(JsonPath(path, key), "must be an object");
  }
  const JsonPath here(path, key);  // JsonPath refers to its parent.
  for (const auto field : props) {
    const JsonPath at(here, field.key);
    auto [it, added] = out->try_emplace(std::string(field.key));
    if (!added) return InvalidAt(at, "appears twice");
    RETURN_IF_ERROR(ParseValue(field.value, at, &it->second));
  }
  return absl::OkStatus();
}

// The fields every node has. A declaration requires "type".
Status ParseNodeBase(const object& obj, const JsonPath& path, Label* label,
                     NodeBase* node, std::string* type_version) {
  RETURN_IF_ERROR(GetLabel(obj, "id", path, label));
  RETURN_IF_ERROR(GetString(obj, "type", path, /*required=*/true, &node->type));
  RETURN_IF_ERROR(GetString(obj, "type_version", path, false, type_version));
  RETURN_IF_ERROR(GetString(obj, "name", path, false, &node->name));
  RETURN_IF_ERROR(
      GetString(obj, "external_id", path, false, &node->external_id));
  RETURN_IF_ERROR(GetProperties(obj, "properties", path, &node->properties));
  return GetProperties(obj, "custom_properties", path,
                       &node->custom_properties);
}

Status GetObject(const element& e, const JsonPath& path, object* out) {
  if (e.get_object().get(*out) != simdjson::SUCCESS) {
    return InvalidAt(path, "must be an object");
  }
  return absl::OkStatus();
}

Status GetArray(const object& obj, std::string_view key, const JsonPath& path,
                std::optional<array>* out) {
  std::optional<element> e = Member(obj, key);
  if (!e.has_value()) return absl::OkStatus();
  array a;
  if (e->get_array().get(a) != simdjson::SUCCESS) {
    return InvalidAt(JsonPath(path, key), "must be an array");
  }
  *out = a;
  return absl::OkStatus();
}

Status ParsePath(const array& steps, const JsonPath& path,
                 std::vector<PathStep>* out) {
  size_t i = 0;
  for (const element step : steps) {
    const JsonPath here(path, i++);
    int64_t index = 0;
    std::string_view key;
    if (step.get_int64().get(index) == simdjson::SUCCESS) {
      out->push_back(PathStep{index});
    } else if (step.get_string().get(key) == simdjson::SUCCESS) {
      out->push_back(PathStep{std::string(key)});
    } else {
      return InvalidAt(here, "must be a string or an integer");
    }
  }
  return absl::OkStatus();
}

Status ParseEventItem(const element& e, const JsonPath& path,
                      StepArtifact* out) {
  object obj;
  RETURN_IF_ERROR(GetObject(e, path, &obj));
  RETURN_IF_ERROR(
      CheckKeys(obj, path, {"type", "path", "artifact_id", "artifact"}));
  if (!Member(obj, "type").has_value()) {
    return InvalidAt(JsonPath(path, "type"), "is required");
  }
  RETURN_IF_ERROR(GetEnum(obj, "type", path, ParseEventType, &out->event.type));
  if (out->event.type == EventType::kUnknown) {
    // MLMD's enum has it, but no event is of it (PutExecution refuses it).
    return InvalidAt(JsonPath(path, "type"), "must not be UNKNOWN");
  }
  std::optional<array> steps;
  RETURN_IF_ERROR(GetArray(obj, "path", path, &steps));
  if (steps.has_value()) {
    RETURN_IF_ERROR(
        ParsePath(*steps, JsonPath(path, "path"), &out->event.path));
  }
  RETURN_IF_ERROR(GetLabel(obj, "artifact_id", path, &out->label));
  std::optional<element> declared = Member(obj, "artifact");
  if (!declared.has_value()) {
    if (out->label == 0) {
      return InvalidAt(path, "needs an artifact_id or an artifact");
    }
    return absl::OkStatus();
  }
  const JsonPath here(path, "artifact");
  object a;
  RETURN_IF_ERROR(GetObject(*declared, here, &a));
  RETURN_IF_ERROR(
      CheckKeys(a, here,
                {"type", "type_version", "name", "external_id", "uri", "state",
                 "properties", "custom_properties"}));
  Artifact& artifact = out->artifact.emplace();
  Label unused = 0;
  RETURN_IF_ERROR(
      ParseNodeBase(a, here, &unused, &artifact, &out->type_version));
  RETURN_IF_ERROR(GetString(a, "uri", here, false, &artifact.uri));
  return GetEnum(a, "state", here, ParseArtifactState, &artifact.state);
}

Status ParseContextItem(const element& e, const JsonPath& path,
                        StepContext* out) {
  object obj;
  RETURN_IF_ERROR(GetObject(e, path, &obj));
  RETURN_IF_ERROR(
      CheckKeys(obj, path,
                {"id", "type", "type_version", "name", "external_id",
                 "properties", "custom_properties"}));
  if (!Member(obj, "type").has_value() && !Member(obj, "name").has_value()) {
    RETURN_IF_ERROR(CheckKeys(obj, path, {"id"}));
    RETURN_IF_ERROR(GetLabel(obj, "id", path, &out->label));
    if (out->label == 0)
      return InvalidAt(path, "needs an id or a type and name");
    return absl::OkStatus();
  }
  Context& context = out->context.emplace();
  RETURN_IF_ERROR(
      ParseNodeBase(obj, path, &out->label, &context, &out->type_version));
  if (context.name.empty())
    return InvalidAt(JsonPath(path, "name"), "is required");
  return absl::OkStatus();
}

// The optional array `key` of `obj`, each item converted by `parse`.
template <typename T>
Status GetItems(const object& obj, std::string_view key,
                Status (*parse)(const element&, const JsonPath&, T*),
                std::vector<T>* out) {
  std::optional<array> items;
  const JsonPath root;
  RETURN_IF_ERROR(GetArray(obj, key, root, &items));
  if (!items.has_value()) return absl::OkStatus();
  const JsonPath at(key);
  size_t i = 0;
  for (const element e : *items) {
    RETURN_IF_ERROR(parse(e, JsonPath(at, i++), &out->emplace_back()));
  }
  return absl::OkStatus();
}

Status ParseStep(const object& root, Step* step) {
  RETURN_IF_ERROR(
      CheckKeys(root, JsonPath(), {"execution", "events", "contexts"}));
  object exec;
  const JsonPath at("execution");
  RETURN_IF_ERROR(GetObject(*Member(root, "execution"), at, &exec));
  RETURN_IF_ERROR(
      CheckKeys(exec, at,
                {"id", "type", "type_version", "name", "external_id", "state",
                 "fingerprint", "properties", "custom_properties"}));
  RETURN_IF_ERROR(ParseNodeBase(exec, at, &step->label, &step->execution,
                                &step->type_version));
  RETURN_IF_ERROR(GetEnum(exec, "state", at, ParseExecutionState,
                          &step->execution.last_known_state));
  RETURN_IF_ERROR(
      GetString(exec, "fingerprint", at, false, &step->execution.fingerprint));
  RETURN_IF_ERROR(GetItems(root, "events", ParseEventItem, &step->artifacts));
  RETURN_IF_ERROR(
      GetItems(root, "contexts", ParseContextItem, &step->contexts));
  return absl::OkStatus();
}

constexpr std::pair<std::string_view, NodeKind> kTypeKeys[] = {
    {"artifact_type", NodeKind::kArtifact},
    {"execution_type", NodeKind::kExecution},
    {"context_type", NodeKind::kContext}};

Status ParseType(const object& obj, const JsonPath& path, NodeKind kind,
                 Type* type) {
  RETURN_IF_ERROR(CheckKeys(obj, path,
                            {"name", "version", "description", "external_id",
                             "base_type", "properties"}));
  type->kind = kind;
  RETURN_IF_ERROR(GetString(obj, "name", path, /*required=*/true, &type->name));
  RETURN_IF_ERROR(GetString(obj, "version", path, false, &type->version));
  RETURN_IF_ERROR(
      GetString(obj, "description", path, false, &type->description));
  RETURN_IF_ERROR(
      GetString(obj, "external_id", path, false, &type->external_id));
  RETURN_IF_ERROR(
      GetEnum(obj, "base_type", path, ParseBaseType, &type->base_type));
  std::optional<element> props = Member(obj, "properties");
  if (!props.has_value()) return absl::OkStatus();
  const JsonPath here(path, "properties");
  object p;
  RETURN_IF_ERROR(GetObject(*props, here, &p));
  for (const auto field : p) {
    PropertyKind k = PropertyKind::kUnknown;
    std::string_view name;
    if (field.value.get_string().get(name) != simdjson::SUCCESS) {
      return InvalidAt(JsonPath(here, field.key),
                       "must be a property kind name");
    }
    std::optional<PropertyKind> parsed = ParsePropertyKind(name);
    if (!parsed.has_value() || *parsed == PropertyKind::kUnknown) {
      return InvalidAt(JsonPath(here, field.key),
                       StrCat("has an unknown property kind '", name, "'"));
    }
    k = *parsed;
    if (!type->properties.try_emplace(std::string(field.key), k).second) {
      return InvalidAt(JsonPath(here, field.key), "appears twice");
    }
  }
  return absl::OkStatus();
}

// The positive integer member `key` of `e`, if `e` is an object that has
// it and one of `beside`.
std::optional<Label> LabelBeside(
    const element& e, std::string_view key,
    std::initializer_list<std::string_view> beside) {
  object obj;
  int64_t id = 0;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  std::optional<element> label = Member(obj, key);
  if (!label.has_value() || label->get_int64().get(id) != simdjson::SUCCESS ||
      id <= 0) {
    return std::nullopt;
  }
  for (std::string_view other : beside) {
    if (Member(obj, other).has_value()) return id;
  }
  return std::nullopt;
}

// Into `out`, the labels LabelBeside finds in the items of the array `key`
// of `root`, if any.
void LabelsOf(const object& root, std::string_view key,
              std::string_view label_key,
              std::initializer_list<std::string_view> beside,
              std::vector<Label>* out) {
  std::optional<element> items = Member(root, key);
  array list;
  if (!items.has_value() || items->get_array().get(list) != simdjson::SUCCESS) {
    return;
  }
  for (const element e : list) {
    if (std::optional<Label> l = LabelBeside(e, label_key, beside)) {
      out->push_back(*l);
    }
  }
}

}  // namespace

DeclaredLabels FindDeclaredLabels(const simdjson::dom::element& root) {
  DeclaredLabels labels;
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return labels;
  if (std::optional<element> execution = Member(obj, "execution")) {
    // An execution item always declares: its id stands beside itself.
    if (std::optional<Label> l = LabelBeside(*execution, "id", {"id"})) {
      labels.executions.push_back(*l);
    }
  }
  LabelsOf(obj, "events", "artifact_id", {"artifact"}, &labels.artifacts);
  LabelsOf(obj, "contexts", "id", {"type", "name"}, &labels.contexts);
  return labels;
}

namespace {

namespace od = simdjson::ondemand;

// LabelBeside on a lazily read value: the first `key` member's positive
// integer, if one of `beside` is a member too.
std::optional<Label> LazyLabelBeside(
    od::value v, std::string_view key,
    std::initializer_list<std::string_view> beside) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  std::optional<Label> label;
  bool seen_key = false, seen_beside = false;
  for (auto field : obj) {
    std::string_view k;
    if (field.unescaped_key().get(k) != simdjson::SUCCESS) return std::nullopt;
    if (std::find(beside.begin(), beside.end(), k) != beside.end()) {
      seen_beside = true;
    }
    if (k != key || seen_key) continue;
    seen_key = true;
    int64_t id = 0;
    if (field.value().get_int64().get(id) == simdjson::SUCCESS && id > 0) {
      label = id;
    }
  }
  return seen_beside ? label : std::nullopt;
}

// LabelsOf on a lazily read value.
void LazyLabelsOf(od::value v, std::string_view label_key,
                  std::initializer_list<std::string_view> beside,
                  std::vector<Label>* out) {
  od::array items;
  if (v.get_array().get(items) != simdjson::SUCCESS) return;
  for (auto item : items) {
    od::value e;
    if (item.get(e) != simdjson::SUCCESS) return;
    if (std::optional<Label> l = LazyLabelBeside(e, label_key, beside)) {
      out->push_back(*l);
    }
  }
}

}  // namespace

DeclaredLabels FindDeclaredLabelsInText(std::string_view json) {
  DeclaredLabels labels;
  od::parser parser;
  const simdjson::padded_string padded(json);
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS) {
    return labels;
  }
  // The first copy of each member, as Member() reads them.
  bool execution = false, events = false, contexts = false;
  for (auto field : obj) {
    std::string_view k;
    od::value v;
    if (field.unescaped_key().get(k) != simdjson::SUCCESS ||
        field.value().get(v) != simdjson::SUCCESS) {
      break;
    }
    if (k == "execution" && !std::exchange(execution, true)) {
      if (std::optional<Label> l = LazyLabelBeside(v, "id", {"id"})) {
        labels.executions.push_back(*l);
      }
    } else if (k == "events" && !std::exchange(events, true)) {
      LazyLabelsOf(v, "artifact_id", {"artifact"}, &labels.artifacts);
    } else if (k == "contexts" && !std::exchange(contexts, true)) {
      LazyLabelsOf(v, "id", {"type", "name"}, &labels.contexts);
    }
  }
  return labels;
}

Status ParseItem(const simdjson::dom::element& root, Item* item) {
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("an item must be a JSON object");
  }
  if (Member(obj, "execution").has_value()) {
    return ParseStep(obj, &item->emplace<Step>());
  }
  for (const auto& [key, kind] : kTypeKeys) {
    std::optional<element> e = Member(obj, key);
    if (!e.has_value()) continue;
    if (obj.size() != 1) {
      return absl::InvalidArgumentError(
          StrCat("a type item has only the member ", key));
    }
    object t;
    const JsonPath at(key);
    RETURN_IF_ERROR(GetObject(*e, at, &t));
    return ParseType(t, at, kind, &item->emplace<Type>());
  }
  return absl::InvalidArgumentError(
      "an item needs an execution, an artifact_type, an execution_type or a "
      "context_type");
}

}  // namespace lineagedb::native
