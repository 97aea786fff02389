// GetLineageSubgraph on a wide fan-out by hop, and paging: pages joined
// give the full result, cursors belong to one query and go on while the
// pages they follow stay as they were returned.
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/lineage/subgraph_fixture.h"

namespace lineagedb {
namespace {

using subgraph_testing::A;
using subgraph_testing::IdsOfKind;
using subgraph_testing::kDirections;
using subgraph_testing::Set;
using subgraph_testing::Strs;
using subgraph_testing::SubgraphTest;
using subgraph_testing::X;
using ::testing::ElementsAreArray;

class SubgraphPagingTest : public SubgraphTest {
 protected:
  // On MLMD's fixture, the bidirectional 4-hop walk from a4 in pages of 2,
  // and its first page (partial).
  void FirstPage(LineageQuery* q, LineageGraph* first) {
    BuildMlmdFixture();
    *q = Query({A(a4_)}, 4, Direction::kBidirectional);
    q->max_nodes = 2;
    ASSERT_OK_AND_ASSIGN(*first, GetLineageSubgraph(store_.get(), *q));
    ASSERT_TRUE(first->partial);
  }
};

// a0 -> x[i] -> b[i] -> y[i] -> c[i], i < 100.
class FanOutTest : public SubgraphTest {
 protected:
  static constexpr int kWidth = 100;
  void SetUp() override {
    SubgraphTest::SetUp();
    if (HasFatalFailure()) return;
    a0_ = PutArtifact("a0");
    for (int i = 0; i < kWidth; ++i) {
      std::vector<int64_t> out;
      x_.push_back(
          Run(absl::StrCat("x", i), {a0_}, {absl::StrCat("b", i)}, &out));
      b_.push_back(out.at(0));
    }
    for (int i = 0; i < kWidth; ++i) {
      std::vector<int64_t> out;
      y_.push_back(
          Run(absl::StrCat("y", i), {b_[i]}, {absl::StrCat("c", i)}, &out));
      c_.push_back(out.at(0));
    }
  }
  int64_t a0_ = 0;
  std::vector<int64_t> x_, b_, y_, c_;
};

TEST_F(FanOutTest, NodeAndEventCountsByHop) {
  const size_t want_nodes[] = {1, 101, 201, 301, 401, 401, 401};
  for (int hops = 0; hops <= 6; ++hops) {
    ASSERT_OK_AND_ASSIGN(
        LineageGraph g,
        GetLineageSubgraph(store_.get(),
                           Query({A(a0_)}, hops, Direction::kDownstream)));
    EXPECT_EQ(g.nodes.size(), want_nodes[hops]) << hops;
    EXPECT_EQ(g.events.size(), want_nodes[hops] - 1) << hops;
    EXPECT_EQ(std::set<NodeRef>(g.nodes.begin(), g.nodes.end()).size(),
              g.nodes.size());
    ASSERT_OK_AND_ASSIGN(
        g, GetLineageSubgraph(store_.get(),
                              Query({A(a0_)}, hops, Direction::kUpstream)));
    EXPECT_THAT(g.nodes, ElementsAreArray({A(a0_)}));
  }
  ASSERT_OK_AND_ASSIGN(
      LineageGraph g,
      GetLineageSubgraph(store_.get(),
                         Query({A(c_[7])}, 4, Direction::kUpstream)));
  EXPECT_THAT(g.nodes, ElementsAreArray(
                           {A(c_[7]), X(y_[7]), A(b_[7]), X(x_[7]), A(a0_)}));
  ASSERT_OK_AND_ASSIGN(
      g, GetLineageSubgraph(store_.get(),
                            Query({A(b_[7])}, 2, Direction::kBidirectional)));
  EXPECT_EQ(Set(g.nodes),
            Set({A(b_[7]), X(x_[7]), X(y_[7]), A(a0_), A(c_[7])}));
  ASSERT_OK_AND_ASSIGN(
      g, GetLineageSubgraph(store_.get(),
                            Query({A(b_[7])}, 3, Direction::kBidirectional)));
  EXPECT_EQ(g.nodes.size(), 5u + kWidth - 1);
  // From the middle of the fan-out: 100 x's reach their b's.
  ASSERT_OK_AND_ASSIGN(
      g, GetLineageSubgraph(store_.get(),
                            Query({A(b_[7])}, 4, Direction::kBidirectional)));
  EXPECT_EQ(g.nodes.size(), 5u + 2 * (kWidth - 1));
}

// Pages of `q` joined, checked page by page.
struct Joined {
  std::vector<NodeRef> nodes;
  std::vector<Event> events;
  std::vector<int64_t> artifact_ids;
  int pages = 0;
};
void Paginate(Store* store, LineageQuery q, size_t max_nodes, Joined* out) {
  q.max_nodes = max_nodes;
  q.cursor.clear();
  for (;;) {
    ASSERT_LE(out->pages, 10000) << "paging does not end";
    ASSERT_OK_AND_ASSIGN(LineageGraph page, GetLineageSubgraph(store, q));
    ++out->pages;
    EXPECT_LE(page.nodes.size(), max_nodes);
    out->nodes.insert(out->nodes.end(), page.nodes.begin(), page.nodes.end());
    out->events.insert(out->events.end(), page.events.begin(),
                       page.events.end());
    for (const Artifact& a : page.artifacts) out->artifact_ids.push_back(a.id);
    if (!page.partial) {
      EXPECT_TRUE(page.cursor.empty());
      return;
    }
    EXPECT_FALSE(page.nodes.empty()) << "a partial page without nodes";
    ASSERT_FALSE(page.cursor.empty()) << "a partial page without cursor";
    q.cursor = page.cursor;
  }
}

void ExpectPagesJoinToFull(Store* store, LineageQuery q) {
  q.max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(LineageGraph full, GetLineageSubgraph(store, q));
  ASSERT_FALSE(full.partial);
  for (size_t max_nodes : {size_t{1}, size_t{7}, size_t{50}}) {
    SCOPED_TRACE(::testing::Message() << "max_nodes " << max_nodes);
    Joined joined;
    ASSERT_NO_FATAL_FAILURE(Paginate(store, q, max_nodes, &joined));
    EXPECT_GE(static_cast<size_t>(joined.pages),
              (full.nodes.size() + max_nodes - 1) / max_nodes);
    EXPECT_EQ(Strs(joined.nodes), Strs(full.nodes));
    EXPECT_EQ(
        std::set<NodeRef>(joined.nodes.begin(), joined.nodes.end()).size(),
        joined.nodes.size());
    EXPECT_EQ(Strs(joined.events), Strs(full.events));
    if (q.fetch_nodes) {
      std::sort(joined.artifact_ids.begin(), joined.artifact_ids.end());
      EXPECT_THAT(joined.artifact_ids,
                  ElementsAreArray(IdsOfKind(full.nodes, NodeKind::kArtifact)));
    }
  }
}

TEST_F(FanOutTest, PagesJoinToTheFullResult) {
  ExpectPagesJoinToFull(store_.get(),
                        Query({A(a0_)}, 4, Direction::kDownstream));
  LineageQuery q = Query({A(b_[3]), X(y_[50])}, 5, Direction::kBidirectional);
  q.fetch_nodes = true;
  ExpectPagesJoinToFull(store_.get(), q);
}

TEST_F(SubgraphPagingTest, FixturePagesJoinToTheFullResult) {
  BuildMlmdFixture();
  for (Direction dir : kDirections) {
    LineageQuery q = Query({A(a4_)}, 4, dir);
    q.fetch_nodes = true;
    ExpectPagesJoinToFull(store_.get(), q);
    ExpectPagesJoinToFull(store_.get(), Query({X(e1_), X(e2_)}, 3, dir));
  }
}

TEST_F(SubgraphPagingTest, CursorOfAnotherQueryIsInvalid) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  LineageQuery other = q;
  other.cursor = first.cursor;
  other.direction = Direction::kUpstream;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  other = q;
  other.cursor = first.cursor;
  other.artifact_ids = {a1_};
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  other = q;
  other.cursor = first.cursor;
  other.max_hops = 3;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  other = q;
  other.cursor = "not a cursor";
  EXPECT_CODE(GetLineageSubgraph(store_.get(), other), kInvalidArgument);
  // The right query still resumes.
  q.cursor = first.cursor;
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
}

// Id lists are sets: the same starts and ends, reordered or repeated, are
// the same query.
TEST_F(SubgraphPagingTest, ACursorResumesTheSameIdsInAnyOrder) {
  BuildMlmdFixture();
  LineageQuery q = Query({A(a4_), X(e1_)}, 4, Direction::kBidirectional);
  q.ending_artifact_ids = {a1_, a2_};
  q.max_nodes = 1;
  ASSERT_OK_AND_ASSIGN(LineageGraph first, GetLineageSubgraph(store_.get(), q));
  ASSERT_TRUE(first.partial);
  LineageQuery same = q;
  same.artifact_ids = {a4_, a4_};
  same.ending_artifact_ids = {a2_, a1_, a2_};
  same.cursor = first.cursor;
  EXPECT_OK(GetLineageSubgraph(store_.get(), same).status());
}

// A cursor whose position is not one a page can end at is refused, not
// answered with an empty page.
TEST_F(SubgraphPagingTest, ACursorPastTheWalkIsInvalid) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(first.cursor, &raw));
  ASSERT_EQ(raw.size(), 33u);
  auto at = [&raw](uint64_t skip) {
    for (int i = 0; i < 8; ++i) {
      raw[32 - i] = static_cast<char>((skip >> (8 * i)) & 0xff);
    }
    return absl::WebSafeBase64Escape(raw);
  };
  LineageQuery whole = q;
  whole.max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(LineageGraph all,
                       GetLineageSubgraph(store_.get(), whole));
  const uint64_t size = all.nodes.size();
  for (uint64_t skip : {uint64_t{0}, size, size + 1, ~uint64_t{0}}) {
    SCOPED_TRACE(skip);
    q.cursor = at(skip);
    EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kInvalidArgument);
  }
  // The last node is a position a page can end before.
  q.cursor = at(size - 1);
  ASSERT_OK_AND_ASSIGN(LineageGraph last, GetLineageSubgraph(store_.get(), q));
  ASSERT_EQ(last.nodes.size(), 1u);
  EXPECT_EQ(last.nodes[0], all.nodes.back());
  EXPECT_FALSE(last.partial);
}

// A page may ask for every node left (max_nodes at its largest), after a
// write too; a cursor of version 1 (an older lineagedb) says start again.
TEST_F(SubgraphPagingTest, TheRestInOnePageAndCursorsOfAnOlderVersion) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  LineageQuery rest = q;
  rest.cursor = first.cursor;
  rest.max_nodes = SIZE_MAX;
  LineageQuery whole = q;
  whole.max_nodes = 0;
  for (bool write : {false, true}) {
    SCOPED_TRACE(write);
    // Past the first page: a1 joins through e3.
    if (write) {
      ASSERT_OK(store_->PutEvents({Edge(a1_, e3_, EventType::kInput)}));
    }
    ASSERT_OK_AND_ASSIGN(LineageGraph page,
                         GetLineageSubgraph(store_.get(), rest));
    ASSERT_OK_AND_ASSIGN(LineageGraph all,
                         GetLineageSubgraph(store_.get(), whole));
    EXPECT_FALSE(page.partial);
    EXPECT_TRUE(page.cursor.empty());
    std::vector<NodeRef> joined = first.nodes;
    joined.insert(joined.end(), page.nodes.begin(), page.nodes.end());
    EXPECT_EQ(Strs(joined), Strs(all.nodes));
  }
  std::string raw(1, '\x01');
  raw.append(24, '\x00');
  raw[24] = 2;  // Two nodes returned.
  q.cursor = absl::WebSafeBase64Escape(raw);
  const auto old = GetLineageSubgraph(store_.get(), q);
  EXPECT_CODE(old, kAborted);
  EXPECT_THAT(old.status().message(), ::testing::HasSubstr("start again"));
}

// Resumes `q` from `cursor` to its last page; the nodes and events of the
// pages, after those of `first`.
void JoinRest(Store* store, LineageQuery q, const LineageGraph& first,
              LineageGraph* joined) {
  *joined = first;
  q.cursor = first.cursor;
  for (int pages = 0; !q.cursor.empty(); ++pages) {
    ASSERT_LE(pages, 1000) << "paging does not end";
    ASSERT_OK_AND_ASSIGN(LineageGraph page, GetLineageSubgraph(store, q));
    joined->nodes.insert(joined->nodes.end(), page.nodes.begin(),
                         page.nodes.end());
    joined->events.insert(joined->events.end(), page.events.begin(),
                          page.events.end());
    q.cursor = page.cursor;
  }
}

// The first page is a4 and e2 (hop 1 is e2, e3). An event that changes the
// walk only past them (a1 joins at hop 2 through e3, not hop 4) lets the
// cursor go on, and the pages join to the lineage as it is after the write.
TEST_F(SubgraphPagingTest, LineageWrittenPastThePagesReturnedResumes) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  ASSERT_THAT(first.nodes, ElementsAreArray({A(a4_), X(e2_)}));
  const Event e = Edge(a1_, e3_, EventType::kInput);
  ASSERT_OK(store_->PutEvents({e}));
  LineageGraph joined;
  ASSERT_NO_FATAL_FAILURE(JoinRest(store_.get(), q, first, &joined));
  LineageQuery whole = q;
  whole.max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(LineageGraph now,
                       GetLineageSubgraph(store_.get(), whole));
  EXPECT_EQ(Strs(joined.nodes), Strs(now.nodes));
  EXPECT_EQ(Strs(joined.events), Strs(now.events));
  edges_.push_back(e);
  ExpectMatchesReference(whole);
  // Lineage written elsewhere in the store does not stop the pages either.
  ASSERT_OK_AND_ASSIGN(first, GetLineageSubgraph(store_.get(), q));
  std::vector<int64_t> out;
  const int64_t elsewhere = PutArtifact("elsewhere");
  Run("other", {elsewhere}, {"other-out"}, &out);
  ASSERT_NO_FATAL_FAILURE(JoinRest(store_.get(), q, first, &joined));
  EXPECT_EQ(Strs(joined.nodes), Strs(now.nodes));
  EXPECT_EQ(Strs(joined.events), Strs(now.events));
}

// A write that changes what the earlier pages returned (an event between
// two of their nodes; an event that moves a node into them) aborts; the
// first page taken again resumes.
TEST_F(SubgraphPagingTest, LineageWrittenAmongThePagesReturnedAborts) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  const Event among = Edge(a4_, e2_, EventType::kInput);
  ASSERT_OK(store_->PutEvents({among}));
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
  // e1 moves from hop 3 to hop 1, before e2.
  q.cursor.clear();
  ASSERT_OK_AND_ASSIGN(first, GetLineageSubgraph(store_.get(), q));
  ASSERT_THAT(first.nodes, ElementsAreArray({A(a4_), X(e2_)}));
  const Event moves = Edge(a4_, e1_, EventType::kInput);
  ASSERT_OK(store_->PutEvents({moves}));
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
  // Starting again sees the new events.
  q.cursor.clear();
  q.max_nodes = 0;
  edges_.push_back(among);
  edges_.push_back(moves);
  ExpectMatchesReference(q);
}

// True if the walk `now` begins with the nodes of `pages`, in order, and
// has among them exactly the events of `pages`.
bool BeginsWith(const LineageGraph& now, const LineageGraph& pages) {
  if (now.nodes.size() < pages.nodes.size() ||
      !std::equal(pages.nodes.begin(), pages.nodes.end(), now.nodes.begin())) {
    return false;
  }
  const std::set<NodeRef> in(pages.nodes.begin(), pages.nodes.end());
  std::vector<Event> among;
  for (const Event& e : now.events) {
    if (in.contains(A(e.artifact_id)) && in.contains(X(e.execution_id))) {
      among.push_back(e);
    }
  }
  return Strs(among) == Strs(pages.events);
}

// Random lineage written between the pages of random walks: a cursor either
// goes on, and its pages join to the walk of the lineage as it is at the
// last page, or is ABORTED, and then only if its pages no longer begin that
// walk (their nodes in order, or the events among them).
TEST_F(SubgraphPagingTest, RandomLineageWrittenBetweenPages) {
  std::mt19937 rng(20261129);
  std::vector<int64_t> artifacts, executions;
  auto pick = [&rng](const std::vector<int64_t>& ids) {
    return ids[rng() % ids.size()];
  };
  auto add_execution = [&] {
    const std::string n = absl::StrCat(executions.size());
    std::vector<int64_t> out;
    executions.push_back(Run("x" + n, {pick(artifacts)}, {"o" + n}, &out));
    artifacts.push_back(out.at(0));
  };
  for (int i = 0; i < 10; ++i)
    artifacts.push_back(PutArtifact(absl::StrCat(i)));
  for (int i = 0; i < 10; ++i) add_execution();
  // False if the event drawn exists already (nothing written).
  auto write = [&] {
    if (rng() % 3 == 0) {
      add_execution();
      return true;
    }
    const EventType type = rng() % 2 ? EventType::kInput : EventType::kOutput;
    const Status s =
        store_->PutEvents({Edge(pick(artifacts), pick(executions), type)});
    EXPECT_TRUE(s.ok() || absl::IsAlreadyExists(s)) << s;
    return s.ok();
  };
  int resumed_after_write = 0, aborted = 0, finished = 0;
  for (int round = 0; round < 150; ++round) {
    SCOPED_TRACE(round);
    LineageQuery q =
        Query({A(pick(artifacts))}, 1 + rng() % 6, kDirections[rng() % 3]);
    q.max_nodes = 1 + rng() % 4;
    LineageQuery whole = q;
    whole.max_nodes = 0;
    LineageGraph joined;
    bool wrote = false;
    for (int pages = 0;; ++pages) {
      ASSERT_LE(pages, 1000) << "paging does not end";
      StatusOr<LineageGraph> page = GetLineageSubgraph(store_.get(), q);
      ASSERT_OK_AND_ASSIGN(LineageGraph now,
                           GetLineageSubgraph(store_.get(), whole));
      if (!page.ok()) {
        ASSERT_EQ(page.status().code(), absl::StatusCode::kAborted)
            << page.status();
        EXPECT_FALSE(BeginsWith(now, joined)) << "aborted for nothing";
        ++aborted;
        break;
      }
      resumed_after_write += wrote;
      joined.nodes.insert(joined.nodes.end(), page->nodes.begin(),
                          page->nodes.end());
      joined.events.insert(joined.events.end(), page->events.begin(),
                           page->events.end());
      if (!page->partial) {
        EXPECT_EQ(Strs(joined.nodes), Strs(now.nodes));
        EXPECT_EQ(Strs(joined.events), Strs(now.events));
        ++finished;
        break;
      }
      q.cursor = page->cursor;
      wrote = rng() % 2 == 0 && write();
    }
  }
  // Both ways are taken, many times.
  EXPECT_GE(resumed_after_write, 30);
  EXPECT_GE(aborted, 10);
  EXPECT_GE(finished, 30);
}

// What a cursor carries survives a reopen: a write among its pages in the
// session before and one elsewhere in the session after still abort it.
TEST_F(SubgraphPagingTest, LineageWrittenAmongThePagesAbortsAcrossReopens) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  ASSERT_OK(store_->PutEvents({Edge(a4_, e2_, EventType::kInput)}));
  Reopen();
  ASSERT_OK(store_->PutEvents({Edge(a1_, e3_, EventType::kInput)}));
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
  // A cursor of a later first page resumes after a reopen, with or without
  // lineage written past its pages.
  q.cursor.clear();
  ASSERT_OK_AND_ASSIGN(LineageGraph again, GetLineageSubgraph(store_.get(), q));
  ASSERT_TRUE(again.partial);
  Reopen();
  q.cursor = again.cursor;
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
  ASSERT_OK(store_->PutEvents({Edge(a2_, e3_, EventType::kInput)}));
  Reopen();
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
  // Nor does a write without events, before or after a reopen.
  ASSERT_OK_AND_ASSIGN(
      int64_t type,
      store_->PutType(Type{.kind = NodeKind::kContext, .name = "NoLineage"}));
  Reopen();
  Context c;
  c.type_id = type;
  c.name = "c";
  ASSERT_OK(store_->Put<Context>({c}).status());
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
  Reopen();
  EXPECT_OK(GetLineageSubgraph(store_.get(), q).status());
}

}  // namespace
}  // namespace lineagedb
