// Tests of the ingestion session's writes (openlineage/session_write.cc)
// through the ingester: re-ingesting, parent edges, other writers between.
#include <filesystem>
#include <string>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/openlineage/ingest_fixture.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST_F(IngesterTest, ReingestingChangesNothing) {
  const std::string doc = ReadFile(kData + "marquez_food_delivery.json");
  Ingest(doc, "first");
  const auto before = Dump();
  OpenLineageSummary again = Ingest(doc, "again");
  EXPECT_EQ(again.events, 26);
  EXPECT_EQ(again.edges, 0);
  EXPECT_EQ(Dump(), before);

  // And within one session.
  ASSERT_OK_AND_ASSIGN(auto ingester, NewOpenLineageIngester(store_.get()));
  ASSERT_OK(ingester->IngestDocument(doc, "a"));
  ASSERT_OK(ingester->IngestDocument(doc, "b"));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(ingester->summary().edges, 0);
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, ReingestingInOneSessionFromScratchAddsNoEdgesTwice) {
  const std::string doc = ReadFile(kData + "marquez_food_delivery.json");
  ASSERT_OK_AND_ASSIGN(auto ingester, NewOpenLineageIngester(store_.get()));
  ASSERT_OK(ingester->IngestDocument(doc, "a"));
  ASSERT_OK(ingester->IngestDocument(doc, "b"));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(ingester->summary().edges, 27);
  EXPECT_THAT(AllEvents(), SizeIs(27));
}

// Two jobs naming each other as parent: the edge named first is kept and
// the one closing the cycle skipped, in one ingest as in two.
TEST_F(IngesterTest, OfParentsInACycleTheOneNamedFirstIsKept) {
  auto parent_of = [](const std::string& job) {
    return "\"parent\":{\"_producer\":\"p\",\"_schemaURL\":\"s\",\"run\":{"
           "\"runId\":\"00000000-0000-4000-8000-0000000000aa\"},\"job\":{"
           "\"namespace\":\"ns\",\"name\":\"" +
           job + "\"}}";
  };
  const std::string events[] = {
      RunEvent("COMPLETE", "2025-01-01T09:00:00Z",
               "00000000-0000-4000-8000-000000000001", "parent"),
      RunEvent("COMPLETE", "2025-01-01T10:00:00Z",
               "00000000-0000-4000-8000-000000000002", "child",
               parent_of("parent")),
      RunEvent("COMPLETE", "2025-01-01T11:00:00Z",
               "00000000-0000-4000-8000-000000000003", "parent",
               parent_of("child"))};
  for (bool one_ingest : {true, false}) {
    SCOPED_TRACE(one_ingest);
    store_.reset();
    std::filesystem::remove_all(store_path());
    ASSERT_NO_FATAL_FAILURE(Reopen());
    if (one_ingest) {
      Ingest(events[0] + "\n" + events[1] + "\n" + events[2], "all");
    } else {
      Ingest(events[0] + "\n" + events[1], "first");
      Ingest(events[2], "second");
    }
    ASSERT_OK_AND_ASSIGN(Context child, store_->GetByTypeAndName<Context>(
                                            "openlineage.Job", "ns/child"));
    ASSERT_OK_AND_ASSIGN(Context parent, store_->GetByTypeAndName<Context>(
                                             "openlineage.Job", "ns/parent"));
    ASSERT_OK_AND_ASSIGN(auto parents,
                         store_->GetParentContexts({child.id, parent.id}));
    ASSERT_THAT(parents[child.id], SizeIs(1));
    EXPECT_EQ(parents[child.id][0].id, parent.id);
    EXPECT_THAT(parents[parent.id], IsEmpty());
  }
}

// Ingesters take turns (each Finish()es before the other ingests), or a
// plain write comes between: each reads the store anew and adds no second
// node of a run or dataset another writer stored.
TEST_F(IngesterTest, IngestersTakingTurnsStoreEachNodeOnce) {
  const std::string run1 = "00000000-0000-4000-8000-000000000001";
  const std::string run2 = "00000000-0000-4000-8000-000000000002";
  ASSERT_OK_AND_ASSIGN(auto first, NewOpenLineageIngester(store_.get()));
  ASSERT_OK_AND_ASSIGN(auto second, NewOpenLineageIngester(store_.get()));
  ASSERT_OK(first->IngestDocument(OutputEvent(run1, "shared", ""), "1"));
  ASSERT_OK(first->Finish());
  ASSERT_OK(second->IngestDocument(OutputEvent(run2, "other", ""), "2"));
  ASSERT_OK(second->Finish());
  ASSERT_OK(first->IngestDocument(OutputEvent(run2, "other", ""), "3"));
  ASSERT_OK(first->Finish());
  EXPECT_THAT(All<Execution>("openlineage.Job"), SizeIs(2));
  EXPECT_THAT(All<Artifact>("openlineage.Dataset"), SizeIs(2));
  // The summary counts what the first ingester saw, across its sessions.
  EXPECT_EQ(first->summary().events, 2);
  EXPECT_EQ(first->summary().runs, 2);

  // A dataset a plain write stored is the one the next event names.
  const std::vector<Artifact> datasets = All<Artifact>("openlineage.Dataset");
  Artifact made;
  made.type_id = datasets[0].type_id;
  made.name = "ns:made";
  made.external_id = "openlineage:ns:made";
  ASSERT_OK(store_->Put<Artifact>({made}).status());
  const std::string run3 = "00000000-0000-4000-8000-000000000003";
  ASSERT_OK(first->IngestDocument(OutputEvent(run3, "made", ""), "4"));
  ASSERT_OK(first->Finish());
  EXPECT_THAT(All<Artifact>("openlineage.Dataset"), SizeIs(3));
}

// Another writer between events the ingester has not written yet: it may
// have judged new a node that now exists, so it stops, storing none of
// them.
TEST_F(IngesterTest, AWriteAmongUnwrittenEventsEndsTheIngester) {
  const std::string run1 = "00000000-0000-4000-8000-000000000001";
  ASSERT_OK_AND_ASSIGN(auto ingester, NewOpenLineageIngester(store_.get()));
  ASSERT_OK(ingester->IngestDocument(OutputEvent(run1, "d1", ""), "1"));
  ASSERT_OK(
      store_->PutType(Type{.kind = NodeKind::kArtifact, .name = "X"}).status());
  const std::string run2 = "00000000-0000-4000-8000-000000000002";
  EXPECT_CODE(ingester->IngestDocument(OutputEvent(run2, "d2", ""), "2"),
              kFailedPrecondition);
  EXPECT_CODE(ingester->Finish(), kFailedPrecondition);
  EXPECT_THAT(All<Execution>("openlineage.Job"), IsEmpty());
}

}  // namespace
}  // namespace lineagedb
