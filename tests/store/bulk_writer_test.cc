// Conformance tests of BulkWriter (bulk_writer.h): PutExecution's rules and
// results, batched commits, invisibility until commit, failed adds, dense
// ids, stats, the write lock, and durability across a reopen.
#include "lineagedb/bulk_writer.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::Dump;
using ::lineagedb::testing::Ev;
using ::lineagedb::testing::IdsOf;
using ::lineagedb::testing::OfContext;
using ::lineagedb::testing::Pair;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

BulkWriterOptions SmallBatches(size_t bytes) {
  BulkWriterOptions options;
  options.batch_bytes = bytes;
  return options;
}

class BulkWriterTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(AddTypes(store_.get()));
  }

  // Stores the types A (property p: int), E and C in `store`.
  void AddTypes(Store* store) {
    Type t;
    t.kind = NodeKind::kArtifact;
    t.name = "A";
    t.properties = {{"p", PropertyKind::kInt}};
    ASSERT_OK_AND_ASSIGN(artifact_type_, store->PutType(t));
    t.properties.clear();
    t.kind = NodeKind::kExecution;
    t.name = "E";
    ASSERT_OK_AND_ASSIGN(execution_type_, store->PutType(t));
    t.kind = NodeKind::kContext;
    t.name = "C";
    ASSERT_OK_AND_ASSIGN(context_type_, store->PutType(t));
  }

  Artifact A(const std::string& uri) {
    Artifact a;
    a.type_id = artifact_type_;
    a.uri = uri;
    return a;
  }
  Execution E(int i) {
    Execution e;
    e.type_id = execution_type_;
    e.name = absl::StrCat("e", i);
    e.last_known_state = ExecutionState::kComplete;
    return e;
  }
  Context C(const std::string& name, int64_t id = 0) {
    Context c;
    c.id = id;
    c.type_id = context_type_;
    c.name = name;
    return c;
  }

  // Execution i of a chain: reads `input` (an artifact id), writes a new
  // artifact; in the shared context `pipeline` and a new context "run-i".
  struct Step {
    Execution execution;
    std::vector<ArtifactAndEvent> pairs;
    std::vector<Context> contexts;
  };
  Step ChainStep(int i, int64_t input, int64_t pipeline) {
    return Step{E(i),
                {Pair(std::nullopt, Ev(EventType::kInput, input)),
                 Pair(A("out-" + std::to_string(i)), Ev(EventType::kOutput))},
                {C("pipeline", pipeline), C("run-" + std::to_string(i))}};
  }

  template <typename N>
  std::vector<N> All() {
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>({}, options);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<N>{};
  }

  // Checks that chain step i, written with result `r`, reads back whole.
  void ExpectChainStep(int i, int64_t input, int64_t pipeline,
                       const PutExecutionResult& r) {
    SCOPED_TRACE("step " + std::to_string(i));
    ASSERT_EQ(r.artifact_ids.size(), 2u);
    ASSERT_EQ(r.context_ids.size(), 2u);
    EXPECT_EQ(r.artifact_ids[0], input);
    EXPECT_EQ(r.context_ids[0], pipeline);
    ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                         store_->GetEventsByExecutionIds({r.execution_id}));
    Event in = Ev(EventType::kInput, input);
    in.execution_id = r.execution_id;
    Event out = Ev(EventType::kOutput, r.artifact_ids[1]);
    out.execution_id = r.execution_id;
    EXPECT_THAT(events, UnorderedElementsAre(in, out));
    ASSERT_OK_AND_ASSIGN(std::vector<Execution> e,
                         store_->GetByIds<Execution>({r.execution_id}));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].name, "e" + std::to_string(i));
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> a,
                         store_->GetByIds<Artifact>({r.artifact_ids[1]}));
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].uri, "out-" + std::to_string(i));
    ASSERT_OK_AND_ASSIGN(std::vector<Context> c,
                         store_->GetContextsOf<Execution>(r.execution_id));
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].id, pipeline);
    EXPECT_EQ(c[1].id, r.context_ids[1]);
    EXPECT_EQ(c[1].name, "run-" + std::to_string(i));
    // Both artifacts are attributed to the step's contexts, the input named
    // by its event only too (as MLMD); each output is the next step's input.
    for (int64_t artifact : {input, r.artifact_ids[1]}) {
      ASSERT_OK_AND_ASSIGN(c, store_->GetContextsOf<Artifact>(artifact));
      EXPECT_THAT(IdsOf(c), IsSupersetOf({pipeline, r.context_ids[1]}));
    }
  }

  int64_t artifact_type_ = 0;
  int64_t execution_type_ = 0;
  int64_t context_type_ = 0;
};

TEST_F(BulkWriterTest, ManyExecutionsInSeveralCommits) {
  constexpr int kCount = 2000;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> seed,
                       store_->Put(std::vector<Artifact>{A("seed")}));
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> pipeline,
                       store_->Put(std::vector<Context>{C("pipeline")}));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get(), SmallBatches(4096)));
  std::vector<PutExecutionResult> results;
  int64_t input = seed[0];
  for (int i = 0; i < kCount; ++i) {
    Step s = ChainStep(i, input, pipeline[0]);
    ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                         writer->Add(s.execution, s.pairs, s.contexts));
    input = r.artifact_ids[1];
    results.push_back(r);
  }
  ASSERT_OK(writer->Close());
  const BulkWriterStats stats = writer->stats();
  EXPECT_EQ(stats.executions, static_cast<uint64_t>(kCount));
  EXPECT_EQ(stats.artifacts, static_cast<uint64_t>(kCount));
  EXPECT_EQ(stats.events, static_cast<uint64_t>(2 * kCount));
  EXPECT_GT(stats.commits, 10u);
  EXPECT_GT(stats.keys, static_cast<uint64_t>(6 * kCount));

  // Dense ids, in Add order.
  for (int i = 1; i < kCount; ++i) {
    EXPECT_EQ(results[i].execution_id, results[i - 1].execution_id + 1);
    EXPECT_EQ(results[i].artifact_ids[1], results[i - 1].artifact_ids[1] + 1);
    EXPECT_EQ(results[i].context_ids[1], results[i - 1].context_ids[1] + 1);
  }
  EXPECT_EQ(results[0].artifact_ids[1], seed[0] + 1);
  EXPECT_EQ(results[0].context_ids[1], pipeline[0] + 1);

  EXPECT_EQ(All<Execution>().size(), static_cast<size_t>(kCount));
  EXPECT_EQ(All<Artifact>().size(), static_cast<size_t>(kCount + 1));
  EXPECT_EQ(All<Context>().size(), static_cast<size_t>(kCount + 1));
  std::vector<int64_t> execution_ids;
  for (const PutExecutionResult& r : results) {
    execution_ids.push_back(r.execution_id);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                       store_->GetEventsByExecutionIds(execution_ids));
  EXPECT_EQ(events.size(), static_cast<size_t>(2 * kCount));
  NodeQuery in_pipeline;
  in_pipeline.context_id = pipeline[0];
  ListOptions all;
  all.max_result_size = 10000;
  ASSERT_OK_AND_ASSIGN(Page<Execution> page,
                       store_->List<Execution>(in_pipeline, all));
  EXPECT_EQ(page.items.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; i += 97) {
    ExpectChainStep(i, i == 0 ? seed[0] : results[i - 1].artifact_ids[1],
                    pipeline[0], results[i]);
  }
  ExpectChainStep(kCount - 1, results[kCount - 2].artifact_ids[1], pipeline[0],
                  results[kCount - 1]);
}

// The same steps through PutExecution and through a BulkWriter read back the
// same in two stores.
TEST_F(BulkWriterTest, StoresWhatPutExecutionStores) {
  constexpr int kCount = 150;
  testing::TempDir other_dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> other,
                       Store::Open(Options(), other_dir.path() + "/store"));
  const int64_t types[] = {artifact_type_, execution_type_, context_type_};
  ASSERT_NO_FATAL_FAILURE(AddTypes(other.get()));
  ASSERT_EQ(artifact_type_, types[0]);
  ASSERT_EQ(execution_type_, types[1]);
  ASSERT_EQ(context_type_, types[2]);
  for (Store* s : {store_.get(), other.get()}) {
    ASSERT_OK(s->Put(std::vector<Artifact>{A("seed")}).status());
    ASSERT_OK(s->Put(std::vector<Context>{C("pipeline")}).status());
  }
  const int64_t seed = All<Artifact>()[0].id;
  const int64_t pipeline = All<Context>()[0].id;
  std::vector<PutExecutionResult> bulk, single;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                         NewBulkWriter(store_.get(), SmallBatches(2048)));
    int64_t input = seed;
    for (int i = 0; i < kCount; ++i) {
      Step s = ChainStep(i, input, pipeline);
      ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                           writer->Add(s.execution, s.pairs, s.contexts));
      input = r.artifact_ids[1];
      bulk.push_back(r);
    }
    ASSERT_OK(writer->Close());
  }
  int64_t input = seed;
  for (int i = 0; i < kCount; ++i) {
    Step s = ChainStep(i, input, pipeline);
    ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                         other->PutExecution(s.execution, s.pairs, s.contexts));
    input = r.artifact_ids[1];
    single.push_back(r);
  }
  for (int i = 0; i < kCount; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    EXPECT_EQ(bulk[i].execution_id, single[i].execution_id);
    EXPECT_EQ(bulk[i].artifact_ids, single[i].artifact_ids);
    EXPECT_EQ(bulk[i].context_ids, single[i].context_ids);
    const std::vector<int64_t> e = {bulk[i].execution_id};
    EXPECT_EQ(*store_->GetEventsByExecutionIds(e),
              *other->GetEventsByExecutionIds(e));
    const std::vector<int64_t> a = {bulk[i].artifact_ids[1]};
    EXPECT_EQ(*store_->GetEventsByArtifactIds(a),
              *other->GetEventsByArtifactIds(a));
    EXPECT_EQ(store_->GetByIds<Artifact>(a)->at(0).uri,
              other->GetByIds<Artifact>(a)->at(0).uri);
    auto bulk_contexts = *store_->GetContextsOf<Artifact>(a[0]);
    auto single_contexts = *other->GetContextsOf<Artifact>(a[0]);
    ASSERT_EQ(bulk_contexts.size(), single_contexts.size());
    for (size_t j = 0; j < bulk_contexts.size(); ++j) {
      EXPECT_EQ(bulk_contexts[j].id, single_contexts[j].id);
      EXPECT_EQ(bulk_contexts[j].name, single_contexts[j].name);
    }
    EXPECT_EQ(store_->GetContextsOf<Execution>(e[0])->size(), 2u);
  }
}

// With one-byte batches every Add hands its batch to the background
// writer, so each Add validates against what the previous one wrote while
// that batch may still be in flight: reuse of a context by (type, name) and
// of an artifact by external id, inputs by id, and duplicate names.
TEST_F(BulkWriterTest, EachAddSeesTheBatchInFlight) {
  constexpr int kCount = 300;
  BulkWriterOptions options = SmallBatches(1);
  options.put_options.reuse_context_if_already_exist = true;
  options.put_options.reuse_artifact_if_already_exist_by_external_id = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get(), options));
  std::vector<int64_t> outputs;
  int64_t shared = 0;
  for (int i = 0; i < kCount; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    Artifact out = A("out-" + std::to_string(i));
    out.external_id = "ext-" + std::to_string(i);
    std::vector<ArtifactAndEvent> pairs = {Pair(out, Ev(EventType::kOutput))};
    if (i > 0) {
      Artifact previous = A("ignored");
      previous.external_id = "ext-" + std::to_string(i - 1);
      pairs.push_back(Pair(previous, Ev(EventType::kInput)));
    }
    if (i > 1) {
      pairs.push_back(Pair(std::nullopt, Ev(EventType::kInput, outputs[0])));
    }
    ASSERT_OK_AND_ASSIGN(
        PutExecutionResult r,
        writer->Add(E(i), pairs,
                    {C("shared"), C("run-" + std::to_string(i / 2))}));
    if (i == 0) shared = r.context_ids[0];
    EXPECT_EQ(r.context_ids[0], shared);
    if (i > 0) {
      EXPECT_EQ(r.artifact_ids[1], outputs.back());
    }
    outputs.push_back(r.artifact_ids[0]);
    // A new execution named like the previous one is refused, and the
    // refusal changes nothing.
    if (i > 0) {
      EXPECT_CODE(writer->Add(E(i - 1), {}, {}), kAlreadyExists);
    }
  }
  ASSERT_OK(writer->Close());
  EXPECT_GT(writer->stats().commits, static_cast<uint64_t>(kCount / 2));
  EXPECT_EQ(All<Artifact>().size(), static_cast<size_t>(kCount));
  EXPECT_EQ(All<Execution>().size(), static_cast<size_t>(kCount));
  EXPECT_EQ(All<Context>().size(), static_cast<size_t>(1 + kCount / 2));
  ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                       store_->GetEventsByArtifactIds({outputs[0]}));
  // Its OUTPUT, the INPUT of step 1 (by external id), those of 2.. (by id).
  EXPECT_EQ(events.size(), static_cast<size_t>(kCount));
}

TEST_F(BulkWriterTest, NothingIsVisibleBeforeACommit) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> seed,
                       store_->Put(std::vector<Artifact>{A("seed")}));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  std::vector<PutExecutionResult> results;
  for (int i = 0; i < 10; ++i) {
    Step s = ChainStep(i, seed[0], 0);
    s.contexts.erase(s.contexts.begin());
    ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                         writer->Add(s.execution, s.pairs, s.contexts));
    results.push_back(r);
  }
  // Reads from the owning thread work and see none of it.
  EXPECT_THAT(All<Execution>(), IsEmpty());
  EXPECT_THAT(All<Context>(), IsEmpty());
  EXPECT_EQ(All<Artifact>().size(), 1u);
  ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                       store_->GetEventsByArtifactIds({seed[0]}));
  EXPECT_THAT(events, IsEmpty());
  std::thread reader([&] { EXPECT_THAT(All<Execution>(), IsEmpty()); });
  reader.join();

  ASSERT_OK(writer->Flush());
  EXPECT_EQ(All<Execution>().size(), 10u);
  ASSERT_OK_AND_ASSIGN(events, store_->GetEventsByArtifactIds({seed[0]}));
  EXPECT_EQ(events.size(), 10u);
  ASSERT_OK_AND_ASSIGN(std::vector<Context> c, store_->GetContextsOf<Execution>(
                                                   results[9].execution_id));
  EXPECT_EQ(c.size(), 1u);
  ASSERT_OK(writer->Close());
}

TEST_F(BulkWriterTest, WritesFromTheOwningThreadAreFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  EXPECT_CODE(store_->Put(std::vector<Artifact>{A("x")}), kFailedPrecondition);
  EXPECT_CODE(store_->PutExecution(E(0), {}, {}), kFailedPrecondition);
  EXPECT_CODE(NewBulkWriter(store_.get()), kFailedPrecondition);
  ASSERT_OK(writer->Close());
  // Closed: the lock is released.
  EXPECT_OK(store_->Put(std::vector<Artifact>{A("x")}).status());
  writer.reset();
  ASSERT_OK_AND_ASSIGN(writer, NewBulkWriter(store_.get()));
  EXPECT_OK(writer->Add(E(1), {}, {}).status());
}

TEST_F(BulkWriterTest, WritesFromOtherThreadsWaitForClose) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  ASSERT_OK_AND_ASSIGN(PutExecutionResult added, writer->Add(E(0), {}, {}));
  std::atomic<bool> done{false};
  int64_t other_id = 0;
  std::thread other([&] {
    auto r = store_->PutExecution(E(1), {}, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) other_id = r->execution_id;
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_FALSE(done.load());
  ASSERT_OK(writer->Close());
  other.join();
  EXPECT_TRUE(done.load());
  EXPECT_EQ(other_id, added.execution_id + 1);
}

// Closed (or destroyed) on another thread than the one that made it, the
// writer releases the store's write lock all the same (ThreadSanitizer,
// which CI runs on these tests, checks who releases it).
TEST_F(BulkWriterTest, ClosedOnAnotherThreadItReleasesTheStore) {
  int next = 0;
  for (bool destroy : {false, true}) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                         NewBulkWriter(store_.get()));
    ASSERT_OK(writer->Add(E(next++), {}, {}).status());
    std::thread([&] {
      if (destroy) {
        writer.reset();
      } else {
        EXPECT_OK(writer->Close());
      }
    }).join();
    EXPECT_OK(store_->PutExecution(E(next++), {}, {}).status());
    std::thread([&] {
      EXPECT_OK(store_->PutExecution(E(next++), {}, {}).status());
    }).join();
  }
  EXPECT_EQ(All<Execution>().size(), 6u);
}

TEST_F(BulkWriterTest, FailedAddChangesNothing) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(
        PutExecutionResult r,
        writer->Add(E(i), {Pair(A("a"), Ev(EventType::kOutput))},
                    {C("c" + std::to_string(i))}));
    ids.push_back(r.execution_id);
  }
  Artifact undeclared = A("bad");
  undeclared.properties["nope"] = 1;
  EXPECT_CODE(
      writer->Add(E(3), {Pair(undeclared, Ev(EventType::kOutput))}, {C("x")}),
      kInvalidArgument);
  // A context added earlier in the same uncommitted batch is taken too.
  EXPECT_CODE(writer->Add(E(3), {Pair(A("a"), Ev(EventType::kOutput))},
                          {C("y"), C("c1")}),
              kAlreadyExists);
  // So is the execution's (type, name), and the error names the earlier
  // add's execution, which the writer stores.
  const Status taken = writer->Add(E(2), {}, {}).status();
  EXPECT_CODE(taken, kAlreadyExists);
  EXPECT_THAT(std::string(taken.message()),
              HasSubstr("already exists (id " + std::to_string(ids[2]) + ")"));
  for (int i = 3; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(
        PutExecutionResult r,
        writer->Add(E(i), {Pair(A("a"), Ev(EventType::kOutput))},
                    {C("c" + std::to_string(i))}));
    ids.push_back(r.execution_id);
  }
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(ids[i], ids[i - 1] + 1);
  EXPECT_EQ(writer->stats().executions, 5u);
  EXPECT_EQ(writer->stats().artifacts, 5u);
  EXPECT_EQ(writer->stats().events, 5u);
  ASSERT_OK(writer->Close());
  EXPECT_EQ(writer->stats().commits, 1u);

  std::vector<int64_t> stored;
  for (const Execution& e : All<Execution>()) stored.push_back(e.id);
  EXPECT_EQ(stored, ids);
  EXPECT_EQ(All<Artifact>().size(), 5u);
  std::vector<std::string> names;
  for (const Context& c : All<Context>()) names.push_back(c.name);
  EXPECT_THAT(names, ElementsAre("c0", "c1", "c2", "c3", "c4"));
}

// The writer keeps the committed name and external-id entries it has read;
// an update that moves an external id, and a failed add that inserted a
// name, must leave none of them stale.
TEST_F(BulkWriterTest, MovedExternalIdsAndRolledBackNamesAreFree) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  Artifact a = A("a");
  a.external_id = "x";
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult first,
      writer->Add(E(0), {Pair(a, Ev(EventType::kOutput))}, {}));
  ASSERT_OK(writer->Flush());
  Artifact b = A("b");
  b.external_id = "x";
  EXPECT_CODE(writer->Add(E(1), {Pair(b, Ev(EventType::kOutput))}, {}),
              kAlreadyExists);
  Artifact moved = a;
  moved.id = first.artifact_ids[0];
  moved.external_id = "y";
  ASSERT_OK(
      writer->Add(E(2), {Pair(moved, Ev(EventType::kInput))}, {}).status());
  ASSERT_OK(writer->Flush());
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult third,
      writer->Add(E(3), {Pair(b, Ev(EventType::kOutput))}, {}));
  Artifact c = A("c");
  c.external_id = "y";
  EXPECT_CODE(writer->Add(E(4), {Pair(c, Ev(EventType::kOutput))}, {}),
              kAlreadyExists);

  // "z" is inserted, then the add fails on an unknown context id.
  EXPECT_FALSE(writer->Add(E(5), {}, {C("z"), C("w", 999999)}).ok());
  ASSERT_OK(writer->Flush());
  ASSERT_OK_AND_ASSIGN(PutExecutionResult sixth,
                       writer->Add(E(6), {}, {C("z")}));
  ASSERT_OK(writer->Close());

  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> by_x,
                       store_->GetByExternalIds<Artifact>({"x"}));
  ASSERT_EQ(by_x.size(), 1u);
  EXPECT_EQ(by_x[0].id, third.artifact_ids[0]);
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> by_y,
                       store_->GetByExternalIds<Artifact>({"y"}));
  ASSERT_EQ(by_y.size(), 1u);
  EXPECT_EQ(by_y[0].id, first.artifact_ids[0]);
  std::vector<std::string> names;
  for (const Context& c : All<Context>()) names.push_back(c.name);
  EXPECT_THAT(names, ElementsAre("z"));
  EXPECT_EQ(sixth.context_ids.size(), 1u);
}

// A failed add that changed what an earlier add of the same batch staged
// (an update of its artifact) leaves that earlier change as it was.
TEST_F(BulkWriterTest, FailedAddRestoresEarlierChangesOfTheBatch) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  Artifact a = A("a");
  a.external_id = "p";
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult first,
      writer->Add(E(0), {Pair(a, Ev(EventType::kOutput))}, {}));
  Artifact moved = a;
  moved.id = first.artifact_ids[0];
  moved.external_id = "q";
  moved.uri = "moved";
  EXPECT_CODE(writer->Add(E(1),
                          {Pair(moved, Ev(EventType::kInput)),
                           Pair(std::nullopt, Ev(EventType::kInput, 999999))},
                          {}),
              kInvalidArgument);
  Artifact p = A("other");
  p.external_id = "p";
  EXPECT_CODE(writer->Add(E(2), {Pair(p, Ev(EventType::kOutput))}, {}),
              kAlreadyExists);
  Artifact q = A("other");
  q.external_id = "q";
  ASSERT_OK(writer->Add(E(3), {Pair(q, Ev(EventType::kOutput))}, {}).status());
  ASSERT_OK(writer->Close());
  EXPECT_EQ(writer->stats().commits, 1u);

  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> stored,
                       store_->GetByIds<Artifact>({first.artifact_ids[0]}));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].external_id, "p");
  EXPECT_EQ(stored[0].uri, "a");
}

TEST_F(BulkWriterTest, AddAfterCloseIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  ASSERT_OK(writer->Add(E(0), {}, {}).status());
  ASSERT_OK(writer->Close());
  EXPECT_CODE(writer->Add(E(1), {}, {}), kFailedPrecondition);
  EXPECT_EQ(writer->stats().executions, 1u);
  EXPECT_EQ(All<Execution>().size(), 1u);
}

TEST_F(BulkWriterTest, ReuseOptionsApplyToEveryAdd) {
  BulkWriterOptions options;
  options.put_options.reuse_context_if_already_exist = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get(), options));
  ASSERT_OK_AND_ASSIGN(PutExecutionResult first,
                       writer->Add(E(0), {}, {C("shared")}));
  ASSERT_OK_AND_ASSIGN(PutExecutionResult second,
                       writer->Add(E(1), {}, {C("shared")}));
  EXPECT_EQ(first.context_ids, second.context_ids);
  ASSERT_OK(writer->Close());
  NodeQuery q;
  q.context_id = first.context_ids[0];
  ASSERT_OK_AND_ASSIGN(Page<Execution> page, store_->List<Execution>(q));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, first.execution_id);
  EXPECT_EQ(page.items[1].id, second.execution_id);
}

// AddNewNodes (store/known_new.h): nodes vouched new are stored as Add
// stores them, and a pair not vouched for still finds the node an earlier
// pair of the call inserted.
TEST_F(BulkWriterTest, NodesVouchedNewAreStoredAsAddStoresThem) {
  auto step = [this](int i) {
    Execution e = E(i);
    e.external_id = "run-" + std::to_string(i);
    Artifact out = A("out-" + std::to_string(i));
    out.name = "out-" + std::to_string(i);
    out.external_id = "ext-out-" + std::to_string(i);
    Artifact again;  // The same artifact, by external id.
    again.type_id = artifact_type_;
    again.external_id = out.external_id;
    return Step{
        e,
        {Pair(out, Ev(EventType::kOutput)), Pair(again, Ev(EventType::kInput))},
        {C("pipeline")}};
  };
  BulkWriterOptions options;
  options.put_options.reuse_artifact_if_already_exist_by_external_id = true;
  options.put_options.reuse_context_if_already_exist = true;
  NewNodes known_new;
  known_new.execution = true;
  known_new.artifacts = {true, false};
  std::vector<PutExecutionResult> vouched, plain;
  for (bool vouch : {true, false}) {
    testing::TempDir dir;
    std::unique_ptr<Store> plain_store;
    Store* store = store_.get();
    if (!vouch) {
      ASSERT_OK_AND_ASSIGN(plain_store,
                           Store::Open(Options(), dir.path() + "/store"));
      ASSERT_NO_FATAL_FAILURE(AddTypes(plain_store.get()));
      store = plain_store.get();
    }
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                         NewBulkWriter(store, options));
    for (int i = 0; i < 3; ++i) {
      Step s = step(i);
      ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                           vouch
                               ? AddNewNodes(writer.get(), s.execution, s.pairs,
                                             s.contexts, known_new)
                               : writer->Add(s.execution, s.pairs, s.contexts));
      (vouch ? vouched : plain).push_back(r);
    }
    ASSERT_OK(writer->Close());
  }
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(vouched[i].execution_id, plain[i].execution_id);
    EXPECT_EQ(vouched[i].artifact_ids, plain[i].artifact_ids);
    EXPECT_EQ(vouched[i].artifact_ids[0], vouched[i].artifact_ids[1]);
    EXPECT_EQ(vouched[i].context_ids, plain[i].context_ids);
    const std::string n = std::to_string(i);
    ASSERT_OK_AND_ASSIGN(Artifact by_name,
                         store_->GetByTypeAndName<Artifact>("A", "out-" + n));
    EXPECT_EQ(by_name.id, vouched[i].artifact_ids[0]);
    ASSERT_OK_AND_ASSIGN(std::vector<Execution> runs,
                         store_->GetByExternalIds<Execution>({"run-" + n}));
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].id, vouched[i].execution_id);
    ASSERT_OK_AND_ASSIGN(std::vector<Event> events,
                         store_->GetEventsByExecutionIds({runs[0].id}));
    EXPECT_EQ(events.size(), 2u);
  }
}

// A vouch is taken on trust: the lookups Add makes are skipped, so a name
// Add refuses as taken goes through (the caller's promise is the check).
TEST_F(BulkWriterTest, AVouchIsTakenOnTrust) {
  Artifact taken = A("first");
  taken.name = "taken";
  ASSERT_OK(store_->Put(std::vector<Artifact>{taken}).status());
  Artifact again = A("second");
  again.name = "taken";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get()));
  EXPECT_CODE(writer->Add(E(0), {Pair(again, std::nullopt)}, {}),
              kAlreadyExists);
  NewNodes known_new;
  known_new.artifacts = {true};
  EXPECT_OK(AddNewNodes(writer.get(), E(1), {Pair(again, std::nullopt)}, {},
                        known_new)
                .status());
  ASSERT_OK(writer->Close());
}

// While a writer lives the store's memtables have its write_buffer_bytes
// when that is larger; Close, or destroying the writer, restores the
// store's size.
TEST_F(BulkWriterTest, RaisesTheMemtableSizeWhileItLives) {
  storage::Kv* kv = store_->impl()->kv();
  const uint64_t base = options_.write_buffer_bytes;
  ASSERT_EQ(kv->WriteBufferBytes(), base);
  BulkWriterOptions options;
  options.write_buffer_bytes = base * 4;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                         NewBulkWriter(store_.get(), options));
    EXPECT_EQ(kv->WriteBufferBytes(), base * 4);
    ASSERT_OK(writer->Add(E(0), {}, {}).status());
    ASSERT_OK(writer->Close());
    EXPECT_EQ(kv->WriteBufferBytes(), base);
  }
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                         NewBulkWriter(store_.get(), options));
    EXPECT_EQ(kv->WriteBufferBytes(), base * 4);
  }  // Destroyed without Close().
  EXPECT_EQ(kv->WriteBufferBytes(), base);
  options.write_buffer_bytes = base / 2;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                       NewBulkWriter(store_.get(), options));
  EXPECT_EQ(kv->WriteBufferBytes(), base);
  ASSERT_OK(writer->Close());
  EXPECT_EQ(All<Execution>().size(), 1u);
}

TEST_F(BulkWriterTest, FlushedExecutionsSurviveAReopen) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> seed,
                       store_->Put(std::vector<Artifact>{A("seed")}));
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> pipeline,
                       store_->Put(std::vector<Context>{C("pipeline")}));
  std::vector<PutExecutionResult> results;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkWriter> writer,
                         NewBulkWriter(store_.get()));
    int64_t input = seed[0];
    for (int i = 0; i < 100; ++i) {
      Step s = ChainStep(i, input, pipeline[0]);
      ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                           writer->Add(s.execution, s.pairs, s.contexts));
      input = r.artifact_ids[1];
      results.push_back(r);
    }
    ASSERT_OK(writer->Flush());
    EXPECT_EQ(writer->stats().commits, 1u);
  }  // The destructor closes.
  Reopen();
  EXPECT_EQ(All<Execution>().size(), 100u);
  for (int i = 0; i < 100; i += 9) {
    ExpectChainStep(i, i == 0 ? seed[0] : results[i - 1].artifact_ids[1],
                    pipeline[0], results[i]);
  }
  // Ids continue after the bulk ones.
  ASSERT_OK_AND_ASSIGN(PutExecutionResult next,
                       store_->PutExecution(E(1000), {}, {}));
  EXPECT_EQ(next.execution_id, results.back().execution_id + 1);
}

}  // namespace
}  // namespace lineagedb
