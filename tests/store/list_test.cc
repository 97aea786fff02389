// Conformance tests of node reads: List<N> (paging in every order, filters,
// page-token and paging-option validation) and the lookups GetByIds,
// GetByExternalIds and GetByTypeAndName.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::Dump;
using ::lineagedb::testing::IdsInListOrder;
using ::lineagedb::testing::IdsOf;
using ::lineagedb::testing::OfContext;
using ::lineagedb::testing::Paging;
using ::lineagedb::testing::Pair;

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

void SleepForMs(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

const char* OrderName(OrderBy o) {
  switch (o) {
    case OrderBy::kId:
      return "id";
    case OrderBy::kCreateTime:
      return "create_time";
    case OrderBy::kLastUpdateTime:
      return "last_update_time";
  }
  return "?";
}

// The ids of `nodes` in the order a list call must return them: by the sort
// key, ties by id, everything reversed when descending.

template <typename N>
class ListTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    Type t;
    t.kind = N::kKind;
    t.name = "T";
    ASSERT_OK_AND_ASSIGN(type_id_, store_->PutType(t));
    t.version = "v1";
    ASSERT_OK_AND_ASSIGN(v1_type_id_, store_->PutType(t));
    t.name = "Other";
    t.version = "";
    ASSERT_OK_AND_ASSIGN(other_type_id_, store_->PutType(t));
  }

  // Inserts `count` nodes of `type_id` named prefix0, prefix1, ... in calls
  // of `batch` nodes; returns their ids.
  std::vector<int64_t> Insert(int count, int64_t type_id,
                              const std::string& prefix, int batch = 10) {
    std::vector<int64_t> ids;
    for (int start = 0; start < count; start += batch) {
      std::vector<N> nodes;
      for (int i = start; i < std::min(count, start + batch); ++i) {
        N n;
        n.type_id = type_id;
        n.name = prefix + std::to_string(i);
        nodes.push_back(n);
      }
      auto put = store_->Put(nodes);
      EXPECT_TRUE(put.ok()) << put.status().ToString();
      if (!put.ok()) return ids;
      ids.insert(ids.end(), put->begin(), put->end());
    }
    return ids;
  }

  std::vector<N> Read(const std::vector<int64_t>& ids) {
    auto got = store_->GetByIds<N>(ids);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<N>{};
  }

  // Follows next_page_token from the first page to the last; returns the
  // pages. Every page but the last must be full.
  std::vector<std::vector<N>> ListPages(const NodeQuery& query,
                                        ListOptions options) {
    std::vector<std::vector<N>> pages;
    for (int guard = 0; guard < 10000; ++guard) {
      auto page = store_->List<N>(query, options);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return pages;
      pages.push_back(page->items);
      if (page->next_page_token.empty()) return pages;
      EXPECT_EQ(page->items.size(),
                static_cast<size_t>(options.max_result_size))
          << "page " << pages.size() << " is not full but not the last";
      options.page_token = page->next_page_token;
    }
    ADD_FAILURE() << "paging does not end";
    return pages;
  }

  std::vector<int64_t> ListAllIds(const NodeQuery& query,
                                  const ListOptions& options) {
    std::vector<int64_t> ids;
    for (const auto& page : ListPages(query, options)) {
      for (const N& n : page) ids.push_back(n.id);
    }
    return ids;
  }

  int64_t type_id_ = 0;
  int64_t v1_type_id_ = 0;
  int64_t other_type_id_ = 0;
};

using NodeKinds = ::testing::Types<Artifact, Execution, Context>;
TYPED_TEST_SUITE(ListTest, NodeKinds);

TYPED_TEST(ListTest, PaginationCoversEveryNodeOnceInEveryOrder) {
  constexpr int kCount = 250;
  std::vector<int64_t> ids;
  for (int round = 0; round < 5; ++round) {  // Five create-time groups.
    auto batch =
        this->Insert(kCount / 5, this->type_id_, absl::StrCat("n", round, "-"));
    ids.insert(ids.end(), batch.begin(), batch.end());
    SleepForMs(2);
  }
  ASSERT_EQ(ids.size(), static_cast<size_t>(kCount));
  this->Insert(6, this->other_type_id_, "other");
  // Update interleaved subsets, each in one call, so that last-update times
  // tie within a subset and the subsets cross id order.
  for (int group = 0; group < 4; ++group) {
    std::vector<int64_t> subset;
    for (int i = group; i < 200; i += 5) subset.push_back(ids[i]);
    std::vector<TypeParam> nodes = this->Read(subset);
    ASSERT_EQ(nodes.size(), subset.size());
    for (TypeParam& n : nodes) n.custom_properties["group"] = group;
    ASSERT_OK(this->store_->Put(nodes).status());
    SleepForMs(2);
  }
  const std::vector<TypeParam> all = this->Read(ids);
  ASSERT_EQ(all.size(), static_cast<size_t>(kCount));

  NodeQuery query;
  query.type_name = "T";
  for (OrderBy by :
       {OrderBy::kId, OrderBy::kCreateTime, OrderBy::kLastUpdateTime}) {
    for (bool ascending : {true, false}) {
      for (int size : {7, 100}) {
        SCOPED_TRACE(::testing::Message()
                     << OrderName(by) << (ascending ? " asc" : " desc")
                     << " page size " << size);
        ListOptions options = Paging(size, by, ascending);
        auto pages = this->ListPages(query, options);
        ASSERT_EQ(pages.size(),
                  static_cast<size_t>((kCount + size - 1) / size));
        EXPECT_EQ(pages.back().size(), static_cast<size_t>(kCount % size));
        std::vector<int64_t> listed;
        for (const auto& page : pages) {
          for (const TypeParam& n : page) listed.push_back(n.id);
        }
        EXPECT_EQ(listed, IdsInListOrder(all, by, ascending));
      }
    }
  }
  // Without a filter the other type's nodes are listed too.
  EXPECT_EQ(this->ListAllIds({}, Paging(100)).size(),
            static_cast<size_t>(kCount + 6));
}

TYPED_TEST(ListTest, ListedNodesAreComplete) {
  std::vector<int64_t> ids = this->Insert(3, this->type_id_, "n");
  std::vector<TypeParam> nodes = this->Read(ids);
  nodes[1].custom_properties["c"] = "x";
  if constexpr (std::is_same_v<TypeParam, Artifact>) {
    nodes[1].uri = "s3://x";
    nodes[1].state = ArtifactState::kLive;
  }
  ASSERT_OK(this->store_->Put(std::vector<TypeParam>{nodes[1]}).status());
  ASSERT_OK_AND_ASSIGN(auto page, this->store_->template List<TypeParam>());
  EXPECT_EQ(page.items, this->Read(ids));
  EXPECT_TRUE(page.next_page_token.empty());
  for (const TypeParam& n : page.items) EXPECT_EQ(n.type, "T");
}

TYPED_TEST(ListTest, DefaultOptionsGiveHundredByIdAscending) {
  std::vector<int64_t> ids = this->Insert(120, this->type_id_, "n", 40);
  ASSERT_OK_AND_ASSIGN(auto page, this->store_->template List<TypeParam>());
  ASSERT_EQ(page.items.size(), 100u);
  EXPECT_EQ(IdsOf(page.items),
            std::vector<int64_t>(ids.begin(), ids.begin() + 100));
  ASSERT_FALSE(page.next_page_token.empty());
  ListOptions next;
  next.page_token = page.next_page_token;
  ASSERT_OK_AND_ASSIGN(auto last,
                       this->store_->template List<TypeParam>({}, next));
  EXPECT_EQ(IdsOf(last.items),
            std::vector<int64_t>(ids.begin() + 100, ids.end()));
  EXPECT_TRUE(last.next_page_token.empty());
}

TYPED_TEST(ListTest, LastPageHasAnEmptyToken) {
  std::vector<int64_t> ids = this->Insert(5, this->type_id_, "n");
  auto pages = this->ListPages({}, Paging(2));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(IdsOf(pages[2]), std::vector<int64_t>{ids[4]});
  ASSERT_OK_AND_ASSIGN(auto one,
                       this->store_->template List<TypeParam>({}, Paging(10)));
  EXPECT_EQ(IdsOf(one.items), ids);
  EXPECT_TRUE(one.next_page_token.empty());
  // An empty store kind lists as one empty last page.
  NodeQuery other;
  other.type_name = "Other";
  ASSERT_OK_AND_ASSIGN(auto empty,
                       this->store_->template List<TypeParam>(other));
  EXPECT_THAT(empty.items, IsEmpty());
  EXPECT_TRUE(empty.next_page_token.empty());
}

TYPED_TEST(ListTest, FilterByTypeNameAndVersion) {
  std::vector<int64_t> plain = this->Insert(3, this->type_id_, "p");
  std::vector<int64_t> v1 = this->Insert(2, this->v1_type_id_, "v");
  std::vector<int64_t> other = this->Insert(4, this->other_type_id_, "o");

  NodeQuery query;
  query.type_name = "T";
  query.type_version = "v1";
  EXPECT_EQ(this->ListAllIds(query, Paging(1)), v1);
  query.type_version = "v9";
  EXPECT_THAT(this->ListAllIds(query, {}), IsEmpty());
  query.type_name = "Other";
  query.type_version = "";
  EXPECT_EQ(this->ListAllIds(query, Paging(3)), other);
  EXPECT_EQ(this->ListAllIds(query, Paging(3, OrderBy::kId, false)),
            std::vector<int64_t>(other.rbegin(), other.rend()));
  EXPECT_EQ(this->ListAllIds({}, {}).size(), 9u);
}

TYPED_TEST(ListTest, UnknownTypeGivesAnEmptyPage) {
  this->Insert(3, this->type_id_, "n");
  NodeQuery query;
  query.type_name = "NoSuchType";
  ASSERT_OK_AND_ASSIGN(auto page,
                       this->store_->template List<TypeParam>(query));
  EXPECT_THAT(page.items, IsEmpty());
  EXPECT_TRUE(page.next_page_token.empty());
  query.type_name = "T";
  query.type_version = "no-such-version";
  ASSERT_OK_AND_ASSIGN(auto page2,
                       this->store_->template List<TypeParam>(query));
  EXPECT_THAT(page2.items, IsEmpty());
}

// A filter that cannot apply is refused, not dropped.
TYPED_TEST(ListTest, AVersionWithoutItsTypeOrAnUnknownOrderIsInvalidArgument) {
  this->Insert(3, this->type_id_, "n");
  NodeQuery query;
  query.type_version = "v1";
  EXPECT_CODE(this->store_->template List<TypeParam>(query), kInvalidArgument);
  ListOptions order = Paging(7);
  order.order_by = static_cast<OrderBy>(200);
  EXPECT_CODE(this->store_->template List<TypeParam>({}, order),
              kInvalidArgument);
}

TYPED_TEST(ListTest, PageTokenOfAnotherQueryIsInvalidArgument) {
  std::vector<int64_t> ids = this->Insert(20, this->type_id_, "n");
  this->Insert(20, this->other_type_id_, "o");
  NodeQuery query;
  query.type_name = "T";
  const ListOptions first = Paging(7);
  ASSERT_OK_AND_ASSIGN(auto page,
                       this->store_->template List<TypeParam>(query, first));
  ASSERT_FALSE(page.next_page_token.empty());
  ListOptions next = first;
  next.page_token = page.next_page_token;

  NodeQuery other_type = query;
  other_type.type_name = "Other";
  EXPECT_CODE(this->store_->template List<TypeParam>(other_type, next),
              kInvalidArgument);
  NodeQuery other_version = query;
  other_version.type_version = "v1";
  EXPECT_CODE(this->store_->template List<TypeParam>(other_version, next),
              kInvalidArgument);
  EXPECT_CODE(this->store_->template List<TypeParam>({}, next),
              kInvalidArgument);
  ListOptions other_order = next;
  other_order.order_by = OrderBy::kCreateTime;
  EXPECT_CODE(this->store_->template List<TypeParam>(query, other_order),
              kInvalidArgument);
  other_order.order_by = OrderBy::kLastUpdateTime;
  EXPECT_CODE(this->store_->template List<TypeParam>(query, other_order),
              kInvalidArgument);
  ListOptions other_direction = next;
  other_direction.ascending = false;
  EXPECT_CODE(this->store_->template List<TypeParam>(query, other_direction),
              kInvalidArgument);
  // A token of another node kind.
  if constexpr (std::is_same_v<TypeParam, Context>) {
    EXPECT_CODE(this->store_->template List<Artifact>({}, next),
                kInvalidArgument);
  } else {
    EXPECT_CODE(this->store_->template List<Context>({}, next),
                kInvalidArgument);
  }
  // The token still works with its own query.
  ASSERT_OK_AND_ASSIGN(auto second,
                       this->store_->template List<TypeParam>(query, next));
  EXPECT_EQ(IdsOf(second.items),
            std::vector<int64_t>(ids.begin() + 7, ids.begin() + 14));
}

TYPED_TEST(ListTest, GarbageTokenIsInvalidArgument) {
  this->Insert(3, this->type_id_, "n");
  for (const std::string& token :
       {std::string("garbage"), std::string("\x01\x02\x03", 3),
        std::string("\0\0\0\0\0\0\0\0", 8), std::string(64, 'A'),
        std::string(1, '\xff')}) {
    ListOptions options;
    options.page_token = token;
    EXPECT_CODE(this->store_->template List<TypeParam>({}, options),
                kInvalidArgument);
  }
}

// A token with any one character changed is refused, not read as another
// position (the check covers the position).
TYPED_TEST(ListTest, ChangedTokenIsInvalidArgument) {
  this->Insert(30, this->type_id_, "n");
  for (OrderBy by : {OrderBy::kId, OrderBy::kLastUpdateTime}) {
    const ListOptions first = Paging(5, by);
    ASSERT_OK_AND_ASSIGN(auto page,
                         this->store_->template List<TypeParam>({}, first));
    const std::string token = page.next_page_token;
    ASSERT_FALSE(token.empty());
    for (size_t i = 0; i < token.size(); ++i) {
      for (char c : {'A', 'B', 'z', '0', '_', '-'}) {
        if (token[i] == c) continue;
        ListOptions changed = first;
        changed.page_token = token;
        changed.page_token[i] = c;
        const auto got = this->store_->template List<TypeParam>({}, changed);
        // Base64's last character may carry unused bits: a change there
        // that decodes to the same bytes reads as the same token.
        if (got.ok()) {
          ListOptions same = first;
          same.page_token = token;
          ASSERT_OK_AND_ASSIGN(
              auto want, this->store_->template List<TypeParam>({}, same));
          EXPECT_EQ(IdsOf(got->items), IdsOf(want.items))
              << "position " << i << " '" << c << "'";
          continue;
        }
        EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
            << "position " << i << " '" << c << "'";
      }
    }
  }
}

TYPED_TEST(ListTest, MaxResultSizeOutOfRangeIsInvalidArgument) {
  this->Insert(3, this->type_id_, "n");
  for (int size : {0, -1, -100, 10001}) {
    SCOPED_TRACE(size);
    EXPECT_CODE(this->store_->template List<TypeParam>({}, Paging(size)),
                kInvalidArgument);
  }
  for (int size : {1, 10000}) {
    SCOPED_TRACE(size);
    ASSERT_OK_AND_ASSIGN(
        auto page, this->store_->template List<TypeParam>({}, Paging(size)));
    EXPECT_EQ(page.items.size(), static_cast<size_t>(std::min(size, 3)));
  }
}

TYPED_TEST(ListTest, ListingSurvivesReopen) {
  std::vector<int64_t> ids = this->Insert(30, this->type_id_, "n", 4);
  const ListOptions options = Paging(7, OrderBy::kCreateTime, false);
  const std::vector<int64_t> before = this->ListAllIds({}, options);
  ASSERT_EQ(before.size(), ids.size());
  ASSERT_OK_AND_ASSIGN(auto first,
                       this->store_->template List<TypeParam>({}, options));
  const std::vector<TypeParam> all_before = this->Read(ids);

  this->Reopen();
  EXPECT_EQ(this->ListAllIds({}, options), before);
  EXPECT_EQ(this->Read(ids), all_before);
  // A token is an opaque description of the position: it outlives the
  // process that issued it.
  ListOptions next = options;
  next.page_token = first.next_page_token;
  ASSERT_OK_AND_ASSIGN(auto second,
                       this->store_->template List<TypeParam>({}, next));
  EXPECT_EQ(IdsOf(second.items),
            std::vector<int64_t>(before.begin() + 7, before.begin() + 14));
}

// ---- Lookups ----

TYPED_TEST(ListTest, GetByIdsSkipsUnknownIdsAndKeepsRequestOrder) {
  std::vector<int64_t> ids = this->Insert(3, this->type_id_, "n");
  const int64_t unknown = ids[2] + 1000;
  ASSERT_OK_AND_ASSIGN(auto got, this->store_->template GetByIds<TypeParam>(
                                     {ids[2], unknown, ids[0], -5, ids[1]}));
  EXPECT_THAT(IdsOf(got), ElementsAre(ids[2], ids[0], ids[1]));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].name, "n2");
  EXPECT_EQ(got[0].type, "T");
  ASSERT_OK_AND_ASSIGN(auto none,
                       this->store_->template GetByIds<TypeParam>({unknown}));
  EXPECT_THAT(none, IsEmpty());
}

TYPED_TEST(ListTest, GetByExternalIdsSkipsUnknown) {
  std::vector<TypeParam> nodes(3);
  for (int i = 0; i < 3; ++i) {
    nodes[i].type_id = this->type_id_;
    nodes[i].name = absl::StrCat("n", i);
  }
  nodes[0].external_id = "xa";
  nodes[1].external_id = "xb";
  ASSERT_OK_AND_ASSIGN(auto ids, this->store_->Put(nodes));
  ASSERT_OK_AND_ASSIGN(
      auto got,
      this->store_->template GetByExternalIds<TypeParam>({"xb", "nope", "xa"}));
  EXPECT_THAT(IdsOf(got), UnorderedElementsAre(ids[0], ids[1]));
  for (const TypeParam& n : got) {
    EXPECT_EQ(n.external_id, n.id == ids[0] ? "xa" : "xb");
  }
  ASSERT_OK_AND_ASSIGN(
      auto none, this->store_->template GetByExternalIds<TypeParam>({"nope"}));
  EXPECT_THAT(none, IsEmpty());
}

TYPED_TEST(ListTest, GetByTypeAndName) {
  std::vector<int64_t> plain = this->Insert(2, this->type_id_, "n");
  std::vector<int64_t> v1 = this->Insert(1, this->v1_type_id_, "n");
  std::vector<int64_t> other = this->Insert(1, this->other_type_id_, "n");
  auto by_name = [this](std::string_view type, std::string_view name,
                        std::string_view version = "") {
    return this->store_->template GetByTypeAndName<TypeParam>(type, name,
                                                              version);
  };
  ASSERT_OK_AND_ASSIGN(TypeParam got, by_name("T", "n1"));
  EXPECT_EQ(got, this->Read({plain[1]}).at(0));
  ASSERT_OK_AND_ASSIGN(TypeParam got_v1, by_name("T", "n0", "v1"));
  EXPECT_EQ(got_v1.id, v1[0]);
  EXPECT_EQ(got_v1.type, "T");
  ASSERT_OK_AND_ASSIGN(TypeParam got_other, by_name("Other", "n0"));
  EXPECT_EQ(got_other.id, other[0]);
  EXPECT_CODE(by_name("T", "n9"), kNotFound);
  EXPECT_CODE(by_name("Other", "n1"), kNotFound);
  EXPECT_CODE(by_name("NoSuchType", "n0"), kNotFound);
  EXPECT_CODE(by_name("T", "n1", "v1"), kNotFound);
  EXPECT_CODE(by_name("T", "n0", "v9"), kNotFound);
}

// name_prefix lists the nodes whose names begin with it, byte for byte,
// through the name index: the same nodes, in the same order and pages, as
// the whole list with the others left out.
TYPED_TEST(ListTest, NamePrefixListsTheNodesNamedSo) {
  this->Insert(12, this->type_id_, "ns:d@");
  this->Insert(5, this->v1_type_id_, "ns:d@v");
  this->Insert(4, this->other_type_id_, "ns:d");
  this->Insert(3, this->type_id_, "NS:D@");
  this->Insert(3, this->type_id_, "ns:e@");
  const std::vector<int64_t> updated =
      this->Insert(3, this->type_id_, "ns:d@x");
  SleepForMs(2);
  auto touched = this->Read({updated[1]});
  ASSERT_EQ(touched.size(), 1u);
  touched[0].custom_properties["k"] = int64_t{1};
  ASSERT_OK(this->store_->Put(touched).status());
  for (const std::string prefix : {"ns:d@", "ns:d@1", "ns:d", "NS:", "zz"}) {
    for (const std::string type : {"", "T"}) {
      for (OrderBy by :
           {OrderBy::kId, OrderBy::kCreateTime, OrderBy::kLastUpdateTime}) {
        for (bool asc : {true, false}) {
          for (int size : {1, 4, 100}) {
            SCOPED_TRACE(absl::StrCat(prefix, " type '", type, "' ",
                                      OrderName(by), asc ? " asc" : " desc",
                                      " size ", size));
            const ListOptions options = Paging(size, by, asc);
            NodeQuery all;
            all.type_name = type;
            std::vector<int64_t> want;
            for (const TypeParam& n :
                 this->Read(this->ListAllIds(all, options))) {
              if (n.name.starts_with(prefix)) want.push_back(n.id);
            }
            NodeQuery named = all;
            named.name_prefix = prefix;
            EXPECT_EQ(this->ListAllIds(named, options), want);
            // With a filter, which the prefix narrows.
            named.filter = "id > 0";
            EXPECT_EQ(this->ListAllIds(named, options), want);
          }
        }
      }
    }
  }
  // A page token of one prefix does not fit another.
  NodeQuery d;
  d.name_prefix = "ns:d@";
  ASSERT_OK_AND_ASSIGN(auto page,
                       this->store_->template List<TypeParam>(d, Paging(1)));
  ASSERT_FALSE(page.next_page_token.empty());
  NodeQuery e;
  e.name_prefix = "ns:e@";
  EXPECT_CODE(this->store_->template List<TypeParam>(
                  e, Paging(1, OrderBy::kId, true, page.next_page_token)),
              kInvalidArgument);
}

// ---- Kind-specific filters ----

class ArtifactListTest : public ListTest<Artifact> {};

TEST_F(ArtifactListTest, FilterByUri) {
  std::vector<Artifact> nodes;
  const char* uris[] = {"s3://a", "s3://b", "s3://a", "", "s3://a/x", "s3://a"};
  for (int i = 0; i < 6; ++i) {
    Artifact a;
    a.type_id = i == 5 ? other_type_id_ : type_id_;
    a.uri = uris[i];
    nodes.push_back(a);
  }
  ASSERT_OK_AND_ASSIGN(auto ids, store_->Put(nodes));

  NodeQuery query;
  query.uri = "s3://a";
  EXPECT_THAT(ListAllIds(query, {}), ElementsAre(ids[0], ids[2], ids[5]));
  EXPECT_THAT(ListAllIds(query, Paging(1, OrderBy::kId, false)),
              ElementsAre(ids[5], ids[2], ids[0]));
  query.type_name = "T";
  EXPECT_THAT(ListAllIds(query, Paging(1)), ElementsAre(ids[0], ids[2]));
  query.uri = "s3://nowhere";
  ASSERT_OK_AND_ASSIGN(auto none, store_->List<Artifact>(query));
  EXPECT_THAT(none.items, IsEmpty());
  EXPECT_TRUE(none.next_page_token.empty());
  // Empty URIs are not indexed: asking for one is refused, not answered
  // with nothing.
  query.uri = "";
  EXPECT_CODE(store_->List<Artifact>(query), kInvalidArgument);

  // A token of the uri query does not fit another uri.
  NodeQuery a_query;
  a_query.uri = "s3://a";
  ASSERT_OK_AND_ASSIGN(auto page, store_->List<Artifact>(a_query, Paging(1)));
  ASSERT_FALSE(page.next_page_token.empty());
  NodeQuery b_query;
  b_query.uri = "s3://b";
  EXPECT_CODE(store_->List<Artifact>(
                  b_query, Paging(1, OrderBy::kId, true, page.next_page_token)),
              kInvalidArgument);
}

// Past 4,096 names, an update-time list by name prefix reads the
// update-time index instead of sorting every name on every page: the same
// answer.
TEST_F(ArtifactListTest, ManyNamesInUpdateTimeOrder) {
  const std::vector<int64_t> named = Insert(4200, type_id_, "p-", 700);
  Insert(300, type_id_, "q-", 300);
  auto touched = Read({named[7], named[4000]});
  ASSERT_EQ(touched.size(), 2u);
  SleepForMs(2);
  for (Artifact& a : touched) a.custom_properties["k"] = int64_t{1};
  ASSERT_OK(store_->Put(touched).status());
  for (bool asc : {true, false}) {
    const ListOptions options = Paging(1000, OrderBy::kLastUpdateTime, asc);
    std::vector<int64_t> want;
    for (const Artifact& a : Read(ListAllIds({}, options))) {
      if (a.name.starts_with("p-")) want.push_back(a.id);
    }
    ASSERT_EQ(want.size(), 4200u);
    EXPECT_EQ(want[asc ? 4199 : 0], named[4000]);
    NodeQuery query;
    query.name_prefix = "p-";
    EXPECT_EQ(ListAllIds(query, options), want);
  }
}

TEST_F(ArtifactListTest, NamePrefixWithinAContext) {
  const std::vector<int64_t> ids = Insert(4, type_id_, "a");
  Insert(2, type_id_, "b");
  ASSERT_OK_AND_ASSIGN(
      int64_t run,
      store_->PutType(Type{.kind = NodeKind::kContext, .name = "run"}));
  Context c;
  c.type_id = run;
  c.name = "r";
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> cs,
                       store_->Put(std::vector<Context>{c}));
  ASSERT_OK(store_->PutAttributionsAndAssociations(
      {{cs[0], ids[1]}, {cs[0], ids[3]}}, {}));
  NodeQuery query;
  query.context_id = cs[0];
  query.name_prefix = "a";
  EXPECT_THAT(ListAllIds(query, Paging(1)), ElementsAre(ids[1], ids[3]));
  query.name_prefix = "b";
  EXPECT_THAT(ListAllIds(query, {}), IsEmpty());
}

class KindFilterTest : public testing::StoreTest {};

TEST_F(KindFilterTest, UriFilterOnlyAppliesToArtifacts) {
  NodeQuery query;
  query.uri = "s3://a";
  EXPECT_CODE(store_->List<Execution>(query), kInvalidArgument);
  EXPECT_CODE(store_->List<Context>(query), kInvalidArgument);
  query.uri = "";
  EXPECT_CODE(store_->List<Execution>(query), kInvalidArgument);
  EXPECT_CODE(store_->List<Artifact>(query), kInvalidArgument);
}

TEST_F(KindFilterTest, ContextFilterDoesNotApplyToContexts) {
  NodeQuery query;
  query.context_id = 1;
  EXPECT_CODE(store_->List<Context>(query), kInvalidArgument);
}

TEST_F(KindFilterTest, NegativeContextIdIsInvalidArgument) {
  NodeQuery query;
  query.context_id = -3;
  EXPECT_CODE(store_->List<Artifact>(query), kInvalidArgument);
  EXPECT_CODE(store_->List<Execution>(query), kInvalidArgument);
}

}  // namespace
}  // namespace lineagedb
