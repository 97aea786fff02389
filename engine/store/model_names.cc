// Names of the public model's enum values (lineagedb/model.h).
#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "lineagedb/model.h"

namespace lineagedb {
namespace {

// MLMD's names, indexed by the enum's number (every enum is dense from 0).
constexpr std::array<std::string_view, 7> kPropertyKinds = {
    "UNKNOWN", "INT", "DOUBLE", "STRING", "STRUCT", "PROTO", "BOOLEAN"};
constexpr std::array<std::string_view, 7> kArtifactStates = {
    "UNKNOWN", "PENDING",   "LIVE",     "MARKED_FOR_DELETION",
    "DELETED", "ABANDONED", "REFERENCE"};
constexpr std::array<std::string_view, 7> kExecutionStates = {
    "UNKNOWN", "NEW", "RUNNING", "COMPLETE", "FAILED", "CACHED", "CANCELED"};
constexpr std::array<std::string_view, 8> kEventTypes = {
    "UNKNOWN", "DECLARED_OUTPUT", "DECLARED_INPUT",  "INPUT",
    "OUTPUT",  "INTERNAL_INPUT",  "INTERNAL_OUTPUT", "PENDING_OUTPUT"};

// MLMD's SystemDefinedBaseType names (the enum is sparse).
constexpr std::pair<BaseType, std::string_view> kBaseTypes[] = {
    {BaseType::kUnset, "UNSET"},           {BaseType::kDataset, "DATASET"},
    {BaseType::kModel, "MODEL"},           {BaseType::kMetrics, "METRICS"},
    {BaseType::kStatistics, "STATISTICS"}, {BaseType::kTrain, "TRAIN"},
    {BaseType::kTransform, "TRANSFORM"},   {BaseType::kProcess, "PROCESS"},
    {BaseType::kEvaluate, "EVALUATE"},     {BaseType::kDeploy, "DEPLOY"}};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names,
                        Enum value) {
  const auto i = static_cast<size_t>(value);
  return i < N ? names[i] : names[0];
}

template <typename Enum, size_t N>
std::optional<Enum> Parse(const std::array<std::string_view, N>& names,
                          std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kArtifact:
      return "artifact";
    case NodeKind::kExecution:
      return "execution";
    case NodeKind::kContext:
      return "context";
  }
  return "unknown";
}

std::string_view PropertyKindName(PropertyKind kind) {
  return NameOf(kPropertyKinds, kind);
}
std::string_view ArtifactStateName(ArtifactState state) {
  return NameOf(kArtifactStates, state);
}
std::string_view ExecutionStateName(ExecutionState state) {
  return NameOf(kExecutionStates, state);
}
std::string_view EventTypeName(EventType type) {
  return NameOf(kEventTypes, type);
}

std::string_view BaseTypeName(BaseType type) {
  for (const auto& [value, name] : kBaseTypes) {
    if (value == type) return name;
  }
  return "UNSET";
}

std::optional<BaseType> ParseBaseType(std::string_view name) {
  for (const auto& [value, n] : kBaseTypes) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::optional<PropertyKind> ParsePropertyKind(std::string_view name) {
  return Parse<PropertyKind>(kPropertyKinds, name);
}
std::optional<ArtifactState> ParseArtifactState(std::string_view name) {
  return Parse<ArtifactState>(kArtifactStates, name);
}
std::optional<ExecutionState> ParseExecutionState(std::string_view name) {
  return Parse<ExecutionState>(kExecutionStates, name);
}
std::optional<EventType> ParseEventType(std::string_view name) {
  return Parse<EventType>(kEventTypes, name);
}

}  // namespace lineagedb
