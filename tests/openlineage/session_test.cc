// Tests of the ingestion session's deferred, coalesced writes
// (openlineage/session.h): what is stored does not depend on when the
// pending runs are written.
#include "openlineage/session.h"

#include <simdjson.h>

// simdjson's classes change layout with SIMDJSON_THREADS_ENABLED, which its
// CMake target defines; a file built without it breaks the engine's parser.
#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "openlineage/document.h"
#include "openlineage/mapping.h"
#include "tests/openlineage/store_setup.h"
#include "tests/test_util.h"
#include "util/input_error.h"

namespace lineagedb::openlineage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// A RunEvent with one input and optionally one output (with a schema facet).
std::string RunEvent(const std::string& type, int second, int run,
                     const std::string& job, const std::string& input,
                     const std::string& output = "") {
  std::string event =
      "{\"eventType\":\"" + type +
      "\",\"eventTime\":\"2025-01-01T10:00:" + (second < 10 ? "0" : "") +
      std::to_string(second) +
      "Z\",\"producer\":\"p\",\"schemaURL\":\"s\",\"run\":{\"runId\":\"" +
      "00000000-0000-4000-8000-00000000000" + std::to_string(run) +
      "\"},\"job\":{\"namespace\":\"ns\",\"name\":\"" + job +
      "\"},\"inputs\":[{\"namespace\":\"db\",\"name\":\"" + input + "\"}]";
  if (!output.empty()) {
    event += ",\"outputs\":[{\"namespace\":\"db\",\"name\":\"" + output +
             "\",\"facets\":{\"schema\":{\"_producer\":\"p\",\"_schemaURL\":"
             "\"s\",\"fields\":[{\"name\":\"" +
             type + "\"}]}}}]";
  }
  return event + "}";
}

class SessionTest : public testing::StoreTest {
 protected:
  std::unique_ptr<Session> Start() {
    TypeIds types;
    types.run = store_->PutType(RunExecutionType()).value();
    types.job = store_->PutType(JobContextType()).value();
    types.dataset = store_->PutType(DatasetArtifactType()).value();
    auto session = Session::Start(store_.get(), {}, types);
    EXPECT_OK(session.status());
    return std::move(session).value();
  }

  // Applies `lines`; after each index in `write_after`, WritePending(),
  // and ForgetWritten() too if `forget`.
  void Apply(Session* session, const std::vector<std::string>& lines,
             const std::vector<size_t>& write_after = {}, bool forget = false) {
    for (size_t i = 0; i < lines.size(); ++i) {
      std::vector<IndexedEvent> events;
      std::vector<RejectedEvent> rejected;
      parser_.Parse(lines[i], "test", &events, &rejected);
      ASSERT_THAT(rejected, SizeIs(0)) << rejected[0].reason;
      ASSERT_THAT(events, SizeIs(1));
      ASSERT_OK(session->Apply(events[0].event));
      if (std::find(write_after.begin(), write_after.end(), i) !=
          write_after.end()) {
        ASSERT_OK(session->WritePending());
        if (forget) ASSERT_OK(session->ForgetWritten());
      }
    }
  }

  Artifact Dataset(const std::string& name) {
    auto a = store_->GetByTypeAndName<Artifact>(kDatasetType, "db:" + name);
    EXPECT_OK(a.status());
    return a.ok() ? *a : Artifact();
  }

  // Every node (its store-set times zeroed), event and context membership.
  struct Graph {
    std::vector<Artifact> artifacts;
    std::vector<Execution> executions;
    std::vector<Context> contexts;
    std::vector<lineagedb::Event> events;
    std::vector<std::vector<std::string>> contexts_of;  // Executions first.
    friend bool operator==(const Graph&, const Graph&) = default;
  };
  template <typename N>
  std::vector<N> AllOf() {
    auto page = store_->List<N>();
    EXPECT_OK(page.status());
    if (!page.ok()) return {};
    EXPECT_TRUE(page->next_page_token.empty());
    for (N& node : page->items)
      node.create_time_ms = node.last_update_time_ms = 0;
    return page->items;
  }
  Graph GraphOfStore() {
    Graph g;
    g.artifacts = AllOf<Artifact>();
    g.executions = AllOf<Execution>();
    g.contexts = AllOf<Context>();
    std::vector<int64_t> ids;
    for (const Execution& e : g.executions) {
      ids.push_back(e.id);
      g.contexts_of.push_back(
          ContextNames(store_->GetContextsOf<Execution>(e.id).value()));
    }
    for (const Artifact& a : g.artifacts) {
      g.contexts_of.push_back(
          ContextNames(store_->GetContextsOf<Artifact>(a.id).value()));
    }
    g.events = store_->GetEventsByExecutionIds(ids).value();
    return g;
  }

  std::vector<std::string> ContextNames(const std::vector<Context>& contexts) {
    std::vector<std::string> names;
    for (const Context& c : contexts) names.push_back(c.name);
    return names;
  }

  // Opens a fresh store in `dir` as store_; returns the store it replaces.
  std::unique_ptr<Store> SwapInFreshStore(const testing::TempDir& dir) {
    Options options;
    options.create_if_missing = true;
    auto fresh = Store::Open(options, dir.path() + "/store");
    EXPECT_OK(fresh.status());
    std::unique_ptr<Store> replaced = std::move(store_);
    if (fresh.ok()) store_ = std::move(fresh).value();
    return replaced;
  }

  DocumentParser parser_;
};

const std::vector<std::string> kLines = {
    RunEvent("START", 1, 1, "load", "raw", "clean"),
    RunEvent("COMPLETE", 2, 1, "load", "raw", "clean"),
    RunEvent("START", 3, 2, "train", "clean", "model"),
    RunEvent("COMPLETE", 4, 2, "train", "clean", "model"),
    RunEvent("START", 5, 3, "load", "raw", "clean2"),
};

TEST_F(SessionTest, WritingPendingRunsEarlierStoresTheSameGraph) {
  // All at Finish(), then the same events written after every event.
  auto session = Start();
  Apply(session.get(), kLines);
  ASSERT_OK(session->Finish());
  EXPECT_EQ(session->runs(), 3);
  EXPECT_EQ(session->jobs(), 2);
  EXPECT_EQ(session->datasets(), 4);
  EXPECT_EQ(session->edges(), 6);
  const Artifact clean = Dataset("clean");
  EXPECT_EQ(clean.properties.at(kPropEventTime).string_value(),
            "2025-01-01T10:00:04Z");
  EXPECT_EQ(
      clean.custom_properties.at("facet.schema").struct_value().json,
      R"({"_producer":"p","_schemaURL":"s","fields":[{"name":"COMPLETE"}]})");
  ASSERT_OK_AND_ASSIGN(std::vector<Context> of_clean,
                       store_->GetContextsOf<Artifact>(clean.id));
  EXPECT_THAT(ContextNames(of_clean), ElementsAre("ns/load", "ns/train"));

  testing::TempDir other_dir;
  std::unique_ptr<Store> other = SwapInFreshStore(other_dir);
  ASSERT_NE(store_, nullptr);
  auto stepwise = Start();
  Apply(stepwise.get(), kLines, {0, 1, 2, 3, 4});
  ASSERT_OK(stepwise->Finish());
  const Artifact clean2 = Dataset("clean");
  EXPECT_EQ(clean2.properties, clean.properties);
  EXPECT_EQ(clean2.custom_properties, clean.custom_properties);
  ASSERT_OK_AND_ASSIGN(of_clean, store_->GetContextsOf<Artifact>(clean2.id));
  EXPECT_THAT(ContextNames(of_clean), ElementsAre("ns/load", "ns/train"));
  std::swap(store_, other);
}

TEST_F(SessionTest, AgainInANewSessionWritesNothing) {
  auto session = Start();
  Apply(session.get(), kLines, {2});
  ASSERT_OK(session->Finish());
  const testing::Dump before = DumpStore();
  auto again = Start();
  Apply(again.get(), kLines, {1, 3});
  ASSERT_OK(again->Finish());
  EXPECT_EQ(again->edges(), 0);
  EXPECT_EQ(DumpStore(), before);
}

// Runs and datasets forgotten between their events are read back whole:
// the store and the counts are those of a session that forgets nothing.
TEST_F(SessionTest, ForgottenEntriesAreReadBackWhole) {
  const std::vector<std::string> lines = {
      RunEvent("START", 1, 1, "load", "raw", "clean"),
      RunEvent("START", 2, 2, "train", "clean", "model"),
      RunEvent("START", 3, 3, "load", "raw", "clean2"),
      // Run 1, and datasets raw and clean, forgotten by now.
      RunEvent("COMPLETE", 4, 1, "load", "raw", "clean"),
      RunEvent("COMPLETE", 5, 2, "train", "clean", "model"),
      RunEvent("START", 6, 1, "load", "raw", "clean"),
      RunEvent("COMPLETE", 7, 3, "load", "clean", "clean2"),
  };
  const std::vector<size_t> every = {0, 1, 2, 3, 4, 5, 6};
  auto keeping = Start();
  Apply(keeping.get(), lines, every);
  ASSERT_OK(keeping->Finish());
  const Graph kept = GraphOfStore();
  ASSERT_EQ(kept.executions.size(), 3);
  ASSERT_EQ(kept.events.size(), 7);

  testing::TempDir other_dir;
  std::unique_ptr<Store> other = SwapInFreshStore(other_dir);
  ASSERT_NE(store_, nullptr);
  auto forgetting = Start();
  Apply(forgetting.get(), {lines.begin(), lines.begin() + 3}, {0, 1, 2},
        /*forget=*/true);
  // Only what event 2 named is left: run 3, raw and clean2.
  EXPECT_EQ(forgetting->entries(), 3);
  Apply(forgetting.get(), {lines.begin() + 3, lines.end()}, {0, 1, 2, 3},
        /*forget=*/true);
  ASSERT_OK(forgetting->Finish());
  EXPECT_TRUE(GraphOfStore() == kept);
  std::swap(store_, other);
  EXPECT_EQ(forgetting->runs(), keeping->runs());
  EXPECT_EQ(forgetting->jobs(), keeping->jobs());
  EXPECT_EQ(forgetting->datasets(), keeping->datasets());
  EXPECT_EQ(forgetting->edges(), keeping->edges());
  EXPECT_EQ(keeping->runs(), 3);
  EXPECT_EQ(keeping->datasets(), 4);
  EXPECT_EQ(keeping->edges(), 7);
}

// A runId names one run of one job: an event naming it with another job is
// refused, whether the first job is in the session or only in the store.
TEST_F(SessionTest, ARunOfOneJobIsNotMergedIntoAnother) {
  for (const bool written : {false, true}) {
    SCOPED_TRACE(written);
    auto session = Start();
    Apply(session.get(), {RunEvent("START", 1, 7, "first", "a")});
    if (written) {
      ASSERT_OK(session->Finish());
      session = Start();
    }
    std::vector<IndexedEvent> events;
    std::vector<RejectedEvent> rejected;
    parser_.Parse(RunEvent("RUNNING", 2, 7, "second", "b"), "test", &events,
                  &rejected);
    ASSERT_THAT(events, SizeIs(1));
    for (Status s :
         {session->Check(events[0].event), session->Apply(events[0].event)}) {
      EXPECT_CODE(s, kInvalidArgument);
      EXPECT_THAT(s.message(),
                  HasSubstr("run 00000000-0000-4000-8000-000000000007 is a "
                            "run of job ns/first, not of ns/second"));
    }
    ASSERT_OK(session->Finish());
    ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                         store_->GetByExternalIds<Execution>(
                             {"00000000-0000-4000-8000-000000000007"}));
    ASSERT_THAT(runs, SizeIs(1));
    ASSERT_OK_AND_ASSIGN(std::vector<Context> of_run,
                         store_->GetContextsOf<Execution>(runs[0].id));
    EXPECT_THAT(ContextNames(of_run), ElementsAre("ns/first"));
    EXPECT_CODE(store_->GetByTypeAndName<Artifact>(kDatasetType, "db:b"),
                kNotFound);
  }
}

TEST_F(SessionTest, ARunIdOfAnotherTypeOfExecutionIsRejectedBeforeMerging) {
  // The runId of kLines[0].
  ASSERT_OK(testing::PutExecutionOfAnotherType(
      store_.get(), "00000000-0000-4000-8000-000000000001"));
  auto session = Start();
  std::vector<IndexedEvent> events;
  std::vector<RejectedEvent> rejected;
  parser_.Parse(kLines[0], "test", &events, &rejected);
  ASSERT_THAT(events, SizeIs(1));
  const Status s = session->Apply(events[0].event);
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_TRUE(IsInputError(s));
  EXPECT_EQ(session->runs(), 0);
  ASSERT_OK(session->Finish());
  EXPECT_CODE(store_->GetByTypeAndName<Artifact>(kDatasetType, "db:raw"),
              kNotFound);
}

}  // namespace
}  // namespace lineagedb::openlineage
