// Tests of OpenLineage ingestion (openlineage.h, schema/OPENLINEAGE.md) on
// real events from OpenLineage and Marquez (tests/data/openlineage/).
#include <simdjson.h>

// simdjson's classes change layout with SIMDJSON_THREADS_ENABLED, which its
// CMake target defines; a file built without it breaks the engine's parser.
#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/mapping.h"
#include "store/store_impl.h"
#include "tests/openlineage/store_setup.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kData = std::string(LINEAGEDB_TEST_DATA) + "/openlineage/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `json` parsed and minified again: equal texts mean equal JSON values.
std::string Canonical(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(e),
            simdjson::SUCCESS)
      << json;
  return simdjson::minify(e);
}

// The value at a '/'-separated path of `json`, minified.
std::string At(std::string_view json, std::string_view pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(e),
            simdjson::SUCCESS);
  simdjson::dom::element v;
  EXPECT_EQ(e.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
  return simdjson::minify(v);
}

// The minified events of a JSON array document, one per line.
std::string ToNdjson(const std::string& array_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(simdjson::padded_string(array_json)).get(e),
            simdjson::SUCCESS);
  std::string out;
  const simdjson::dom::array items = e.get_array().value();
  for (simdjson::dom::element item : items) {
    out += simdjson::minify(item);
    out += "\n";
  }
  return out;
}

std::string FacetJson(const NodeBase& node, const std::string& key) {
  auto it = node.custom_properties.find(key);
  if (it == node.custom_properties.end()) return "<missing " + key + ">";
  EXPECT_EQ(it->second.kind(), PropertyKind::kStruct) << key;
  return it->second.struct_value().json;
}

// A COMPLETE event of run ...0001 of job ns/j writing dataset dns/d, whose
// output object also holds `member` (e.g. "\"facets\":{...}").
std::string OutputEvent(const std::string& member) {
  return R"({"eventType":"COMPLETE","eventTime":"2025-01-01T10:00:00Z",)"
         R"("producer":"p","schemaURL":"s",)"
         R"("run":{"runId":"00000000-0000-4000-8000-000000000001"},)"
         R"("job":{"namespace":"ns","name":"j"},)"
         R"("outputs":[{"namespace":"dns","name":"d",)" +
         member + "}]}";
}

class IngesterTest : public testing::StoreTest {
 protected:
  testing::Dump Dump() { return DumpStore(); }

  // Ingests `document` in a fresh ingester and finishes; returns its summary.
  OpenLineageSummary Ingest(const std::string& document,
                            const std::string& source,
                            OpenLineageOptions options = {}) {
    auto ingester = NewOpenLineageIngester(store_.get(), options);
    EXPECT_OK(ingester.status());
    if (!ingester.ok()) return {};
    EXPECT_OK((*ingester)->IngestDocument(document, source));
    EXPECT_OK((*ingester)->Finish());
    return (*ingester)->summary();
  }

  OpenLineageSummary IngestFile(const std::string& name) {
    return Ingest(ReadFile(kData + name), name);
  }

  template <typename N>
  std::vector<N> All(const std::string& type) {
    NodeQuery query;
    query.type_name = type;
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>(query, options);
    EXPECT_OK(page.status());
    return page.ok() ? page->items : std::vector<N>();
  }

  std::vector<Event> AllEvents() {
    std::vector<int64_t> ids;
    for (const Execution& e : All<Execution>("openlineage.Job")) {
      ids.push_back(e.id);
    }
    auto events = store_->GetEventsByExecutionIds(ids);
    EXPECT_OK(events.status());
    return events.ok() ? *events : std::vector<Event>();
  }
};

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

TEST_F(IngesterTest, NdjsonAndArrayDocumentsGiveTheSameGraph) {
  const std::string array = ReadFile(kData + "marquez_food_delivery.json");
  OpenLineageSummary s = Ingest(ToNdjson(array), "marquez.ndjson");
  EXPECT_EQ(s.events, 26);
  EXPECT_EQ(s.edges, 27);
  EXPECT_EQ(s.rejected, 0);
  const auto before = Dump();
  EXPECT_EQ(Ingest(array, "marquez.json").edges, 0);
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, NdjsonRejectionsNameTheLine) {
  std::string doc = ToNdjson(ReadFile(kData + "marquez_food_delivery.json"));
  // Line 3 becomes malformed, line 5 loses its runId.
  std::vector<std::string> lines;
  std::stringstream ss(doc);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  lines[2] = "{\"eventType\": ";
  const size_t pos = lines[4].find("\"runId\"");
  ASSERT_NE(pos, std::string::npos);
  lines[4].replace(pos, 7, "\"noRunId\"");
  lines.insert(lines.begin() + 6, "");  // A blank line counts as a line.
  std::string edited;
  for (const std::string& line : lines) edited += line + "\n";
  OpenLineageSummary s = Ingest(edited, "edited.ndjson");
  EXPECT_EQ(s.events, 24);
  ASSERT_THAT(s.rejections, SizeIs(2));
  EXPECT_EQ(s.rejections[0].index, 3);
  EXPECT_THAT(s.rejections[0].reason, HasSubstr("malformed JSON"));
  EXPECT_EQ(s.rejections[1].index, 5);
  EXPECT_THAT(s.rejections[1].reason, HasSubstr("run.runId is required"));
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

std::string RunEvent(const std::string& type, const std::string& time,
                     const std::string& run_id, const std::string& job,
                     const std::string& extra_run_facets = "") {
  return "{\"eventType\":\"" + type + "\",\"eventTime\":\"" + time +
         "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
         run_id + "\",\"facets\":{" + extra_run_facets +
         "}},\"job\":{\"namespace\":\"ns\",\"name\":\"" + job +
         "\"},\"inputs\":[{\"namespace\":\"s3://bucket\",\"name\":\"in/" +
         type + "\"}]}";
}

// A dataset whose external_id is an artifact of another type's is
// refused like a foreign runId, strict or not, and the check finds it (it
// was attached to that artifact as an input, or refused as an output only
// by the write, after earlier runs were committed).
TEST_F(IngesterTest, ADatasetWhoseExternalIdIsAForeignArtifactsIsRejected) {
  Type other{.kind = NodeKind::kArtifact, .name = "Other"};
  ASSERT_OK_AND_ASSIGN(const int64_t other_type, store_->PutType(other));
  Artifact foreign;
  foreign.type_id = other_type;
  foreign.external_id = "openlineage:s3://bucket:in/START";
  ASSERT_OK(store_->Put<Artifact>({foreign}).status());
  const auto before = Dump();
  const std::string event =
      RunEvent("START", "2025-01-01T10:00:00Z",
               "00000000-0000-4000-8000-000000000001", "j");
  ASSERT_OK_AND_ASSIGN(auto checker, NewOpenLineageIngester(store_.get()));
  Status s = checker->CheckDocument(event, "t");
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("t:1: dataset s3://bucket:in/START: its external_id "
                        "'openlineage:s3://bucket:in/START' is artifact 1 of "
                        "type 'Other'"));
  OpenLineageSummary summary = Ingest(event, "t");
  EXPECT_EQ(summary.events, 0);
  EXPECT_EQ(summary.rejected, 1);
  EXPECT_EQ(Dump(), before);
}

// A RunEvent of a new run with one output dataset: `name`, and with
// `version` a version facet.
std::string OutputEvent(const std::string& run_id, const std::string& name,
                        const std::string& version) {
  const std::string facets =
      version.empty() ? ""
                      : "\"facets\":{\"version\":{\"_producer\":\"p\","
                        "\"_schemaURL\":\"s\",\"datasetVersion\":\"" +
                            version + "\"}},";
  return "{\"eventType\":\"COMPLETE\",\"eventTime\":\"2025-01-01T10:00:00Z\","
         "\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
         run_id +
         "\"},\"job\":{\"namespace\":\"ns\",\"name\":\"j\"},\"outputs\":[{" +
         facets + "\"namespace\":\"ns\",\"name\":\"" + name + "\"}]}";
}

// Dataset "d@1" without a version and version 1 of "d" share a name: the
// second is refused, whichever comes first, in one session or later, and
// not merged into the first.
TEST_F(IngesterTest, DatasetsSharingANameAreRefusedNotMerged) {
  const std::string a =
      OutputEvent("00000000-0000-4000-8000-000000000001", "d@1", "");
  const std::string b =
      OutputEvent("00000000-0000-4000-8000-000000000002", "d", "1");
  OpenLineageSummary s = Ingest(a + "\n" + b, "both");
  EXPECT_EQ(s.events, 1);
  ASSERT_EQ(s.rejected, 1);
  EXPECT_EQ(s.rejections[0].index, 2);
  EXPECT_THAT(s.rejections[0].reason,
              HasSubstr("dataset ns:d@1 (namespace 'ns', name 'd', version "
                        "'1') shares its name with another dataset"));
  const auto after_first = Dump();
  s = Ingest(b, "later");
  EXPECT_EQ(s.events, 0);
  EXPECT_EQ(s.rejected, 1);
  EXPECT_EQ(Dump(), after_first);
  const std::vector<Artifact> datasets = All<Artifact>("openlineage.Dataset");
  ASSERT_EQ(datasets.size(), 1u);
  EXPECT_EQ(datasets[0].properties.at("name"), Value("d@1"));
  EXPECT_FALSE(datasets[0].properties.contains("version"));
}

// Job "b" of namespace "ns/a" and job "a/b" of namespace "ns" share the
// context name "ns/a/b": the second is refused, as a run's job and as a
// parent job, in one session or later, and not merged into the first.
TEST_F(IngesterTest, JobsSharingANameAreRefusedNotMerged) {
  auto event = [](const std::string& run_id, const std::string& ns,
                  const std::string& name, const std::string& run_facets) {
    return "{\"eventType\":\"START\",\"eventTime\":"
           "\"2025-01-01T10:00:00Z\",\"producer\":\"p\",\"schemaURL\":"
           "\"s\",\"run\":{\"runId\":\"" +
           run_id + "\",\"facets\":{" + run_facets +
           "}},\"job\":{\"namespace\":\"" + ns + "\",\"name\":\"" + name +
           "\"}}";
  };
  const std::string a =
      event("00000000-0000-4000-8000-000000000001", "ns/a", "b", "");
  const std::string b =
      event("00000000-0000-4000-8000-000000000002", "ns", "a/b", "");
  const std::string child =
      event("00000000-0000-4000-8000-000000000003", "ns", "c",
            "\"parent\":{\"_producer\":\"p\",\"_schemaURL\":\"s\",\"run\":{"
            "\"runId\":\"00000000-0000-4000-8000-0000000000aa\"},\"job\":{"
            "\"namespace\":\"ns\",\"name\":\"a/b\"}}");
  OpenLineageSummary s = Ingest(a + "\n" + b + "\n" + child, "all");
  EXPECT_EQ(s.events, 1);
  ASSERT_EQ(s.rejected, 2);
  EXPECT_EQ(s.rejections[0].index, 2);
  EXPECT_THAT(s.rejections[0].reason,
              HasSubstr("job ns/a/b (namespace 'ns', name 'a/b') shares its "
                        "name with another job"));
  EXPECT_EQ(s.rejections[1].index, 3);
  EXPECT_THAT(s.rejections[1].reason,
              HasSubstr("job ns/a/b (namespace 'ns', name 'a/b') shares its "
                        "name with another job"));
  const auto after_first = Dump();
  s = Ingest(b + "\n" + child, "later");
  EXPECT_EQ(s.events, 0);
  EXPECT_EQ(s.rejected, 2);
  EXPECT_THAT(s.rejections[0].reason, HasSubstr(", context "));
  EXPECT_EQ(Dump(), after_first);
  const std::vector<Context> jobs = All<Context>("openlineage.Job");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].properties.at("namespace"), Value("ns/a"));
  EXPECT_EQ(jobs[0].properties.at("name"), Value("b"));
}

// A START event of run `run` of job (`ns`, `name`) with `inputs` (JSON
// objects, comma-separated).
std::string JobEvent(int run, const std::string& ns, const std::string& name,
                     const std::string& inputs = "") {
  return "{\"eventType\":\"START\",\"eventTime\":\"2025-01-01T10:00:00Z\","
         "\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":"
         "\"00000000-0000-4000-8000-0000000000" +
         std::to_string(10 + run) + "\"},\"job\":{\"namespace\":\"" + ns +
         "\",\"name\":\"" + name + "\"},\"inputs\":[" + inputs + "]}";
}

// Inputs that are refused: namespace "x:y" name "z" and namespace "x" name
// "y:z" share the dataset name "x:y:z".
constexpr char kCollidingInputs[] =
    "{\"namespace\":\"x:y\",\"name\":\"z\"},"
    "{\"namespace\":\"x\",\"name\":\"y:z\"}";

// A refused event leaves nothing behind for a later event to collide with:
// the job of an event refused for its inputs does not make the job whose
// name it shares ("<root>/a/b") refused too, whether the refused event
// was checked on the ingester's scratch session (no event accepted yet) or
// on its session.
TEST_F(IngesterTest, ARefusedEventLeavesNoEntryToCollideWith) {
  for (const std::string root : {"ns", "ms"}) {
    SCOPED_TRACE(root);
    const bool after_accepted = root == "ms";
    const int run = after_accepted ? 10 : 0;  // Run ids: run + 1 to run + 3.
    const std::string first =
        after_accepted ? JobEvent(run + 1, root, "first") + "\n" : "";
    const OpenLineageSummary s =
        Ingest(first + JobEvent(run + 2, root + "/a", "b", kCollidingInputs) +
                   "\n" + JobEvent(run + 3, root, "a/b"),
               "f");
    EXPECT_EQ(s.rejected, 1);
    EXPECT_EQ(s.events, after_accepted ? 2 : 1);
    ASSERT_OK_AND_ASSIGN(Context job, store_->GetByTypeAndName<Context>(
                                          "openlineage.Job", root + "/a/b"));
    EXPECT_EQ(job.properties.at("namespace"), Value(root));
  }
}

// The same for a strict document refused after some of its events were
// checked: the entries of all its events are undone.
TEST_F(IngesterTest, ARefusedStrictDocumentLeavesNoEntryToCollideWith) {
  OpenLineageOptions strict;
  strict.strict = true;
  ASSERT_OK_AND_ASSIGN(auto ingester,
                       NewOpenLineageIngester(store_.get(), strict));
  for (const std::string root : {"ns", "ms"}) {
    SCOPED_TRACE(root);
    const int run = root == "ms" ? 10 : 0;  // Run ids: run + 1 to run + 3.
    const std::string refused =
        JobEvent(run + 1, root + "/a", "b") + "\n" +
        JobEvent(run + 2, root + "/c", "d", kCollidingInputs);
    EXPECT_CODE(ingester->IngestDocument(refused, "refused"), kInvalidArgument);
    ASSERT_OK(ingester->IngestDocument(JobEvent(run + 3, root, "a/b"), "ok"));
  }
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(ingester->summary().events, 2);
  for (const std::string root : {"ns", "ms"}) {
    ASSERT_OK_AND_ASSIGN(Context job, store_->GetByTypeAndName<Context>(
                                          "openlineage.Job", root + "/a/b"));
    EXPECT_EQ(job.properties.at("namespace"), Value(root));
  }
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
  } while (std::next_permutation(events.begin(), events.end(), by_time));
  EXPECT_EQ(order, 120);
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

// A run an earlier build stored under its runId in upper case (as
// written) is found by the lower case runId the parser now gives.
TEST_F(IngesterTest, ARunStoredInUpperCaseIsFound) {
  const std::string upper = "ABCDEF01-1111-4111-8111-11111111111A";
  ASSERT_EQ(Ingest(RunEvent("START", "2025-01-01T10:00:00Z", upper, "j"), "1")
                .rejected,
            0);
  // As an earlier build left it: the external_id as written.
  std::vector<Execution> runs = All<Execution>("openlineage.Job");
  ASSERT_THAT(runs, SizeIs(1));
  runs[0].external_id = upper;
  ASSERT_OK(store_->Put(runs).status());
  for (const std::string& id :
       {upper, std::string("abcdef01-1111-4111-8111-11111111111a")}) {
    SCOPED_TRACE(id);
    ASSERT_EQ(Ingest(RunEvent("COMPLETE", "2025-01-01T10:00:05Z", id, "j"), "2")
                  .rejected,
              0);
    runs = All<Execution>("openlineage.Job");
    ASSERT_THAT(runs, SizeIs(1));
    EXPECT_EQ(runs[0].external_id, upper);
    EXPECT_EQ(runs[0].last_known_state, ExecutionState::kComplete);
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

// One document's two events naming one new runId with two jobs: the
// second is rejected, and in strict mode the check finds it before anything
// of the document is stored.
TEST_F(IngesterTest, ARunNamedWithTwoJobsInOneDocument) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  const std::string doc =
      "[" + RunEvent("START", "2025-01-01T10:00:00Z", id, "a") + "," +
      RunEvent("COMPLETE", "2025-01-01T10:00:05Z", id, "b") + "]";
  const auto before = Dump();
  OpenLineageOptions strict;
  strict.strict = true;
  ASSERT_OK_AND_ASSIGN(auto ingester,
                       NewOpenLineageIngester(store_.get(), strict));
  EXPECT_TRUE(absl::IsInvalidArgument(ingester->IngestDocument(doc, "doc")));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(Dump(), before);

  OpenLineageSummary s = Ingest(doc, "doc");
  EXPECT_EQ(s.events, 1);
  ASSERT_THAT(s.rejections, SizeIs(1));
  EXPECT_EQ(s.rejections[0].index, 2);
  EXPECT_THAT(s.rejections[0].reason,
              HasSubstr("is a run of job ns/a, not of ns/b"));
}

// A stored node of an OpenLineage type without the mapping's namespace and
// name properties (put through the API) is taken by the first identity of
// its name, which it then keeps: a second identity is refused, not merged,
// and column lineage finds the dataset by its properties.
TEST_F(IngesterTest, ANodeWithoutTheMappingsPropertiesIsClaimedOnce) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  ASSERT_EQ(Ingest(RunEvent("START", "2025-01-01T10:00:00Z", id, "j"), "types")
                .rejected,
            0);
  ASSERT_OK_AND_ASSIGN(Type job_type,
                       store_->GetType(NodeKind::kContext, "openlineage.Job"));
  ASSERT_OK_AND_ASSIGN(
      Type dataset_type,
      store_->GetType(NodeKind::kArtifact, "openlineage.Dataset"));
  Context bare_job;
  bare_job.type_id = job_type.id;
  bare_job.name = "a/b/c";
  Artifact bare_dataset;
  bare_dataset.type_id = dataset_type.id;
  bare_dataset.name = "n:x";
  ASSERT_OK(store_->Put(std::vector<Context>{bare_job}).status());
  ASSERT_OK(store_->Put(std::vector<Artifact>{bare_dataset}).status());

  auto event = [](const std::string& run, const std::string& ns,
                  const std::string& name) {
    return R"({"eventType":"COMPLETE","eventTime":"2025-01-01T10:00:00Z",)"
           R"("producer":"p","schemaURL":"s","run":{"runId":")" +
           run + R"("},"job":{"namespace":")" + ns + R"(","name":")" + name +
           R"("},"outputs":[{"namespace":"n","name":"x","facets":{)"
           R"("columnLineage":{"_producer":"p","_schemaURL":"s","fields":{)"
           R"("f":{"inputFields":[{"namespace":"n","name":"y","field":"g"}]})"
           R"(}}}}]})";
  };
  OpenLineageSummary s =
      Ingest(event("00000000-0000-4000-8000-000000000002", "a", "b/c") + "\n" +
                 event("00000000-0000-4000-8000-000000000003", "a/b", "c"),
             "doc");
  EXPECT_EQ(s.events, 1);
  ASSERT_THAT(s.rejections, SizeIs(1));
  EXPECT_THAT(s.rejections[0].reason,
              HasSubstr("job a/b/c (namespace 'a/b', name 'c') shares its "
                        "name with another job"));
  ASSERT_OK_AND_ASSIGN(Context job, store_->GetByTypeAndName<Context>(
                                        "openlineage.Job", "a/b/c"));
  EXPECT_EQ(job.properties.at("namespace").string_value(), "a");
  EXPECT_EQ(job.properties.at("name").string_value(), "b/c");
  ASSERT_OK_AND_ASSIGN(std::vector<ColumnEdge> edges,
                       GetColumnLineage(store_.get(), ColumnRef{"n", "x", "f"},
                                        Direction::kUpstream));
  EXPECT_THAT(edges, SizeIs(1));
  const auto before = Dump();
  Ingest(event("00000000-0000-4000-8000-000000000002", "a", "b/c"), "again");
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, AByteOrderMarkIsSkipped) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  const std::string bom = "\xEF\xBB\xBF";
  const std::string start = RunEvent("START", "2025-01-01T10:00:00Z", id, "j");
  const std::string end = RunEvent("COMPLETE", "2025-01-01T10:00:05Z", id, "j");
  EXPECT_EQ(Ingest(bom + start, "one").events, 1);
  EXPECT_EQ(Ingest(bom + "[" + start + "," + end + "]", "array").events, 2);
  OpenLineageSummary s = Ingest(bom + start + "\n" + end + "\n", "lines");
  EXPECT_EQ(s.events, 2);
  EXPECT_EQ(s.rejected, 0);
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
