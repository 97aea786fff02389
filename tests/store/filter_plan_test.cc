// Filter plans (store/filter_plan.h): which candidates a query's top-level
// conjuncts and the nodes it names narrow a list or a lineage filter to,
// and that a planned answer equals the unplanned one (the same query under
// `OR id < 0`, which no id satisfies and which leaves nothing to plan from)
// in every order, page size and NodeQuery field.
#include "store/filter_plan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "filter/parser.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using Ids = std::vector<int64_t>;
using ::testing::ElementsAreArray;
using ::testing::Optional;

// Artifacts a_[0..17]: i = 0..5 are Model "m<i>", 6..11 Dataset "d<i-6>",
// 12..17 Dataset v2 "d<i-12>" (the same names under another type);
// uri "s3://b/<i % 3>" except every fifth (no uri); external id "ext-<i>"
// for even i. Context c_[0] holds a_[0..8], c_[1] the rest. Artifacts
// 3, 7, 11, 15 are updated last, in reverse order, so that update-time
// order is not id order. Executions x_[0..3] "t<i>" of Trainer.
class FilterPlanTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(model_, AddType(NodeKind::kArtifact, "Model", ""));
    ASSERT_OK_AND_ASSIGN(dataset_, AddType(NodeKind::kArtifact, "Dataset", ""));
    ASSERT_OK_AND_ASSIGN(dataset_v2_,
                         AddType(NodeKind::kArtifact, "Dataset", "v2"));
    ASSERT_OK_AND_ASSIGN(int64_t trainer,
                         AddType(NodeKind::kExecution, "Trainer", ""));
    ASSERT_OK_AND_ASSIGN(int64_t run, AddType(NodeKind::kContext, "Run", ""));
    std::vector<Artifact> arts(18);
    for (int i = 0; i < 18; ++i) {
      Artifact& a = arts[i];
      a.type_id = i < 6 ? model_ : i < 12 ? dataset_ : dataset_v2_;
      a.name = absl::StrCat(i < 6 ? "m" : "d", i < 6 ? i : (i - 6) % 6);
      if (i % 5 != 0) a.uri = absl::StrCat("s3://b/", i % 3);
      if (i % 2 == 0) a.external_id = absl::StrCat("ext-", i);
    }
    ASSERT_OK_AND_ASSIGN(a_, store_->Put(arts));
    std::vector<Execution> exes(4);
    for (int i = 0; i < 4; ++i) {
      exes[i].type_id = trainer;
      exes[i].name = absl::StrCat("t", i);
    }
    ASSERT_OK_AND_ASSIGN(x_, store_->Put(exes));
    std::vector<Context> contexts(2);
    for (int i = 0; i < 2; ++i) {
      contexts[i].type_id = run;
      contexts[i].name = absl::StrCat("r", i);
    }
    ASSERT_OK_AND_ASSIGN(c_, store_->Put(contexts));
    std::vector<Attribution> attributions;
    for (int i = 0; i < 18; ++i)
      attributions.push_back({c_[i < 9 ? 0 : 1], a_[i]});
    ASSERT_OK(store_->PutAttributionsAndAssociations(attributions, {}));
    for (int i : {15, 11, 7, 3}) {
      testing::SleepMs(2);
      ASSERT_OK_AND_ASSIGN(std::vector<Artifact> one,
                           store_->GetByIds<Artifact>({a_[i]}));
      ASSERT_EQ(one.size(), 1u);
      one[0].custom_properties["touched"] = true;
      ASSERT_OK(store_->Put(one).status());
    }
  }

  StatusOr<int64_t> AddType(NodeKind kind, const std::string& name,
                            const std::string& version) {
    Type t;
    t.kind = kind;
    t.name = name;
    t.version = version;
    return store_->PutType(t);
  }

  // The plan of artifact query `text` over the store as it is.
  store::FilterPlan Plan(const std::string& text) {
    auto parsed = filter::Parse(NodeKind::kArtifact, text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    if (!parsed.ok()) return {};
    StoreImpl* impl = store_->impl();
    auto types = impl->ListTypes(NodeKind::kArtifact);
    auto context_types = impl->ListTypes(NodeKind::kContext);
    EXPECT_TRUE(types.ok() && context_types.ok());
    auto view = impl->kv()->NewReadView();
    auto plan = store::PlanFilter(*parsed, *types, *context_types, *view);
    EXPECT_TRUE(plan.ok()) << text << ": " << plan.status().ToString();
    return plan.ok() ? *plan : store::FilterPlan{};
  }

  Ids A(std::initializer_list<int> indexes) const {
    Ids out;
    for (int i : indexes) out.push_back(a_[i]);
    return out;
  }

  Ids ListAll(const NodeQuery& query, const ListOptions& options) {
    return testing::ListAllIds<Artifact>(store_.get(), query, options);
  }

  int64_t model_ = 0, dataset_ = 0, dataset_v2_ = 0;
  Ids a_, x_, c_;
};

TEST_F(FilterPlanTest, IdConjunctsNameStoredNodes) {
  EXPECT_THAT(Plan(absl::StrCat("id = ", a_[5])).ids, Optional(A({5})));
  EXPECT_THAT(
      Plan(absl::StrCat("id IN (", a_[2], ", ", a_[1], ", 999999)")).ids,
      Optional(A({1, 2})));
  EXPECT_TRUE(Plan("id = 999999").none);
  // A fraction in the list: not planned (nothing may be left out).
  EXPECT_FALSE(Plan(absl::StrCat("id IN (", a_[1], ", 2.5)")).ids.has_value());
  EXPECT_FALSE(Plan(absl::StrCat("id > ", a_[1])).ids.has_value());
}

TEST_F(FilterPlanTest, NameAndExternalIdConjunctsReadTheirIndexes) {
  // Every type of the kind that has the name.
  EXPECT_THAT(Plan("name = 'd3'").ids, Optional(A({9, 15})));
  EXPECT_THAT(Plan("name IN ('m1', 'm2', 'nope')").ids, Optional(A({1, 2})));
  // Under the type the query names.
  EXPECT_THAT(
      Plan("name = 'd3' AND type_id = " + std::to_string(dataset_v2_)).ids,
      Optional(A({15})));
  EXPECT_TRUE(Plan("name = 'd3' AND type = 'Model'").none);
  EXPECT_THAT(Plan("external_id = 'ext-4'").ids, Optional(A({4})));
  EXPECT_THAT(Plan("external_id IN ('ext-4', 'ext-5', 'ext-6')").ids,
              Optional(A({4, 6})));
  EXPECT_TRUE(Plan("external_id = 'nope'").none);
  // Conjuncts intersect.
  EXPECT_THAT(Plan(absl::StrCat("name IN ('m1', 'm2') AND id IN (", a_[2], ", ",
                                a_[3], ")"))
                  .ids,
              Optional(A({2})));
  EXPECT_TRUE(Plan("name = 'm1' AND external_id = 'ext-2'").none);
  // NOT pushed down to a predicate: `NOT name != 'm1'` is `name = 'm1'`.
  EXPECT_THAT(Plan("NOT (name != 'm1')").ids, Optional(A({1})));
  // Not indexed: not planned.
  EXPECT_FALSE(Plan("name = ''").ids.has_value());
  EXPECT_FALSE(Plan("external_id = ''").ids.has_value());
  EXPECT_FALSE(Plan("name LIKE 'm%'").ids.has_value());
}

TEST_F(FilterPlanTest, DisjunctionsOfNamedNodesUnite) {
  EXPECT_THAT(Plan("name = 'm1' OR name = 'm4' OR name = 'nope'").ids,
              Optional(A({1, 4})));
  EXPECT_THAT(Plan(absl::StrCat("name = 'm1' OR id = ", a_[2],
                                " OR external_id = 'ext-6'"))
                  .ids,
              Optional(A({1, 2, 6})));
  // An id that no node has is dropped, also in a union.
  EXPECT_THAT(Plan(absl::StrCat("id = 999999 OR external_id = 'ext-4'")).ids,
              Optional(A({4})));
  EXPECT_TRUE(Plan("name = 'nope' OR external_id = 'nope'").none);
  // Nested: each part of the OR names nodes through an AND.
  EXPECT_THAT(
      Plan(absl::StrCat("(name = 'd3' AND uri != 's3://b/9') OR (", "id IN (",
                        a_[0], ", ", a_[1], ") AND name = 'm1')"))
          .ids,
      Optional(A({1, 9, 15})));
  // Under a top-level AND, the union is intersected.
  EXPECT_THAT(
      Plan(absl::StrCat("(name = 'm1' OR name = 'm2') AND id = ", a_[2])).ids,
      Optional(A({2})));
  // Names are looked up under the query's one type.
  EXPECT_THAT(Plan("(name = 'd3' OR name = 'd4') AND type_id = " +
                   std::to_string(dataset_v2_))
                  .ids,
              Optional(A({15, 16})));
  // A part that may hold for any node leaves the OR unplanned.
  EXPECT_FALSE(Plan("name = 'm1' OR name LIKE 'd%'").ids.has_value());
  EXPECT_FALSE(
      Plan(absl::StrCat("name = 'm1' OR id > ", a_[15])).ids.has_value());
  EXPECT_FALSE(Plan("name = 'm1' OR name = ''").ids.has_value());
  EXPECT_FALSE(Plan("name = 'm1' OR NOT (name = 'm2')").ids.has_value());
  EXPECT_FALSE(Plan("name = 'm1' OR name NOT IN ('m2')").ids.has_value());
}

TEST_F(FilterPlanTest, TypeUriAndContextConjuncts) {
  EXPECT_EQ(Plan("type_id = " + std::to_string(model_)).type_id, model_);
  EXPECT_TRUE(Plan("type_id = 999999").none);
  EXPECT_EQ(Plan("type = 'Model'").type_id, model_);
  // Two types are named Dataset: no one type, both read.
  EXPECT_EQ(Plan("type = 'Dataset'").type_id, 0);
  EXPECT_THAT(Plan("type = 'Dataset'").type_ids,
              ElementsAreArray({dataset_, dataset_v2_}));
  EXPECT_THAT(Plan("type = 'Model'").type_ids, ::testing::IsEmpty());
  // As a lineage filter resolves it.
  ASSERT_OK_AND_ASSIGN(
      std::vector<int64_t> datasets,
      store_->impl()->FilterNodeIds(NodeKind::kArtifact, "type = 'Dataset'"));
  EXPECT_EQ(datasets, A({6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}));
  EXPECT_THAT(Plan("uri = 's3://b/1'").uri, Optional(std::string("s3://b/1")));
  EXPECT_FALSE(Plan("uri = ''").uri.has_value());
  EXPECT_EQ(Plan("contexts_c.name = 'r1'").context_id, c_[1]);
  EXPECT_TRUE(Plan("contexts_c.name = 'nope'").none);
}

TEST_F(FilterPlanTest, PlannedListsEqualUnplannedOnes) {
  const std::vector<std::string> queries = {
      absl::StrCat("id = ", a_[5]),
      absl::StrCat("id IN (", a_[3], ", ", a_[7], ", ", a_[15], ", ", a_[0],
                   ", 999999)"),
      "name = 'd3'",
      "name IN ('d1', 'd2', 'm4', 'd4') AND uri != 's3://b/0'",
      "name IN ('d1', 'd3') AND type = 'Dataset'",
      "external_id IN ('ext-2', 'ext-6', 'ext-8', 'ext-12')",
      "uri = 's3://b/1'",
      "uri = 's3://b/2' AND name LIKE 'd%'",
      "uri = ''",
      "type_id = " + std::to_string(dataset_),
      "contexts_c.name = 'r0' AND name IN ('m1', 'd1', 'd2')",
      "name = ''",
      "name = 'd1' OR name = 'm4' OR external_id = 'ext-14'",
      absl::StrCat("(name = 'd3' OR id IN (", a_[1], ", ", a_[16],
                   ", 999999)) AND uri != 's3://b/0'"),
      "(name = 'd2' AND type = 'Dataset') OR (name = 'd5' AND uri = "
      "'s3://b/2')",
      "contexts_c.name = 'r1' AND (name = 'd4' OR external_id = 'ext-2')",
      "type = 'Dataset'",
      "type = 'Dataset' AND uri != 's3://b/1'",
  };
  std::vector<NodeQuery> bases(4);
  bases[1].type_name = "Dataset";
  bases[2].context_id = c_[1];
  bases[3].uri = "s3://b/1";
  for (const std::string& text : queries) {
    for (const NodeQuery& base : bases) {
      for (OrderBy by :
           {OrderBy::kId, OrderBy::kCreateTime, OrderBy::kLastUpdateTime}) {
        for (bool ascending : {true, false}) {
          for (int size : {1, 3, 1000}) {
            const ListOptions options = testing::Paging(size, by, ascending);
            NodeQuery planned = base;
            planned.filter = text;
            NodeQuery unplanned = base;
            unplanned.filter = "(" + text + ") OR id < 0";
            const Ids want = ListAll(unplanned, options);
            EXPECT_THAT(ListAll(planned, options), ElementsAreArray(want))
                << text << " | type " << base.type_name << " context "
                << base.context_id << " uri " << base.uri.value_or("-")
                << " order " << static_cast<int>(by) << " asc " << ascending
                << " page " << size;
          }
        }
      }
    }
  }
}

TEST_F(FilterPlanTest, LineageFiltersUseThePlan) {
  StoreImpl* impl = store_->impl();
  for (const std::string& text :
       {std::string("name = 'd3'"), std::string("uri = 's3://b/1'"),
        absl::StrCat("id IN (", a_[1], ", ", a_[16], ")"),
        std::string("external_id = 'ext-8' AND name = 'd2'")}) {
    ASSERT_OK_AND_ASSIGN(Ids planned,
                         impl->FilterNodeIds(NodeKind::kArtifact, text));
    ASSERT_OK_AND_ASSIGN(
        Ids unplanned,
        impl->FilterNodeIds(NodeKind::kArtifact, "(" + text + ") OR id < 0"));
    EXPECT_FALSE(planned.empty()) << text;
    EXPECT_EQ(planned, unplanned) << text;
  }
}

}  // namespace
}  // namespace lineagedb
