// Tests of the ingestion session (openlineage/session.h): its deferred writes,
// and its lookups of nodes by name and runId, whose refusals it undoes.
#include "openlineage/session.h"

#include <simdjson.h>

// simdjson's classes change layout with SIMDJSON_THREADS_ENABLED, which its
// CMake target defines; a file built without it breaks the engine's parser.
#ifndef SIMDJSON_THREADS_ENABLED
#error "link this test with simdjson::simdjson"
#endif

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/document.h"
#include "openlineage/mapping.h"
#include "tests/openlineage/ingest_fixture.h"
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

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

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

}  // namespace
}  // namespace lineagedb
