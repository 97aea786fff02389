// Conformance tests of the type API (DOMAIN.md section 1, "Types"):
// PutType's evolution rules, versions, validation, external ids and reads.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr NodeKind kAllKinds[] = {NodeKind::kArtifact, NodeKind::kExecution,
                                  NodeKind::kContext};

Type MakeType(NodeKind kind, std::string name,
              std::map<std::string, PropertyKind> properties = {},
              std::string version = "") {
  Type t;
  t.kind = kind;
  t.name = std::move(name);
  t.version = std::move(version);
  t.properties = std::move(properties);
  return t;
}

std::vector<int64_t> IdsOf(const std::vector<Type>& types) {
  std::vector<int64_t> ids;
  for (const Type& t : types) ids.push_back(t.id);
  return ids;
}

class TypeTest : public testing::StoreTest {
 protected:
  // Puts `t` and returns it as it should read back (with its id).
  Type PutOrDie(Type t, const PutTypeOptions& options = {}) {
    auto id = store_->PutType(t, options);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    t.id = id.ok() ? *id : -1;
    return t;
  }

  // The stored type of (kind, name, version); a default Type when missing.
  Type Stored(NodeKind kind, const std::string& name,
              const std::string& version = "") {
    auto t = store_->GetType(kind, name, version);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : Type{};
  }
};

// ---- Insert and identity ----

TEST_F(TypeTest, InsertAssignsIdAndReadsBackEveryField) {
  for (NodeKind kind : kAllKinds) {
    SCOPED_TRACE(static_cast<int>(kind));
    Type t = MakeType(kind, "Full",
                      {{"i", PropertyKind::kInt},
                       {"d", PropertyKind::kDouble},
                       {"s", PropertyKind::kString},
                       {"st", PropertyKind::kStruct},
                       {"p", PropertyKind::kProto},
                       {"b", PropertyKind::kBool}},
                      "1.0");
    t.description = "a type with every property kind";
    t.external_id = "ext-full";
    if (kind == NodeKind::kArtifact) t.base_type = BaseType::kModel;
    if (kind == NodeKind::kExecution) t.base_type = BaseType::kTrain;
    ASSERT_OK_AND_ASSIGN(int64_t id, store_->PutType(t));
    EXPECT_GT(id, 0);
    t.id = id;
    ASSERT_OK_AND_ASSIGN(Type got, store_->GetType(kind, "Full", "1.0"));
    EXPECT_EQ(got, t);
  }
}

TEST_F(TypeTest, IdenticalPutReturnsSameId) {
  Type t = MakeType(NodeKind::kArtifact, "T", {{"p", PropertyKind::kInt}});
  ASSERT_OK_AND_ASSIGN(int64_t id1, store_->PutType(t));
  ASSERT_OK_AND_ASSIGN(int64_t id2, store_->PutType(t));
  EXPECT_EQ(id1, id2);
  PutTypeOptions both{.can_add_fields = true, .can_omit_fields = true};
  ASSERT_OK_AND_ASSIGN(int64_t id3, store_->PutType(t, both));
  EXPECT_EQ(id1, id3);
  ASSERT_OK_AND_ASSIGN(std::vector<Type> all,
                       store_->ListTypes(NodeKind::kArtifact));
  EXPECT_EQ(all.size(), 1u);
}

TEST_F(TypeTest, AChangedPropertyKindIsRefusedByName) {
  PutOrDie(MakeType(NodeKind::kArtifact, "T", {{"p", PropertyKind::kInt}}));
  StatusOr<int64_t> changed = store_->PutType(
      MakeType(NodeKind::kArtifact, "T", {{"p", PropertyKind::kString}}),
      {.can_add_fields = true, .can_omit_fields = true});
  EXPECT_CODE(changed.status(), kAlreadyExists);
  EXPECT_THAT(std::string(changed.status().message()),
              ::testing::HasSubstr("'p' of kind INT; it cannot change to "
                                   "STRING"));
}

TEST_F(TypeTest, DistinctTypesGetDistinctIds) {
  Type a = PutOrDie(MakeType(NodeKind::kArtifact, "A"));
  Type b = PutOrDie(MakeType(NodeKind::kArtifact, "B"));
  Type c = PutOrDie(MakeType(NodeKind::kArtifact, "C"));
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(b.id, c.id);
  EXPECT_NE(a.id, c.id);
}

TEST_F(TypeTest, SameNameInDifferentKindsAreSeparateTypes) {
  Type a = PutOrDie(
      MakeType(NodeKind::kArtifact, "Shared", {{"p", PropertyKind::kInt}}));
  Type e = PutOrDie(
      MakeType(NodeKind::kExecution, "Shared", {{"p", PropertyKind::kString}}));
  Type c = PutOrDie(
      MakeType(NodeKind::kContext, "Shared", {{"q", PropertyKind::kBool}}));
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Shared"), a);
  EXPECT_EQ(Stored(NodeKind::kExecution, "Shared"), e);
  EXPECT_EQ(Stored(NodeKind::kContext, "Shared"), c);
  ASSERT_OK_AND_ASSIGN(auto artifacts, store_->ListTypes(NodeKind::kArtifact));
  ASSERT_OK_AND_ASSIGN(auto executions,
                       store_->ListTypes(NodeKind::kExecution));
  ASSERT_OK_AND_ASSIGN(auto contexts, store_->ListTypes(NodeKind::kContext));
  EXPECT_THAT(artifacts, ElementsAre(a));
  EXPECT_THAT(executions, ElementsAre(e));
  EXPECT_THAT(contexts, ElementsAre(c));
}

TEST_F(TypeTest, GetTypeOfUnknownTypeIsNotFound) {
  PutOrDie(MakeType(NodeKind::kArtifact, "Known"));
  EXPECT_CODE(store_->GetType(NodeKind::kArtifact, "Unknown"), kNotFound);
  EXPECT_CODE(store_->GetType(NodeKind::kExecution, "Known"), kNotFound);
  EXPECT_CODE(store_->GetType(NodeKind::kArtifact, "Known", "v1"), kNotFound);
}

// ---- Evolution ----

class TypeEvolutionTest : public TypeTest {
 protected:
  void SetUp() override {
    TypeTest::SetUp();
    Type t =
        MakeType(NodeKind::kArtifact, "Evolving",
                 {{"p1", PropertyKind::kInt}, {"p2", PropertyKind::kString}});
    t.description = "original";
    original_ = PutOrDie(t);
  }

  // `original_` with `properties` and a changed description (a failed put
  // must not apply it either).
  Type Variant(std::map<std::string, PropertyKind> properties) const {
    Type t = original_;
    t.id = 0;
    t.description = "changed";
    t.properties = std::move(properties);
    return t;
  }

  void ExpectUnchanged() {
    EXPECT_EQ(Stored(NodeKind::kArtifact, "Evolving"), original_);
  }

  Type original_;
};

TEST_F(TypeEvolutionTest, NewPropertyNeedsCanAddFields) {
  Type added = Variant({{"p1", PropertyKind::kInt},
                        {"p2", PropertyKind::kString},
                        {"p3", PropertyKind::kDouble}});
  EXPECT_CODE(store_->PutType(added), kAlreadyExists);
  ExpectUnchanged();
  EXPECT_CODE(store_->PutType(added, {.can_omit_fields = true}),
              kAlreadyExists);
  ExpectUnchanged();

  ASSERT_OK_AND_ASSIGN(int64_t id,
                       store_->PutType(added, {.can_add_fields = true}));
  EXPECT_EQ(id, original_.id);
  Type stored = Stored(NodeKind::kArtifact, "Evolving");
  EXPECT_EQ(stored.id, original_.id);
  EXPECT_EQ(stored.properties, added.properties);
}

TEST_F(TypeEvolutionTest, OmittedPropertyNeedsCanOmitFields) {
  Type omitted = Variant({{"p1", PropertyKind::kInt}});
  EXPECT_CODE(store_->PutType(omitted), kAlreadyExists);
  ExpectUnchanged();
  EXPECT_CODE(store_->PutType(omitted, {.can_add_fields = true}),
              kAlreadyExists);
  ExpectUnchanged();

  ASSERT_OK_AND_ASSIGN(int64_t id,
                       store_->PutType(omitted, {.can_omit_fields = true}));
  EXPECT_EQ(id, original_.id);
  // The stored type keeps the omitted property.
  Type stored = Stored(NodeKind::kArtifact, "Evolving");
  EXPECT_EQ(stored.properties, original_.properties);

  // A type omitting every property is accepted the same way.
  ASSERT_OK_AND_ASSIGN(int64_t id2,
                       store_->PutType(Variant({}), {.can_omit_fields = true}));
  EXPECT_EQ(id2, original_.id);
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Evolving").properties,
            original_.properties);
}

TEST_F(TypeEvolutionTest, AddAndOmitTogetherNeedBothOptions) {
  Type mixed = Variant({{"p1", PropertyKind::kInt},
                        {"p3", PropertyKind::kBool}});  // Omits p2, adds p3.
  EXPECT_CODE(store_->PutType(mixed), kAlreadyExists);
  ExpectUnchanged();
  EXPECT_CODE(store_->PutType(mixed, {.can_add_fields = true}), kAlreadyExists);
  ExpectUnchanged();
  EXPECT_CODE(store_->PutType(mixed, {.can_omit_fields = true}),
              kAlreadyExists);
  ExpectUnchanged();

  ASSERT_OK_AND_ASSIGN(int64_t id,
                       store_->PutType(mixed, {.can_add_fields = true,
                                               .can_omit_fields = true}));
  EXPECT_EQ(id, original_.id);
  std::map<std::string, PropertyKind> want = {{"p1", PropertyKind::kInt},
                                              {"p2", PropertyKind::kString},
                                              {"p3", PropertyKind::kBool}};
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Evolving").properties, want);
}

TEST_F(TypeEvolutionTest, ChangingPropertyKindIsAlwaysAlreadyExists) {
  const PutTypeOptions all_options[] = {
      {},
      {.can_add_fields = true},
      {.can_omit_fields = true},
      {.can_add_fields = true, .can_omit_fields = true}};
  for (const PutTypeOptions& options : all_options) {
    SCOPED_TRACE(::testing::Message() << "add=" << options.can_add_fields
                                      << " omit=" << options.can_omit_fields);
    // Same property set, one kind changed.
    EXPECT_CODE(store_->PutType(Variant({{"p1", PropertyKind::kDouble},
                                         {"p2", PropertyKind::kString}}),
                                options),
                kAlreadyExists);
    ExpectUnchanged();
    // A kind change together with an addition and an omission.
    EXPECT_CODE(store_->PutType(Variant({{"p1", PropertyKind::kString},
                                         {"p9", PropertyKind::kInt}}),
                                options),
                kAlreadyExists);
    ExpectUnchanged();
  }
}

TEST_F(TypeEvolutionTest, EvolvedTypeSurvivesReopen) {
  ASSERT_OK(store_
                ->PutType(Variant({{"p1", PropertyKind::kInt},
                                   {"p2", PropertyKind::kString},
                                   {"p3", PropertyKind::kProto}}),
                          {.can_add_fields = true})
                .status());
  Type before = Stored(NodeKind::kArtifact, "Evolving");
  Reopen();
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Evolving"), before);
  EXPECT_EQ(before.properties.size(), 3u);
}

// The record of an evolved type keeps the time the type was first stored.
TEST_F(TypeEvolutionTest, EvolvedTypeKeepsItsCreateTime) {
  const int64_t id = Stored(NodeKind::kArtifact, "Evolving").id;
  auto create_time = [&] {
    const std::string key = codec::TypeKey(id);
    Type read;
    int64_t ms = -1;
    EXPECT_OK(codec::DecodeType(key, DumpStore()[key], &read, &ms));
    return ms;
  };
  const int64_t first = create_time();
  EXPECT_GT(first, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_OK(store_
                ->PutType(Variant({{"flag", PropertyKind::kBool}}),
                          {.can_add_fields = true, .can_omit_fields = true})
                .status());
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Evolving").properties.size(), 3u);
  EXPECT_EQ(create_time(), first);
}

// ---- Versions ----

TEST_F(TypeTest, SameNameDifferentVersionsAreDifferentTypes) {
  Type plain = PutOrDie(
      MakeType(NodeKind::kExecution, "Trainer", {{"a", PropertyKind::kInt}}));
  Type v1 = PutOrDie(MakeType(NodeKind::kExecution, "Trainer",
                              {{"b", PropertyKind::kString}}, "v1"));
  Type v2 = PutOrDie(MakeType(NodeKind::kExecution, "Trainer",
                              {{"a", PropertyKind::kDouble}}, "v2"));
  EXPECT_NE(plain.id, v1.id);
  EXPECT_NE(plain.id, v2.id);
  EXPECT_NE(v1.id, v2.id);

  EXPECT_EQ(Stored(NodeKind::kExecution, "Trainer"), plain);
  EXPECT_EQ(Stored(NodeKind::kExecution, "Trainer", "v1"), v1);
  EXPECT_EQ(Stored(NodeKind::kExecution, "Trainer", "v2"), v2);
  EXPECT_CODE(store_->GetType(NodeKind::kExecution, "Trainer", "v3"),
              kNotFound);

  // Versions do not evolve each other: v2's kind of "a" differs from the
  // unversioned type's without conflict, and re-putting v1 is identical.
  ASSERT_OK_AND_ASSIGN(
      int64_t again,
      store_->PutType(MakeType(NodeKind::kExecution, "Trainer",
                               {{"b", PropertyKind::kString}}, "v1")));
  EXPECT_EQ(again, v1.id);
  ASSERT_OK_AND_ASSIGN(auto all, store_->ListTypes(NodeKind::kExecution));
  EXPECT_THAT(all, ElementsAre(plain, v1, v2));
}

TEST_F(TypeTest, EmptyVersionIsTheSameAsNoVersion) {
  Type plain = PutOrDie(MakeType(NodeKind::kArtifact, "Data"));
  Type explicit_empty = MakeType(NodeKind::kArtifact, "Data", {}, "");
  ASSERT_OK_AND_ASSIGN(int64_t id, store_->PutType(explicit_empty));
  EXPECT_EQ(id, plain.id);
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Data", ""), plain);
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Data"), plain);
  EXPECT_TRUE(plain.version.empty());
}

TEST_F(TypeTest, OnlyVersionedTypeIsNotFoundWithoutVersion) {
  PutOrDie(MakeType(NodeKind::kContext, "Run", {}, "v1"));
  EXPECT_CODE(store_->GetType(NodeKind::kContext, "Run"), kNotFound);
  EXPECT_OK(store_->GetType(NodeKind::kContext, "Run", "v1").status());
}

// ---- Validation ----

TEST_F(TypeTest, TypeWithoutNameIsInvalidArgument) {
  for (NodeKind kind : kAllKinds) {
    SCOPED_TRACE(static_cast<int>(kind));
    EXPECT_CODE(store_->PutType(MakeType(kind, "")), kInvalidArgument);
    EXPECT_CODE(store_->PutType(MakeType(kind, "", {}, "v1")),
                kInvalidArgument);
    ASSERT_OK_AND_ASSIGN(auto all, store_->ListTypes(kind));
    EXPECT_THAT(all, IsEmpty());
  }
}

TEST_F(TypeTest, PropertyOfUnknownKindIsInvalidArgument) {
  for (NodeKind kind : kAllKinds) {
    SCOPED_TRACE(static_cast<int>(kind));
    EXPECT_CODE(store_->PutType(MakeType(kind, "Bad",
                                         {{"ok", PropertyKind::kInt},
                                          {"bad", PropertyKind::kUnknown}})),
                kInvalidArgument);
    EXPECT_CODE(store_->GetType(kind, "Bad"), kNotFound);
  }
  // Also when evolving an existing type with can_add_fields.
  Type good = PutOrDie(
      MakeType(NodeKind::kArtifact, "Good", {{"ok", PropertyKind::kInt}}));
  EXPECT_CODE(store_->PutType(MakeType(NodeKind::kArtifact, "Good",
                                       {{"ok", PropertyKind::kInt},
                                        {"bad", PropertyKind::kUnknown}}),
                              {.can_add_fields = true}),
              kInvalidArgument);
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Good"), good);
}

TEST_F(TypeTest, BaseTypeOfTheWrongKindIsInvalidArgument) {
  Type artifact = MakeType(NodeKind::kArtifact, "A");
  artifact.base_type = BaseType::kTrain;
  EXPECT_CODE(store_->PutType(artifact), kInvalidArgument);
  artifact.base_type = BaseType::kDeploy;
  EXPECT_CODE(store_->PutType(artifact), kInvalidArgument);

  Type execution = MakeType(NodeKind::kExecution, "E");
  execution.base_type = BaseType::kDataset;
  const Status s = store_->PutType(execution).status();
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_EQ(s.message(), "base type DATASET (1) is not one of execution types");
  execution.base_type = BaseType::kStatistics;
  EXPECT_CODE(store_->PutType(execution), kInvalidArgument);

  // Context types have no base types at all.
  Type context = MakeType(NodeKind::kContext, "C");
  context.base_type = BaseType::kModel;
  EXPECT_CODE(store_->PutType(context), kInvalidArgument);
  context.base_type = BaseType::kProcess;
  EXPECT_CODE(store_->PutType(context), kInvalidArgument);

  for (NodeKind kind : kAllKinds) {
    ASSERT_OK_AND_ASSIGN(auto all, store_->ListTypes(kind));
    EXPECT_THAT(all, IsEmpty());
  }
}

TEST_F(TypeTest, BaseTypesOfTheRightKindRoundTrip) {
  for (BaseType b : {BaseType::kDataset, BaseType::kModel, BaseType::kMetrics,
                     BaseType::kStatistics}) {
    Type t =
        MakeType(NodeKind::kArtifact, absl::StrCat("A", static_cast<int>(b)));
    t.base_type = b;
    t = PutOrDie(t);
    EXPECT_EQ(Stored(NodeKind::kArtifact, t.name), t);
  }
  for (BaseType b : {BaseType::kTrain, BaseType::kTransform, BaseType::kProcess,
                     BaseType::kEvaluate, BaseType::kDeploy}) {
    Type t =
        MakeType(NodeKind::kExecution, absl::StrCat("E", static_cast<int>(b)));
    t.base_type = b;
    t = PutOrDie(t);
    EXPECT_EQ(Stored(NodeKind::kExecution, t.name), t);
  }
}

// As MLMD, a stored base type does not change (MLMD: UNIMPLEMENTED); an
// unset one may be set, and a type given without one keeps the stored one.
TEST_F(TypeTest, AStoredBaseTypeDoesNotChange) {
  Type t = MakeType(NodeKind::kArtifact, "Examples");
  t = PutOrDie(t);
  t.base_type = BaseType::kDataset;
  t = PutOrDie(t);
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Examples").base_type,
            BaseType::kDataset);
  const testing::Dump before = DumpStore();
  Type changed = t;
  changed.base_type = BaseType::kModel;
  const Status s = store_->PutType(changed).status();
  EXPECT_CODE(s, kAlreadyExists);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("cannot change to MODEL"));
  EXPECT_EQ(DumpStore(), before);
  Type without = t;
  without.base_type = BaseType::kUnset;
  EXPECT_EQ(PutOrDie(without).id, t.id);
  EXPECT_EQ(Stored(NodeKind::kArtifact, "Examples"), t);
}

// ---- External ids ----

TEST_F(TypeTest, ExternalIdIsUniquePerKind) {
  Type a = MakeType(NodeKind::kArtifact, "A");
  a.external_id = "ext";
  a = PutOrDie(a);

  Type b = MakeType(NodeKind::kArtifact, "B");
  b.external_id = "ext";
  EXPECT_CODE(store_->PutType(b), kAlreadyExists);
  EXPECT_CODE(store_->GetType(NodeKind::kArtifact, "B"), kNotFound);
  Type a_v2 = MakeType(NodeKind::kArtifact, "A", {}, "v2");
  a_v2.external_id = "ext";
  EXPECT_CODE(store_->PutType(a_v2), kAlreadyExists);

  // Re-putting the owner is not a conflict.
  Type a_again = a;
  a_again.id = 0;
  ASSERT_OK_AND_ASSIGN(int64_t id, store_->PutType(a_again));
  EXPECT_EQ(id, a.id);

  // Other kinds have their own external id space.
  Type e = MakeType(NodeKind::kExecution, "E");
  e.external_id = "ext";
  EXPECT_OK(store_->PutType(e).status());
  Type c = MakeType(NodeKind::kContext, "C");
  c.external_id = "ext";
  EXPECT_OK(store_->PutType(c).status());
  EXPECT_EQ(Stored(NodeKind::kArtifact, "A"), a);
}

TEST_F(TypeTest, GetTypesByExternalIds) {
  Type a1 = MakeType(NodeKind::kArtifact, "A1");
  a1.external_id = "x1";
  a1 = PutOrDie(a1);
  Type a2 = MakeType(NodeKind::kArtifact, "A2");
  a2.external_id = "x2";
  a2 = PutOrDie(a2);
  PutOrDie(MakeType(NodeKind::kArtifact, "NoExternalId"));
  Type e = MakeType(NodeKind::kExecution, "E");
  e.external_id = "x3";
  e = PutOrDie(e);

  ASSERT_OK_AND_ASSIGN(
      auto got, store_->GetTypesByExternalIds(NodeKind::kArtifact,
                                              {"x2", "missing", "x3", "x1"}));
  EXPECT_THAT(got, UnorderedElementsAre(a1, a2));
  ASSERT_OK_AND_ASSIGN(auto execs, store_->GetTypesByExternalIds(
                                       NodeKind::kExecution, {"x1", "x3"}));
  EXPECT_THAT(execs, ElementsAre(e));
  ASSERT_OK_AND_ASSIGN(
      auto none, store_->GetTypesByExternalIds(NodeKind::kContext, {"x1", ""}));
  EXPECT_THAT(none, IsEmpty());
}

// ---- Reads by id and listing ----

TEST_F(TypeTest, GetTypesByIdsSkipsUnknownIdsAndOtherKinds) {
  // More execution types than artifact types, so that some execution type id
  // is not also an artifact type id whatever the id spaces are.
  std::vector<Type> execs;
  for (int i = 0; i < 4; ++i) {
    execs.push_back(
        PutOrDie(MakeType(NodeKind::kExecution, "E" + std::to_string(i))));
  }
  Type a1 = PutOrDie(MakeType(NodeKind::kArtifact, "A1"));
  Type a2 = PutOrDie(MakeType(NodeKind::kArtifact, "A2"));
  int64_t foreign = 0;
  for (const Type& e : execs) {
    if (e.id != a1.id && e.id != a2.id) foreign = e.id;
  }
  ASSERT_NE(foreign, 0);
  const int64_t unknown = 1'000'000;

  ASSERT_OK_AND_ASSIGN(auto got,
                       store_->GetTypesByIds(NodeKind::kArtifact,
                                             {a2.id, unknown, foreign, a1.id}));
  EXPECT_THAT(got, UnorderedElementsAre(a1, a2));
  ASSERT_OK_AND_ASSIGN(auto only_unknown,
                       store_->GetTypesByIds(NodeKind::kArtifact, {unknown}));
  EXPECT_THAT(only_unknown, IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto none,
                       store_->GetTypesByIds(NodeKind::kArtifact, {}));
  EXPECT_THAT(none, IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto one_exec, store_->GetTypesByIds(
                                          NodeKind::kExecution, {execs[2].id}));
  EXPECT_THAT(one_exec, ElementsAre(execs[2]));
  ASSERT_OK_AND_ASSIGN(auto ctx, store_->GetTypesByIds(NodeKind::kContext,
                                                       {a1.id, execs[0].id}));
  EXPECT_THAT(ctx, IsEmpty());
}

TEST_F(TypeTest, ListTypesReturnsTypesOfTheKindInIdOrder) {
  std::vector<Type> artifacts;
  for (const char* name : {"Zeta", "Alpha", "Mid"}) {
    artifacts.push_back(PutOrDie(MakeType(NodeKind::kArtifact, name)));
    PutOrDie(MakeType(NodeKind::kContext, name));
  }
  artifacts.push_back(
      PutOrDie(MakeType(NodeKind::kArtifact, "Alpha", {}, "2")));
  ASSERT_OK_AND_ASSIGN(auto listed, store_->ListTypes(NodeKind::kArtifact));
  EXPECT_EQ(listed, artifacts);
  std::vector<int64_t> ids = IdsOf(listed);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  ASSERT_OK_AND_ASSIGN(auto contexts, store_->ListTypes(NodeKind::kContext));
  EXPECT_EQ(contexts.size(), 3u);
  ASSERT_OK_AND_ASSIGN(auto executions,
                       store_->ListTypes(NodeKind::kExecution));
  EXPECT_THAT(executions, IsEmpty());
}

TEST_F(TypeTest, TypesSurviveReopen) {
  std::vector<Type> all;
  for (NodeKind kind : kAllKinds) {
    Type t = MakeType(kind, "Persisted",
                      {{"i", PropertyKind::kInt}, {"s", PropertyKind::kStruct}},
                      "v7");
    t.description = "kept across reopen";
    t.external_id = "persisted-ext";
    if (kind == NodeKind::kArtifact) t.base_type = BaseType::kDataset;
    all.push_back(PutOrDie(t));
    all.push_back(PutOrDie(MakeType(kind, "Plain")));
  }
  Reopen();
  for (const Type& t : all) {
    SCOPED_TRACE(t.name);
    EXPECT_EQ(Stored(t.kind, t.name, t.version), t);
    ASSERT_OK_AND_ASSIGN(auto by_id, store_->GetTypesByIds(t.kind, {t.id}));
    EXPECT_THAT(by_id, ElementsAre(t));
  }
  ASSERT_OK_AND_ASSIGN(
      auto by_ext,
      store_->GetTypesByExternalIds(NodeKind::kExecution, {"persisted-ext"}));
  ASSERT_EQ(by_ext.size(), 1u);
  EXPECT_EQ(by_ext[0].name, "Persisted");

  // Rules still hold after reopen: identical put is a no-op, a kind change
  // fails, and new types get ids no other type of the kind has.
  ASSERT_OK_AND_ASSIGN(int64_t same,
                       store_->PutType(MakeType(NodeKind::kArtifact, "Plain")));
  EXPECT_EQ(same, all[1].id);
  EXPECT_CODE(
      store_->PutType(MakeType(
          NodeKind::kArtifact, "Persisted",
          {{"i", PropertyKind::kString}, {"s", PropertyKind::kStruct}}, "v7")),
      kAlreadyExists);
  Type fresh = PutOrDie(MakeType(NodeKind::kArtifact, "Fresh"));
  ASSERT_OK_AND_ASSIGN(auto artifacts, store_->ListTypes(NodeKind::kArtifact));
  ASSERT_EQ(artifacts.size(), 3u);
  EXPECT_EQ(artifacts.back(), fresh);
  EXPECT_GT(fresh.id, all[1].id);
}

}  // namespace
}  // namespace lineagedb
