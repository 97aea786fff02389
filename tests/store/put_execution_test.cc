// Conformance tests of PutExecution (DOMAIN.md section 1, "Atomic writes"):
// upserts, events filled in from the pair and the execution, context links,
// reuse options, and all-or-nothing failure down to the stored bytes.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class PutExecutionTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(
        const testing::NodeTypes types,
        testing::PutNodeTypes(store_.get(), {.artifact_properties = {
                                                 {"p", PropertyKind::kInt}}}));
    artifact_type_ = types.artifact;
    execution_type_ = types.execution;
    context_type_ = types.context;
  }

  Artifact A(const std::string& uri, const std::string& external_id = "") {
    Artifact a;
    a.type_id = artifact_type_;
    a.uri = uri;
    a.external_id = external_id;
    return a;
  }
  Execution E(ExecutionState state = ExecutionState::kRunning) {
    Execution e;
    e.type_id = execution_type_;
    e.last_known_state = state;
    return e;
  }
  Context C(const std::string& name) {
    Context c;
    c.type_id = context_type_;
    c.name = name;
    return c;
  }

  template <typename N>
  StatusOr<N> Get(int64_t id) {
    auto got = store_->GetByIds<N>({id});
    if (!got.ok()) return got.status();
    if (got->size() != 1) return absl::NotFoundError("no node");
    return (*got)[0];
  }

  template <typename N>
  std::vector<N> All() {
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>({}, options);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<N>{};
  }

  std::vector<Event> EventsOf(int64_t execution_id) {
    auto got = store_->GetEventsByExecutionIds({execution_id});
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<Event>{};
  }

  template <typename N>
  std::vector<int64_t> ContextIdsOf(int64_t id) {
    auto got = store_->GetContextsOf<N>(id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? IdsOf(*got) : std::vector<int64_t>{};
  }

  template <typename N>
  std::vector<int64_t> IdsInContext(int64_t context_id) {
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>(OfContext(context_id), options);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? IdsOf(page->items) : std::vector<int64_t>{};
  }

  int64_t artifact_type_ = 0;
  int64_t execution_type_ = 0;
  int64_t context_type_ = 0;
};

TEST_F(PutExecutionTest, WithoutPairsOrContexts) {
  ASSERT_OK_AND_ASSIGN(PutExecutionResult r, store_->PutExecution(E(), {}, {}));
  EXPECT_GT(r.execution_id, 0);
  EXPECT_THAT(r.artifact_ids, IsEmpty());
  EXPECT_THAT(r.context_ids, IsEmpty());
  ASSERT_OK_AND_ASSIGN(Execution got, Get<Execution>(r.execution_id));
  EXPECT_EQ(got.last_known_state, ExecutionState::kRunning);
  EXPECT_EQ(got.type, "E");
  EXPECT_THAT(EventsOf(r.execution_id), IsEmpty());
  EXPECT_THAT(All<Artifact>(), IsEmpty());
}

TEST_F(PutExecutionTest, ArtifactWithoutEvent) {
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult r,
      store_->PutExecution(E(), {Pair(A("s3://x"), std::nullopt)}, {}));
  ASSERT_EQ(r.artifact_ids.size(), 1u);
  EXPECT_GT(r.artifact_ids[0], 0);
  ASSERT_OK_AND_ASSIGN(Artifact got, Get<Artifact>(r.artifact_ids[0]));
  EXPECT_EQ(got.uri, "s3://x");
  EXPECT_THAT(EventsOf(r.execution_id), IsEmpty());
}

TEST_F(PutExecutionTest, ExistingAndNewArtifactsWithFilledInEvents) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       store_->Put(std::vector<Artifact>{A("s3://old")}));
  Artifact existing = A("s3://old-updated");
  existing.id = ids[0];
  existing.properties["p"] = 7;
  Event in = Ev(EventType::kInput);
  in.path = {PathStep{std::string("examples")}, PathStep{int64_t{0}}};
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult r,
      store_->PutExecution(
          E(),
          {Pair(existing, in), Pair(A("s3://new"), Ev(EventType::kOutput))},
          {}));
  ASSERT_EQ(r.artifact_ids.size(), 2u);
  EXPECT_EQ(r.artifact_ids[0], existing.id);
  EXPECT_GT(r.artifact_ids[1], existing.id);
  ASSERT_OK_AND_ASSIGN(Artifact got, Get<Artifact>(existing.id));
  EXPECT_EQ(got.uri, "s3://old-updated");
  EXPECT_EQ(got.properties.at("p"), Value(7));
  EXPECT_EQ(All<Artifact>().size(), 2u);

  Event want_in = in;
  want_in.artifact_id = existing.id;
  want_in.execution_id = r.execution_id;
  EXPECT_THAT(
      EventsOf(r.execution_id),
      UnorderedElementsAre(
          want_in, Ev(EventType::kOutput, r.artifact_ids[1], r.execution_id)));
  ASSERT_OK_AND_ASSIGN(std::vector<Event> of_new,
                       store_->GetEventsByArtifactIds({r.artifact_ids[1]}));
  EXPECT_THAT(of_new, ElementsAre(Ev(EventType::kOutput, r.artifact_ids[1],
                                     r.execution_id)));
}

TEST_F(PutExecutionTest, EventWithoutArtifactNamesItsArtifact) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       store_->Put(std::vector<Artifact>{A("s3://a")}));
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult r,
      store_->PutExecution(
          E(), {Pair(std::nullopt, Ev(EventType::kInput, ids[0]))}, {}));
  EXPECT_THAT(r.artifact_ids, ElementsAre(ids[0]));
  EXPECT_THAT(EventsOf(r.execution_id),
              ElementsAre(Ev(EventType::kInput, ids[0], r.execution_id)));
  // Without an artifact the event must name an existing one.
  EXPECT_CODE(
      store_->PutExecution(
          E(), {Pair(std::nullopt, Ev(EventType::kInput, ids[0] + 9))}, {}),
      kInvalidArgument);
  EXPECT_EQ(All<Execution>().size(), 1u);
}

TEST_F(PutExecutionTest, EveryContextIsLinkedToEveryArtifactAndTheExecution) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> old_ctx,
                       store_->Put(std::vector<Context>{C("pipeline")}));
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> old_art,
                       store_->Put(std::vector<Artifact>{A("s3://in")}));
  Context existing = C("pipeline");
  existing.id = old_ctx[0];
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult r,
      store_->PutExecution(
          E(),
          {Pair(std::nullopt, Ev(EventType::kInput, old_art[0])),
           Pair(A("s3://out1"), Ev(EventType::kOutput)),
           Pair(A("s3://out2"), std::nullopt)},
          {C("run-1"), existing}));
  ASSERT_EQ(r.context_ids.size(), 2u);
  EXPECT_EQ(r.context_ids[1], existing.id);
  const int64_t run = r.context_ids[0];
  EXPECT_GT(run, existing.id);
  ASSERT_OK_AND_ASSIGN(Context got, Get<Context>(run));
  EXPECT_EQ(got.name, "run-1");
  EXPECT_EQ(All<Context>().size(), 2u);

  EXPECT_THAT(ContextIdsOf<Execution>(r.execution_id),
              ElementsAre(existing.id, run));
  EXPECT_THAT(ContextIdsOf<Artifact>(r.artifact_ids[1]),
              ElementsAre(existing.id, run));
  EXPECT_THAT(ContextIdsOf<Artifact>(r.artifact_ids[2]),
              ElementsAre(existing.id, run));
  // As MLMD: an artifact named only by its event is attributed too.
  EXPECT_EQ(r.artifact_ids[0], old_art[0]);
  EXPECT_THAT(ContextIdsOf<Artifact>(old_art[0]),
              ElementsAre(existing.id, run));
  EXPECT_THAT(IdsInContext<Artifact>(run),
              ElementsAre(old_art[0], r.artifact_ids[1], r.artifact_ids[2]));
  EXPECT_THAT(IdsInContext<Execution>(run), ElementsAre(r.execution_id));
  EXPECT_THAT(IdsInContext<Execution>(existing.id),
              ElementsAre(r.execution_id));
}

TEST_F(PutExecutionTest, SameNewContextTwiceNeedsTheReuseOption) {
  ASSERT_OK_AND_ASSIGN(PutExecutionResult first,
                       store_->PutExecution(E(), {}, {C("run")}));
  ASSERT_EQ(first.context_ids.size(), 1u);
  const Dump before = DumpStore();
  EXPECT_CODE(
      store_->PutExecution(E(), {Pair(A("s3://a"), Ev(EventType::kOutput))},
                           {C("other"), C("run")}),
      kAlreadyExists);
  EXPECT_EQ(DumpStore(), before);
  EXPECT_EQ(All<Execution>().size(), 1u);
  EXPECT_THAT(All<Artifact>(), IsEmpty());
  EXPECT_EQ(All<Context>().size(), 1u);

  PutExecutionOptions reuse;
  reuse.reuse_context_if_already_exist = true;
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult second,
      store_->PutExecution(E(), {Pair(A("s3://a"), Ev(EventType::kOutput))},
                           {C("run")}, reuse));
  EXPECT_NE(DumpStore(), before);
  EXPECT_THAT(second.context_ids, ElementsAre(first.context_ids[0]));
  EXPECT_EQ(All<Context>().size(), 1u);
  EXPECT_THAT(IdsInContext<Execution>(first.context_ids[0]),
              ElementsAre(first.execution_id, second.execution_id));
  EXPECT_THAT(IdsInContext<Artifact>(first.context_ids[0]),
              ElementsAre(second.artifact_ids[0]));
}

TEST_F(PutExecutionTest, ReuseArtifactByExternalId) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<int64_t> ids,
      store_->Put(std::vector<Artifact>{A("s3://stored", "ext-1")}));
  EXPECT_CODE(
      store_->PutExecution(
          E(), {Pair(A("s3://given", "ext-1"), Ev(EventType::kInput))}, {}),
      kAlreadyExists);
  EXPECT_THAT(All<Execution>(), IsEmpty());

  PutExecutionOptions reuse;
  reuse.reuse_artifact_if_already_exist_by_external_id = true;
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult r,
      store_->PutExecution(
          E(),
          {Pair(A("s3://given", "ext-1"), Ev(EventType::kInput)),
           Pair(A("s3://fresh", "ext-2"), Ev(EventType::kOutput))},
          {C("run")}, reuse));
  ASSERT_EQ(r.artifact_ids.size(), 2u);
  EXPECT_EQ(r.artifact_ids[0], ids[0]);
  EXPECT_GT(r.artifact_ids[1], ids[0]);
  ASSERT_OK_AND_ASSIGN(Artifact got, Get<Artifact>(ids[0]));
  EXPECT_EQ(got.uri, "s3://stored");  // Taken as is, not updated.
  EXPECT_EQ(All<Artifact>().size(), 2u);
  EXPECT_THAT(EventsOf(r.execution_id),
              UnorderedElementsAre(
                  Ev(EventType::kInput, ids[0], r.execution_id),
                  Ev(EventType::kOutput, r.artifact_ids[1], r.execution_id)));
  EXPECT_THAT(ContextIdsOf<Artifact>(ids[0]), ElementsAre(r.context_ids[0]));
}

TEST_F(PutExecutionTest, UpdatesAnExistingExecution) {
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult first,
      store_->PutExecution(E(ExecutionState::kRunning),
                           {Pair(A("s3://in"), Ev(EventType::kInput))}, {}));
  Execution update = E(ExecutionState::kComplete);
  update.id = first.execution_id;
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult second,
      store_->PutExecution(
          update, {Pair(A("s3://out"), Ev(EventType::kOutput))}, {C("run")}));
  EXPECT_EQ(second.execution_id, first.execution_id);
  ASSERT_OK_AND_ASSIGN(Execution got, Get<Execution>(first.execution_id));
  EXPECT_EQ(got.last_known_state, ExecutionState::kComplete);
  EXPECT_EQ(All<Execution>().size(), 1u);
  EXPECT_THAT(
      EventsOf(first.execution_id),
      UnorderedElementsAre(
          Ev(EventType::kInput, first.artifact_ids[0], first.execution_id),
          Ev(EventType::kOutput, second.artifact_ids[0], first.execution_id)));
  EXPECT_THAT(ContextIdsOf<Execution>(first.execution_id),
              ElementsAre(second.context_ids[0]));
  // An update of an unknown execution is NOT_FOUND, as with Put.
  update.id = first.execution_id + 100;
  EXPECT_CODE(store_->PutExecution(update, {}, {}), kNotFound);
}

// As MLMD: an update of the execution that changes nothing leaves its
// last_update_time, unless force_update_time.
TEST_F(PutExecutionTest, AnUnchangedExecutionKeepsItsUpdateTime) {
  ASSERT_OK_AND_ASSIGN(PutExecutionResult first,
                       store_->PutExecution(E(), {}, {}));
  ASSERT_OK_AND_ASSIGN(const Execution stored,
                       Get<Execution>(first.execution_id));
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  ASSERT_OK(store_->PutExecution(stored, {}, {}).status());
  ASSERT_OK_AND_ASSIGN(Execution got, Get<Execution>(first.execution_id));
  EXPECT_EQ(got, stored);
  PutExecutionOptions force;
  force.force_update_time = true;
  ASSERT_OK(store_->PutExecution(stored, {}, {}, force).status());
  ASSERT_OK_AND_ASSIGN(got, Get<Execution>(first.execution_id));
  EXPECT_GT(got.last_update_time_ms, stored.last_update_time_ms);
  EXPECT_EQ(got.create_time_ms, stored.create_time_ms);
}

TEST_F(PutExecutionTest, EventOfAnotherExecutionIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(PutExecutionResult other,
                       store_->PutExecution(E(), {}, {}));
  const Dump before = DumpStore();
  EXPECT_CODE(
      store_->PutExecution(
          E(),
          {Pair(A("s3://a"), Ev(EventType::kOutput, 0, other.execution_id))},
          {C("run")}),
      kInvalidArgument);
  EXPECT_EQ(DumpStore(), before);
  EXPECT_THAT(EventsOf(other.execution_id), IsEmpty());
}

TEST_F(PutExecutionTest, InvalidPartsAreRefusedAndNothingIsWritten) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       store_->Put(std::vector<Artifact>{A("s3://a")}));
  Artifact existing = A("s3://a");
  existing.id = ids[0];
  Artifact undeclared = A("s3://b");
  undeclared.properties["nope"] = 1;
  Context nameless = C("");
  const Dump before = DumpStore();
  EXPECT_CODE(store_->PutExecution(
                  E(), {Pair(A("s3://b"), Ev(EventType::kUnknown))}, {}),
              kInvalidArgument);
  EXPECT_CODE(
      store_->PutExecution(E(), {Pair(undeclared, Ev(EventType::kInput))}, {}),
      kInvalidArgument);
  EXPECT_CODE(store_->PutExecution(E(), {}, {C("ok"), nameless}),
              kInvalidArgument);
  Execution no_type = E();
  no_type.type_id = 0;
  EXPECT_CODE(store_->PutExecution(no_type, {}, {}), kInvalidArgument);
  // The same artifact twice with the same event type is a duplicate event.
  EXPECT_CODE(store_->PutExecution(E(),
                                   {Pair(existing, Ev(EventType::kInput)),
                                    Pair(existing, Ev(EventType::kInput))},
                                   {}),
              kAlreadyExists);
  EXPECT_EQ(DumpStore(), before);
}

// A failure on the last element leaves every byte as it was, and the ids the
// call would have used go to the next successful call.
TEST_F(PutExecutionTest, FailureOnTheLastContextChangesNothing) {
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult seed,
      store_->PutExecution(E(), {Pair(A("s3://seed"), Ev(EventType::kOutput))},
                           {C("taken")}));
  Reopen();
  const Dump before = DumpStore();
  const std::vector<ArtifactAndEvent> pairs = {
      Pair(A("s3://in"), Ev(EventType::kInput)),
      Pair(A("s3://out"), Ev(EventType::kOutput))};
  EXPECT_CODE(store_->PutExecution(E(), pairs, {C("new-1"), C("taken")}),
              kAlreadyExists);
  EXPECT_EQ(DumpStore(), before);

  ASSERT_OK_AND_ASSIGN(PutExecutionResult next,
                       store_->PutExecution(E(), pairs, {C("new-1")}));
  EXPECT_NE(DumpStore(), before);  // The dump does see writes.
  EXPECT_EQ(next.execution_id, seed.execution_id + 1);
  EXPECT_THAT(next.artifact_ids,
              ElementsAre(seed.artifact_ids[0] + 1, seed.artifact_ids[0] + 2));
  EXPECT_THAT(next.context_ids, ElementsAre(seed.context_ids[0] + 1));
}

TEST_F(PutExecutionTest, FailureOnTheLastEventChangesNothing) {
  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult seed,
      store_->PutExecution(E(), {Pair(A("s3://seed"), Ev(EventType::kOutput))},
                           {C("run")}));
  Execution update = E(ExecutionState::kComplete);
  update.id = seed.execution_id;
  Artifact seed_artifact = A("s3://seed-changed");
  seed_artifact.id = seed.artifact_ids[0];
  const Dump before = DumpStore();
  // Updates, inserts and links first; the last event is already stored.
  EXPECT_CODE(
      store_->PutExecution(update,
                           {Pair(A("s3://new"), Ev(EventType::kOutput)),
                            Pair(seed_artifact, Ev(EventType::kOutput))},
                           {C("run-2")}),
      kAlreadyExists);
  EXPECT_EQ(DumpStore(), before);
  ASSERT_OK_AND_ASSIGN(Execution got, Get<Execution>(seed.execution_id));
  EXPECT_EQ(got.last_known_state, ExecutionState::kRunning);

  ASSERT_OK_AND_ASSIGN(
      PutExecutionResult next,
      store_->PutExecution(E(), {Pair(A("s3://new"), Ev(EventType::kOutput))},
                           {C("run-2")}));
  EXPECT_NE(DumpStore(), before);  // The dump does see writes.
  EXPECT_EQ(next.execution_id, seed.execution_id + 1);
  EXPECT_THAT(next.artifact_ids, ElementsAre(seed.artifact_ids[0] + 1));
  EXPECT_THAT(next.context_ids, ElementsAre(seed.context_ids[0] + 1));
}

}  // namespace
}  // namespace lineagedb
