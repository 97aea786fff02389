// The IngesterTest fixture and the event builders the ingestion tests share.
#ifndef LINEAGEDB_TESTS_OPENLINEAGE_INGEST_FIXTURE_H_
#define LINEAGEDB_TESTS_OPENLINEAGE_INGEST_FIXTURE_H_

#include <simdjson.h>

// simdjson's classes change layout with SIMDJSON_THREADS_ENABLED, which its
// CMake target defines; a file built without it breaks the engine's parser.
#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/test_util.h"

namespace lineagedb {

// The folder of the OpenLineage and Marquez events (tests/data/openlineage/).
inline const std::string kData =
    std::string(LINEAGEDB_TEST_DATA) + "/openlineage/";

// The bytes of the file at `path`.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `json` parsed and minified again: equal texts mean equal JSON values.
inline std::string Canonical(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(e),
            simdjson::SUCCESS)
      << json;
  return simdjson::minify(e);
}

// The value at a '/'-separated path of `json`, minified.
inline std::string At(std::string_view json, std::string_view pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(e),
            simdjson::SUCCESS);
  simdjson::dom::element v;
  EXPECT_EQ(e.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
  return simdjson::minify(v);
}

// The JSON of `node`'s struct property `key` (a facet), or "<missing key>".
inline std::string FacetJson(const NodeBase& node, const std::string& key) {
  auto it = node.custom_properties.find(key);
  if (it == node.custom_properties.end()) return "<missing " + key + ">";
  EXPECT_EQ(it->second.kind(), PropertyKind::kStruct) << key;
  return it->second.struct_value().json;
}

// A COMPLETE event of run ...0001 of job ns/j writing dataset dns/d, whose
// output object also holds `member` (e.g. "\"facets\":{...}").
inline std::string OutputEvent(const std::string& member) {
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

// An event `type` of run `run_id` of job ns/`job` at `time`, reading dataset
// s3://bucket:in/`type`, with `extra_run_facets` (members) as run facets.
inline std::string RunEvent(const std::string& type, const std::string& time,
                            const std::string& run_id, const std::string& job,
                            const std::string& extra_run_facets = "") {
  return "{\"eventType\":\"" + type + "\",\"eventTime\":\"" + time +
         "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
         run_id + "\",\"facets\":{" + extra_run_facets +
         "}},\"job\":{\"namespace\":\"ns\",\"name\":\"" + job +
         "\"},\"inputs\":[{\"namespace\":\"s3://bucket\",\"name\":\"in/" +
         type + "\"}]}";
}

// A RunEvent of a new run with one output dataset: `name`, and with
// `version` a version facet.
inline std::string OutputEvent(const std::string& run_id,
                               const std::string& name,
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

}  // namespace lineagedb

#endif  // LINEAGEDB_TESTS_OPENLINEAGE_INGEST_FIXTURE_H_
