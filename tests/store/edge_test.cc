// Conformance tests of edge writes and reads (DOMAIN.md section 1, "Edges"
// and "Reads"): events, attributions and associations, parent contexts.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::Dump;
using ::lineagedb::testing::IdsOf;
using ::lineagedb::testing::OfContext;
using ::lineagedb::testing::Pair;

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Event EventOf(int64_t artifact_id, int64_t execution_id, EventType type,
              int64_t time_ms = 1000) {
  Event e;
  e.artifact_id = artifact_id;
  e.execution_id = execution_id;
  e.type = type;
  e.time_ms = time_ms;
  return e;
}

PathStep Index(int64_t i) { return PathStep{i}; }
PathStep Key(std::string k) { return PathStep{std::move(k)}; }

// NodeQuery has members without default initializers, so designated
// initializers would warn.

ListOptions EdgePaging(int size, std::string token = "") {
  ListOptions options;
  options.max_result_size = size;
  options.page_token = std::move(token);
  return options;
}

class EdgeTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    for (NodeKind kind :
         {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
      Type t;
      t.kind = kind;
      t.name = kind == NodeKind::kArtifact    ? "A"
               : kind == NodeKind::kExecution ? "E"
                                              : "C";
      ASSERT_OK_AND_ASSIGN(int64_t id, store_->PutType(t));
      type_ids_[kind] = id;
    }
  }

  // Inserts `n` nodes of kind N named prefix0, prefix1, ...; returns ids.
  template <typename N>
  std::vector<int64_t> Add(int n, const std::string& prefix = "n") {
    std::vector<N> nodes(n);
    for (int i = 0; i < n; ++i) {
      nodes[i].type_id = type_ids_[N::kKind];
      nodes[i].name = prefix + std::to_string(next_name_++);
    }
    auto ids = store_->Put(nodes);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : std::vector<int64_t>(n, 0);
  }

  std::vector<Event> EventsOfExecution(int64_t id) {
    auto got = store_->GetEventsByExecutionIds({id});
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<Event>{};
  }

  std::vector<int64_t> ContextIdsOf(
      const std::map<int64_t, std::vector<Context>>& m, int64_t id) {
    auto it = m.find(id);
    return it == m.end() ? std::vector<int64_t>{} : IdsOf(it->second);
  }

  // All pages of List<N>(context), `size` per page; counts the pages.
  template <typename N>
  std::vector<int64_t> ListOfContext(int64_t context_id, int size, int* pages) {
    std::vector<int64_t> ids;
    std::string token;
    *pages = 0;
    do {
      auto page =
          store_->List<N>(OfContext(context_id), EdgePaging(size, token));
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok() || ++*pages > 100) break;
      EXPECT_LE(page->items.size(), static_cast<size_t>(size));
      for (const N& n : page->items) ids.push_back(n.id);
      token = page->next_page_token;
    } while (!token.empty());
    return ids;
  }

  std::map<NodeKind, int64_t> type_ids_;
  int next_name_ = 0;
};

// ---- Events ----

TEST_F(EdgeTest, EventWithAnUnknownEndIsInvalidArgument) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  EXPECT_CODE(store_->PutEvents({EventOf(a + 100, e, EventType::kInput)}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutEvents({EventOf(a, e + 100, EventType::kInput)}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutEvents({EventOf(0, e, EventType::kInput)}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutEvents({EventOf(a, 0, EventType::kInput)}),
              kInvalidArgument);
  // A good event in the same call is not written either.
  EXPECT_CODE(store_->PutEvents({EventOf(a, e, EventType::kOutput),
                                 EventOf(a + 100, e, EventType::kInput)}),
              kInvalidArgument);
  EXPECT_THAT(EventsOfExecution(e), IsEmpty());
}

TEST_F(EdgeTest, EventOfUnknownTypeIsInvalidArgument) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  EXPECT_CODE(store_->PutEvents({EventOf(a, e, EventType::kUnknown)}),
              kInvalidArgument);
  EXPECT_THAT(EventsOfExecution(e), IsEmpty());
}

TEST_F(EdgeTest, DuplicateEventIsAlreadyExists) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  const Event first = EventOf(a, e, EventType::kInput, 1000);
  ASSERT_OK(store_->PutEvents({first}));
  // Another path or time does not make it another event.
  Event again = first;
  again.time_ms = 2000;
  again.path = {Key("x")};
  EXPECT_CODE(store_->PutEvents({again}), kAlreadyExists);
  Reopen();
  EXPECT_CODE(store_->PutEvents({again}), kAlreadyExists);
  EXPECT_THAT(EventsOfExecution(e), ElementsAre(first));
}

TEST_F(EdgeTest, DuplicateEventWithinOneCallIsAlreadyExists) {
  const std::vector<int64_t> a = Add<Artifact>(2);
  const int64_t e = Add<Execution>(1)[0];
  EXPECT_CODE(store_->PutEvents({EventOf(a[1], e, EventType::kOutput),
                                 EventOf(a[0], e, EventType::kInput, 1),
                                 EventOf(a[0], e, EventType::kInput, 2)}),
              kAlreadyExists);
  EXPECT_THAT(EventsOfExecution(e), IsEmpty());
}

TEST_F(EdgeTest, SamePairWithAnotherTypeIsAnotherEvent) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  const std::vector<Event> events = {EventOf(a, e, EventType::kInput),
                                     EventOf(a, e, EventType::kDeclaredInput)};
  ASSERT_OK(store_->PutEvents(events));
  ASSERT_OK(store_->PutEvents({EventOf(a, e, EventType::kOutput)}));
  std::vector<Event> all = events;
  all.push_back(EventOf(a, e, EventType::kOutput));
  EXPECT_THAT(EventsOfExecution(e), UnorderedElementsAreArray(all));
  ASSERT_OK_AND_ASSIGN(std::vector<Event> by_artifact,
                       store_->GetEventsByArtifactIds({a}));
  EXPECT_THAT(by_artifact, UnorderedElementsAreArray(all));
}

TEST_F(EdgeTest, PathAndTimeAreKept) {
  const std::vector<int64_t> a = Add<Artifact>(2);
  const int64_t e = Add<Execution>(1)[0];
  Event with_path = EventOf(a[0], e, EventType::kOutput, 1'700'000'000'123);
  with_path.path = {Key("model"), Index(0), Key(""), Index(-1),
                    Key("a key with spaces/and\x01bytes")};
  Event long_path = EventOf(a[1], e, EventType::kInput, 1);
  for (int i = 0; i < 40; ++i) {
    long_path.path.push_back(i % 2 == 0 ? Index(i) : Key(std::to_string(i)));
  }
  ASSERT_OK(store_->PutEvents({with_path, long_path}));
  EXPECT_THAT(EventsOfExecution(e),
              UnorderedElementsAreArray({with_path, long_path}));
  Reopen();
  ASSERT_OK_AND_ASSIGN(std::vector<Event> got,
                       store_->GetEventsByArtifactIds({a[0]}));
  EXPECT_THAT(got, ElementsAre(with_path));
}

TEST_F(EdgeTest, ZeroTimeBecomesNow) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  const int64_t before = WallClockMs();
  ASSERT_OK(store_->PutEvents({EventOf(a, e, EventType::kInput, 0)}));
  const int64_t after = WallClockMs();
  std::vector<Event> got = EventsOfExecution(e);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GT(got[0].time_ms, 0);
  EXPECT_GE(got[0].time_ms, before);
  EXPECT_LE(got[0].time_ms, after);
}

TEST_F(EdgeTest, EventsByArtifactAndByExecution) {
  const std::vector<int64_t> a = Add<Artifact>(4);
  const std::vector<int64_t> e = Add<Execution>(3);
  // e0: a0 -> a1; e1: a1 -> {a2, a3}; e2 not connected.
  const Event e0_in = EventOf(a[0], e[0], EventType::kInput);
  const Event e0_out = EventOf(a[1], e[0], EventType::kOutput);
  const Event e1_in = EventOf(a[1], e[1], EventType::kInput);
  const Event e1_out2 = EventOf(a[2], e[1], EventType::kOutput);
  const Event e1_out3 = EventOf(a[3], e[1], EventType::kOutput);
  ASSERT_OK(store_->PutEvents({e1_out3, e0_in, e1_in, e0_out, e1_out2}));

  ASSERT_OK_AND_ASSIGN(std::vector<Event> got,
                       store_->GetEventsByArtifactIds({a[1]}));
  EXPECT_THAT(got, UnorderedElementsAre(e0_out, e1_in));
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByArtifactIds({a[0], a[3]}));
  EXPECT_THAT(got, ElementsAre(e0_in, e1_out3));  // By artifact id.
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByExecutionIds({e[0]}));
  EXPECT_THAT(got, UnorderedElementsAre(e0_in, e0_out));
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByExecutionIds({e[1]}));
  EXPECT_THAT(got, UnorderedElementsAre(e1_in, e1_out2, e1_out3));
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByExecutionIds({e[0], e[1]}));
  EXPECT_EQ(got.size(), 5u);
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByExecutionIds({e[2]}));
  EXPECT_THAT(got, IsEmpty());

  // Unknown ids give nothing, alone or among known ones.
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByArtifactIds({a[3] + 100, 0}));
  EXPECT_THAT(got, IsEmpty());
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByExecutionIds({e[2] + 100, -1}));
  EXPECT_THAT(got, IsEmpty());
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByExecutionIds({e[0] + 100}));
  EXPECT_THAT(got, IsEmpty());
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByArtifactIds({a[3] + 100, a[2]}));
  EXPECT_THAT(got, ElementsAre(e1_out2));
  ASSERT_OK_AND_ASSIGN(got, store_->GetEventsByArtifactIds({}));
  EXPECT_THAT(got, IsEmpty());
}

// lineagedb.h: ordered by (node id, direction, type, other end).
TEST_F(EdgeTest, EventsOfOneNodeAreOrderedByTypeThenOtherEnd) {
  const std::vector<int64_t> a = Add<Artifact>(3);
  const int64_t e = Add<Execution>(1)[0];
  const Event out2 = EventOf(a[2], e, EventType::kOutput);
  const Event out1 = EventOf(a[1], e, EventType::kOutput);
  const Event declared0 = EventOf(a[0], e, EventType::kDeclaredOutput);
  ASSERT_OK(store_->PutEvents({out2, declared0, out1}));
  EXPECT_THAT(EventsOfExecution(e), ElementsAre(declared0, out1, out2));
}

// ---- Attributions and associations ----

TEST_F(EdgeTest, AttributionsAndAssociationsAreIdempotent) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  const int64_t c = Add<Context>(1)[0];
  const Attribution at{c, a};
  const Association as{c, e};
  ASSERT_OK(store_->PutAttributionsAndAssociations({at}, {as}));
  ASSERT_OK(store_->PutAttributionsAndAssociations({at}, {as}));
  ASSERT_OK(store_->PutAttributionsAndAssociations({at, at}, {as, as}));
  ASSERT_OK_AND_ASSIGN(std::vector<Context> of_a,
                       store_->GetContextsOf<Artifact>(a));
  EXPECT_THAT(IdsOf(of_a), ElementsAre(c));
  ASSERT_OK_AND_ASSIGN(std::vector<Context> of_e,
                       store_->GetContextsOf<Execution>(e));
  EXPECT_THAT(IdsOf(of_e), ElementsAre(c));
  int pages = 0;
  EXPECT_THAT(ListOfContext<Artifact>(c, 10, &pages), ElementsAre(a));
  EXPECT_THAT(ListOfContext<Execution>(c, 10, &pages), ElementsAre(e));
}

TEST_F(EdgeTest, AttributionOrAssociationWithAnUnknownEndIsInvalidArgument) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  const int64_t c = Add<Context>(1)[0];
  EXPECT_CODE(store_->PutAttributionsAndAssociations({{c + 100, a}}, {}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutAttributionsAndAssociations({{c, a + 100}}, {}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutAttributionsAndAssociations({}, {{c + 100, e}}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutAttributionsAndAssociations({}, {{c, e + 100}}),
              kInvalidArgument);
  // All or nothing: the good halves of a failed call are not written.
  EXPECT_CODE(store_->PutAttributionsAndAssociations({{c, a}}, {{c, e + 100}}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutAttributionsAndAssociations({{c, a + 100}}, {{c, e}}),
              kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(std::vector<Context> got,
                       store_->GetContextsOf<Artifact>(a));
  EXPECT_THAT(got, IsEmpty());
  ASSERT_OK_AND_ASSIGN(got, store_->GetContextsOf<Execution>(e));
  EXPECT_THAT(got, IsEmpty());
}

TEST_F(EdgeTest, ContextsOfANodeAreFullContextsInIdOrder) {
  const int64_t a = Add<Artifact>(1)[0];
  const int64_t e = Add<Execution>(1)[0];
  const std::vector<int64_t> c = Add<Context>(4, "ctx");
  ASSERT_OK(store_->PutAttributionsAndAssociations(
      {{c[3], a}, {c[0], a}, {c[2], a}}, {{c[1], e}, {c[3], e}}));
  ASSERT_OK_AND_ASSIGN(std::vector<Context> of_a,
                       store_->GetContextsOf<Artifact>(a));
  EXPECT_THAT(IdsOf(of_a), ElementsAre(c[0], c[2], c[3]));
  ASSERT_OK_AND_ASSIGN(std::vector<Context> by_ids,
                       store_->GetByIds<Context>({c[0], c[2], c[3]}));
  EXPECT_EQ(of_a, by_ids);
  ASSERT_EQ(of_a.size(), 3u);
  EXPECT_EQ(of_a[0].type, "C");
  EXPECT_EQ(of_a[0].name.substr(0, 3), "ctx");
  ASSERT_OK_AND_ASSIGN(std::vector<Context> of_e,
                       store_->GetContextsOf<Execution>(e));
  EXPECT_THAT(IdsOf(of_e), ElementsAre(c[1], c[3]));
  Reopen();
  ASSERT_OK_AND_ASSIGN(of_e, store_->GetContextsOf<Execution>(e));
  EXPECT_THAT(IdsOf(of_e), ElementsAre(c[1], c[3]));
  // A node with no contexts has none.
  const int64_t lonely = Add<Artifact>(1)[0];
  ASSERT_OK_AND_ASSIGN(of_a, store_->GetContextsOf<Artifact>(lonely));
  EXPECT_THAT(of_a, IsEmpty());
}

TEST_F(EdgeTest, ListByContextGivesTheContextsNodesInPages) {
  const std::vector<int64_t> c = Add<Context>(3);
  const std::vector<int64_t> a = Add<Artifact>(40);
  const std::vector<int64_t> e = Add<Execution>(30);
  std::vector<Attribution> attributions;
  std::vector<Association> associations;
  std::vector<int64_t> want_a, want_e;
  for (int i = 0; i < 40; ++i) {
    // c0 gets 2 of every 3 artifacts, c1 the others.
    const int64_t ctx = i % 3 == 2 ? c[1] : c[0];
    attributions.push_back({ctx, a[i]});
    if (ctx == c[0]) want_a.push_back(a[i]);
  }
  for (int i = 29; i >= 0; --i) {
    associations.push_back({i % 2 == 0 ? c[0] : c[1], e[i]});
  }
  for (int i = 0; i < 30; i += 2) want_e.push_back(e[i]);
  ASSERT_OK(store_->PutAttributionsAndAssociations(attributions, associations));

  int pages = 0;
  EXPECT_EQ(ListOfContext<Artifact>(c[0], 7, &pages), want_a);
  EXPECT_EQ(pages, 4);  // 27 artifacts.
  EXPECT_EQ(ListOfContext<Execution>(c[0], 4, &pages), want_e);
  EXPECT_EQ(pages, 4);  // 15 executions.
  EXPECT_EQ(ListOfContext<Artifact>(c[1], 100, &pages).size(), 13u);
  EXPECT_THAT(ListOfContext<Artifact>(c[2], 5, &pages), IsEmpty());
  EXPECT_THAT(ListOfContext<Execution>(c[2], 5, &pages), IsEmpty());
}

// ---- Parent contexts ----

TEST_F(EdgeTest, ParentContextWithAnUnknownEndIsInvalidArgument) {
  const std::vector<int64_t> c = Add<Context>(2);
  EXPECT_CODE(store_->PutParentContexts({{c[0], c[1] + 100}}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutParentContexts({{c[1] + 100, c[0]}}),
              kInvalidArgument);
  EXPECT_CODE(store_->PutParentContexts({{c[0], c[1]}, {c[1], 0}}),
              kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({c[0], c[1]}));
  EXPECT_THAT(parents, IsEmpty());
}

TEST_F(EdgeTest, DuplicateParentContextIsAlreadyExists) {
  const std::vector<int64_t> c = Add<Context>(3);
  ASSERT_OK(store_->PutParentContexts({{c[0], c[1]}}));
  EXPECT_CODE(store_->PutParentContexts({{c[0], c[1]}}), kAlreadyExists);
  EXPECT_CODE(store_->PutParentContexts({{c[0], c[2]}, {c[0], c[1]}}),
              kAlreadyExists);
  EXPECT_CODE(store_->PutParentContexts({{c[1], c[2]}, {c[1], c[2]}}),
              kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({c[0]}));
  EXPECT_THAT(ContextIdsOf(parents, c[0]), ElementsAre(c[1]));
}

TEST_F(EdgeTest, ContextAsItsOwnParentIsInvalidArgument) {
  const int64_t c = Add<Context>(1)[0];
  EXPECT_CODE(store_->PutParentContexts({{c, c}}), kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({c}));
  EXPECT_THAT(parents, IsEmpty());
}

TEST_F(EdgeTest, CycleOfTwoIsInvalidArgument) {
  const std::vector<int64_t> c = Add<Context>(2);
  ASSERT_OK(store_->PutParentContexts({{c[0], c[1]}}));
  EXPECT_CODE(store_->PutParentContexts({{c[1], c[0]}}), kInvalidArgument);
  Reopen();
  EXPECT_CODE(store_->PutParentContexts({{c[1], c[0]}}), kInvalidArgument);
  EXPECT_CODE(store_->PutParentContexts({{c[0], c[1]}}), kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({c[1]}));
  EXPECT_THAT(parents, IsEmpty());
}

TEST_F(EdgeTest, CycleOfFiftyIsInvalidArgument) {
  const std::vector<int64_t> c = Add<Context>(50);
  std::vector<ParentContext> chain;
  for (int i = 0; i + 1 < 50; ++i) chain.push_back({c[i], c[i + 1]});
  ASSERT_OK(store_->PutParentContexts(chain));
  EXPECT_CODE(store_->PutParentContexts({{c[49], c[0]}}), kInvalidArgument);
  // Shortcuts along the chain are no cycle.
  EXPECT_OK(store_->PutParentContexts({{c[0], c[49]}, {c[10], c[30]}}));
  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({c[49]}));
  EXPECT_THAT(parents, IsEmpty());
}

TEST_F(EdgeTest, CycleClosedWithinOneCallIsInvalidArgument) {
  const std::vector<int64_t> c = Add<Context>(3);
  EXPECT_CODE(store_->PutParentContexts({{c[0], c[1]}, {c[1], c[0]}}),
              kInvalidArgument);
  EXPECT_CODE(
      store_->PutParentContexts({{c[0], c[1]}, {c[1], c[2]}, {c[2], c[0]}}),
      kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto parents,
                       store_->GetParentContexts({c[0], c[1], c[2]}));
  EXPECT_THAT(parents, IsEmpty());
  // A diamond is acyclic.
  const std::vector<int64_t> d = Add<Context>(4);
  EXPECT_OK(store_->PutParentContexts(
      {{d[0], d[1]}, {d[0], d[2]}, {d[1], d[3]}, {d[2], d[3]}}));
}

TEST_F(EdgeTest, ParentAndChildContexts) {
  // c0 and c1 are children of p0; c1 is also a child of p1; p0 a child of g.
  const std::vector<int64_t> c = Add<Context>(2, "child");
  const std::vector<int64_t> p = Add<Context>(2, "parent");
  const int64_t g = Add<Context>(1, "grand")[0];
  ASSERT_OK(store_->PutParentContexts(
      {{c[1], p[1]}, {c[0], p[0]}, {c[1], p[0]}, {p[0], g}}));

  ASSERT_OK_AND_ASSIGN(auto parents, store_->GetParentContexts({c[1]}));
  EXPECT_EQ(parents.size(), 1u);
  EXPECT_THAT(ContextIdsOf(parents, c[1]), UnorderedElementsAre(p[0], p[1]));
  ASSERT_OK_AND_ASSIGN(parents,
                       store_->GetParentContexts({c[0], c[1], p[0], p[1], g}));
  EXPECT_EQ(parents.size(), 3u);  // p1 and g have no parents.
  EXPECT_THAT(ContextIdsOf(parents, c[0]), ElementsAre(p[0]));
  EXPECT_THAT(ContextIdsOf(parents, c[1]), UnorderedElementsAre(p[0], p[1]));
  EXPECT_THAT(ContextIdsOf(parents, p[0]), ElementsAre(g));
  EXPECT_EQ(parents.count(g), 0u);
  ASSERT_EQ(parents[c[0]].size(), 1u);
  EXPECT_EQ(parents[c[0]][0].name.substr(0, 6), "parent");
  EXPECT_EQ(parents[c[0]][0].type, "C");

  ASSERT_OK_AND_ASSIGN(auto children, store_->GetChildContexts({p[0]}));
  EXPECT_EQ(children.size(), 1u);
  EXPECT_THAT(ContextIdsOf(children, p[0]), UnorderedElementsAre(c[0], c[1]));
  ASSERT_OK_AND_ASSIGN(children,
                       store_->GetChildContexts({p[0], p[1], g, c[0], c[1]}));
  EXPECT_EQ(children.size(), 3u);  // Children c0, c1 have no children.
  EXPECT_THAT(ContextIdsOf(children, p[1]), ElementsAre(c[1]));
  EXPECT_THAT(ContextIdsOf(children, g), ElementsAre(p[0]));
  EXPECT_EQ(children.count(c[0]), 0u);

  // Unknown ids give nothing; the edges survive a reopen.
  ASSERT_OK_AND_ASSIGN(children, store_->GetChildContexts({g + 100}));
  EXPECT_THAT(children, IsEmpty());
  Reopen();
  ASSERT_OK_AND_ASSIGN(parents, store_->GetParentContexts({c[1]}));
  EXPECT_THAT(ContextIdsOf(parents, c[1]), UnorderedElementsAre(p[0], p[1]));
}

}  // namespace
}  // namespace lineagedb
