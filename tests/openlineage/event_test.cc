// Tests of OpenLineage event parsing (openlineage/event.h): which of the
// spec's three event kinds a document is, and what makes it none.
#include "openlineage/event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <string>
#include <tuple>
#include <utility>
#include <vector>

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
