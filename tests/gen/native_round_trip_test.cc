// The generator's native NDJSON, ingested by NativeJsonIngester, gives the
// store that writing the same steps through the API gives.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "bench/gen/sinks.h"
#include "lineagedb/native_json.h"
#include "tests/gen/generators.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

// Every node of kind N with ids 1..count, without the write times.
template <typename N>
std::vector<N> NodesOf(Store* store, int64_t count) {
  std::vector<int64_t> ids;
  for (int64_t id = 1; id <= count; ++id) ids.push_back(id);
  auto nodes = store->GetByIds<N>(ids);
  EXPECT_TRUE(nodes.ok()) << nodes.status();
  if (!nodes.ok()) return {};
  for (N& n : *nodes) n.create_time_ms = n.last_update_time_ms = 0;
  return *std::move(nodes);
}

std::vector<Event> EventsOf(Store* store, int64_t executions) {
  std::vector<int64_t> ids;
  for (int64_t id = 1; id <= executions; ++id) ids.push_back(id);
  auto events = store->GetEventsByExecutionIds(ids);
  EXPECT_TRUE(events.ok()) << events.status();
  if (!events.ok()) return {};
  for (Event& e : *events) e.time_ms = 0;
  return *std::move(events);
}

TEST(NativeRoundTripTest, GeneratorNdjsonIngestsAsTheSameStore) {
  std::ostringstream ndjson;
  gen::SinkCounts counts;
  {
    auto gen = gen_testing::Tfx({.pipelines = 2, .runs_per_pipeline = 6});
    ASSERT_OK_AND_ASSIGN(counts, gen::RunIntoNdjson(gen.get(), ndjson));
  }
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto direct, Store::Open({}, dir.path() + "/direct"));
  {
    auto gen = gen_testing::Tfx({.pipelines = 2, .runs_per_pipeline = 6});
    ASSERT_OK(gen::RunIntoStore(gen.get(), direct.get()).status());
  }
  ASSERT_OK_AND_ASSIGN(auto native, Store::Open({}, dir.path() + "/native"));
  ASSERT_OK_AND_ASSIGN(auto ingester, NewNativeJsonIngester(native.get()));
  ASSERT_OK(ingester->IngestDocument(ndjson.str(), "gen"));
  ASSERT_OK(ingester->Finish());
  EXPECT_EQ(ingester->summary().rejected, 0);
  EXPECT_EQ(ingester->summary().executions, counts.executions);
  EXPECT_EQ(ingester->summary().events, counts.events);

  for (NodeKind kind :
       {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
    ASSERT_OK_AND_ASSIGN(auto want, direct->ListTypes(kind));
    ASSERT_OK_AND_ASSIGN(auto got, native->ListTypes(kind));
    EXPECT_EQ(got, want);
  }
  const auto artifacts = NodesOf<Artifact>(direct.get(), counts.artifacts);
  ASSERT_EQ(artifacts.size(), static_cast<size_t>(counts.artifacts));
  EXPECT_EQ(NodesOf<Artifact>(native.get(), counts.artifacts + 1), artifacts);
  const auto executions = NodesOf<Execution>(direct.get(), counts.executions);
  ASSERT_EQ(executions.size(), static_cast<size_t>(counts.executions));
  EXPECT_EQ(NodesOf<Execution>(native.get(), counts.executions + 1),
            executions);
  const auto contexts = NodesOf<Context>(direct.get(), counts.contexts);
  ASSERT_EQ(contexts.size(), static_cast<size_t>(counts.contexts));
  EXPECT_EQ(NodesOf<Context>(native.get(), counts.contexts + 1), contexts);
  EXPECT_EQ(EventsOf(native.get(), counts.executions),
            EventsOf(direct.get(), counts.executions));
  for (const Context& c : contexts) {
    ASSERT_OK_AND_ASSIGN(auto want,
                         direct->List<Execution>(testing::OfContext(c.id)));
    ASSERT_OK_AND_ASSIGN(auto got,
                         native->List<Execution>(testing::OfContext(c.id)));
    EXPECT_EQ(testing::IdsOf(got.items), testing::IdsOf(want.items));
  }
}

TEST(NativeRoundTripTest, PropertyValuesOfEveryKind) {
  Type type;
  type.kind = NodeKind::kExecution;
  type.name = "T";
  type.properties = {{"d", PropertyKind::kDouble}};
  gen::GenStep step;
  step.execution.type = "T";
  step.execution_id = 1;
  step.execution.properties = {{"d", 3.0}};
  step.execution.custom_properties = {
      {"i", int64_t{-7}},
      {"x", 0.25},
      {"nan", std::nan("")},
      {"inf", std::numeric_limits<double>::infinity()},
      {"s", "line\nbreak \"q\""},
      {"b", false},
      {"st", StructValue{R"({"a":[1,{"b":null}],"c":"\u00e9"})"}},
      {"p",
       ProtoValue{"type.googleapis.com/M", std::string("\x00\x7f\xff", 3)}}};
  const std::string doc = gen::TypeToJson(type) + "\n" + gen::StepToJson(step);
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, Store::Open({}, dir.path() + "/s"));
  ASSERT_OK_AND_ASSIGN(auto ingester, NewNativeJsonIngester(store.get()));
  ASSERT_OK(ingester->IngestDocument(doc, "doc"));
  ASSERT_OK(ingester->Finish());
  ASSERT_EQ(ingester->summary().rejected, 0)
      << ingester->summary().rejections[0].reason;
  ASSERT_OK_AND_ASSIGN(auto got, store->GetByIds<Execution>({1}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].properties.at("d"), Value(3.0));
  PropertyMap custom = got[0].custom_properties;
  // Non-finite doubles are written as null, which reads back as NaN.
  for (const char* name : {"nan", "inf"}) {
    ASSERT_EQ(custom.at(name).kind(), PropertyKind::kDouble) << name;
    EXPECT_TRUE(std::isnan(custom.at(name).double_value())) << name;
    custom.erase(name);
  }
  PropertyMap want = step.execution.custom_properties;
  want.erase("nan");
  want.erase("inf");
  // A struct reads back as simdjson serializes it: minified, escapes decoded.
  want["st"] = StructValue{"{\"a\":[1,{\"b\":null}],\"c\":\"\xc3\xa9\"}"};
  EXPECT_EQ(custom.at("s"), want.at("s"));
  EXPECT_EQ(custom.at("p"), want.at("p"));
  EXPECT_EQ(custom.at("i"), want.at("i"));
  EXPECT_EQ(custom.at("x"), want.at("x"));
  EXPECT_EQ(custom.at("b"), want.at("b"));
  EXPECT_EQ(custom.at("st"), want.at("st"));
}

}  // namespace
}  // namespace lineagedb
