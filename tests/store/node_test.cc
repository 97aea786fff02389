// Conformance tests of node writes and reads (DOMAIN.md section 1, "Nodes"):
// inserts, updates and update masks, names. Run for artifacts, executions
// and contexts alike where the rules are shared; node_fields_test.cc has
// external ids, values, timestamps, atomicity and the kind-specific rules.
#include "tests/store/node_fixture.h"

namespace lineagedb {
namespace {

using node_testing::Describe;
using node_testing::NodeKinds;
using node_testing::NodeTest;
using node_testing::SetKindFields;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The message of a refused write.
template <typename T>
std::string MessageOf(const StatusOr<T>& refused) {
  return std::string(refused.status().message());
}

TYPED_TEST_SUITE(NodeTest, NodeKinds);

// ---- Insert and update ----

TYPED_TEST(NodeTest, InsertAssignsFreshIncreasingIds) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<int64_t> first,
      this->Put({this->Make("a"), this->Make("b"), this->Make("c")}));
  ASSERT_EQ(first.size(), 3u);
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> second,
                       this->Put({this->Make("d"), this->Make("e")}));
  ASSERT_EQ(second.size(), 2u);
  std::vector<int64_t> ids = first;
  ids.insert(ids.end(), second.begin(), second.end());
  EXPECT_GT(ids[0], 0);
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(ids[i]));
    EXPECT_EQ(got.id, ids[i]);
    EXPECT_EQ(got.name, std::string(1, static_cast<char>('a' + i)));
  }
}

TYPED_TEST(NodeTest, UpdateWithIdChangesTheStoredNode) {
  TypeParam n = this->Make("n");
  n.properties["p1"] = 1;
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  n.properties["p1"] = 2;
  n.custom_properties["c"] = "x";
  SetKindFields(n, 3);
  ASSERT_OK_AND_ASSIGN(int64_t id, this->PutOne(n));
  EXPECT_EQ(id, n.id);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
  EXPECT_EQ(this->All().size(), 1u);
}

// lineagedb.h: "INVALID_ARGUMENT (unknown type_id or id; ...)".
TYPED_TEST(NodeTest, UpdateOfUnknownIdIsNotFound) {
  ASSERT_OK_AND_ASSIGN(int64_t id, this->PutOne(this->Make("n")));
  TypeParam ghost = this->Make("ghost");
  ghost.id = id + 1000;
  EXPECT_CODE(this->PutOne(ghost), kNotFound);
  EXPECT_CODE(this->Get(id + 1000), kNotFound);
  EXPECT_EQ(this->All().size(), 1u);
}

TYPED_TEST(NodeTest, UnknownTypeIdIsInvalidArgument) {
  EXPECT_CODE(this->PutOne(this->Make("n", 1'000'000)), kInvalidArgument);
  TypeParam no_type = this->Make("n");
  no_type.type_id = 0;
  EXPECT_CODE(this->PutOne(no_type), kInvalidArgument);
  // A type of another kind is not a type of this kind.
  const NodeKind other_kind = TypeParam::kKind == NodeKind::kArtifact
                                  ? NodeKind::kExecution
                                  : NodeKind::kArtifact;
  // Three foreign types: whatever the id spaces, the third's id is not the
  // id of this kind's "T" or "U".
  int64_t foreign = 0;
  for (const char* name : {"F1", "F2", "F3"}) {
    Type t;
    t.kind = other_kind;
    t.name = name;
    ASSERT_OK_AND_ASSIGN(foreign, this->store_->PutType(t));
  }
  ASSERT_NE(foreign, this->type_id_);
  ASSERT_NE(foreign, this->other_type_id_);
  EXPECT_CODE(this->PutOne(this->Make("n", foreign)), kInvalidArgument);
  EXPECT_THAT(this->All(), IsEmpty());
}

TYPED_TEST(NodeTest, ChangingTypeIdIsInvalidArgument) {
  TypeParam n = this->Make("n");
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam moved = n;
  moved.type_id = this->other_type_id_;
  EXPECT_CODE(this->PutOne(moved), kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
}

TYPED_TEST(NodeTest, PropertyNotDeclaredByTheTypeIsInvalidArgument) {
  TypeParam n = this->Make("n");
  n.properties["undeclared"] = 1;
  StatusOr<int64_t> refused = this->PutOne(n);
  EXPECT_CODE(refused, kInvalidArgument);
  // The message names the node (new, by its name) and the property.
  EXPECT_THAT(MessageOf(refused), AllOf(HasSubstr("new "), HasSubstr(" 'n'"),
                                        HasSubstr("no property 'undeclared'")));
  EXPECT_THAT(this->All(), IsEmpty());

  n.properties.clear();
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam bad = n;
  bad.properties["undeclared"] = 1;
  EXPECT_CODE(this->PutOne(bad), kInvalidArgument);
  // p2 is declared by T but "U" declares only p1.
  TypeParam in_u = this->Make("m", this->other_type_id_);
  in_u.properties["p2"] = "s";
  EXPECT_CODE(this->PutOne(in_u), kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
}

TYPED_TEST(NodeTest, DeclaredPropertyOfAnotherKindIsInvalidArgument) {
  const std::vector<std::pair<std::string, Value>> wrong = {
      {"p1", "one"}, {"p1", 1.0},
      {"p1", true},  {"p1", StructValue{"{}"}},
      {"p2", 7},     {"p2", ProtoValue{"u", "b"}}};
  for (const auto& [name, value] : wrong) {
    SCOPED_TRACE(name + " " + Describe({{name, value}}));
    TypeParam n = this->Make("n");
    n.properties[name] = value;
    EXPECT_CODE(this->PutOne(n), kInvalidArgument);
  }
  TypeParam in_u = this->Make("m", this->other_type_id_);
  in_u.properties["p1"] = 1;  // U declares p1 as a double.
  StatusOr<int64_t> refused = this->PutOne(in_u);
  EXPECT_CODE(refused, kInvalidArgument);
  EXPECT_THAT(this->All(), IsEmpty());

  TypeParam n = this->Make("n");
  n.properties["p1"] = 5;
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam bad = n;
  bad.properties["p1"] = "five";
  refused = this->PutOne(bad);
  EXPECT_CODE(refused, kInvalidArgument);
  // The message names the node by id, and both kinds.
  EXPECT_THAT(MessageOf(refused),
              AllOf(HasSubstr(" " + std::to_string(n.id) + ": property 'p1'"),
                    HasSubstr("is INT, not STRING")));
  EXPECT_CODE(this->PutOne(bad, {.update_mask = {"properties.p1"}}),
              kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
}

TYPED_TEST(NodeTest, CustomPropertiesAreFreeAndMayChangeKind) {
  TypeParam n = this->Make("n");
  n.custom_properties = {{"c", 1}, {"anything-goes", "x"}, {"p1", "str"}};
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  const std::vector<Value> values = {Value("now a string"),
                                     Value(2.5),
                                     Value(true),
                                     Value(StructValue{R"({"k": 1})"}),
                                     Value(ProtoValue{"t", "b"}),
                                     Value(int64_t{-3})};
  for (const Value& v : values) {
    SCOPED_TRACE(Describe({{"c", v}}));
    n.custom_properties["c"] = v;
    ASSERT_OK(this->PutOne(n).status());
    ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
    this->ExpectSameNode(got, n);
  }
}

// ---- Replace vs. update mask ----

TYPED_TEST(NodeTest, UpdateWithoutMaskReplacesTheNode) {
  TypeParam n = this->Make("n");
  n.properties = {{"p1", 1}, {"p2", "two"}};
  n.custom_properties = {{"c1", 1}, {"c2", "x"}};
  n.external_id = "ext";
  SetKindFields(n, 2);
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));

  TypeParam update = this->Make("n");
  update.id = n.id;
  update.properties = {{"p1", 10}};
  update.custom_properties = {{"c1", 2}};
  ASSERT_OK(this->PutOne(update).status());
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, update);
  EXPECT_EQ(got.properties.count("p2"), 0u);
  EXPECT_EQ(got.custom_properties.count("c2"), 0u);
}

TYPED_TEST(NodeTest, UpdateMaskChangesOnlyTheListedFields) {
  TypeParam n = this->Make("n");
  n.properties = {{"p1", 1}, {"p2", "two"}};
  n.custom_properties = {{"c1", 1}, {"c2", "x"}};
  n.external_id = "ext";
  SetKindFields(n, 1);
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam want = n;

  auto apply = [&](std::vector<std::string> mask, const TypeParam& given) {
    SCOPED_TRACE(mask.empty() ? "" : mask[0]);
    ASSERT_OK_AND_ASSIGN(int64_t id,
                         this->PutOne(given, {.update_mask = mask}));
    EXPECT_EQ(id, n.id);
    ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
    this->ExpectSameNode(got, want);
  };
  // A sparse node: only the id, type and name, plus what the step sets.
  TypeParam given = this->Make("n");
  given.id = n.id;

  given.properties = {{"p1", 2}};
  given.custom_properties = {{"c1", 100}};  // Not in the mask: ignored.
  want.properties["p1"] = 2;
  apply({"properties.p1"}, given);

  given.properties = {{"p1", 99}};  // Not in the mask: ignored.
  given.custom_properties = {{"c1", "kind changed"}};
  want.custom_properties["c1"] = "kind changed";
  apply({"custom_properties.c1"}, given);

  // A masked property absent from the given node is removed.
  given.properties = {};
  given.custom_properties = {};
  want.properties.erase("p2");
  want.custom_properties.erase("c2");
  apply({"properties.p2", "custom_properties.c2"}, given);

  given.properties = {{"p2", "whole"}};
  want.properties = {{"p2", "whole"}};
  apply({"properties"}, given);

  given.custom_properties = {{"c3", true}};
  want.custom_properties = {{"c3", true}};
  apply({"custom_properties"}, given);

  given.external_id = "ext2";
  want.external_id = "ext2";
  apply({"external_id"}, given);

  if constexpr (std::is_same_v<TypeParam, Artifact>) {
    given.uri = "gs://new";
    want.uri = "gs://new";
    apply({"uri"}, given);
    given.state = ArtifactState::kDeleted;
    want.state = ArtifactState::kDeleted;
    apply({"state"}, given);
  } else if constexpr (std::is_same_v<TypeParam, Execution>) {
    given.last_known_state = ExecutionState::kCanceled;
    want.last_known_state = ExecutionState::kCanceled;
    apply({"last_known_state"}, given);
  }
}

TYPED_TEST(NodeTest, UnknownUpdateMaskPathIsInvalidArgument) {
  TypeParam n = this->Make("n");
  n.properties = {{"p1", 1}};
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam given = n;
  given.properties["p1"] = 2;
  EXPECT_CODE(this->PutOne(given, {.update_mask = {"bogus"}}),
              kInvalidArgument);
  EXPECT_CODE(this->PutOne(given, {.update_mask = {"properties.p1", "x.y"}}),
              kInvalidArgument);
  // A property path without its property.
  for (const char* path : {"properties.", "custom_properties."}) {
    EXPECT_CODE(this->PutOne(given, {.update_mask = {path}}), kInvalidArgument)
        << path;
  }
  // A masked property the type does not declare.
  given.properties["undeclared"] = 3;
  EXPECT_CODE(this->PutOne(given, {.update_mask = {"properties.undeclared"}}),
              kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
}

// ---- Names ----

TYPED_TEST(NodeTest, ATakenExternalIdNamesItsOwner) {
  TypeParam first = this->Make("x1");
  first.external_id = "E";
  ASSERT_OK_AND_ASSIGN(int64_t owner, this->PutOne(first));
  TypeParam second = this->Make("x2");
  second.external_id = "E";
  const Status s = this->PutOne(second).status();
  EXPECT_CODE(s, kAlreadyExists);
  EXPECT_THAT(
      std::string(s.message()),
      HasSubstr("belongs to " + std::string(NodeKindName(TypeParam::kKind)) +
                " " + std::to_string(owner)));
}

TYPED_TEST(NodeTest, AnExternalIdGivenTwiceInOneCallNamesNoOwner) {
  TypeParam a = this->Make("x1");
  TypeParam b = this->Make("x2");
  a.external_id = b.external_id = "E";
  const Status s = this->Put({a, b}).status();
  EXPECT_CODE(s, kAlreadyExists);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("external_id 'E' is given twice in one write"));
  EXPECT_CODE(this->ByName("T", "x1"), kNotFound);
}

TYPED_TEST(NodeTest, NameIsUniqueWithinItsType) {
  ASSERT_OK_AND_ASSIGN(int64_t id, this->PutOne(this->Make("n")));
  EXPECT_CODE(this->PutOne(this->Make("n")), kAlreadyExists);
  // Two new nodes with the same name in one call: nothing is written, and
  // the error names no id (the first one's is never stored).
  const Status twins =
      this->Put({this->Make("twin"), this->Make("twin")}).status();
  EXPECT_CODE(twins, kAlreadyExists);
  EXPECT_THAT(std::string(twins.message()),
              HasSubstr("'twin' of type 'T' is given twice in one write"));
  EXPECT_CODE(this->ByName("T", "twin"), kNotFound);
  // The same name in another type is fine.
  ASSERT_OK_AND_ASSIGN(int64_t in_u,
                       this->PutOne(this->Make("n", this->other_type_id_)));
  EXPECT_NE(in_u, id);
  ASSERT_OK_AND_ASSIGN(auto by_name, this->ByName("T", "n"));
  EXPECT_EQ(by_name.id, id);
  EXPECT_EQ(this->All().size(), 2u);
}

TYPED_TEST(NodeTest, NameIsImmutableOnceSet) {
  TypeParam n = this->Make("original");
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam renamed = n;
  renamed.name = "renamed";
  EXPECT_CODE(this->PutOne(renamed), kInvalidArgument);
  EXPECT_CODE(this->PutOne(renamed, {.update_mask = {"name"}}),
              kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
  EXPECT_CODE(this->ByName("T", "renamed"), kNotFound);
}

// Artifacts and executions may be unnamed and get a name later.
TYPED_TEST(NodeTest, UnnamedNodesMayShareTheEmptyNameAndBeNamedLater) {
  if constexpr (std::is_same_v<TypeParam, Context>) {
    // Contexts require a name, so the rule is that one cannot be left out.
    EXPECT_CODE(this->Put({this->Make(""), this->Make("")}), kInvalidArgument);
    EXPECT_TRUE(this->All().empty());
  } else {
    ASSERT_OK_AND_ASSIGN(auto ids, this->Put({this->Make(""), this->Make("")}));
    ASSERT_EQ(ids.size(), 2u);
    TypeParam named = this->Make("late");
    named.id = ids[0];
    ASSERT_OK(this->PutOne(named).status());
    ASSERT_OK_AND_ASSIGN(auto got, this->ByName("T", "late"));
    EXPECT_EQ(got.id, ids[0]);
  }
}

}  // namespace
}  // namespace lineagedb
