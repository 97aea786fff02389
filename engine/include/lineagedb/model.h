// Plain data structs of lineagedb's data model: MLMD's types, nodes and edges.
//
// Numbers of every enum below are part of the on-disk format and of the
// public contract: they equal MLMD's proto enum numbers. DO NOT CHANGE them;
// add new values at the end.
#ifndef LINEAGEDB_MODEL_H_
#define LINEAGEDB_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lineagedb {

// The three kinds of node. Each kind has its own types and its own id space.
enum class NodeKind : uint8_t { kArtifact = 1, kExecution = 2, kContext = 3 };

// Kind of a declared property (MLMD's PropertyType).
enum class PropertyKind : uint8_t {
  kUnknown = 0,
  kInt = 1,
  kDouble = 2,
  kString = 3,
  kStruct = 4,
  kProto = 5,
  kBool = 6,
};

// A JSON-like structured value (MLMD's google.protobuf.Struct), held as JSON
// text. Writes check that it is a JSON object and store it as given.
struct StructValue {
  std::string json;
  friend bool operator==(const StructValue&, const StructValue&) = default;
};

// An opaque serialized message with its type URL (MLMD's google.protobuf.Any).
struct ProtoValue {
  std::string type_url;
  std::string bytes;
  friend bool operator==(const ProtoValue&, const ProtoValue&) = default;
};

// A property value of one of the six kinds.
class Value {
 public:
  using Storage = std::variant<std::monostate, int64_t, double, std::string,
                               StructValue, ProtoValue, bool>;

  Value() = default;
  Value(int64_t v) : v_(v) {}                    // NOLINT: implicit
  Value(int v) : v_(static_cast<int64_t>(v)) {}  // NOLINT: implicit
  Value(double v) : v_(v) {}                     // NOLINT: implicit
  Value(std::string v) : v_(std::move(v)) {}     // NOLINT: implicit
  Value(const char* v) : v_(std::string(v)) {}   // NOLINT: implicit
  Value(bool v) : v_(v) {}                       // NOLINT: implicit
  Value(StructValue v) : v_(std::move(v)) {}     // NOLINT: implicit
  Value(ProtoValue v) : v_(std::move(v)) {}      // NOLINT: implicit

  // kUnknown for a default-constructed Value.
  PropertyKind kind() const { return static_cast<PropertyKind>(v_.index()); }
  const Storage& storage() const { return v_; }

  // Accessors; calling one of the wrong kind is a programming error
  // (std::bad_variant_access). Check kind() first.
  int64_t int_value() const { return std::get<int64_t>(v_); }
  double double_value() const { return std::get<double>(v_); }
  const std::string& string_value() const { return std::get<std::string>(v_); }
  bool bool_value() const { return std::get<bool>(v_); }
  const StructValue& struct_value() const { return std::get<StructValue>(v_); }
  const ProtoValue& proto_value() const { return std::get<ProtoValue>(v_); }

  friend bool operator==(const Value&, const Value&) = default;

 private:
  Storage v_;
};
static_assert(std::variant_size_v<Value::Storage> == 7);

using PropertyMap = std::map<std::string, Value>;

// MLMD's base types (ArtifactType.SystemDefinedBaseType and
// ExecutionType.SystemDefinedBaseType share one enum here).
enum class BaseType : uint8_t {
  kUnset = 0,
  // Artifact base types.
  kDataset = 1,
  kModel = 2,
  kMetrics = 3,
  kStatistics = 4,
  // Execution base types.
  kTrain = 11,
  kTransform = 12,
  kProcess = 13,
  kEvaluate = 14,
  kDeploy = 15,
};

// An artifact, execution or context type. Identity is (kind, name, version);
// an empty version is the same as no version.
struct Type {
  int64_t id = 0;  // 0 = not yet stored.
  NodeKind kind = NodeKind::kArtifact;
  std::string name;
  std::string version;
  std::string description;
  std::string external_id;  // Optional; unique per kind when set.
  std::map<std::string, PropertyKind> properties;
  BaseType base_type = BaseType::kUnset;

  friend bool operator==(const Type&, const Type&) = default;
};

enum class ArtifactState : uint8_t {
  kUnknown = 0,
  kPending = 1,
  kLive = 2,
  kMarkedForDeletion = 3,
  kDeleted = 4,
  kAbandoned = 5,
  kReference = 6,
};

enum class ExecutionState : uint8_t {
  kUnknown = 0,
  kNew = 1,
  kRunning = 2,
  kComplete = 3,
  kFailed = 4,
  kCached = 5,
  kCanceled = 6,
};

// Fields every node kind has. create_time_ms and last_update_time_ms are set
// by the store (milliseconds since the Unix epoch) and ignored on writes.
// create_time_ms is non-decreasing in id within a kind.
struct NodeBase {
  int64_t id = 0;       // 0 = insert; otherwise update the node with this id.
  int64_t type_id = 0;  // Required; immutable.
  std::string type;     // Type name; filled in by reads, ignored by writes.
  std::string name;     // Unique within the type; immutable once set.
  std::string external_id;        // Optional; unique among nodes of the kind.
  PropertyMap properties;         // Declared by the type, with its kinds.
  PropertyMap custom_properties;  // Free-form.
  int64_t create_time_ms = 0;
  int64_t last_update_time_ms = 0;

  friend bool operator==(const NodeBase&, const NodeBase&) = default;
};

struct Artifact : NodeBase {
  static constexpr NodeKind kKind = NodeKind::kArtifact;
  std::string uri;
  ArtifactState state = ArtifactState::kUnknown;
  friend bool operator==(const Artifact&, const Artifact&) = default;
};

struct Execution : NodeBase {
  static constexpr NodeKind kKind = NodeKind::kExecution;
  ExecutionState last_known_state = ExecutionState::kUnknown;
  // The step's cache key (caching.h), indexed for FindCachedExecution.
  // Empty = none; an update with an empty fingerprint keeps the stored one.
  std::string fingerprint;
  friend bool operator==(const Execution&, const Execution&) = default;
};

// A context's name is required.
struct Context : NodeBase {
  static constexpr NodeKind kKind = NodeKind::kContext;
  friend bool operator==(const Context&, const Context&) = default;
};

enum class EventType : uint8_t {
  kUnknown = 0,
  kDeclaredOutput = 1,
  kDeclaredInput = 2,
  kInput = 3,
  kOutput = 4,
  kInternalInput = 5,
  kInternalOutput = 6,
  kPendingOutput = 7,
};

// True for INPUT, DECLARED_INPUT and INTERNAL_INPUT; the other known types
// are outputs.
constexpr bool IsInputEvent(EventType t) {
  return t == EventType::kInput || t == EventType::kDeclaredInput ||
         t == EventType::kInternalInput;
}

// One step of an event path: an index into a list or a key into a map.
struct PathStep {
  std::variant<int64_t, std::string> step;
  friend bool operator==(const PathStep&, const PathStep&) = default;
};

// An edge between an artifact and an execution. Immutable once stored;
// unique on (artifact_id, execution_id, type).
struct Event {
  int64_t artifact_id = 0;
  int64_t execution_id = 0;
  EventType type = EventType::kUnknown;
  std::vector<PathStep> path;
  int64_t time_ms = 0;  // 0 on a write = now.
  friend bool operator==(const Event&, const Event&) = default;
};

// Context <-> artifact.
struct Attribution {
  int64_t context_id = 0;
  int64_t artifact_id = 0;
  friend bool operator==(const Attribution&, const Attribution&) = default;
};

// Context <-> execution.
struct Association {
  int64_t context_id = 0;
  int64_t execution_id = 0;
  friend bool operator==(const Association&, const Association&) = default;
};

// Child context -> parent context. The parent graph is acyclic.
struct ParentContext {
  int64_t child_id = 0;
  int64_t parent_id = 0;
  friend bool operator==(const ParentContext&, const ParentContext&) = default;
};

// MLMD's names of the enum values above ("INT", "LIVE", "COMPLETE",
// "OUTPUT"), as its protos spell them; "UNKNOWN" for a number this version
// does not know.
std::string_view PropertyKindName(PropertyKind kind);
// "artifact", "execution", "context" (lower case, for messages and output).
std::string_view NodeKindName(NodeKind kind);
std::string_view ArtifactStateName(ArtifactState state);
std::string_view ExecutionStateName(ExecutionState state);
std::string_view EventTypeName(EventType type);
// "DATASET", ..., "DEPLOY"; "UNSET" for kUnset and for a number this
// version does not know.
std::string_view BaseTypeName(BaseType type);

// The value a name above names, or nullopt for any other text (names are
// case-sensitive; "UNKNOWN" parses to kUnknown).
std::optional<PropertyKind> ParsePropertyKind(std::string_view name);
std::optional<ArtifactState> ParseArtifactState(std::string_view name);
std::optional<ExecutionState> ParseExecutionState(std::string_view name);
std::optional<EventType> ParseEventType(std::string_view name);
std::optional<BaseType> ParseBaseType(std::string_view name);

}  // namespace lineagedb

#endif  // LINEAGEDB_MODEL_H_
