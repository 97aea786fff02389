// Tests of facets through the ingester: the standard facets' checks
// (openlineage/facet_rules.h) and which event's facets are kept or deleted.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/event.h"
#include "openlineage/mapping.h"
#include "tests/openlineage/ingest_fixture.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

// Integers as JSON Schema has them: a number without a fraction, however
// it is written.
TEST_F(IngesterTest, AnIntegerFieldTakesANumberWithoutAFraction) {
  auto event = [](const std::string& row_count) {
    return OutputEvent(R"("outputFacets":{"outputStatistics":{"_producer":"p",)"
                       R"("_schemaURL":"s","rowCount":)" +
                       row_count + "}}");
  };
  for (const std::string good : {"1", "1.0", "1e3", "-0.0"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(Ingest(event(good), "t").rejected, 0);
  }
  for (const std::string bad : {"1.5", "\"1\"", "1e-3"}) {
    SCOPED_TRACE(bad);
    OpenLineageSummary s = Ingest(event(bad), "t");
    ASSERT_THAT(s.rejections, SizeIs(1));
    EXPECT_THAT(s.rejections[0].reason, HasSubstr("rowCount"));
  }
}

// Array items that a facet's schema makes objects are checked as objects:
// a string or null among columnLineage's inputFields would be stored as a
// column edge from nowhere.
TEST_F(IngesterTest, ArrayItemsThatAreNotObjectsAreRejected) {
  auto event = [](const std::string& dataset_facet) {
    return OutputEvent(R"("facets":{)" + dataset_facet + "}");
  };
  const std::string base = R"("_producer":"p","_schemaURL":"s",)";
  const std::string good_input =
      R"({"namespace":"dns","name":"src","field":"a"})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("columnLineage":{)" + base + R"("fields":{"x":{"inputFields":[)" +
           good_input + R"(,null]}}})",
       "facets.columnLineage.fields.x.inputFields[1] must be an object"},
      {R"("columnLineage":{)" + base + R"("fields":{"x":{"inputFields":[7]}}})",
       "inputFields[0] must be an object"},
      {R"("schema":{)" + base + R"("fields":[{"name":"a"},1]})",
       "facets.schema.fields[1] must be an object"},
      {R"("schema":{)" + base + R"("fields":[{"name":"a","fields":[1]}]})",
       "facets.schema.fields[0].fields[0] must be an object"},
      {R"("schema":{)" + base + R"("fields":[{"name":"a","type":5}]})",
       "facets.schema.fields[0].type must be a string"},
      // Nested fields are checked at every depth.
      {R"("schema":{)" + base +
           R"("fields":[{"name":"a","fields":[{"name":"b","fields":)"
           R"([{"name":"c"},{"type":"int"}]}]}]})",
       "facets.schema.fields[0].fields[0].fields[1].name is required"},
      {R"("schema":{)" + base +
           R"("fields":[{"name":"a","fields":[{"name":"b","fields":7}]}]})",
       "facets.schema.fields[0].fields[0].fields must be an array"},
      {R"("schema":{)" + base +
           R"("fields":[{"name":"a","fields":[{"name":"b","fields":[)"
           R"({"name":"c","fields":[{"name":"d","description":1}]}]}]}]})",
       "fields[0].fields[0].fields[0].fields[0].description must be a "
       "string"},
      {R"("ownership":{)" + base + R"("owners":[{"name":"a","type":5}]})",
       "facets.ownership.owners[0].type must be a string"},
      {R"("ownership":{)" + base + R"("owners":["bob"]})",
       "facets.ownership.owners[0] must be an object"},
      {R"("columnLineage":{)" + base +
           R"("fields":{"x":{"inputFields":[{"namespace":"dns","name":"s",)"
           R"("field":"a","transformations":[null]}]}}})",
       "inputFields[0].transformations[0] must be an object"},
      {R"("columnLineage":{)" + base +
           R"("fields":{"x":{"inputFields":[{"namespace":"dns","name":"s",)"
           R"("field":"a","transformations":[{"subtype":"X"}]}]}}})",
       "inputFields[0].transformations[0].type is required"},
      {R"("columnLineage":{)" + base +
           R"("fields":{"x":{"inputFields":[{"namespace":"dns","name":"s",)"
           R"("field":"a","transformations":"DIRECT"}]}}})",
       "inputFields[0].transformations must be an array"},
      {R"("symlinks":{)" + base + R"("identifiers":[1]})",
       "facets.symlinks.identifiers[0] must be an object"},
      {R"("dataQualityAssertions":{)" + base + R"("assertions":[true]})",
       "facets.dataQualityAssertions.assertions[0] must be an object"},
  };
  const testing::Dump before = Dump();
  for (const auto& [facet, reason] : cases) {
    SCOPED_TRACE(facet);
    OpenLineageSummary s = Ingest(event(facet), "t");
    ASSERT_THAT(s.rejections, SizeIs(1));
    EXPECT_THAT(s.rejections[0].reason, HasSubstr(reason));
  }
  EXPECT_EQ(Dump(), before);
  // The same facets with object items are stored.
  EXPECT_EQ(
      Ingest(event(R"("columnLineage":{)" + base +
                   R"("fields":{"x":{"inputFields":[)" + good_input + "]}}}"),
             "t")
          .rejected,
      0);
}

// lifecycleStateChange takes the values of the spec's enum, and a
// previousIdentifier names a dataset.
TEST_F(IngesterTest, ALifecycleStateChangeIsOneOfTheSpecsValues) {
  auto event = [](const std::string& fields) {
    return OutputEvent(R"("facets":{"lifecycleStateChange":{"_producer":"p",)"
                       R"("_schemaURL":"s",)" +
                       fields + "}}");
  };
  const testing::Dump before = Dump();
  for (const auto& [fields, reason] :
       std::vector<std::pair<std::string, std::string>>{
           {R"("lifecycleStateChange":"create")",
            "facets.lifecycleStateChange.lifecycleStateChange must be one of "
            "ALTER, CREATE, DROP, OVERWRITE, RENAME, TRUNCATE"},
           {R"("lifecycleStateChange":"RENAME","previousIdentifier":"x")",
            "previousIdentifier must be an object"},
           {R"("lifecycleStateChange":"RENAME",)"
            R"("previousIdentifier":{"namespace":"dns"})",
            "previousIdentifier.name is required"},
       }) {
    SCOPED_TRACE(fields);
    OpenLineageSummary s = Ingest(event(fields), "t");
    ASSERT_THAT(s.rejections, SizeIs(1));
    EXPECT_THAT(s.rejections[0].reason, HasSubstr(reason));
  }
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(Ingest(event(R"("lifecycleStateChange":"RENAME",)"
                         R"("previousIdentifier":{"namespace":"dns",)"
                         R"("name":"old"})"),
                   "t")
                .rejected,
            0);
}

// A facet that deletes names the facet only: the fields its schema
// requires (sql's query here) need not be there.
TEST_F(IngesterTest, ADeletionNeedsNoneOfTheFacetsRequiredFields) {
  auto event = [](const std::string& time, const std::string& sql) {
    return "{\"eventType\":\"COMPLETE\",\"eventTime\":\"" + time +
           "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":"
           "\"00000000-0000-4000-8000-000000000001\"},\"job\":{\"namespace\":"
           "\"ns\",\"name\":\"j\",\"facets\":{\"sql\":{\"_producer\":\"p\","
           "\"_schemaURL\":\"s\"" +
           sql + "}}}}";
  };
  ASSERT_EQ(
      Ingest(event("2025-01-01T10:00:00Z", ",\"query\":\"q\""), "set").rejected,
      0);
  ASSERT_EQ(
      Ingest(event("2025-01-01T10:00:05Z", ",\"_deleted\":true"), "deleted")
          .rejected,
      0);
  ASSERT_OK_AND_ASSIGN(Context job, store_->GetByTypeAndName<Context>(
                                        "openlineage.Job", "ns/j"));
  EXPECT_FALSE(job.custom_properties.contains("facet.sql"));
  EXPECT_TRUE(job.custom_properties.contains("deleted.facet.sql"));
  // Not deleting, the facet still needs its query.
  OpenLineageSummary s = Ingest(event("2025-01-01T10:00:09Z", ""), "bad");
  ASSERT_THAT(s.rejections, SizeIs(1));
  EXPECT_THAT(s.rejections[0].reason, HasSubstr("query"));
}

// `_deleted` deletes job and dataset facets only (the spec's JobFacet and
// DatasetFacet); a run or output facet keeps it as a field of any type.
TEST_F(IngesterTest, OnlyJobAndDatasetFacetsDelete) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  auto event = [&](const std::string& time, const std::string& deleted) {
    const std::string facet =
        R"({"_producer":"p","_schemaURL":"s","x":1,"_deleted":)" + deleted +
        "}";
    return "{\"eventType\":\"COMPLETE\",\"eventTime\":\"" + time +
           "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":"
           "\"" +
           id + "\",\"facets\":{\"r\":" + facet +
           "}},\"job\":{\"namespace\":\"ns\",\"name\":\"j\"},\"outputs\":[{"
           "\"namespace\":\"dns\",\"name\":\"d\",\"outputFacets\":{\"o\":" +
           facet + "}}]}";
  };
  ASSERT_EQ(Ingest(event("2025-01-01T10:00:00Z", "false"), "kept").rejected, 0);
  ASSERT_EQ(Ingest(event("2025-01-01T10:00:05Z", "true"), "true").rejected, 0);
  ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                       store_->GetByExternalIds<Execution>({id}));
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(Canonical(FacetJson(runs[0], "facet.r")),
            R"({"_producer":"p","_schemaURL":"s","x":1,"_deleted":true})");
  EXPECT_FALSE(runs[0].custom_properties.contains("deleted.facet.r"));
  ASSERT_OK_AND_ASSIGN(Artifact out, store_->GetByTypeAndName<Artifact>(
                                         "openlineage.Dataset", "dns:d"));
  EXPECT_EQ(Canonical(FacetJson(out, "outputFacet.o")),
            R"({"_producer":"p","_schemaURL":"s","x":1,"_deleted":true})");
  // Not a boolean: no rule holds it there.
  EXPECT_EQ(Ingest(event("2025-01-01T10:00:09Z", "\"yes\""), "text").rejected,
            0);
  ASSERT_OK_AND_ASSIGN(runs, store_->GetByExternalIds<Execution>({id}));
  EXPECT_THAT(FacetJson(runs[0], "facet.r"), HasSubstr(R"("_deleted":"yes")"));
}

TEST_F(IngesterTest, FullExampleFacetsReadBackEqual) {
  const std::string source = ReadFile(kData + "example_full_event.json");
  OpenLineageSummary s = Ingest(source, "example_full_event.json");
  ASSERT_EQ(s.rejected, 0) << s.rejections[0].reason;
  ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                       store_->GetByExternalIds<Execution>(
                           {"ea041791-68bc-4ae1-bd89-4c8106a157e4"}));
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kComplete);
  EXPECT_EQ(runs[0].properties.at("event_time").string_value(),
            "2020-12-28T19:51:01.641Z");
  for (const char* facet : {"nominalTime", "parent", "tags"}) {
    EXPECT_EQ(Canonical(FacetJson(runs[0], std::string("facet.") + facet)),
              At(source, std::string("/run/facets/") + facet));
  }
  ASSERT_OK_AND_ASSIGN(Context job, store_->GetByTypeAndName<Context>(
                                        "openlineage.Job",
                                        "my-scheduler-namespace/myjob.mytask"));
  EXPECT_EQ(Canonical(FacetJson(job, "facet.documentation")),
            At(source, "/job/facets/documentation"));
  // The parent is the job itself: no parent context.
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({job.id}));
  EXPECT_TRUE(parents.empty());

  // One dataset, both input and output.
  ASSERT_OK_AND_ASSIGN(Artifact ds,
                       store_->GetByTypeAndName<Artifact>(
                           "openlineage.Dataset",
                           "my-datasource-namespace:instance.schema.table"));
  EXPECT_EQ(Canonical(FacetJson(ds, "facet.schema")),
            At(source, "/inputs/0/facets/schema"));
  EXPECT_EQ(Canonical(FacetJson(ds, "inputFacet.dataQualityAssertions")),
            At(source, "/inputs/0/inputFacets/dataQualityAssertions"));
  EXPECT_EQ(Canonical(FacetJson(ds, "outputFacet.outputStatistics")),
            At(source, "/outputs/0/outputFacets/outputStatistics"));
  std::vector<Event> events = AllEvents();
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].type, EventType::kInput);
  EXPECT_EQ(events[0].path,
            (std::vector<PathStep>{{std::string("inputs")}, {int64_t{0}}}));
  EXPECT_EQ(events[1].type, EventType::kOutput);
}

// A run that reads and rewrites a dataset: the output's dataset facets
// describe it after the run, and are the ones kept.
TEST_F(IngesterTest, ADatasetReadAndWrittenKeepsItsOutputFacets) {
  auto schema = [](const std::string& fields) {
    return R"("facets":{"schema":{"_producer":"p","_schemaURL":"s",)"
           R"("fields":[)" +
           fields + "]}}";
  };
  const std::string old_schema = schema(R"({"name":"a"})");
  const std::string new_schema = schema(R"({"name":"a"},{"name":"b"})");
  const std::string event =
      R"({"eventType":"COMPLETE","eventTime":"2025-01-01T10:00:00Z",)"
      R"("producer":"p","schemaURL":"s",)"
      R"("run":{"runId":"00000000-0000-4000-8000-000000000001"},)"
      R"("job":{"namespace":"ns","name":"j"},)"
      R"("inputs":[{"namespace":"dns","name":"d",)" +
      old_schema + R"(}],"outputs":[{"namespace":"dns","name":"d",)" +
      new_schema + "}]}";
  OpenLineageSummary s = Ingest(event, "t");
  ASSERT_EQ(s.rejected, 0);
  EXPECT_EQ(s.edges, 2);
  ASSERT_OK_AND_ASSIGN(Artifact d, store_->GetByTypeAndName<Artifact>(
                                       "openlineage.Dataset", "dns:d"));
  EXPECT_EQ(FacetJson(d, "facet.schema"),
            R"({"_producer":"p","_schemaURL":"s","fields":[{"name":"a"},)"
            R"({"name":"b"}]})");
}

// A run event whose one output, namespace "dns", name `dataset`, carries
// the dataset facet `custom`, or deletes it.
std::string OutputFacetEvent(const std::string& type, const std::string& time,
                             const std::string& run_id,
                             const std::string& dataset, bool deleted) {
  const std::string facet =
      deleted ? R"({"_producer":"p","_schemaURL":"s","_deleted":true})"
              : R"({"_producer":"p","_schemaURL":"s","x":1})";
  return "{\"eventType\":\"" + type + "\",\"eventTime\":\"" + time +
         "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
         run_id +
         "\"},\"job\":{\"namespace\":\"ns\",\"name\":\"j\"},"
         "\"outputs\":[{\"namespace\":\"dns\",\"name\":\"" +
         dataset + "\",\"facets\":{\"custom\":" + facet + "}}]}";
}

TEST_F(IngesterTest, ADeletedFacetStaysDeletedWhateverTheOrderOrRepeats) {
  const std::string run1 = "00000000-0000-4000-8000-000000000001";
  const std::string run2 = "00000000-0000-4000-8000-000000000002";
  const std::string t1 = "2025-01-01T10:00:01Z", t2 = "2025-01-01T10:00:02Z";
  // Dataset a: the facet, then its deletion; dataset b: the other way round.
  const std::string doc =
      OutputFacetEvent("START", t1, run1, "a", false) + "\n" +
      OutputFacetEvent("COMPLETE", t2, run1, "a", true) + "\n" +
      OutputFacetEvent("COMPLETE", t2, run2, "b", true) + "\n" +
      OutputFacetEvent("START", t1, run2, "b", false) + "\n";
  ASSERT_EQ(Ingest(doc, "doc").rejected, 0);
  const auto before = Dump();
  for (const std::string name : {"dns:a", "dns:b"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Artifact d, store_->GetByTypeAndName<Artifact>(
                                         "openlineage.Dataset", name));
    EXPECT_FALSE(d.custom_properties.contains("facet.custom"));
  }
  // The same events again, in a new session: nothing changes.
  ASSERT_EQ(Ingest(doc, "doc").rejected, 0);
  EXPECT_EQ(Dump(), before);
  for (const std::string name : {"dns:a", "dns:b"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Artifact d, store_->GetByTypeAndName<Artifact>(
                                         "openlineage.Dataset", name));
    EXPECT_FALSE(d.custom_properties.contains("facet.custom"));
    ASSERT_TRUE(d.custom_properties.contains("deleted.facet.custom"));
    EXPECT_EQ(d.custom_properties.at("deleted.facet.custom").string_value(),
              t2);
  }
  // A newer event that carries the facet brings it back.
  ASSERT_EQ(Ingest(OutputFacetEvent("COMPLETE", "2025-01-01T10:00:03Z", run1,
                                    "a", false),
                   "later")
                .rejected,
            0);
  ASSERT_OK_AND_ASSIGN(Artifact a, store_->GetByTypeAndName<Artifact>(
                                       "openlineage.Dataset", "dns:a"));
  EXPECT_EQ(Canonical(FacetJson(a, "facet.custom")),
            R"({"_producer":"p","_schemaURL":"s","x":1})");
  EXPECT_FALSE(a.custom_properties.contains("deleted.facet.custom"));
}

// A facet set at :00 is deleted by an event at :05 that arrives after one
// at :10 that only names the dataset.
TEST_F(IngesterTest, ADeletionIsDecidedByTheFacetsTimeNotTheNodes) {
  const std::string run1 = "00000000-0000-4000-8000-000000000001";
  const std::string run2 = "00000000-0000-4000-8000-000000000002";
  // :00 sets the facet, :10 names the dataset (another run's input), :05
  // deletes it.
  const std::string named =
      "{\"eventType\":\"START\",\"eventTime\":\"2025-01-01T10:00:10Z\","
      "\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
      run2 +
      "\"},\"job\":{\"namespace\":\"ns\",\"name\":\"j\"},"
      "\"inputs\":[{\"namespace\":\"dns\",\"name\":\"a\"}]}";
  ASSERT_EQ(Ingest(OutputFacetEvent("START", "2025-01-01T10:00:00Z", run1, "a",
                                    false) +
                       "\n" + named + "\n" +
                       OutputFacetEvent("COMPLETE", "2025-01-01T10:00:05Z",
                                        run1, "a", true) +
                       "\n",
                   "doc")
                .rejected,
            0);
  ASSERT_OK_AND_ASSIGN(Artifact a, store_->GetByTypeAndName<Artifact>(
                                       "openlineage.Dataset", "dns:a"));
  EXPECT_FALSE(a.custom_properties.contains("facet.custom"));
  EXPECT_EQ(a.custom_properties.at("deleted.facet.custom").string_value(),
            "2025-01-01T10:00:05Z");
  EXPECT_FALSE(a.custom_properties.contains("event_time.facet.custom"));
}

// An event of run `run` of job `job` at `time`: run facet `c` and job facet
// `sql` hold `value` unless it is empty; dataset `dataset` of namespace
// "dns" is an output with a schema of one field named `value`, or an input
// without facets if `value` is empty.
std::string FacetTimeEvent(const std::string& type, const std::string& time,
                           const std::string& run, const std::string& job,
                           const std::string& dataset,
                           const std::string& value) {
  const std::string base = R"("_producer":"p","_schemaURL":"s",)";
  const std::string run_facets =
      value.empty() ? "" : "\"c\":{" + base + "\"v\":\"" + value + "\"}";
  const std::string job_facets =
      value.empty() ? "" : "\"sql\":{" + base + "\"query\":\"" + value + "\"}";
  const std::string ds = "{\"namespace\":\"dns\",\"name\":\"" + dataset + "\"";
  const std::string io =
      value.empty()
          ? "\"inputs\":[" + ds + "}]"
          : "\"outputs\":[" + ds + ",\"facets\":{\"schema\":{" + base +
                "\"fields\":[{\"name\":\"" + value + "\"}]}}}]";
  return "{\"eventType\":\"" + type + "\",\"eventTime\":\"" + time +
         "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
         run + "\",\"facets\":{" + run_facets +
         "}},\"job\":{\"namespace\":\"ns\",\"name\":\"" + job +
         "\",\"facets\":{" + job_facets + "}}," + io + "}";
}

// `props` as text, a STRING's value and a STRUCT's JSON after each key.
std::string Rendered(const PropertyMap& props) {
  std::string out;
  for (const auto& [key, value] : props) {
    out += key + "=" +
           (value.kind() == PropertyKind::kStruct ? value.struct_value().json
                                                  : value.string_value()) +
           "\n";
  }
  return out;
}

// Each facet is decided by the latest event that carries it, however late
// it arrives: an event that only names the node (a later COMPLETE without
// facets, another run reading the dataset) does not freeze the facets.
TEST_F(IngesterTest, TheLatestEventCarryingAFacetDecidesItWhateverTheOrder) {
  struct Timed {
    std::string type, time, run, value;
  };
  const std::string run1 = "00000000-0000-4000-8000-000000000001";
  const std::string run2 = "00000000-0000-4000-8000-000000000002";
  // Run 1 sets v1 at :00 and v2 at :05; at :10 its COMPLETE carries no
  // facets and run 2 reads the dataset.
  std::vector<Timed> events = {{"START", "2025-01-01T10:00:00Z", run1, "v1"},
                               {"RUNNING", "2025-01-01T10:00:05Z", run1, "v2"},
                               {"COMPLETE", "2025-01-01T10:00:10Z", run1, ""},
                               {"START", "2025-01-01T10:00:10Z", run2, ""}};
  std::sort(events.begin(), events.end(), [](const Timed& a, const Timed& b) {
    return std::tie(a.time, a.run) < std::tie(b.time, b.run);
  });
  int order = 0;
  std::vector<std::string> first_kept;  // Of the first order.
  do {
    // Each order on its own runs, job and dataset.
    const std::string n = std::to_string(++order);
    auto id = [&](const std::string& run) {
      return run.substr(0, 24) + std::string(4 - n.size(), '0') + n +
             run.substr(28);
    };
    std::string doc;
    for (const Timed& e : events) {
      doc +=
          FacetTimeEvent(e.type, e.time, id(e.run), "j" + n, "d" + n, e.value) +
          "\n";
    }
    ASSERT_EQ(Ingest(doc, "doc").rejected, 0);
    SCOPED_TRACE("order " + n);
    ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                         store_->GetByExternalIds<Execution>({id(run1)}));
    ASSERT_THAT(runs, SizeIs(1));
    EXPECT_EQ(At(FacetJson(runs[0], "facet.c"), "/v"), "\"v2\"");
    EXPECT_EQ(runs[0].properties.at("event_time").string_value(),
              "2025-01-01T10:00:10Z");
    // The facet keeps the time of the event that set it.
    EXPECT_EQ(openlineage::FacetTime(runs[0], "facet.c"),
              *openlineage::ParseInstant("2025-01-01T10:00:05Z"));
    ASSERT_OK_AND_ASSIGN(Context job, store_->GetByTypeAndName<Context>(
                                          "openlineage.Job", "ns/j" + n));
    EXPECT_EQ(At(FacetJson(job, "facet.sql"), "/query"), "\"v2\"");
    ASSERT_OK_AND_ASSIGN(Artifact d, store_->GetByTypeAndName<Artifact>(
                                         "openlineage.Dataset", "dns:d" + n));
    EXPECT_EQ(At(FacetJson(d, "facet.schema"), "/fields/0/name"), "\"v2\"");
    // And the times are kept alike, whatever the order.
    const std::vector<std::string> kept = {Rendered(runs[0].custom_properties),
                                           Rendered(job.custom_properties),
                                           Rendered(d.custom_properties)};
    if (first_kept.empty()) first_kept = kept;
    EXPECT_EQ(kept, first_kept);
  } while (std::next_permutation(
      events.begin(), events.end(), [](const Timed& a, const Timed& b) {
        return std::tie(a.time, a.run) < std::tie(b.time, b.run);
      }));
  EXPECT_EQ(order, 24);
}

// Two run facets set by different events, one event older than both and
// one later than all that carries none: in every order of arrival each
// facet is its latest event's, with that event's time.
TEST_F(IngesterTest, FacetsOfOneRunAreDecidedOneByOne) {
  struct Timed {
    std::string type, time, facets;
  };
  auto facet = [](const std::string& name, const std::string& v) {
    return "\"" + name + R"(":{"_producer":"p","_schemaURL":"s","v":")" + v +
           "\"}";
  };
  std::vector<Timed> events = {
      {"START", "2025-01-01T10:00:00Z",
       facet("a", "1") + "," + facet("b", "1")},
      {"OTHER", "2025-01-01T10:00:01Z",
       facet("a", "0") + "," + facet("b", "0")},
      {"RUNNING", "2025-01-01T10:00:02Z", facet("a", "2")},
      {"RUNNING", "2025-01-01T10:00:03Z", facet("b", "3")},
      {"COMPLETE", "2025-01-01T10:00:05Z", ""}};
  auto by_time = [](const Timed& x, const Timed& y) { return x.time < y.time; };
  int order = 0;
  std::optional<std::string> first_kept;  // Of the first order.
  do {
    const std::string n = std::to_string(++order);
    const std::string id =
        "00000000-0000-4000-8000-" + std::string(12 - n.size(), '0') + n;
    std::string doc;
    for (const Timed& e : events) {
      doc += RunEvent(e.type, e.time, id, "j", e.facets) + "\n";
    }
    ASSERT_EQ(Ingest(doc, "doc").rejected, 0);
    ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                         store_->GetByExternalIds<Execution>({id}));
    ASSERT_THAT(runs, SizeIs(1));
    SCOPED_TRACE("order " + n);
    EXPECT_EQ(At(FacetJson(runs[0], "facet.a"), "/v"), "\"2\"");
    EXPECT_EQ(At(FacetJson(runs[0], "facet.b"), "/v"), "\"3\"");
    EXPECT_EQ(openlineage::FacetTime(runs[0], "facet.a"),
              *openlineage::ParseInstant("2025-01-01T10:00:02Z"));
    EXPECT_EQ(openlineage::FacetTime(runs[0], "facet.b"),
              *openlineage::ParseInstant("2025-01-01T10:00:03Z"));
    EXPECT_EQ(runs[0].properties.at("event_time").string_value(),
              "2025-01-01T10:00:05Z");
    // And the times are kept alike, whatever the order.
    if (!first_kept.has_value()) {
      first_kept = Rendered(runs[0].custom_properties);
    }
    EXPECT_EQ(Rendered(runs[0].custom_properties), *first_kept);
  } while (std::next_permutation(events.begin(), events.end(), by_time));
  EXPECT_EQ(order, 120);
}

}  // namespace
}  // namespace lineagedb
