#include "native/step_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/test_util.h"

namespace lineagedb::native {
namespace {

using ::testing::HasSubstr;

class StepJsonTest : public ::testing::Test {
 protected:
  // The item `json` parses to, or its error.
  Status Parse(const std::string& json, Item* item) {
    simdjson::dom::element root;
    if (parser_.parse(json).get(root) != simdjson::SUCCESS) {
      return absl::InternalError("test JSON does not parse");
    }
    return ParseItem(root, item);
  }
  Step ParseStepOk(const std::string& json) {
    Item item;
    const Status s = Parse(json, &item);
    EXPECT_TRUE(s.ok()) << s;
    return std::holds_alternative<Step>(item) ? std::get<Step>(item) : Step{};
  }
  std::string ErrorOf(const std::string& json) {
    Item item;
    const Status s = Parse(json, &item);
    EXPECT_CODE(s, kInvalidArgument);
    return std::string(s.message());
  }

  simdjson::dom::parser parser_;
};

TEST_F(StepJsonTest, StepWithDeclaredAndNamedNodes) {
  const Step step = ParseStepOk(R"({
    "execution": {"id": 6, "type": "Trainer", "name": "t", "state": "COMPLETE",
                  "fingerprint": "fp", "properties": {"steps": 3}},
    "events": [
      {"type": "INPUT", "path": ["examples", 0], "artifact_id": 5},
      {"type": "OUTPUT", "path": ["model", 1], "artifact_id": 7,
       "artifact": {"type": "Model", "uri": "/m", "state": "LIVE"}}],
    "contexts": [{"id": 1, "type": "pipeline", "name": "p"}, {"id": 9}]})");
  EXPECT_EQ(step.label, 6);
  EXPECT_EQ(step.execution.type, "Trainer");
  EXPECT_EQ(step.execution.name, "t");
  EXPECT_EQ(step.execution.last_known_state, ExecutionState::kComplete);
  EXPECT_EQ(step.execution.fingerprint, "fp");
  EXPECT_EQ(step.execution.properties.at("steps"), Value(3));
  ASSERT_EQ(step.artifacts.size(), 2u);
  EXPECT_EQ(step.artifacts[0].label, 5);
  EXPECT_FALSE(step.artifacts[0].artifact.has_value());
  EXPECT_EQ(step.artifacts[0].event.type, EventType::kInput);
  EXPECT_EQ(step.artifacts[0].event.path,
            (std::vector<PathStep>{{"examples"}, {int64_t{0}}}));
  EXPECT_EQ(step.artifacts[1].label, 7);
  ASSERT_TRUE(step.artifacts[1].artifact.has_value());
  EXPECT_EQ(step.artifacts[1].artifact->type, "Model");
  EXPECT_EQ(step.artifacts[1].artifact->uri, "/m");
  EXPECT_EQ(step.artifacts[1].artifact->state, ArtifactState::kLive);
  ASSERT_EQ(step.contexts.size(), 2u);
  EXPECT_EQ(step.contexts[0].label, 1);
  ASSERT_TRUE(step.contexts[0].context.has_value());
  EXPECT_EQ(step.contexts[0].context->name, "p");
  EXPECT_EQ(step.contexts[1].label, 9);
  EXPECT_FALSE(step.contexts[1].context.has_value());
}

TEST_F(StepJsonTest, PropertyValuesOfEveryKind) {
  const Step step = ParseStepOk(R"({"execution": {"type": "T",
    "custom_properties": {"i": -4, "d": 1.0, "e": 2e3, "n": null, "s": "x",
      "b": true, "st": {"a": [1, 2], "b": {"c": null}},
      "p": {"type_url": "type.googleapis.com/X", "hex": "00ff10"}}}})");
  const PropertyMap& p = step.execution.custom_properties;
  EXPECT_EQ(p.at("i"), Value(int64_t{-4}));
  EXPECT_EQ(p.at("d"), Value(1.0));
  EXPECT_EQ(p.at("e"), Value(2000.0));
  ASSERT_EQ(p.at("n").kind(), PropertyKind::kDouble);
  EXPECT_TRUE(std::isnan(p.at("n").double_value()));
  EXPECT_EQ(p.at("s"), Value("x"));
  EXPECT_EQ(p.at("b"), Value(true));
  EXPECT_EQ(p.at("st"), Value(StructValue{R"({"a":[1,2],"b":{"c":null}})"}));
  EXPECT_EQ(p.at("p"), Value(ProtoValue{"type.googleapis.com/X",
                                        std::string("\x00\xff\x10", 3)}));
}

TEST_F(StepJsonTest, TypeItems) {
  Item item;
  ASSERT_OK(Parse(R"({"execution_type": {"name": "Trainer", "version": "v1",
    "base_type": "TRAIN",
    "properties": {"lr": "DOUBLE", "steps": "INT", "ok": "BOOLEAN"}}})",
                  &item));
  ASSERT_TRUE(std::holds_alternative<Type>(item));
  const Type& t = std::get<Type>(item);
  EXPECT_EQ(t.kind, NodeKind::kExecution);
  EXPECT_EQ(t.name, "Trainer");
  EXPECT_EQ(t.version, "v1");
  EXPECT_EQ(t.base_type, BaseType::kTrain);
  EXPECT_EQ(t.properties, (std::map<std::string, PropertyKind>{
                              {"lr", PropertyKind::kDouble},
                              {"ok", PropertyKind::kBool},
                              {"steps", PropertyKind::kInt}}));
  ASSERT_OK(Parse(R"({"context_type": {"name": "pipeline"}})", &item));
  EXPECT_EQ(std::get<Type>(item).kind, NodeKind::kContext);
}

TEST_F(StepJsonTest, BadItemsNameTheField) {
  EXPECT_EQ(ErrorOf("[1]"), "an item must be a JSON object");
  EXPECT_THAT(ErrorOf(R"({"x": 1})"), HasSubstr("an item needs an execution"));
  EXPECT_EQ(ErrorOf(R"({"execution": {}})"), "execution.type is required");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T", "colour": 1}})"),
            "execution.colour is not a known field");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T", "id": 0}})"),
            "execution.id must be a positive integer");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T", "state": "DONE"}})"),
            "execution.state has an unknown value 'DONE'");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T", "properties": [1]}})"),
            "execution.properties must be an object");
  EXPECT_EQ(
      ErrorOf(R"({"execution": {"type": "T", "properties": {"a": [1]}}})"),
      "execution.properties.a is an array, which is not a property value");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"},
                        "events": [{"type": "INPUT", "artifact_id": 1},
                                   {"type": "OUTPUT"}]})"),
            "events[1] needs an artifact_id or an artifact");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"},
                        "events": [{"artifact_id": 1}]})"),
            "events[0].type is required");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"},
                        "events": [{"type": "IN", "artifact_id": 1}]})"),
            "events[0].type has an unknown value 'IN'");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"}, "events": [
      {"type": "INPUT", "path": [1.5], "artifact_id": 1}]})"),
            "events[0].path[0] must be a string or an integer");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"}, "events": [
      {"type": "OUTPUT", "artifact": {"uri": "/x"}}]})"),
            "events[0].artifact.type is required");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"}, "events": [
      {"type": "OUTPUT", "artifact": {"type": "M", "custom_properties":
        {"p": {"type_url": "u", "hex": "0g"}}}}]})"),
            "events[0].artifact.custom_properties.p.hex must be hexadecimal");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"},
                        "contexts": [{"id": 4, "properties": {}}]})"),
            "contexts[0].properties is not a known field");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"}, "contexts": [{}]})"),
            "contexts[0] needs an id or a type and name");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"},
                        "contexts": [{"type": "pipeline"}]})"),
            "contexts[0].name is required");
  EXPECT_EQ(ErrorOf(R"({"artifact_type": {"name": "M",
                        "properties": {"a": "FLOAT"}}})"),
            "artifact_type.properties.a has an unknown property kind 'FLOAT'");
  EXPECT_EQ(ErrorOf(R"({"artifact_type": {"name": "M"}, "x": 1})"),
            "a type item has only the member artifact_type");
}

// A repeated member would be half read (simdjson's lookups find the first
// copy, property maps keep the last): it is refused.
TEST_F(StepJsonTest, RepeatedMembersAreRefused) {
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"}, "events": [],
                        "execution": {"type": "U"}})"),
            "execution appears twice");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T", "name": "a",
                                      "name": "b"}})"),
            "execution.name appears twice");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T"}, "events": [
      {"type": "INPUT", "artifact_id": 1, "artifact_id": 2}]})"),
            "events[0].artifact_id appears twice");
  EXPECT_EQ(ErrorOf(R"({"execution": {"type": "T",
                        "custom_properties": {"a": 1, "a": 2}}})"),
            "execution.custom_properties.a appears twice");
  EXPECT_EQ(ErrorOf(R"({"artifact_type": {"name": "M",
                        "properties": {"a": "INT", "a": "STRING"}}})"),
            "artifact_type.properties.a appears twice");
  // Inside a STRUCT value the JSON is data, kept as it is.
  Step step = ParseStepOk(R"({"execution": {"type": "T",
      "custom_properties": {"s": {"a": 1, "a": 2}}}})");
  EXPECT_EQ(step.execution.custom_properties.at("s").kind(),
            PropertyKind::kStruct);
}

TEST_F(StepJsonTest, DeclaredLabelsAreFoundInItemsThatDoNotParse) {
  simdjson::dom::element root;
  ASSERT_EQ(parser_
                .parse(std::string(R"({"execution": {"id": 2, "colour": 1},
      "events": [{"type": "OUTPUT", "artifact_id": 3, "artifact": {}},
                 {"type": "INPUT", "artifact_id": 4},
                 {"artifact_id": 0, "artifact": {}}, 7],
      "contexts": [{"id": 5, "name": "p"}, {"id": 6}, {"id": 8, "type": "t"},
                   {"id": "9", "type": "t"}]})"))
                .get(root),
            simdjson::SUCCESS);
  Item item;
  EXPECT_FALSE(ParseItem(root, &item).ok());
  const DeclaredLabels labels = FindDeclaredLabels(root);
  EXPECT_EQ(labels.executions, std::vector<Label>({2}));
  EXPECT_EQ(labels.artifacts, std::vector<Label>({3}));
  EXPECT_EQ(labels.contexts, std::vector<Label>({5, 8}));
  ASSERT_EQ(parser_.parse(std::string("[1]")).get(root), simdjson::SUCCESS);
  EXPECT_TRUE(FindDeclaredLabels(root).artifacts.empty());
}

}  // namespace
}  // namespace lineagedb::native
