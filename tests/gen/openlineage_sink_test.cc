// Tests of the OpenLineage NDJSON sink (bench/gen/openlineage_sink.h): the
// events ingest with no rejection into the graph the generator describes,
// deterministically.
#include "bench/gen/openlineage_sink.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/gen/generators.h"
#include "tests/test_util.h"

namespace lineagedb::gen {
namespace {

using ::lineagedb::gen_testing::Tfx;
using ::lineagedb::testing::StoreTest;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::string Generate(Generator* gen, const OpenLineageSinkOptions& options,
                     OpenLineageSinkCounts* counts) {
  std::ostringstream out;
  auto c = RunIntoOpenLineageNdjson(gen, out, options);
  EXPECT_TRUE(c.ok()) << c.status();
  if (c.ok()) *counts = *c;
  return out.str();
}

class OpenLineageSinkTest : public StoreTest {
 protected:
  OpenLineageSummary Ingest(const std::string& ndjson) {
    auto ingester = NewOpenLineageIngester(store_.get());
    EXPECT_OK(ingester.status());
    if (!ingester.ok()) return {};
    EXPECT_OK((*ingester)->IngestDocument(ndjson, "gen.ndjson"));
    EXPECT_OK((*ingester)->Finish());
    return (*ingester)->summary();
  }

  template <typename N>
  std::vector<N> All() {
    NodeQuery query;
    query.type_name = N::kKind == NodeKind::kArtifact ? "openlineage.Dataset"
                                                      : "openlineage.Job";
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>(query, options);
    EXPECT_OK(page.status());
    return page.ok() ? page->items : std::vector<N>();
  }
};

TEST_F(OpenLineageSinkTest, TfxEventsIngestIntoTheGeneratedGraph) {
  auto gen = Tfx({.pipelines = 2, .runs_per_pipeline = 5, .seed = 3});
  OpenLineageSinkOptions options;
  options.fail_share = 0.1;
  OpenLineageSinkCounts counts;
  const std::string ndjson = Generate(gen.get(), options, &counts);
  const GenStats stats = gen->stats();
  EXPECT_EQ(counts.runs, 2 * 5 * 8);
  EXPECT_EQ(counts.events, 2 * counts.runs);
  EXPECT_EQ(std::count(ndjson.begin(), ndjson.end(), '\n'), counts.events);
  EXPECT_EQ(counts.jobs, 2 * 8);
  EXPECT_EQ(counts.datasets, stats.artifacts);
  EXPECT_EQ(counts.edges, stats.events);
  EXPECT_GT(counts.failed, 0);
  // A FAIL's custom facet says FAILED (4), whatever state the generator
  // gave the step.
  int fails = 0;
  for (size_t at = 0; at < ndjson.size();) {
    const size_t end = ndjson.find('\n', at);
    const std::string_view line(ndjson.data() + at, end - at);
    if (line.find(R"("eventType":"FAIL")") != std::string_view::npos) {
      ++fails;
      EXPECT_NE(line.find(R"("mlmdState":4,)"), std::string_view::npos) << line;
    }
    at = end + 1;
  }
  EXPECT_EQ(fails, counts.failed);

  const OpenLineageSummary s = Ingest(ndjson);
  EXPECT_EQ(s.rejected, 0) << (s.rejections.empty()
                                   ? ""
                                   : s.rejections.front().reason);
  EXPECT_EQ(s.events, counts.events);
  EXPECT_EQ(s.runs, counts.runs);
  EXPECT_EQ(s.jobs, counts.jobs);
  EXPECT_EQ(s.datasets, counts.datasets);
  EXPECT_EQ(s.edges, counts.edges);

  const std::vector<Execution> runs = All<Execution>();
  ASSERT_THAT(runs, SizeIs(counts.runs));
  EXPECT_EQ(std::count_if(runs.begin(), runs.end(),
                          [](const Execution& e) {
                            return e.last_known_state ==
                                   ExecutionState::kFailed;
                          }),
            counts.failed);
  EXPECT_THAT(All<Artifact>(), SizeIs(counts.datasets));
  // The jobs and, as their parents, the two pipelines.
  const std::vector<Context> jobs = All<Context>();
  ASSERT_THAT(jobs, SizeIs(counts.jobs + 2));
  ASSERT_OK_AND_ASSIGN(
      const Context trainer,
      store_->GetByTypeAndName<Context>("openlineage.Job",
                                        "lineage-gen/pipeline-1.Trainer"));
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({trainer.id}));
  ASSERT_THAT(parents[trainer.id], SizeIs(1));
  EXPECT_EQ(parents[trainer.id][0].name, "lineage-gen/pipeline-1");

  // The first Examples: its facets, URI, and the runs reading it.
  ASSERT_OK_AND_ASSIGN(
      const Artifact examples,
      store_->GetByTypeAndName<Artifact>("openlineage.Dataset",
                                         "gs://lineage-gen:Examples/1"));
  EXPECT_EQ(examples.uri, "gs://lineage-gen/Examples/1");
  ASSERT_TRUE(examples.custom_properties.contains("facet.schema"));
  EXPECT_THAT(examples.custom_properties.at("facet.schema").struct_value().json,
              HasSubstr(R"("name":"split_names","type":"STRING")"));
  EXPECT_TRUE(
      examples.custom_properties.contains("outputFacet.outputStatistics"));
}

TEST_F(OpenLineageSinkTest, DagEventsIngestWithoutRejections) {
  auto gen = NewDagGenerator({.target_nodes = 3000, .seed = 5});
  ASSERT_OK(gen.status());
  OpenLineageSinkCounts counts;
  const std::string ndjson = Generate(gen->get(), {}, &counts);
  const OpenLineageSummary s = Ingest(ndjson);
  EXPECT_EQ(s.rejected, 0);
  EXPECT_EQ(s.events, counts.events);
  EXPECT_EQ(s.runs, (*gen)->stats().executions);
  EXPECT_EQ(s.datasets, (*gen)->stats().artifacts);
  EXPECT_EQ(s.edges, counts.edges);
}

TEST_F(OpenLineageSinkTest, LargeFileLineByLineThenAgainChangesNothing) {
  // More events than the ingester keeps pending, fed a line at a time like
  // `lineagedb ingest`; a second session over the same lines writes nothing.
  auto gen = Tfx({.pipelines = 4, .runs_per_pipeline = 600, .seed = 9});
  OpenLineageSinkCounts counts;
  const std::string ndjson = Generate(gen.get(), {}, &counts);
  ASSERT_GT(counts.events, 1 << 15);
  const auto ingest_lines = [&] {
    auto ingester = NewOpenLineageIngester(store_.get());
    EXPECT_OK(ingester.status());
    size_t start = 0;
    while (start < ndjson.size()) {
      const size_t end = ndjson.find('\n', start);
      EXPECT_OK((*ingester)->IngestDocument(
          std::string_view(ndjson).substr(start, end - start), "big"));
      start = end + 1;
    }
    EXPECT_OK((*ingester)->Finish());
    return (*ingester)->summary();
  };
  const OpenLineageSummary first = ingest_lines();
  EXPECT_EQ(first.rejected, 0);
  EXPECT_EQ(first.events, counts.events);
  EXPECT_EQ(first.datasets, counts.datasets);
  EXPECT_EQ(first.edges, counts.edges);
  EXPECT_EQ(first.runs, counts.runs);
  const testing::Dump before = DumpStore();
  const OpenLineageSummary again = ingest_lines();
  EXPECT_EQ(again.edges, 0);
  EXPECT_EQ(DumpStore(), before);
}

TEST_F(OpenLineageSinkTest, MaxEventsCanEndARunAfterItsStart) {
  auto gen = Tfx({.pipelines = 1, .runs_per_pipeline = 2});
  OpenLineageSinkOptions options;
  options.max_events = 5;
  options.fail_share = 0;
  OpenLineageSinkCounts counts;
  const std::string ndjson = Generate(gen.get(), options, &counts);
  EXPECT_EQ(counts.events, 5);
  EXPECT_EQ(counts.runs, 3);
  EXPECT_EQ(Ingest(ndjson).rejected, 0);
  std::vector<Execution> runs = All<Execution>();
  ASSERT_THAT(runs, SizeIs(3));
  EXPECT_EQ(runs[0].last_known_state, ExecutionState::kComplete);
  EXPECT_EQ(runs[2].last_known_state, ExecutionState::kRunning);
}

TEST(OpenLineageSinkOutputTest, DeterministicPerSeedWithIncreasingTimes) {
  OpenLineageSinkCounts counts;
  const TfxOptions tfx{.pipelines = 1, .runs_per_pipeline = 2};
  OpenLineageSinkOptions options;
  const std::string a = Generate(Tfx(tfx).get(), options, &counts);
  EXPECT_EQ(a, Generate(Tfx(tfx).get(), options, &counts));
  options.seed = 2;
  const std::string b = Generate(Tfx(tfx).get(), options, &counts);
  EXPECT_NE(a, b);
  EXPECT_THAT(a, HasSubstr(R"("eventTime":"2024-01-01T00:00:00.000Z")"));
  EXPECT_THAT(a, HasSubstr(R"("eventTime":"2024-01-01T00:00:31.000Z")"));
  EXPECT_EQ(FormatUtcMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUtcMillis(951782400123), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(FormatUtcMillis(-1), "1969-12-31T23:59:59.999Z");
}

TEST(OpenLineageSinkOutputTest, InvalidOptionsAreRejected) {
  std::ostringstream out;
  OpenLineageSinkOptions options;
  options.fail_share = 1.5;
  EXPECT_CODE(RunIntoOpenLineageNdjson(Tfx({}).get(), out, options),
              kInvalidArgument);
  options = {};
  options.job_namespace = "";
  EXPECT_CODE(RunIntoOpenLineageNdjson(Tfx({}).get(), out, options),
              kInvalidArgument);
}

}  // namespace
}  // namespace lineagedb::gen
