// Tests of the mapping of OpenLineage onto lineagedb (openlineage/mapping.h):
// names and URIs, and the nodes, edges and run states events merge into.
#include "openlineage/mapping.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/openlineage/ingest_fixture.h"
#include "tests/test_util.h"

namespace lineagedb::openlineage {
namespace {

std::string Uri(const std::string& ns, const std::string& name) {
  DatasetRef ds;
  ds.ns = ns;
  ds.name = name;
  return DatasetUri(ds);
}

TEST(DatasetUriTest, OneSlashBetweenNamespaceAndName) {
  EXPECT_EQ(Uri("s3://bucket", "in/x"), "s3://bucket/in/x");
  EXPECT_EQ(Uri("s3://bucket/", "/in/x"), "s3://bucket/in/x");
  EXPECT_EQ(Uri("postgres://host:5432", "db.schema.t"),
            "postgres://host:5432/db.schema.t");
  EXPECT_EQ(Uri("hdfs://nn:8020//", "//a"), "hdfs://nn:8020/a");
}

// The "//" after the scheme is not a trailing slash to strip: a namespace
// without an authority keeps it, and the name (a path) follows as given.
TEST(DatasetUriTest, ANamespaceWithoutAnAuthority) {
  EXPECT_EQ(Uri("file://", "/data/a.csv"), "file:///data/a.csv");
  EXPECT_EQ(Uri("file:///", "/data/a.csv"), "file:///data/a.csv");
  EXPECT_EQ(Uri("s3://", "bucket/x"), "s3://bucket/x");
  // A namespace with the path's root keeps it before a relative name.
  EXPECT_EQ(Uri("file:///", "data/a.csv"), "file:///data/a.csv");
  EXPECT_EQ(Uri("file:////", "data/a.csv"), "file:///data/a.csv");
}

TEST(DatasetUriTest, NoSchemeNoUri) {
  EXPECT_EQ(Uri("food_delivery", "public.orders"), "");
  EXPECT_EQ(Uri("bigquery", "p.d.t"), "");
}

// Before "://" must stand a scheme as RFC 3986 has it: a letter, then
// letters, digits, '+', '-' or '.'.
TEST(DatasetUriTest, OnlyARealSchemeMakesAUri) {
  EXPECT_EQ(Uri("://x", "y"), "");
  EXPECT_EQ(Uri("1a://h", "z"), "");
  EXPECT_EQ(Uri("my db://h", "z"), "");
  EXPECT_EQ(Uri("svn+ssh://h", "r"), "svn+ssh://h/r");
  EXPECT_EQ(Uri("Z3.a-b://h", "r"), "Z3.a-b://h/r");
}

}  // namespace
}  // namespace lineagedb::openlineage

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST_F(IngesterTest, MarquezFoodDeliveryGivesJobsDatasetsRunsAndEdges) {
  OpenLineageSummary s = IngestFile("marquez_food_delivery.json");
  EXPECT_EQ(s.events, 26);
  EXPECT_EQ(s.runs, 13);
  EXPECT_EQ(s.jobs, 13);
  EXPECT_EQ(s.datasets, 13);
  EXPECT_EQ(s.edges, 27);
  EXPECT_EQ(s.rejected, 0);

  EXPECT_THAT(All<Context>("openlineage.Job"), SizeIs(13));
  EXPECT_THAT(All<Artifact>("openlineage.Dataset"), SizeIs(13));
  std::vector<Execution> runs = All<Execution>("openlineage.Job");
  ASSERT_THAT(runs, SizeIs(13));
  for (const Execution& run : runs) {
    EXPECT_EQ(run.last_known_state, ExecutionState::kComplete) << run.id;
    EXPECT_THAT(run.external_id, SizeIs(36));
    ASSERT_OK_AND_ASSIGN(std::vector<Context> contexts,
                         store_->GetContextsOf<Execution>(run.id));
    ASSERT_THAT(contexts, SizeIs(1));
    EXPECT_EQ(contexts[0].type, "openlineage.Job");
  }
  std::vector<Event> events = AllEvents();
  EXPECT_THAT(events, SizeIs(27));
  int inputs = 0;
  for (const Event& e : events) inputs += IsInputEvent(e.type);
  EXPECT_EQ(inputs, 14);

  ASSERT_OK_AND_ASSIGN(Context job,
                       store_->GetByTypeAndName<Context>(
                           "openlineage.Job", "food_delivery/etl_menus"));
  EXPECT_THAT(FacetJson(job, "facet.sql"), HasSubstr("INSERT INTO menus"));
}

TEST_F(IngesterTest, ColumnLineageOfAnOutputIsStoredAndParseable) {
  IngestFile("marquez_food_delivery.json");
  ASSERT_OK_AND_ASSIGN(Artifact ds, store_->GetByTypeAndName<Artifact>(
                                        "openlineage.Dataset",
                                        "food_delivery:public.orders_7_days"));
  const std::string lineage = FacetJson(ds, "facet.columnLineage");
  EXPECT_EQ(At(lineage, "/fields/order_id/inputFields/0/name"),
            "\"public.orders\"");
  EXPECT_EQ(At(lineage, "/fields/order_id/inputFields/0/field"), "\"id\"");

  // Equal to the facet as the source has it.
  const std::string source = ReadFile(kData + "marquez_food_delivery.json");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(simdjson::padded_string(source)).get(root),
            simdjson::SUCCESS);
  bool found = false;
  const simdjson::dom::array events = root.get_array().value();
  for (simdjson::dom::element event : events) {
    simdjson::dom::array outputs;
    if (event["outputs"].get(outputs) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element out : outputs) {
      if (std::string_view(out["name"].get_string().value()) !=
          "public.orders_7_days") {
        continue;
      }
      EXPECT_EQ(Canonical(lineage),
                simdjson::minify(out["facets"]["columnLineage"].value()));
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(IngesterTest, EventsOfOneRunMergeWithoutRegressing) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  Ingest(RunEvent("COMPLETE", "2025-01-01T10:00:05Z", id, "j"), "1");
  Ingest(RunEvent("START", "2025-01-01T10:00:00Z", id, "j"), "2");
  Ingest(RunEvent("RUNNING", "2025-01-01T10:00:01+00:00", id, "j"), "3");
  ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                       store_->GetByExternalIds<Execution>({id}));
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kComplete);
  EXPECT_EQ(runs[0].properties.at("event_time").string_value(),
            "2025-01-01T10:00:05Z");
  EXPECT_THAT(AllEvents(), SizeIs(3));  // Inputs accumulate.
  ASSERT_OK_AND_ASSIGN(
      Artifact in, store_->GetByTypeAndName<Artifact>("openlineage.Dataset",
                                                      "s3://bucket:in/START"));
  EXPECT_EQ(in.uri, "s3://bucket/in/START");

  Ingest(RunEvent("FAIL", "2025-01-01T10:00:09Z", id, "j"), "4");
  ASSERT_OK_AND_ASSIGN(runs, store_->GetByExternalIds<Execution>({id}));
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kFailed);
}

TEST_F(IngesterTest, EventsLessThanAMillisecondApartAreOrdered) {
  auto facet = [](const std::string& v) {
    return R"("c":{"_producer":"p","_schemaURL":"s","v":")" + v + "\"}";
  };
  const std::string start = "2025-01-01T10:00:00.100100Z";
  const std::string end = "2025-01-01T10:00:00.1009001Z";
  // Run 1 gets them in order, run 2 the other way round.
  const std::string run1 = "00000000-0000-4000-8000-000000000001";
  const std::string run2 = "00000000-0000-4000-8000-000000000002";
  Ingest(RunEvent("START", start, run1, "j", facet("START")), "1");
  Ingest(RunEvent("COMPLETE", end, run1, "j", facet("COMPLETE")), "2");
  Ingest(RunEvent("COMPLETE", end, run2, "j", facet("COMPLETE")), "3");
  Ingest(RunEvent("START", start, run2, "j", facet("START")), "4");
  ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                       store_->GetByExternalIds<Execution>({run1, run2}));
  ASSERT_THAT(runs, SizeIs(2));
  for (const Execution& run : runs) {
    SCOPED_TRACE(run.external_id);
    EXPECT_EQ(run.properties.at("event_time").string_value(), end);
    EXPECT_EQ(At(FacetJson(run, "facet.c"), "/v"), "\"COMPLETE\"");
    EXPECT_EQ(run.last_known_state, ExecutionState::kComplete);
  }
}

// Stored by an earlier build: a run ended without end_event_time, and an
// event_time with a second 60 outside 23:59 UTC. Both still read as they
// did: a later end event decides, an older facet does not replace.
TEST_F(IngesterTest, TimesStoredByEarlierRulesStillOrderEvents) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  auto c = [](const std::string& v) {
    return R"("c":{"_producer":"p","_schemaURL":"s","v":")" + v + "\"}";
  };
  ASSERT_EQ(
      Ingest(RunEvent("COMPLETE", "2025-01-01T10:00:05Z", id, "j", c("new")),
             "1")
          .rejected,
      0);
  std::vector<Execution> runs = All<Execution>("openlineage.Job");
  ASSERT_THAT(runs, SizeIs(1));
  runs[0].properties.erase("end_event_time");
  runs[0].properties["event_time"] = std::string("2025-01-01T10:00:60Z");
  ASSERT_OK(store_->Put(runs).status());
  // 10:00:30 is older than 10:00:60 (10:01:00): its facet is not taken.
  ASSERT_EQ(
      Ingest(RunEvent("RUNNING", "2025-01-01T10:00:30Z", id, "j", c("old")),
             "2")
          .rejected,
      0);
  runs = All<Execution>("openlineage.Job");
  EXPECT_EQ(At(FacetJson(runs[0], "facet.c"), "/v"), "\"new\"");
  // FAIL at 10:01:07 is later than the end the run had: it decides.
  ASSERT_EQ(
      Ingest(RunEvent("FAIL", "2025-01-01T10:01:07Z", id, "j"), "3").rejected,
      0);
  runs = All<Execution>("openlineage.Job");
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kFailed);
  EXPECT_EQ(runs[0].properties.at("end_event_time").string_value(),
            "2025-01-01T10:01:07Z");
}

TEST_F(IngesterTest, TheLaterEndEventDecidesWhateverTheOrder) {
  const std::string complete = "2025-01-01T10:00:05Z";
  const std::string running = "2025-01-01T10:00:10Z";
  const std::string fail = "2025-01-01T10:00:07Z";
  // Every order of COMPLETE (:05), a later RUNNING (:10) and FAIL (:07).
  std::vector<std::pair<std::string, std::string>> events = {
      {"COMPLETE", complete}, {"FAIL", fail}, {"RUNNING", running}};
  std::sort(events.begin(), events.end());
  int run = 0;
  do {
    const std::string id =
        "00000000-0000-4000-8000-00000000000" + std::to_string(++run);
    for (const auto& [type, time] : events) {
      ASSERT_EQ(Ingest(RunEvent(type, time, id, "j"), "e").rejected, 0);
    }
    ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                         store_->GetByExternalIds<Execution>({id}));
    ASSERT_THAT(runs, SizeIs(1));
    SCOPED_TRACE(events[0].first + " " + events[1].first + " " +
                 events[2].first);
    EXPECT_EQ(runs[0].last_known_state, ExecutionState::kFailed);
    EXPECT_EQ(runs[0].properties.at("end_event_time").string_value(), fail);
    EXPECT_EQ(runs[0].properties.at("event_time").string_value(), running);
  } while (std::next_permutation(events.begin(), events.end()));
  EXPECT_EQ(run, 6);
}

TEST_F(IngesterTest, ParentRunFacetGivesAParentContext) {
  const std::string parent =
      "\"parent\":{\"_producer\":\"p\",\"_schemaURL\":\"s\",\"run\":{"
      "\"runId\":\"00000000-0000-4000-8000-0000000000aa\"},\"job\":{"
      "\"namespace\":\"airflow\",\"name\":\"dag\"}}";
  const std::string doc =
      RunEvent("START", "2025-01-01T10:00:00Z",
               "00000000-0000-4000-8000-000000000002", "task", parent);
  Ingest(doc, "child");
  ASSERT_OK_AND_ASSIGN(Context child, store_->GetByTypeAndName<Context>(
                                          "openlineage.Job", "ns/task"));
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({child.id}));
  ASSERT_THAT(parents[child.id], SizeIs(1));
  EXPECT_EQ(parents[child.id][0].name, "airflow/dag");

  const auto before = Dump();
  Ingest(doc, "again");
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, DatasetVersionsAreArtifactsOfTheirOwn) {
  auto event = [](const std::string& version, const std::string& time) {
    return "{\"eventTime\":\"" + time +
           "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"dataset\":{"
           "\"namespace\":\"ns\",\"name\":\"t\",\"facets\":{\"version\":{"
           "\"_producer\":\"p\",\"_schemaURL\":\"s\",\"datasetVersion\":\"" +
           version + "\"}}}}";
  };
  Ingest(event("v1", "2025-01-01T00:00:00Z") + "\n" +
             event("v2", "2025-01-02T00:00:00Z"),
         "versions.ndjson");
  ASSERT_OK_AND_ASSIGN(Artifact v1, store_->GetByTypeAndName<Artifact>(
                                        "openlineage.Dataset", "ns:t@v1"));
  EXPECT_EQ(v1.properties.at("version").string_value(), "v1");
  EXPECT_OK(store_->GetByTypeAndName<Artifact>("openlineage.Dataset", "ns:t@v2")
                .status());
}

TEST_F(IngesterTest, AnEmptyDatasetVersionNamesNoVersion) {
  Ingest(
      "{\"eventTime\":\"2025-01-01T00:00:00Z\",\"producer\":\"p\","
      "\"schemaURL\":\"s\",\"dataset\":{\"namespace\":\"ns\",\"name\":"
      "\"t\",\"facets\":{\"version\":{\"_producer\":\"p\",\"_schemaURL\":"
      "\"s\",\"datasetVersion\":\"\"}}}}",
      "empty-version.json");
  ASSERT_OK_AND_ASSIGN(Artifact t, store_->GetByTypeAndName<Artifact>(
                                       "openlineage.Dataset", "ns:t"));
  EXPECT_FALSE(t.properties.contains("version"));
  EXPECT_TRUE(t.custom_properties.contains("facet.version"));
  EXPECT_CODE(
      store_->GetByTypeAndName<Artifact>("openlineage.Dataset", "ns:t@"),
      kNotFound);
}

}  // namespace
}  // namespace lineagedb
