// Tests of GetColumnLineage (openlineage.h) on Marquez's food_delivery events
// (their columnLineage facets) and on small handcrafted DatasetEvents.
#include <simdjson.h>

// simdjson's classes change layout with SIMDJSON_THREADS_ENABLED, which its
// CMake target defines; a file built without it breaks the engine's parser.
#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr Direction kUp = Direction::kUpstream;
constexpr Direction kDown = Direction::kDownstream;

const std::string kMarquez = std::string(LINEAGEDB_TEST_DATA) +
                             "/openlineage/marquez_food_delivery.json";

ColumnRef Food(const std::string& table, const std::string& field) {
  return ColumnRef{"food_delivery", "public." + table, field};
}

ColumnEdge Edge(ColumnRef from, ColumnRef to, int hop,
                std::string transformation = "") {
  return ColumnEdge{std::move(from), std::move(to), hop,
                    std::move(transformation)};
}

// `{"namespace":"ns","name":<name>,"field":<field>}` plus `extra` members.
std::string InputField(const std::string& name, const std::string& field,
                       const std::string& extra = "") {
  return "{\"namespace\":\"ns\",\"name\":\"" + name + "\",\"field\":\"" +
         field + "\"" + extra + "}";
}

// A DatasetEvent of dataset ns:<name> at `time` whose columnLineage facet
// has `fields` as its "fields" member (no facet if empty), and a version
// facet if `version` is not empty.
std::string DatasetEvent(const std::string& name, const std::string& time,
                         const std::string& fields,
                         const std::string& version = "") {
  const std::string base = "\"_producer\":\"p\",\"_schemaURL\":\"s\"";
  std::string facets;
  if (!fields.empty()) {
    facets += "\"columnLineage\":{" + base + ",\"fields\":" + fields + "}";
  }
  if (!version.empty()) {
    facets += std::string(facets.empty() ? "" : ",") + "\"version\":{" + base +
              ",\"datasetVersion\":\"" + version + "\"}";
  }
  return "{\"eventTime\":\"" + time +
         "\",\"producer\":\"p\",\"schemaURL\":\"s\",\"dataset\":{"
         "\"namespace\":\"ns\",\"name\":\"" +
         name + "\",\"facets\":{" + facets + "}}}\n";
}

class ColumnLineageTest : public testing::StoreTest {
 protected:
  void Ingest(const std::string& document) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<OpenLineageIngester> ingester,
                         NewOpenLineageIngester(store_.get()));
    ASSERT_OK(ingester->IngestDocument(document, "test"));
    ASSERT_OK(ingester->Finish());
    ASSERT_EQ(ingester->summary().rejected, 0)
        << ingester->summary().rejections[0].reason;
  }

  void IngestMarquez() {
    std::ifstream in(kMarquez, std::ios::binary);
    ASSERT_TRUE(in.good()) << kMarquez;
    Ingest(std::string(std::istreambuf_iterator<char>(in), {}));
  }

  std::vector<ColumnEdge> Lineage(const ColumnRef& start, Direction direction,
                                  int max_hops = -1) {
    StatusOr<std::vector<ColumnEdge>> edges =
        GetColumnLineage(store_.get(), start, direction, max_hops);
    EXPECT_OK(edges.status());
    return edges.ok() ? *edges : std::vector<ColumnEdge>();
  }

  // Stores a dataset artifact ns:<name> whose facet.columnLineage property
  // is `facet`, behind the ingester's back.
  void PutDatasetWithFacet(const std::string& name, Value facet) {
    ASSERT_OK_AND_ASSIGN(
        Type type, store_->GetType(NodeKind::kArtifact, "openlineage.Dataset"));
    Artifact a;
    a.type_id = type.id;
    a.name = "ns:" + name;
    a.properties["namespace"] = "ns";
    a.properties["name"] = name;
    a.custom_properties["facet.columnLineage"] = std::move(facet);
    ASSERT_OK(store_->Put(std::vector{a}).status());
  }
};

// Acceptance: every output column's one-hop upstream is exactly the
// inputFields of its columnLineage facet, read here from the source file.
TEST_F(ColumnLineageTest, OneHopUpstreamOfEveryColumnMatchesItsFacet) {
  IngestMarquez();
  std::ifstream in(kMarquez, std::ios::binary);
  const simdjson::padded_string source(
      std::string(std::istreambuf_iterator<char>(in), {}));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(source).get(root), simdjson::SUCCESS);
  int columns = 0;
  const simdjson::dom::array events = root.get_array().value();
  for (simdjson::dom::element event : events) {
    simdjson::dom::array outputs;
    if (event["outputs"].get(outputs) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element out : outputs) {
      simdjson::dom::object fields;
      if (out["facets"]["columnLineage"]["fields"].get(fields) !=
          simdjson::SUCCESS) {
        continue;
      }
      const std::string ns(out["namespace"].get_string().value());
      const std::string name(out["name"].get_string().value());
      for (auto field : fields) {
        const ColumnRef start{ns, name, std::string(field.key)};
        std::set<ColumnRef> expected;
        const simdjson::dom::array inputs =
            field.value["inputFields"].get_array().value();
        for (simdjson::dom::element input : inputs) {
          expected.insert(
              ColumnRef{std::string(input["namespace"].get_string().value()),
                        std::string(input["name"].get_string().value()),
                        std::string(input["field"].get_string().value())});
        }
        std::set<ColumnRef> got;
        for (const ColumnEdge& e : Lineage(start, kUp, 1)) {
          EXPECT_EQ(e.to, start);
          EXPECT_EQ(e.hop, 1);
          got.insert(e.from);
        }
        EXPECT_EQ(got, expected) << name << "." << field.key;
        ++columns;
      }
    }
  }
  EXPECT_EQ(columns, 31);  // 7 + 13 + 7 + 2 + 2 output columns.
}

TEST_F(ColumnLineageTest, UpstreamHopByHop) {
  IngestMarquez();
  const ColumnRef start =
      Food("popular_orders_day_of_week", "order_day_of_week");
  EXPECT_THAT(
      Lineage(start, kUp),
      ElementsAre(Edge(Food("top_delivery_times", "order_placed_on"), start, 1),
                  Edge(Food("delivery_7_days", "order_placed_on"),
                       Food("top_delivery_times", "order_placed_on"), 2),
                  Edge(Food("orders_7_days", "placed_on"),
                       Food("delivery_7_days", "order_placed_on"), 3),
                  Edge(Food("orders", "placed_on"),
                       Food("orders_7_days", "placed_on"), 4)));
  EXPECT_THAT(Lineage(start, kUp, 2), ::testing::SizeIs(2));
  EXPECT_THAT(Lineage(start, kUp, 0), IsEmpty());
  // A column whose dataset has no columnLineage facet, named as an input
  // field, has no upstream; a field no facet names is not found.
  EXPECT_THAT(Lineage(Food("orders", "placed_on"), kUp), IsEmpty());
  EXPECT_CODE(GetColumnLineage(store_.get(),
                               Food("orders_7_days", "no_such_field"), kUp),
              kNotFound);
}

TEST_F(ColumnLineageTest, DownstreamHopByHopInOrder) {
  IngestMarquez();
  const ColumnRef start = Food("orders", "placed_on");
  const ColumnRef top = Food("top_delivery_times", "order_placed_on");
  const ColumnRef d7 = Food("delivery_7_days", "order_placed_on");
  EXPECT_THAT(
      Lineage(start, kDown),
      ElementsAre(
          Edge(start, Food("orders_7_days", "placed_on"), 1),
          Edge(Food("orders_7_days", "placed_on"), d7, 2),
          // Hop 3 by far end: discounts < top_delivery_times.
          Edge(d7, Food("discounts", "amount_off"), 3),
          Edge(d7, Food("top_delivery_times", "order_delivery_time"), 3),
          Edge(d7, top, 3),
          Edge(top, Food("popular_orders_day_of_week", "order_day_of_week"), 4),
          Edge(top, Food("popular_orders_day_of_week", "order_placed_on"), 4)));
  EXPECT_THAT(Lineage(start, kDown, 1), ::testing::SizeIs(1));
}

TEST_F(ColumnLineageTest, CyclesEndAndEveryEdgeIsReturnedOnce) {
  // a.x <- b.y <- a.x, and b.z <- b.z.
  Ingest(DatasetEvent("a", "2025-01-01T00:00:00Z",
                      "{\"x\":{\"inputFields\":[" + InputField("b", "y") + "," +
                          InputField("b", "y") + "]}}") +
         DatasetEvent("b", "2025-01-01T00:00:00Z",
                      "{\"y\":{\"inputFields\":[" + InputField("a", "x") +
                          "]},\"z\":{\"inputFields\":[" + InputField("b", "z") +
                          "]}}"));
  const ColumnRef ax{"ns", "a", "x"};
  const ColumnRef by{"ns", "b", "y"};
  const ColumnRef bz{"ns", "b", "z"};
  EXPECT_THAT(Lineage(ax, kUp), ElementsAre(Edge(by, ax, 1), Edge(ax, by, 2)));
  EXPECT_THAT(Lineage(ax, kDown),
              ElementsAre(Edge(ax, by, 1), Edge(by, ax, 2)));
  EXPECT_THAT(Lineage(bz, kUp), ElementsAre(Edge(bz, bz, 1)));
  EXPECT_THAT(Lineage(bz, kDown), ElementsAre(Edge(bz, bz, 1)));
}

// A start with no edges is a column if a facet in use names it: a schema
// field, a columnLineage field without inputs, an input field.
TEST_F(ColumnLineageTest, AColumnWithoutEdgesMustBeNamedByAFacet) {
  const std::string schema =
      R"({"eventTime":"2025-01-01T00:00:00Z","producer":"p","schemaURL":"s",)"
      R"("dataset":{"namespace":"ns","name":"s","facets":{"schema":{)"
      R"("_producer":"p","_schemaURL":"s","fields":[{"name":"listed"}]}}}})";
  Ingest(schema + "\n" +
         DatasetEvent("out", "2025-01-01T00:00:00Z",
                      "{\"bare\":{\"inputFields\":[]},\"c\":{"
                      "\"inputFields\":[" +
                          InputField("in", "a") + "]}}") +
         DatasetEvent("in", "2025-01-01T00:00:00Z", ""));
  for (const ColumnRef& known :
       {ColumnRef{"ns", "s", "listed"}, ColumnRef{"ns", "out", "bare"},
        ColumnRef{"ns", "in", "a"}}) {
    SCOPED_TRACE(known.name + "." + known.field);
    for (const Direction d : {kUp, kDown}) {
      const bool has_edges = known.field == "a" && d == kDown;
      EXPECT_THAT(Lineage(known, d), ::testing::SizeIs(has_edges ? 1 : 0));
    }
    EXPECT_THAT(Lineage(known, kUp, 0), IsEmpty());
  }
  for (const ColumnRef& unknown :
       {ColumnRef{"ns", "s", "Listed"}, ColumnRef{"ns", "out", "d"},
        ColumnRef{"ns", "in", "b"}}) {
    SCOPED_TRACE(unknown.name + "." + unknown.field);
    for (const Direction d : {kUp, kDown}) {
      StatusOr<std::vector<ColumnEdge>> r =
          GetColumnLineage(store_.get(), unknown, d);
      ASSERT_CODE_IS(r, kNotFound);
      EXPECT_THAT(r.status().message(),
                  HasSubstr("no stored facet names column " + unknown.field +
                            " of dataset ns:" + unknown.name));
    }
    EXPECT_CODE(GetColumnLineage(store_.get(), unknown, kUp, 0), kNotFound);
  }
}

TEST_F(ColumnLineageTest, NewestVersionWithAFacetWins) {
  // v2 is ingested first (lower id) but is newer than v1; v3 is newest but
  // has no columnLineage facet.
  const std::string from_new =
      "{\"c\":{\"inputFields\":[" + InputField("in", "new") + "]}}";
  const std::string from_old =
      "{\"c\":{\"inputFields\":[" + InputField("in", "old") + "]}}";
  Ingest(DatasetEvent("out", "2025-01-02T00:00:00Z", from_new, "v2") +
         DatasetEvent("out", "2025-01-01T00:00:00Z", from_old, "v1") +
         DatasetEvent("out", "2025-01-03T00:00:00Z", "", "v3") +
         DatasetEvent("in", "2025-01-01T00:00:00Z", ""));
  const ColumnRef out{"ns", "out", "c"};
  EXPECT_THAT(Lineage(out, kUp),
              ElementsAre(Edge(ColumnRef{"ns", "in", "new"}, out, 1)));
  EXPECT_THAT(Lineage(ColumnRef{"ns", "in", "new"}, kDown),
              ElementsAre(Edge(ColumnRef{"ns", "in", "new"}, out, 1)));
  // Named only by the facet v2 replaced: no facet in use names it.
  EXPECT_CODE(
      GetColumnLineage(store_.get(), ColumnRef{"ns", "in", "old"}, kDown),
      kNotFound);
}

// The version is chosen by the time of its columnLineage facet, not by
// its latest event: v1 named again at 09:00 (as a run's input would) still
// has the facet of 07:00, older than v2's.
TEST_F(ColumnLineageTest, ALaterEventWithoutTheFacetDoesNotMakeItNewer) {
  const std::string from_v1 =
      "{\"c\":{\"inputFields\":[" + InputField("in", "v1") + "]}}";
  const std::string from_v2 =
      "{\"c\":{\"inputFields\":[" + InputField("in", "v2") + "]}}";
  Ingest(DatasetEvent("out", "2025-01-01T07:00:00Z", from_v1, "v1") +
         DatasetEvent("out", "2025-01-01T08:00:00Z", from_v2, "v2") +
         DatasetEvent("out", "2025-01-01T09:00:00Z", "", "v1"));
  const ColumnRef out{"ns", "out", "c"};
  EXPECT_THAT(Lineage(out, kUp),
              ElementsAre(Edge(ColumnRef{"ns", "in", "v2"}, out, 1)));
}

TEST_F(ColumnLineageTest, TransformationsAreDescribed) {
  const std::string t1 =
      ",\"transformations\":[{\"type\":\"DIRECT\",\"subtype\":\"IDENTITY\","
      "\"description\":\"copied\",\"masking\":false},{\"type\":\"INDIRECT\","
      "\"subtype\":\"FILTER\",\"masking\":true}]";
  Ingest(DatasetEvent("t", "2025-01-01T00:00:00Z",
                      "{\"a\":{\"inputFields\":[" + InputField("s", "a", t1) +
                          "]},"
                          "\"b\":{\"inputFields\":[" +
                          InputField("s", "b") +
                          "],\"transformationType\":\"IDENTITY\","
                          "\"transformationDescription\":\"as is\"},"
                          "\"c\":{\"inputFields\":[" +
                          InputField("s", "c") + "]}}"));
  EXPECT_THAT(
      Lineage(ColumnRef{"ns", "t", "a"}, kUp),
      ElementsAre(Edge(ColumnRef{"ns", "s", "a"}, ColumnRef{"ns", "t", "a"}, 1,
                       "DIRECT/IDENTITY: copied; INDIRECT/FILTER "
                       "(masking)")));
  EXPECT_THAT(
      Lineage(ColumnRef{"ns", "t", "b"}, kUp),
      ElementsAre(Edge(ColumnRef{"ns", "s", "b"}, ColumnRef{"ns", "t", "b"}, 1,
                       "IDENTITY: as is")));
  EXPECT_EQ(Lineage(ColumnRef{"ns", "t", "c"}, kUp).at(0).transformation, "");
}

TEST_F(ColumnLineageTest, BadArgumentsAndUnknownDatasets) {
  IngestMarquez();
  const ColumnRef good = Food("orders", "id");
  for (const ColumnRef& bad :
       {ColumnRef{"", "public.orders", "id"},
        ColumnRef{"food_delivery", "", "id"},
        ColumnRef{"food_delivery", "public.orders", ""}}) {
    EXPECT_CODE(GetColumnLineage(store_.get(), bad, kUp), kInvalidArgument);
  }
  EXPECT_CODE(GetColumnLineage(store_.get(), good, Direction::kBidirectional),
              kInvalidArgument);
  EXPECT_CODE(GetColumnLineage(store_.get(), good, kUp, -2), kInvalidArgument);
  EXPECT_CODE(GetColumnLineage(store_.get(), Food("nowhere", "id"), kDown),
              kNotFound);
  EXPECT_CODE(GetColumnLineage(store_.get(),
                               ColumnRef{"other", "public.orders", "id"}, kUp),
              kNotFound);
}

TEST_F(ColumnLineageTest, EmptyStoreIsNotFound) {
  EXPECT_CODE(GetColumnLineage(store_.get(), ColumnRef{"ns", "t", "c"}, kUp),
              kNotFound);
}

TEST_F(ColumnLineageTest, MalformedStoredFacetIsInvalidArgument) {
  Ingest(DatasetEvent("in", "2025-01-01T00:00:00Z", ""));
  PutDatasetWithFacet(
      "bad", StructValue{"{\"fields\":{\"c\":{\"inputFields\":[{\"namespace\":"
                         "\"ns\",\"name\":\"in\",\"field\":7}]}}}"});
  PutDatasetWithFacet("text", Value("not a facet"));
  StatusOr<std::vector<ColumnEdge>> r =
      GetColumnLineage(store_.get(), ColumnRef{"ns", "bad", "c"}, kUp);
  ASSERT_CODE_IS(r, kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("dataset ns:bad (artifact:"));
  EXPECT_THAT(r.status().message(),
              HasSubstr("facet.columnLineage.fields.c.inputFields[0].field"));
  r = GetColumnLineage(store_.get(), ColumnRef{"ns", "text", "c"}, kUp);
  ASSERT_CODE_IS(r, kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("not a JSON object"));
  // Upstream of a sound column fails on no other facet (ns:in's c, named
  // only by the malformed facet, is not found); downstream reads all.
  EXPECT_CODE(GetColumnLineage(store_.get(), ColumnRef{"ns", "in", "c"}, kUp),
              kNotFound);
  EXPECT_CODE(GetColumnLineage(store_.get(), ColumnRef{"ns", "in", "c"}, kDown),
              kInvalidArgument);
}

}  // namespace
}  // namespace lineagedb
