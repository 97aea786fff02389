#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "lineagedb/native_json.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IdsOf;

constexpr char kTypes[] = R"(
{"artifact_type": {"name": "Examples", "properties": {"span": "INT"}}}
{"artifact_type": {"name": "Model", "properties": {"accuracy": "DOUBLE"}}}
{"execution_type": {"name": "Trainer", "properties": {"lr": "DOUBLE"}}}
{"context_type": {"name": "pipeline"}}
)";

class NativeIngesterTest : public testing::StoreTest {
 protected:
  // Ingests `document` with a fresh ingester and finishes it.
  Status Ingest(const std::string& document, NativeJsonOptions options = {}) {
    auto ingester = NewNativeJsonIngester(store_.get(), options);
    if (!ingester.ok()) return ingester.status();
    Status s = (*ingester)->IngestDocument(document, "in.ndjson");
    Status f = (*ingester)->Finish();
    summary_ = (*ingester)->summary();
    return s.ok() ? f : s;
  }

  NativeJsonSummary summary_;
};

TEST_F(NativeIngesterTest, LabelsBindDeclaredNodesForLaterItems) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"id": 50, "type": "Trainer", "state": "COMPLETE", "properties": {"lr": 1}}, "events": [{"type": "OUTPUT", "path": ["examples", 0], "artifact_id": 70, "artifact": {"type": "Examples", "properties": {"span": 3}}}], "contexts": [{"id": 90, "type": "pipeline", "name": "p"}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 70}, {"type": "OUTPUT", "artifact": {"type": "Model", "uri": "/m", "properties": {"accuracy": 1}}}], "contexts": [{"id": 90}]}
)"));
  EXPECT_EQ(summary_.types, 4);
  EXPECT_EQ(summary_.executions, 2);
  EXPECT_EQ(summary_.artifacts, 2);
  EXPECT_EQ(summary_.events, 3);
  EXPECT_EQ(summary_.rejected, 0);
  ASSERT_OK_AND_ASSIGN(auto executions, store_->GetByIds<Execution>({1, 2}));
  ASSERT_EQ(executions.size(), 2u);
  // A declared DOUBLE takes an integer JSON number.
  EXPECT_EQ(executions[0].properties.at("lr"), Value(1.0));
  EXPECT_EQ(executions[0].last_known_state, ExecutionState::kComplete);
  ASSERT_OK_AND_ASSIGN(auto events, store_->GetEventsByExecutionIds({2}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].artifact_id, 1);  // Label 70.
  EXPECT_EQ(events[0].type, EventType::kInput);
  // Both executions are in the one context "p" (label 90).
  ASSERT_OK_AND_ASSIGN(auto in_p,
                       store_->List<Execution>(testing::OfContext(1)));
  EXPECT_THAT(IdsOf(in_p.items), ElementsAre(1, 2));
}

// A label and a stored id that name one artifact are one artifact: two
// events of one type on it are refused by the fields that name it.
TEST_F(NativeIngesterTest, ALabelAndAnIdOfOneArtifactAreOne) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 70, "artifact": {"type": "Model"}}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 70}, {"type": "INPUT", "artifact_id": 1}]}
)"));
  EXPECT_EQ(summary_.executions, 1);
  ASSERT_EQ(summary_.rejected, 1);
  EXPECT_EQ(summary_.rejections[0].reason,
            "events[1] repeats events[0] (the same type, and artifact_id 1 "
            "names the same artifact as its artifact_id 70)");
}

TEST_F(NativeIngesterTest, UndeclaredIdsNameStoredNodes) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact": {"type": "Model"}}], "contexts": [{"type": "pipeline", "name": "p"}]})"));
  // A second input: id 1 is the stored artifact and context.
  ASSERT_OK(Ingest(
      R"({"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 1}], "contexts": [{"id": 1}]})"));
  ASSERT_OK_AND_ASSIGN(auto events, store_->GetEventsByArtifactIds({1}));
  EXPECT_EQ(events.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto in_p,
                       store_->List<Execution>(testing::OfContext(1)));
  EXPECT_THAT(IdsOf(in_p.items), ElementsAre(1, 2));
}

TEST_F(NativeIngesterTest, BadItemsAreRejectedAndStoreNothing) {
  ASSERT_OK(Ingest(kTypes));
  const auto before = DumpStore();
  ASSERT_OK(Ingest(R"(
{"execution": {"type": "Nope"}}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 12}]}
{"execution": {"type": "Trainer", "properties": {"lr": "fast"}}}
{"execution": {"type": "Trainer", "properties": {"zz": 1}}}
not json
{"execution": {"type": "Trainer"}, "contexts": [{"id": 4}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact": {"type": "Model", "properties": {"accuracy": "high"}}}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 12}, {"type": "OUTPUT", "artifact_id": 12}, {"type": "INPUT", "artifact_id": 12}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "UNKNOWN", "artifact_id": 12}]}
)"));
  EXPECT_EQ(summary_.executions, 0);
  ASSERT_EQ(summary_.rejected, 9);
  std::vector<std::string> reasons;
  for (const RejectedEvent& r : summary_.rejections) {
    EXPECT_EQ(r.source, "in.ndjson");
    reasons.push_back(std::to_string(r.index) + ": " + r.reason);
  }
  // In document order.
  EXPECT_EQ(reasons[0], "2: execution.type: no execution type named 'Nope'");
  EXPECT_EQ(reasons[1], "3: the event's artifact 12 does not exist");
  EXPECT_EQ(reasons[2],
            "4: execution.properties.lr is STRING; type 'Trainer' declares it "
            "DOUBLE");
  EXPECT_EQ(reasons[3],
            "5: execution.properties.zz: type 'Trainer' declares no property "
            "'zz' (use custom_properties for undeclared ones)");
  EXPECT_THAT(reasons[4], HasSubstr("6: malformed JSON"));
  EXPECT_EQ(reasons[5], "7: contexts[0].id: no context with id 4");
  EXPECT_EQ(reasons[6],
            "8: events[0].artifact.properties.accuracy is STRING; type 'Model' "
            "declares it DOUBLE");
  // Named by the field, not by the store's ids.
  EXPECT_EQ(reasons[7],
            "9: events[2] repeats events[0] (the same type, and artifact_id "
            "12 names the same artifact as its artifact_id 12)");
  EXPECT_EQ(reasons[8], "10: events[0].type must not be UNKNOWN");
  EXPECT_EQ(DumpStore(), before);
}

TEST_F(NativeIngesterTest, LabelsDeclaredTwiceAreRejected) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"id": 1, "type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 3, "artifact": {"type": "Model"}}], "contexts": [{"id": 5, "type": "pipeline", "name": "p"}]}
{"execution": {"id": 1, "type": "Trainer"}}
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 3, "artifact": {"type": "Model"}}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 5, "type": "pipeline", "name": "q"}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 5, "type": "pipeline", "name": "p"}]}
)"));
  EXPECT_EQ(summary_.executions, 2);
  ASSERT_EQ(summary_.rejected, 3);
  EXPECT_EQ(summary_.rejections[0].reason, "execution.id 1 is declared twice");
  EXPECT_EQ(summary_.rejections[1].reason,
            "events[0].artifact_id 3 is declared twice");
  EXPECT_EQ(summary_.rejections[2].reason,
            "contexts[0].id 5 is declared twice, as another context");
}

// A label declared by a rejected item is still the input's: a later item
// naming it is rejected too, not linked to the stored node with that id.
TEST_F(NativeIngesterTest, LabelsOfRejectedItemsAreNotStoredIds) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact": {"type": "Model"}}, {"type": "OUTPUT", "artifact": {"type": "Model"}}], "contexts": [{"type": "pipeline", "name": "p"}]})"));
  const auto before = DumpStore();
  ASSERT_OK(Ingest(R"(
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 1, "artifact": {"type": "Model", "properties": {"accuracy": "high"}}}], "contexts": [{"id": 1, "type": "pipeline", "name": "q"}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 1}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 1}]}
{"execution": {"type": "Trainer", "colour": 1}, "events": [{"type": "OUTPUT", "artifact_id": 2, "artifact": {"type": "Model"}}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 2}]}
)"));
  EXPECT_EQ(summary_.executions, 0);
  std::vector<std::string> reasons;
  for (const RejectedEvent& r : summary_.rejections) {
    reasons.push_back(r.reason);
  }
  EXPECT_THAT(
      reasons,
      ElementsAre(
          HasSubstr("accuracy is STRING"),
          "events[0].artifact_id 1 names the artifact of a rejected item",
          "contexts[0].id 1 names the context of a rejected item",
          "execution.colour is not a known field",
          "events[0].artifact_id 2 names the artifact of a rejected item"));
  EXPECT_EQ(DumpStore(), before);
  // Declared again, by an item that would otherwise go in, the label is
  // declared twice: it cannot come to mean another node than the input's.
  ASSERT_OK(Ingest(R"(
{"execution": {"id": 9, "type": "Trainer", "colour": 1}, "events": [{"type": "OUTPUT", "artifact_id": 1, "artifact": {"type": "Model"}}], "contexts": [{"id": 1, "type": "pipeline", "name": "q"}]}
{"execution": {"id": 9, "type": "Trainer"}}
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 1, "artifact": {"type": "Model"}}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 1, "type": "pipeline", "name": "zz"}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 1}]}
)"));
  reasons.clear();
  for (const RejectedEvent& r : summary_.rejections) {
    reasons.push_back(r.reason);
  }
  EXPECT_THAT(
      reasons,
      ElementsAre(
          "execution.colour is not a known field",
          "execution.id 9 is declared twice (first by a rejected item)",
          "events[0].artifact_id 1 is declared twice (first by a rejected "
          "item)",
          "contexts[0].id 1 is declared twice (first by a rejected item)",
          "events[0].artifact_id 1 names the artifact of a rejected item"));
  EXPECT_EQ(DumpStore(), before);
}

// So is a label of an item the JSON parser cannot hold (RFC 8259 JSON all
// the same): a number past a double's range or past 64 bits, nesting past
// 1024 levels, a lone surrogate.
TEST_F(NativeIngesterTest, LabelsOfItemsTheParserRefusesAreNotStoredIds) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"id": 1, "type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 1, "artifact": {"type": "Model"}}, {"type": "OUTPUT", "artifact_id": 2, "artifact": {"type": "Model"}}, {"type": "OUTPUT", "artifact_id": 3, "artifact": {"type": "Model"}}, {"type": "OUTPUT", "artifact_id": 4, "artifact": {"type": "Model"}}], "contexts": [{"id": 1, "type": "pipeline", "name": "p"}]})"));
  const auto before = DumpStore();
  const std::string deep = std::string(1100, '[') + std::string(1100, ']');
  ASSERT_OK(Ingest(
      R"({"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 1, "artifact": {"type": "Model", "custom_properties": {"x": 1e400}}}]})"
      "\n"
      R"({"execution": {"type": "Trainer", "custom_properties": {"n": 18446744073709551616}}, "events": [{"type": "OUTPUT", "artifact_id": 2, "artifact": {"type": "Model"}}], "contexts": [{"id": 1, "type": "pipeline", "name": "q"}]})"
      "\n"
      R"({"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 3, "artifact": {"type": "Model", "custom_properties": {"d": )" +
      deep + R"(}}}]})" + "\n" +
      R"({"execution": {"id": 7, "type": "Trainer", "name": "\ud800"}, "events": [{"type": "OUTPUT", "artifact_id": 4, "artifact": {"type": "Model"}}]})"
      "\n"
      R"({"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "INPUT", "artifact_id": 2}, {"type": "INPUT", "artifact_id": 3}]})"
      "\n"
      R"({"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 4}]})"
      "\n"
      R"({"execution": {"type": "Trainer"}, "contexts": [{"id": 1}]})"
      "\n"
      R"({"execution": {"id": 7, "type": "Trainer"}})"));
  std::vector<std::string> reasons;
  for (const RejectedEvent& r : summary_.rejections) {
    reasons.push_back(r.reason);
  }
  ASSERT_EQ(reasons.size(), 8u);
  for (size_t i = 0; i < 4; ++i) EXPECT_THAT(reasons[i], HasSubstr("JSON"));
  EXPECT_THAT(
      std::vector(reasons.begin() + 4, reasons.end()),
      ElementsAre(
          "events[0].artifact_id 1 names the artifact of a rejected item",
          "events[0].artifact_id 4 names the artifact of a rejected item",
          "contexts[0].id 1 names the context of a rejected item",
          "execution.id 7 is declared twice (first by a rejected item)"));
  EXPECT_EQ(DumpStore(), before);
}

// A context declared by type and name is created with its members; found
// again, it is used as stored (reuse_context_if_already_exist), its
// members checked but not applied.
TEST_F(NativeIngesterTest, AContextFoundAgainIsUsedAsStored) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "contexts": [{"type": "pipeline", "name": "p", "external_id": "E1", "custom_properties": {"owner": "ann"}}]}
{"execution": {"type": "Trainer"}, "contexts": [{"type": "pipeline", "name": "p", "external_id": "E2", "custom_properties": {"owner": "bob"}}]}
{"execution": {"type": "Trainer"}, "contexts": [{"type": "pipeline", "name": "p", "properties": {"owner": "carl"}}]}
)"));
  EXPECT_EQ(summary_.executions, 2);
  ASSERT_EQ(summary_.rejected, 1);
  EXPECT_THAT(summary_.rejections[0].reason, HasSubstr("owner"));
  ASSERT_OK_AND_ASSIGN(auto contexts, store_->List<Context>());
  ASSERT_EQ(contexts.items.size(), 1u);
  EXPECT_EQ(contexts.items[0].external_id, "E1");
  EXPECT_EQ(contexts.items[0].custom_properties.at("owner").string_value(),
            "ann");
  for (int64_t execution : {1, 2}) {
    ASSERT_OK_AND_ASSIGN(auto of, store_->GetContextsOf<Execution>(execution));
    ASSERT_EQ(of.size(), 1u);
    EXPECT_EQ(of[0].id, contexts.items[0].id);
  }
}

TEST_F(NativeIngesterTest, StrictModeStopsAtTheFirstBadItem) {
  NativeJsonOptions strict;
  strict.strict = true;
  ASSERT_OK(Ingest(kTypes, strict));
  const auto before = DumpStore();
  // Not valid native JSON: nothing of the document is stored.
  const Status s = Ingest(R"({"execution": {"type": "Trainer"}}
{"execution": {"type": "Trainer", "state": "DONE"}}
)",
                          strict);
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_EQ(s.message(),
            "in.ndjson:2: execution.state has an unknown value 'DONE'");
  EXPECT_EQ(DumpStore(), before);
  // Refused by the store: the items before it stay, none after it is read.
  EXPECT_CODE(Ingest(R"({"execution": {"type": "Trainer"}}
{"execution": {"type": "Nope"}}
{"execution": {"type": "Trainer"}}
)",
                     strict),
              kInvalidArgument);
  EXPECT_EQ(summary_.executions, 1);
  ASSERT_OK_AND_ASSIGN(auto all, store_->List<Execution>());
  EXPECT_EQ(all.items.size(), 1u);
}

// CheckDocument finds an item that is not valid native JSON and applies
// nothing, strict or not; an item only the store refuses passes it.
TEST_F(NativeIngesterTest, CheckDocumentParsesAndAppliesNothing) {
  ASSERT_OK(Ingest(kTypes));
  const auto before = DumpStore();
  for (const bool strict : {false, true}) {
    NativeJsonOptions options;
    options.strict = strict;
    ASSERT_OK_AND_ASSIGN(auto ingester,
                         NewNativeJsonIngester(store_.get(), options));
    EXPECT_OK(ingester->CheckDocument(R"({"execution": {"type": "Trainer"}}
{"execution": {"type": "Nope"}}
)",
                                      "a.ndjson"));
    const Status s = ingester->CheckDocument(
        R"({"execution": {"type": "Trainer"}}
{"execution": {"type": "Trainer", "state": "DONE"}}
not json
)",
        "b.ndjson");
    EXPECT_CODE(s, kInvalidArgument);
    EXPECT_EQ(s.message(),
              "b.ndjson:2: execution.state has an unknown value 'DONE'");
    EXPECT_EQ(ingester->summary().rejected, 1);
    ASSERT_EQ(ingester->summary().rejections.size(), 1u);
    EXPECT_EQ(ingester->summary().rejections[0].index, 2);
    EXPECT_EQ(ingester->summary().executions, 0);
    EXPECT_OK(ingester->Finish());
    EXPECT_EQ(DumpStore(), before);
  }
}

TEST_F(NativeIngesterTest, ATypeItemConflictingWithTheStoreIsRejected) {
  ASSERT_OK(Ingest(kTypes));
  ASSERT_OK(Ingest(
      R"({"artifact_type": {"name": "Model", "properties": {"accuracy": "STRING"}}})"));
  ASSERT_EQ(summary_.rejected, 1);
  ASSERT_OK_AND_ASSIGN(Type model,
                       store_->GetType(NodeKind::kArtifact, "Model"));
  EXPECT_EQ(model.properties.at("accuracy"), PropertyKind::kDouble);
}

// Adding or omitting properties needs the type options; a description
// changes without them.
TEST_F(NativeIngesterTest, TypeItemsEvolveATypeOnlyAsTheOptionsAllow) {
  ASSERT_OK(Ingest(kTypes));
  const std::string added =
      R"({"artifact_type": {"name": "Model", "description": "d", "properties": {"loss": "DOUBLE"}}})";
  ASSERT_OK(Ingest(added));
  ASSERT_EQ(summary_.rejected, 1);
  EXPECT_THAT(summary_.rejections[0].reason, HasSubstr("can_add_fields"));
  NativeJsonOptions evolve;
  evolve.type_options.can_add_fields = true;
  evolve.type_options.can_omit_fields = true;
  // A step after the item may set the property the item omitted, which
  // the stored type keeps (an integer for its DOUBLE).
  ASSERT_OK(Ingest(
      added + "\n" +
          R"({"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact": {"type": "Model", "properties": {"accuracy": 1, "loss": 2.5}}}]})",
      evolve));
  EXPECT_EQ(summary_.rejected, 0);
  EXPECT_EQ(summary_.executions, 1);
  ASSERT_OK_AND_ASSIGN(Type model,
                       store_->GetType(NodeKind::kArtifact, "Model"));
  EXPECT_EQ(model.properties.size(), 2u);  // accuracy is kept.
  EXPECT_EQ(model.properties.at("loss"), PropertyKind::kDouble);
  EXPECT_EQ(model.description, "d");
}

TEST_F(NativeIngesterTest, ATypeItemAfterStepsCommitsThemAndTakesEffect) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 1, "artifact": {"type": "Model"}}]}
{"execution_type": {"name": "Pusher"}}
{"execution": {"type": "Pusher"}, "events": [{"type": "INPUT", "artifact_id": 1}]}
)"));
  EXPECT_EQ(summary_.rejected, 0);
  EXPECT_EQ(summary_.types, 5);
  EXPECT_EQ(summary_.executions, 2);
  ASSERT_OK_AND_ASSIGN(auto events, store_->GetEventsByArtifactIds({1}));
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(NativeIngesterTest, StepsNameATypeVersion) {
  ASSERT_OK(Ingest(R"(
{"execution_type": {"name": "Trainer", "version": "v1", "properties": {"lr": "DOUBLE"}}}
{"execution_type": {"name": "Trainer", "version": "v2", "properties": {"lr": "STRING"}}}
)"));
  // A later ingest finds each version in the store.
  ASSERT_OK(Ingest(R"(
{"execution": {"type": "Trainer", "type_version": "v1", "properties": {"lr": 1}}}
{"execution": {"type": "Trainer", "type_version": "v2", "properties": {"lr": "fast"}}}
{"execution": {"type": "Trainer"}}
)"));
  EXPECT_EQ(summary_.executions, 2);
  ASSERT_EQ(summary_.rejected, 1);
  EXPECT_EQ(summary_.rejections[0].reason,
            "execution.type: no execution type named 'Trainer'");
  ASSERT_OK_AND_ASSIGN(auto executions, store_->GetByIds<Execution>({1, 2}));
  ASSERT_EQ(executions.size(), 2u);
  EXPECT_EQ(executions[0].properties.at("lr"), Value(1.0));
  EXPECT_EQ(executions[1].properties.at("lr"), Value("fast"));
  EXPECT_NE(executions[0].type_id, executions[1].type_id);
}

TEST_F(NativeIngesterTest, AContextCreatedInThePendingBatchIsNamedByItsId) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "contexts": [{"type": "pipeline", "name": "p"}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 1}]}
)"));
  EXPECT_EQ(summary_.rejected, 0);
  ASSERT_OK_AND_ASSIGN(auto in_p,
                       store_->List<Execution>(testing::OfContext(1)));
  EXPECT_THAT(IdsOf(in_p.items), ElementsAre(1, 2));
}

TEST_F(NativeIngesterTest, LabelsWithinOneStep) {
  ASSERT_OK(Ingest(std::string(kTypes) + R"(
{"execution": {"type": "Trainer"}, "events": [{"type": "OUTPUT", "artifact_id": 3, "artifact": {"type": "Model"}}, {"type": "OUTPUT", "artifact_id": 3, "artifact": {"type": "Model"}}]}
{"execution": {"type": "Trainer"}, "events": [{"type": "INPUT", "artifact_id": 4}, {"type": "OUTPUT", "artifact_id": 4, "artifact": {"type": "Model"}}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 5, "type": "pipeline", "name": "p"}, {"id": 5, "type": "pipeline", "name": "q"}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 6, "type": "pipeline", "name": "p"}, {"id": 6, "type": "pipeline", "name": "p"}]}
{"execution": {"type": "Trainer"}, "contexts": [{"id": 1}, {"id": 1, "type": "pipeline", "name": "p"}]}
)"));
  EXPECT_EQ(summary_.executions, 0);
  ASSERT_EQ(summary_.rejected, 5);
  EXPECT_EQ(summary_.rejections[0].reason,
            "events[1].artifact_id 3 is declared twice");
  EXPECT_EQ(summary_.rejections[1].reason,
            "events[0].artifact_id 4 names an artifact this step declares");
  EXPECT_EQ(summary_.rejections[2].reason,
            "contexts[1].id 5 is declared twice");
  // The same context twice too, as for artifacts.
  EXPECT_EQ(summary_.rejections[3].reason,
            "contexts[1].id 6 is declared twice");
  // Not taken for the stored context 1 (PutExecution cannot name a context
  // it inserts).
  EXPECT_EQ(summary_.rejections[4].reason,
            "contexts[0].id 1 names a context this step declares");
}

}  // namespace
}  // namespace lineagedb
