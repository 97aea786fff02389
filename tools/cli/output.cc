#include "tools/cli/output.h"

#include <cmath>
#include <variant>

#include "absl/strings/escaping.h"
#include "fmt/format.h"
#include "store/json_check.h"
#include "tools/cli/common.h"
#include "util/json_string.h"

namespace lineagedb::cli {

namespace {

// The shortest text that reads back as `value`, with ".0" on a whole
// number, so that a DOUBLE 3 is not shown as (and read back as) an INT.
std::string DoubleText(double value) {
  std::string text = fmt::format("{}", value);
  if (std::isfinite(value) && text.find_first_of(".e") == std::string::npos) {
    text += ".0";
  }
  return text;
}

}  // namespace

// ---- JsonWriter ----

void JsonWriter::Separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  out_ += JsonQuote(key);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  out_ += JsonQuote(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  Separate();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  Separate();
  if (std::isfinite(value)) {
    out_ += DoubleText(value);
  } else {
    out_ += "null";
  }
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Separate();
  out_ += json;
  return *this;
}

std::string JsonQuote(std::string_view text) { return JsonString(text); }

std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const auto next =
        i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (u == '\\') {
      out += "\\\\";
    } else if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\x{:02X}", u);
    } else if (u == 0xC2 && next >= 0x80 && next <= 0x9F) {
      // A C1 control (U+0080..U+009F) in UTF-8; some terminals act on them.
      out += fmt::format("\\xC2\\x{:02X}", next);
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// ---- Enums and values ----

std::string ValueText(const Value& value) {
  switch (value.kind()) {
    case PropertyKind::kInt:
      return std::to_string(value.int_value());
    case PropertyKind::kDouble:
      return DoubleText(value.double_value());
    case PropertyKind::kString:
      return value.string_value();
    case PropertyKind::kStruct:
      return value.struct_value().json;
    case PropertyKind::kProto:
      return fmt::format("<proto {}>", value.proto_value().type_url);
    case PropertyKind::kBool:
      return value.bool_value() ? "true" : "false";
    case PropertyKind::kUnknown:
      break;
  }
  return "";
}

void WriteValueJson(const Value& value, JsonWriter* json) {
  switch (value.kind()) {
    case PropertyKind::kInt:
      json->Int(value.int_value());
      return;
    case PropertyKind::kDouble:
      json->Double(value.double_value());
      return;
    case PropertyKind::kString:
      json->String(value.string_value());
      return;
    case PropertyKind::kStruct:
      // Only a damaged store holds a struct that is not one JSON object
      // (check reports it): written as a string, the output stays JSON.
      if (store::JsonObjectProblem(value.struct_value().json).empty()) {
        json->Raw(value.struct_value().json);
      } else {
        json->String(value.struct_value().json);
      }
      return;
    case PropertyKind::kProto:
      // As native JSON takes it in, so that an export can be read back.
      json->BeginObject().Key("type_url").String(value.proto_value().type_url);
      json->Key("hex").String(
          absl::BytesToHexString(value.proto_value().bytes));
      json->EndObject();
      return;
    case PropertyKind::kBool:
      json->Bool(value.bool_value());
      return;
    case PropertyKind::kUnknown:
      break;
  }
  json->Null();
}

// ---- Nodes ----
namespace {

void WriteProperties(std::string_view key, const PropertyMap& props,
                     JsonWriter* json) {
  json->Key(key).BeginObject();
  for (const auto& [name, value] : props) {
    json->Key(name);
    WriteValueJson(value, json);
  }
  json->EndObject();
}

// The type's name, and its version when it has one.
std::string TypeText(const NodeBase& node, std::string_view type_version) {
  if (type_version.empty()) return Printable(node.type);
  return fmt::format("{} (version {})", Printable(node.type),
                     Printable(type_version));
}

// Fields every kind has, inside an open object.
void WriteBaseJson(NodeKind kind, const NodeBase& node,
                   std::string_view type_version, JsonWriter* json) {
  json->Key("kind").String(NodeKindName(kind));
  json->Key("id").Int(node.id);
  json->Key("type").String(node.type);
  if (!type_version.empty()) json->Key("type_version").String(type_version);
  json->Key("type_id").Int(node.type_id);
  json->Key("name").String(node.name);
  if (!node.external_id.empty()) {
    json->Key("external_id").String(node.external_id);
  }
  WriteProperties("properties", node.properties, json);
  WriteProperties("custom_properties", node.custom_properties, json);
  json->Key("create_time_ms").Int(node.create_time_ms);
  json->Key("last_update_time_ms").Int(node.last_update_time_ms);
}

std::string BaseDetailText(NodeKind kind, const NodeBase& node,
                           std::string_view type_version) {
  std::string out =
      fmt::format("{}:{}\n  type: {}\n  name: {}\n", NodeKindName(kind),
                  node.id, TypeText(node, type_version), Printable(node.name));
  if (!node.external_id.empty()) {
    out += fmt::format("  external_id: {}\n", Printable(node.external_id));
  }
  out += fmt::format("  create_time_ms: {}\n  last_update_time_ms: {}\n",
                     node.create_time_ms, node.last_update_time_ms);
  for (const auto& [name, value] : node.properties) {
    out += fmt::format("  properties.{}: {}\n", Printable(name),
                       Printable(ValueText(value)));
  }
  for (const auto& [name, value] : node.custom_properties) {
    out += fmt::format("  custom_properties.{}: {}\n", Printable(name),
                       Printable(ValueText(value)));
  }
  return out;
}

std::string BaseLine(NodeKind kind, const NodeBase& node,
                     std::string_view type_version) {
  std::string line = fmt::format("{:<16} {:<20}", RefText({kind, node.id}),
                                 TypeText(node, type_version));
  if (!node.name.empty()) {
    line += ' ';
    line += Printable(node.name);
  }
  return line;
}

}  // namespace

void WriteNodeJson(const Artifact& node, JsonWriter* json,
                   std::string_view type_version) {
  json->BeginObject();
  WriteBaseJson(NodeKind::kArtifact, node, type_version, json);
  json->Key("uri").String(node.uri);
  json->Key("state").String(ArtifactStateName(node.state));
  json->EndObject();
}

void WriteNodeJson(const Execution& node, JsonWriter* json,
                   std::string_view type_version) {
  json->BeginObject();
  WriteBaseJson(NodeKind::kExecution, node, type_version, json);
  json->Key("state").String(ExecutionStateName(node.last_known_state));
  if (!node.fingerprint.empty()) {
    json->Key("fingerprint").String(node.fingerprint);
  }
  json->EndObject();
}

void WriteNodeJson(const Context& node, JsonWriter* json,
                   std::string_view type_version) {
  json->BeginObject();
  WriteBaseJson(NodeKind::kContext, node, type_version, json);
  json->EndObject();
}

void WriteEventJson(const Event& event, JsonWriter* json) {
  json->BeginObject();
  json->Key("artifact_id").Int(event.artifact_id);
  json->Key("execution_id").Int(event.execution_id);
  json->Key("type").String(EventTypeName(event.type));
  json->Key("path").BeginArray();
  for (const PathStep& step : event.path) {
    if (const int64_t* index = std::get_if<int64_t>(&step.step)) {
      json->Int(*index);
    } else {
      json->String(std::get<std::string>(step.step));
    }
  }
  json->EndArray();
  json->Key("time_ms").Int(event.time_ms);
  json->EndObject();
}

void WriteTypeJson(const Type& type, JsonWriter* json) {
  json->BeginObject();
  json->Key("kind").String(NodeKindName(type.kind));
  json->Key("id").Int(type.id);
  json->Key("name").String(type.name);
  if (!type.version.empty()) json->Key("version").String(type.version);
  if (!type.description.empty()) {
    json->Key("description").String(type.description);
  }
  if (!type.external_id.empty()) {
    json->Key("external_id").String(type.external_id);
  }
  if (type.base_type != BaseType::kUnset) {
    json->Key("base_type").String(BaseTypeName(type.base_type));
  }
  json->Key("properties").BeginObject();
  for (const auto& [name, kind] : type.properties) {
    json->Key(name).String(PropertyKindName(kind));
  }
  json->EndObject();
  json->EndObject();
}

std::string NodeDetailText(const Artifact& node,
                           std::string_view type_version) {
  return BaseDetailText(NodeKind::kArtifact, node, type_version) +
         fmt::format("  uri: {}\n  state: {}\n", Printable(node.uri),
                     ArtifactStateName(node.state));
}

std::string NodeDetailText(const Execution& node,
                           std::string_view type_version) {
  std::string out =
      BaseDetailText(NodeKind::kExecution, node, type_version) +
      fmt::format("  state: {}\n", ExecutionStateName(node.last_known_state));
  if (!node.fingerprint.empty()) {
    out += fmt::format("  fingerprint: {}\n", Printable(node.fingerprint));
  }
  return out;
}

std::string NodeDetailText(const Context& node, std::string_view type_version) {
  return BaseDetailText(NodeKind::kContext, node, type_version);
}

std::string NodeLine(const Artifact& node, std::string_view type_version) {
  std::string line = BaseLine(NodeKind::kArtifact, node, type_version);
  if (!node.uri.empty()) line += "  " + Printable(node.uri);
  return line;
}

std::string NodeLine(const Execution& node, std::string_view type_version) {
  return BaseLine(NodeKind::kExecution, node, type_version) + "  " +
         std::string(ExecutionStateName(node.last_known_state));
}

std::string NodeLine(const Context& node, std::string_view type_version) {
  return BaseLine(NodeKind::kContext, node, type_version);
}

}  // namespace lineagedb::cli
