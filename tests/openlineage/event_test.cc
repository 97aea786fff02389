// Tests of OpenLineage event parsing (openlineage/event.h): the spec's three
// event kinds, and the events (invalid files, bad times) the ingester rejects.
#include "openlineage/event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/openlineage/ingest_fixture.h"
#include "tests/test_util.h"

namespace lineagedb::openlineage {
namespace {

using ::testing::HasSubstr;

constexpr char kRun[] =
    R"("run":{"runId":"00000000-0000-4000-8000-000000000001"})";
constexpr char kJob[] = R"("job":{"namespace":"ns","name":"j"})";
constexpr char kDataset[] = R"("dataset":{"namespace":"dns","name":"d"})";

// `members` (e.g. kRun + "," + kJob) after the base event's.
std::string EventWith(const std::string& members) {
  return R"({"eventTime":"2025-01-01T10:00:00Z","producer":"p",)"
         R"("schemaURL":"s",)" +
         members + "}";
}

Status Parse(const std::string& json, Event* event) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(root),
            simdjson::SUCCESS)
      << json;
  return ParseEvent(root, event);
}

std::string Join(const std::string& a, const std::string& b) {
  return a + "," + b;
}

TEST(ParseEventTest, TheKindFollowsTheSpecsOneOf) {
  Event e;
  ASSERT_TRUE(Parse(EventWith(Join(kRun, kJob)), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kRun);
  e = Event();
  ASSERT_TRUE(Parse(EventWith(kJob), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kJob);
  e = Event();
  ASSERT_TRUE(Parse(EventWith(kDataset), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kDataset);
  // A RunEvent may hold other members, a dataset among them.
  e = Event();
  ASSERT_TRUE(Parse(EventWith(Join(Join(kRun, kJob), kDataset)), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kRun);
  EXPECT_FALSE(e.dataset.has_value());
  // Without a job, a run does not keep a DatasetEvent from being one.
  e = Event();
  ASSERT_TRUE(Parse(EventWith(Join(kRun, kDataset)), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kDataset);
  ASSERT_TRUE(e.dataset.has_value());
  EXPECT_EQ(e.dataset->name, "d");
}

// With job and dataset (no run) an event is a JobEvent if only its job is
// valid, a DatasetEvent if only its dataset is, and invalid if both are.
TEST(ParseEventTest, JobAndDatasetMakeOneKindOrNone) {
  Event e;
  Status s = Parse(EventWith(Join(kJob, kDataset)), &e);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(s.message(), HasSubstr("both a JobEvent and a DatasetEvent"));

  e = Event();
  ASSERT_TRUE(Parse(EventWith(Join(R"("job":null)", kDataset)), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kDataset);
  EXPECT_EQ(e.dataset->ns, "dns");

  e = Event();
  ASSERT_TRUE(Parse(EventWith(Join(kJob, R"("dataset":7)")), &e).ok());
  EXPECT_EQ(e.kind, EventKind::kJob);
  EXPECT_EQ(e.job.name, "j");
  EXPECT_FALSE(e.dataset.has_value());

  e = Event();
  s = Parse(EventWith(Join(R"("job":{"namespace":"ns"})", R"("dataset":[])")),
            &e);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(s.message(), HasSubstr("neither a JobEvent (job.name is "
                                     "required) nor a DatasetEvent (dataset "
                                     "must be an object)"));
}

// null inputs or outputs are absent ones (as Marquez reads them); any
// other non-array is refused.
TEST(ParseEventTest, NullInputsAndOutputsAreAbsent) {
  Event e;
  ASSERT_TRUE(Parse(EventWith(Join(Join(kRun, kJob),
                                   R"("inputs":null,"outputs":null)")),
                    &e)
                  .ok());
  EXPECT_TRUE(e.inputs.empty());
  EXPECT_TRUE(e.outputs.empty());
  e = Event();
  Status s = Parse(EventWith(Join(Join(kRun, kJob), R"("inputs":{})")), &e);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(s.message(), HasSubstr("inputs must be an array"));
}

TEST(ParseEventTest, ARunWithoutAJobIsRefused) {
  Event e;
  Status s = Parse(EventWith(kRun), &e);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(s.message(), HasSubstr("job is required"));
}

// Readers of a member take its first copy; a second one is refused rather
// than read differently by different readers.
TEST(ParseEventTest, AMemberGivenTwiceIsRefused) {
  const std::string stats =
      R"("outputs":[{"namespace":"dns","name":"d","outputFacets":{)"
      R"("outputStatistics":{"_producer":"p","_schemaURL":"s",)"
      R"("rowCount":1,"rowCount":2}}}])";
  for (const auto& [members, path] :
       std::vector<std::pair<std::string, std::string>>{
           {Join(R"("eventType":"START","eventType":"FAIL")", Join(kRun, kJob)),
            "eventType appears twice"},
           {Join(Join(kRun, kJob), stats),
            "outputs[0].outputFacets.outputStatistics.rowCount appears twice"},
           {Join(kJob, kJob), "job appears twice"},
       }) {
    SCOPED_TRACE(members);
    Event e;
    Status s = Parse(EventWith(members), &e);
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    EXPECT_THAT(s.message(), HasSubstr(path));
  }
}

TEST(ParseEventTest, AParentFacetNeedsAJobNamespaceAndName) {
  auto with_parent = [](const std::string& ns, const std::string& name) {
    return EventWith(
        Join(R"("run":{"runId":"00000000-0000-4000-8000-000000000001",)"
             R"("facets":{"parent":{"_producer":"p","_schemaURL":"s",)"
             R"("run":{"runId":"00000000-0000-4000-8000-0000000000aa"},)"
             R"("job":{"namespace":")" +
                 ns + R"(","name":")" + name + R"("}}}})",
             kJob));
  };
  Event e;
  ASSERT_TRUE(Parse(with_parent("airflow", "dag"), &e).ok());
  ASSERT_TRUE(e.parent_job.has_value());
  EXPECT_EQ(e.parent_job->name, "dag");
  for (const auto& [ns, name, field] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"", "", "namespace"}, {"airflow", "", "name"}}) {
    e = Event();
    Status s = Parse(with_parent(ns, name), &e);
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    EXPECT_THAT(s.message(),
                HasSubstr("run.facets.parent.job." + field + " is empty"));
  }
}

// The parent facet's optional root (1-1-0) is checked like its run and job.
TEST(ParseEventTest, AParentFacetsRootIsChecked) {
  auto with_root = [](const std::string& root) {
    return EventWith(
        Join(R"("run":{"runId":"00000000-0000-4000-8000-000000000001",)"
             R"("facets":{"parent":{"_producer":"p","_schemaURL":"s",)"
             R"("run":{"runId":"00000000-0000-4000-8000-0000000000aa"},)"
             R"("job":{"namespace":"airflow","name":"task"},"root":)" +
                 root + "}}}",
             kJob));
  };
  const std::string root_run =
      R"("run":{"runId":"00000000-0000-4000-8000-0000000000bb"})";
  Event e;
  EXPECT_TRUE(
      Parse(with_root("{" + root_run +
                      R"(,"job":{"namespace":"airflow","name":"dag"}})"),
            &e)
          .ok());
  for (const auto& [root, reason] :
       std::vector<std::pair<std::string, std::string>>{
           {"7", "parent.root must be an object"},
           {R"({"job":{"namespace":"a","name":"d"}})",
            "parent.root.run is required"},
           {"{" + root_run + R"(,"job":{"namespace":"a"}})",
            "parent.root.job.name is required"},
       }) {
    SCOPED_TRACE(root);
    e = Event();
    Status s = Parse(with_root(root), &e);
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    EXPECT_THAT(s.message(), HasSubstr(reason));
  }
}

}  // namespace
}  // namespace lineagedb::openlineage

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST_F(IngesterTest, EveryInvalidFileIsRejectedAndStoresNothing) {
  IngestFile("marquez_food_delivery.json");
  const std::map<std::string, std::string> expected = {
      {"event_invalid_dataset_facet.json",
       "outputs[0].facets.ownership.owners[0].name is required"},
      {"event_invalid_input_dataset_facet.json",
       "inputs[0].inputFacets.dataQualityMetrics needs rowCount or "
       "columnMetrics"},
      {"event_invalid_job_facet.json",
       "job.facets.ownership.owners[0].name is required"},
      {"event_invalid_output_dataset_facet.json",
       "outputs[0].outputFacets.outputStatistics.rowCount must be an "
       "integer"},
      {"event_invalid_run_facet.json",
       "run.facets.parent.run.runId is required"},
      {"event_no_run_id.json", "run.runId is required"},
  };
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(kData + "invalid")) {
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    ++files;
    const auto before = Dump();
    OpenLineageSummary s = Ingest(ReadFile(entry.path()), name);
    EXPECT_EQ(s.events, 0);
    ASSERT_EQ(s.rejected, 1);
    ASSERT_THAT(s.rejections, SizeIs(1));
    EXPECT_EQ(s.rejections[0].source, name);
    EXPECT_EQ(s.rejections[0].index, 1);
    EXPECT_THAT(s.rejections[0].reason, HasSubstr(expected.at(name)));
    EXPECT_EQ(Dump(), before);

    OpenLineageOptions strict;
    strict.strict = true;
    ASSERT_OK_AND_ASSIGN(auto ingester,
                         NewOpenLineageIngester(store_.get(), strict));
    Status st = ingester->IngestDocument(ReadFile(entry.path()), name);
    EXPECT_CODE(st, kInvalidArgument);
    EXPECT_THAT(std::string(st.message()), HasSubstr(name + ":1: "));
    ASSERT_OK(ingester->Finish());
    EXPECT_EQ(Dump(), before);
  }
  EXPECT_EQ(files, 6);
}

TEST_F(IngesterTest, ValidatorExamplesAreAccepted) {
  for (const char* name : {"event_full.json", "event_simple.json"}) {
    OpenLineageSummary s = IngestFile(name);
    EXPECT_EQ(s.events, 1) << name;
    EXPECT_EQ(s.rejected, 0)
        << (s.rejections.empty() ? "" : s.rejections[0].reason);
  }
}

TEST_F(IngesterTest, SerdeExamplesOfEachEventKind) {
  const std::string run_doc = ReadFile(kData + "serde_example_run_event.json");
  const std::string job_doc = ReadFile(kData + "serde_example_job_event.json");
  const std::string dataset_doc =
      ReadFile(kData + "serde_example_dataset_event.json");
  EXPECT_EQ(Ingest(run_doc, "run").events, 1);
  EXPECT_EQ(Ingest(job_doc, "job").events, 1);
  EXPECT_EQ(Ingest(dataset_doc, "dataset").events, 1);

  ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                       store_->GetByExternalIds<Execution>(
                           {"69f4acab-b87d-4fc0-b27b-8ea950370ff3"}));
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kRunning);
  EXPECT_EQ(Canonical(FacetJson(runs[0], "facet.nominalTime")),
            At(run_doc, "/run/facets/nominalTime"));

  ASSERT_OK_AND_ASSIGN(
      Artifact a, store_->GetByTypeAndName<Artifact>("openlineage.Dataset",
                                                     "openlineage:dataset_a"));
  EXPECT_EQ(Canonical(FacetJson(a, "facet.schema")),
            At(job_doc, "/inputs/0/facets/schema"));
  ASSERT_OK_AND_ASSIGN(
      Artifact b, store_->GetByTypeAndName<Artifact>("openlineage.Dataset",
                                                     "openlineage:dataset_b"));
  EXPECT_EQ(Canonical(FacetJson(b, "facet.schema")),
            At(job_doc, "/outputs/0/facets/schema"));
  ASSERT_OK_AND_ASSIGN(Artifact d,
                       store_->GetByTypeAndName<Artifact>("openlineage.Dataset",
                                                          "openlineage:name"));
  EXPECT_EQ(Canonical(FacetJson(d, "facet.schema")),
            At(dataset_doc, "/dataset/facets/schema"));
  EXPECT_THAT(All<Context>("openlineage.Job"), SizeIs(1));
  EXPECT_THAT(AllEvents(), SizeIs(0));  // A JobEvent has no run.

  const auto before = Dump();
  Ingest(run_doc, "run");
  Ingest(job_doc, "job");
  Ingest(dataset_doc, "dataset");
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, EventTimesThatAreNoDateAreRejected) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  // The types are written by a first good event: the snapshot is taken
  // after that.
  IngestFile("marquez_food_delivery.json");
  const auto before = Dump();
  for (const std::string time :
       {"2024-02-30T00:00:00Z", "2023-02-29T10:00:00Z", "2024-04-31T00:00:00Z",
        "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00-05:60",
        "2025-01-01T10:00:60Z", "2016-12-31T23:59:60+01:00"}) {
    SCOPED_TRACE(time);
    OpenLineageSummary s = Ingest(RunEvent("START", time, id, "j"), "t");
    EXPECT_EQ(s.events, 0);
    ASSERT_THAT(s.rejections, SizeIs(1));
    EXPECT_THAT(s.rejections[0].reason, HasSubstr("eventTime"));
  }
  EXPECT_EQ(Dump(), before);
  // The last day of each month, a leap day, the largest offsets and leap
  // seconds (23:59:60 UTC) are.
  for (const std::string time :
       {"2024-02-29T10:00:00Z", "2023-02-28T10:00:00Z", "2024-04-30T00:00:00Z",
        "2024-12-31T23:59:59+23:59", "2024-01-31T00:00:00-23:59",
        "2016-12-31T23:59:60Z", "2017-01-01T00:59:60+01:00"}) {
    SCOPED_TRACE(time);
    EXPECT_EQ(Ingest(RunEvent("START", time, id, "j"), "t").rejected, 0);
  }
}

TEST_F(IngesterTest, ARunIdIsOneRunWhateverItsCase) {
  Ingest(RunEvent("START", "2025-01-01T10:00:00Z",
                  "ABCDEF01-1111-4111-8111-11111111111A", "j"),
         "1");
  Ingest(RunEvent("COMPLETE", "2025-01-01T10:00:05Z",
                  "abcdef01-1111-4111-8111-11111111111a", "j"),
         "2");
  const std::vector<Execution> runs = All<Execution>("openlineage.Job");
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(runs[0].external_id, "abcdef01-1111-4111-8111-11111111111a");
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kComplete);
}

}  // namespace
}  // namespace lineagedb
