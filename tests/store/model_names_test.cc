#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "lineagedb/model.h"

namespace lineagedb {
namespace {

// Every number of `Enum` below `count` has its own name, which parses back
// to it; the number just past them is named UNKNOWN.
template <typename Enum, typename NameFn, typename ParseFn>
void ExpectRoundTrip(int count, NameFn name, ParseFn parse) {
  std::set<std::string_view> names;
  for (int i = 0; i < count; ++i) {
    const Enum value = static_cast<Enum>(i);
    SCOPED_TRACE(i);
    EXPECT_TRUE(names.insert(name(value)).second) << name(value);
    EXPECT_EQ(parse(name(value)), value);
  }
  EXPECT_EQ(name(static_cast<Enum>(count)), "UNKNOWN");
}

TEST(ModelNamesTest, EveryValueHasADistinctNameThatParsesBack) {
  ExpectRoundTrip<PropertyKind>(7, PropertyKindName, ParsePropertyKind);
  ExpectRoundTrip<ArtifactState>(7, ArtifactStateName, ParseArtifactState);
  ExpectRoundTrip<ExecutionState>(7, ExecutionStateName, ParseExecutionState);
  ExpectRoundTrip<EventType>(8, EventTypeName, ParseEventType);
}

TEST(ModelNamesTest, NodeKindNamesAreLowerCaseNouns) {
  EXPECT_EQ(NodeKindName(NodeKind::kArtifact), "artifact");
  EXPECT_EQ(NodeKindName(NodeKind::kExecution), "execution");
  EXPECT_EQ(NodeKindName(NodeKind::kContext), "context");
  EXPECT_EQ(NodeKindName(static_cast<NodeKind>(9)), "unknown");
}

TEST(ModelNamesTest, NamesAreMlmdsProtoNames) {
  EXPECT_EQ(PropertyKindName(PropertyKind::kBool), "BOOLEAN");
  EXPECT_EQ(ArtifactStateName(ArtifactState::kMarkedForDeletion),
            "MARKED_FOR_DELETION");
  EXPECT_EQ(ExecutionStateName(ExecutionState::kCanceled), "CANCELED");
  EXPECT_EQ(EventTypeName(EventType::kPendingOutput), "PENDING_OUTPUT");
}

TEST(ModelNamesTest, BaseTypesAreMlmdsSystemDefinedBaseTypes) {
  for (BaseType t : {BaseType::kUnset, BaseType::kDataset, BaseType::kModel,
                     BaseType::kMetrics, BaseType::kStatistics,
                     BaseType::kTrain, BaseType::kTransform, BaseType::kProcess,
                     BaseType::kEvaluate, BaseType::kDeploy}) {
    EXPECT_EQ(ParseBaseType(BaseTypeName(t)), t) << BaseTypeName(t);
  }
  EXPECT_EQ(BaseTypeName(BaseType::kTrain), "TRAIN");
  EXPECT_EQ(BaseTypeName(static_cast<BaseType>(5)), "UNSET");
  EXPECT_EQ(ParseBaseType("Train"), std::nullopt);
}

TEST(ModelNamesTest, OtherTextDoesNotParse) {
  EXPECT_EQ(ParsePropertyKind("int"), std::nullopt);
  EXPECT_EQ(ParseArtifactState(""), std::nullopt);
  EXPECT_EQ(ParseExecutionState("COMPLETED"), std::nullopt);
  EXPECT_EQ(ParseEventType("OUTPUT "), std::nullopt);
}

}  // namespace
}  // namespace lineagedb
