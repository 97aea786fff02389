// Tests of the public OpenLineage ingester (openlineage.h): strict mode,
// CheckDocument, and input that the parser or the store's state refuses.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/openlineage/ingest_fixture.h"
#include "tests/openlineage/store_setup.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST_F(IngesterTest, ATypeTheStoreRefusesLeavesEveryTypeUnwritten) {
  // The job's context type, the second of the three, cannot evolve from the
  // stored one; the run's execution type, the first, must not be written.
  Type job;
  job.kind = NodeKind::kContext;
  job.name = "openlineage.Job";
  job.properties = {{"namespace", PropertyKind::kInt}};
  ASSERT_OK(store_->PutType(job).status());
  auto all_types = [&] {
    std::vector<Type> all;
    for (NodeKind kind :
         {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
      auto types = store_->ListTypes(kind);
      EXPECT_OK(types.status());
      if (types.ok()) all.insert(all.end(), types->begin(), types->end());
    }
    return all;
  };
  const std::vector<Type> types_before = all_types();
  const auto before = Dump();
  // The types are written with the first event past the parser.
  ASSERT_OK_AND_ASSIGN(auto ingester, NewOpenLineageIngester(store_.get()));
  EXPECT_CODE(ingester->IngestDocument(
                  ReadFile(kData + "marquez_food_delivery.json"), "f"),
              kAlreadyExists);
  EXPECT_CODE(ingester->Finish(), kAlreadyExists);
  EXPECT_EQ(all_types(), types_before);
  EXPECT_EQ(Dump(), before);
  Reopen();
  EXPECT_EQ(all_types(), types_before);
}

// Input in which no event gets past the parser (every invalid file, an
// empty document) leaves a fresh store byte for byte as it was: no
// OpenLineage types either.
TEST_F(IngesterTest, InputWithoutAGoodEventLeavesAFreshStoreAsItWas) {
  const auto before = Dump();
  for (const auto& entry :
       std::filesystem::directory_iterator(kData + "invalid")) {
    SCOPED_TRACE(entry.path().filename().string());
    for (bool strict : {false, true}) {
      OpenLineageOptions options;
      options.strict = strict;
      ASSERT_OK_AND_ASSIGN(auto ingester,
                           NewOpenLineageIngester(store_.get(), options));
      Status st = ingester->IngestDocument(ReadFile(entry.path()), "bad");
      EXPECT_TRUE(strict ? absl::IsInvalidArgument(st) : st.ok()) << st;
      ASSERT_OK(ingester->Finish());
      EXPECT_EQ(ingester->summary().rejected, 1);
      EXPECT_EQ(Dump(), before);
    }
  }
  OpenLineageSummary s = Ingest("", "empty");
  EXPECT_EQ(s.events, 0);
  EXPECT_EQ(s.rejected, 0);
  EXPECT_EQ(Dump(), before);
  // One good event writes them.
  s = IngestFile("marquez_food_delivery.json");
  EXPECT_EQ(s.events, 26);
  EXPECT_NE(Dump(), before);
}

TEST_F(IngesterTest, StrictModeStoresNothingOfTheBatch) {
  const std::string good = ReadFile(kData + "event_simple.json");
  const std::string bad = ReadFile(kData + "invalid/event_no_run_id.json");
  OpenLineageOptions strict;
  strict.strict = true;
  ASSERT_OK_AND_ASSIGN(auto ingester,
                       NewOpenLineageIngester(store_.get(), strict));
  const auto before = Dump();
  Status s = ingester->IngestDocument("[" + good + "," + bad + "]", "batch");
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("batch:2: run.runId"));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(ingester->summary().events, 0);

  // Not strict: the good event is stored, the bad one rejected.
  OpenLineageSummary lenient = Ingest("[" + good + "," + bad + "]", "batch");
  EXPECT_EQ(lenient.events, 1);
  EXPECT_EQ(lenient.rejected, 1);
  EXPECT_EQ(lenient.rejections[0].index, 2);
  EXPECT_THAT(All<Execution>("openlineage.Job"), SizeIs(1));
}

// A runId that names an execution of another type: the parser accepts an
// event with it, the store's state refuses it.
constexpr char kForeignRun[] = "00000000-0000-4000-8000-0000000000ff";

// A strict ingester on the store, after the execution of kForeignRun.
void StrictWithForeignRun(Store* store,
                          std::unique_ptr<OpenLineageIngester>* ingester) {
  ASSERT_OK(testing::PutExecutionOfAnotherType(store, kForeignRun));
  OpenLineageOptions strict;
  strict.strict = true;
  ASSERT_OK_AND_ASSIGN(*ingester, NewOpenLineageIngester(store, strict));
}

// A JSON array of two START events: a new run, then one whose runId names
// the execution StrictWithForeignRun() stored.
std::string GoodThenForeignRun() {
  return "[" +
         RunEvent("START", "2025-01-01T10:00:00Z",
                  "00000000-0000-4000-8000-000000000001", "j") +
         "," + RunEvent("START", "2025-01-01T10:00:01Z", kForeignRun, "j") +
         "]";
}

TEST_F(IngesterTest, StrictModeStoresNothingOfABatchTheStoreRefusesAnEventOf) {
  // The second runId names an execution of another type: the parser
  // accepts the event, the store's state refuses it.
  const std::string foreign = kForeignRun;
  std::unique_ptr<OpenLineageIngester> ingester;
  ASSERT_NO_FATAL_FAILURE(StrictWithForeignRun(store_.get(), &ingester));
  const auto before = Dump();
  Status s = ingester->IngestDocument(GoodThenForeignRun(), "batch");
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("batch:2: runId " + foreign));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(ingester->summary().events, 0);
  EXPECT_EQ(ingester->summary().rejected, 1);
}

// Not strict, an event the store's state refuses is not a good event
// either: when it is the only one, the store is left as it was, without
// the OpenLineage types.
TEST_F(IngesterTest, AnEventOnlyTheStoreRefusesWritesNoTypes) {
  ASSERT_OK(testing::PutExecutionOfAnotherType(store_.get(), kForeignRun));
  const auto before = Dump();
  OpenLineageSummary s =
      Ingest(RunEvent("START", "2025-01-01T10:00:01Z", kForeignRun, "j"), "t");
  EXPECT_EQ(s.events, 0);
  EXPECT_EQ(s.rejected, 1);
  EXPECT_EQ(Dump(), before);
}

// CheckDocument makes the strict checks and writes nothing, types included.
TEST_F(IngesterTest, CheckDocumentChecksWithoutWriting) {
  ASSERT_OK(testing::PutExecutionOfAnotherType(store_.get(), kForeignRun));
  const auto before = Dump();
  ASSERT_OK_AND_ASSIGN(auto ingester, NewOpenLineageIngester(store_.get()));
  EXPECT_OK(ingester->CheckDocument(
      ReadFile(kData + "marquez_food_delivery.json"), "good"));
  Status s = ingester->CheckDocument(GoodThenForeignRun(), "refused");
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("refused:2: runId"));
  EXPECT_EQ(ingester->summary().rejected, 1);
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(ingester->summary().events, 0);
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, StrictModeReportsTheFirstBadEventOfEitherKind) {
  // Event 1 the store refuses, event 2 the parser rejects: 1 is reported.
  const std::string foreign = kForeignRun;
  std::unique_ptr<OpenLineageIngester> ingester;
  ASSERT_NO_FATAL_FAILURE(StrictWithForeignRun(store_.get(), &ingester));
  const auto before = Dump();
  const std::string refused =
      RunEvent("START", "2025-01-01T10:00:01Z", foreign, "j");
  const std::string malformed = RunEvent(
      "START", "not a time", "00000000-0000-4000-8000-000000000001", "j");
  Status s =
      ingester->IngestDocument("[" + refused + "," + malformed + "]", "batch");
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("batch:1: runId " + foreign));
  // The other way round, the malformed one is first.
  s = ingester->IngestDocument("[" + malformed + "," + refused + "]", "batch");
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("batch:1: eventTime"));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(Dump(), before);
}

}  // namespace
}  // namespace lineagedb
