// GetLineageSubgraph on a wide fan-out by hop, and paging: pages joined
// give the full result, cursors belong to one query and one graph version.
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
  ASSERT_EQ(raw.size(), 25u);
  auto at = [&raw](uint64_t skip) {
    for (int i = 0; i < 8; ++i) {
      raw[24 - i] = static_cast<char>((skip >> (8 * i)) & 0xff);
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

TEST_F(SubgraphPagingTest, LineageWriteBetweenPagesAborts) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  Event e = Edge(a1_, e3_, EventType::kInput);
  ASSERT_OK(store_->PutEvents({e}));
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
  // Starting again sees the new event.
  q.cursor.clear();
  q.max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(LineageGraph g, GetLineageSubgraph(store_.get(), q));
  edges_.push_back(e);
  ExpectMatchesReference(q);
}

// The version a cursor carries survives a reopen: a lineage write in the
// session before and one in the session after do not make it match again.
TEST_F(SubgraphPagingTest, LineageWriteBetweenPagesAbortsAcrossReopens) {
  LineageQuery q;
  LineageGraph first;
  ASSERT_NO_FATAL_FAILURE(FirstPage(&q, &first));
  ASSERT_OK(store_->PutEvents({Edge(a1_, e3_, EventType::kInput)}));
  Reopen();
  ASSERT_OK(store_->PutEvents({Edge(a2_, e3_, EventType::kInput)}));
  q.cursor = first.cursor;
  EXPECT_CODE(GetLineageSubgraph(store_.get(), q), kAborted);
  // A cursor of a later first page, after a reopen with no lineage write,
  // still resumes.
  q.cursor.clear();
  ASSERT_OK_AND_ASSIGN(LineageGraph again, GetLineageSubgraph(store_.get(), q));
  ASSERT_TRUE(again.partial);
  Reopen();
  q.cursor = again.cursor;
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
