// Conformance tests of node writes and reads (DOMAIN.md section 1, "Nodes"),
// run for artifacts, executions and contexts alike where the rules are
// shared.
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::IsEmpty;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SleepMs(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void Print(std::ostream& out, std::monostate) { out << "unset"; }
void Print(std::ostream& out, const StructValue& v) {
  out << "json:" << v.json;
}
void Print(std::ostream& out, const ProtoValue& v) {
  out << "proto:" << v.type_url << "/" << v.bytes.size() << "B";
}
void Print(std::ostream& out, const std::string& v) { out << "'" << v << "'"; }
template <typename T>
void Print(std::ostream& out, const T& v) {
  out << v;
}

std::string Describe(const PropertyMap& m) {
  std::ostringstream out;
  for (const auto& [key, v] : m) {
    out << key << "=";
    std::visit([&out](const auto& x) { Print(out, x); }, v.storage());
    out << "; ";
  }
  return out.str();
}

// Sets the fields only one kind has, from `i` (every state for i in 0..6).
template <typename N>
void SetKindFields(N& n, int i) {
  if constexpr (std::is_same_v<N, Artifact>) {
    n.uri = "s3://bucket/item-" + std::to_string(i);
    n.state = static_cast<ArtifactState>(i % 7);
  } else if constexpr (std::is_same_v<N, Execution>) {
    n.last_known_state = static_cast<ExecutionState>(i % 7);
  }
}

template <typename N>
class NodeTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    Type t;
    t.kind = N::kKind;
    t.name = "T";
    t.properties = {{"p1", PropertyKind::kInt}, {"p2", PropertyKind::kString}};
    ASSERT_OK_AND_ASSIGN(type_id_, store_->PutType(t));
    t.name = "U";
    t.properties = {{"p1", PropertyKind::kDouble}};
    ASSERT_OK_AND_ASSIGN(other_type_id_, store_->PutType(t));
  }

  N Make(const std::string& name, int64_t type_id = 0) const {
    N n;
    n.type_id = type_id != 0 ? type_id : type_id_;
    n.name = name;
    return n;
  }

  StatusOr<std::vector<int64_t>> Put(const std::vector<N>& nodes,
                                     const PutNodesOptions& options = {}) {
    return store_->Put(nodes, options);
  }

  StatusOr<int64_t> PutOne(const N& node, const PutNodesOptions& options = {}) {
    auto ids = store_->Put(std::vector<N>{node}, options);
    if (!ids.ok()) return ids.status();
    if (ids->size() != 1) return absl::InternalError("not one id");
    return (*ids)[0];
  }

  // The stored node `id`, or NOT_FOUND.
  StatusOr<N> Get(int64_t id) {
    auto got = store_->GetByIds<N>({id});
    if (!got.ok()) return got.status();
    if (got->size() != 1) return absl::NotFoundError("no node");
    return (*got)[0];
  }

  StatusOr<std::vector<N>> GetMany(const std::vector<int64_t>& ids) {
    return store_->GetByIds<N>(ids);
  }
  StatusOr<std::vector<N>> ByExt(const std::vector<std::string>& ids) {
    return store_->GetByExternalIds<N>(ids);
  }
  StatusOr<N> ByName(std::string_view type, std::string_view name,
                     std::string_view version = "") {
    return store_->GetByTypeAndName<N>(type, name, version);
  }
  StatusOr<int64_t> AddType(const std::string& name,
                            std::map<std::string, PropertyKind> properties,
                            const std::string& version = "") {
    Type t;
    t.kind = N::kKind;
    t.name = name;
    t.version = version;
    t.properties = std::move(properties);
    return store_->PutType(t);
  }

  // Every stored node of the kind.
  std::vector<N> All() {
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>({}, options);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<N>{};
  }

  // Expects `got` to be `want` except for the fields the store sets.
  static void ExpectSameNode(const N& got, N want,
                             const std::string& type_name = "T") {
    want.type = type_name;
    want.create_time_ms = got.create_time_ms;
    want.last_update_time_ms = got.last_update_time_ms;
    EXPECT_EQ(got, want) << "got properties " << Describe(got.properties)
                         << " custom " << Describe(got.custom_properties)
                         << "\nwant properties " << Describe(want.properties)
                         << " custom " << Describe(want.custom_properties)
                         << "\ngot name '" << got.name << "' type '" << got.type
                         << "' ext '" << got.external_id << "'";
  }

  int64_t type_id_ = 0;
  int64_t other_type_id_ = 0;
};

using NodeKinds = ::testing::Types<Artifact, Execution, Context>;
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
  EXPECT_CODE(this->PutOne(n), kInvalidArgument);
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
  EXPECT_CODE(this->PutOne(in_u), kInvalidArgument);
  EXPECT_THAT(this->All(), IsEmpty());

  TypeParam n = this->Make("n");
  n.properties["p1"] = 5;
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  TypeParam bad = n;
  bad.properties["p1"] = "five";
  EXPECT_CODE(this->PutOne(bad), kInvalidArgument);
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
  // A masked property the type does not declare.
  given.properties["undeclared"] = 3;
  EXPECT_CODE(this->PutOne(given, {.update_mask = {"properties.undeclared"}}),
              kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n);
}

// ---- Names ----

TYPED_TEST(NodeTest, NameIsUniqueWithinItsType) {
  ASSERT_OK_AND_ASSIGN(int64_t id, this->PutOne(this->Make("n")));
  EXPECT_CODE(this->PutOne(this->Make("n")), kAlreadyExists);
  // Two new nodes with the same name in one call: nothing is written.
  EXPECT_CODE(this->Put({this->Make("twin"), this->Make("twin")}),
              kAlreadyExists);
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

// ---- External ids ----

TYPED_TEST(NodeTest, ExternalIdIsUniqueAmongNodesOfTheKind) {
  TypeParam owner = this->Make("owner");
  owner.external_id = "ext";
  ASSERT_OK_AND_ASSIGN(owner.id, this->PutOne(owner));
  TypeParam other = this->Make("other", this->other_type_id_);
  other.external_id = "ext";
  EXPECT_CODE(this->PutOne(other), kAlreadyExists);

  TypeParam x = this->Make("x"), y = this->Make("y");
  x.external_id = y.external_id = "pair";
  EXPECT_CODE(this->Put({x, y}), kAlreadyExists);

  other.external_id = "";
  ASSERT_OK_AND_ASSIGN(other.id, this->PutOne(other));
  other.external_id = "ext";
  EXPECT_CODE(this->PutOne(other), kAlreadyExists);
  // The owner may be updated keeping its external id.
  owner.custom_properties["c"] = 1;
  EXPECT_OK(this->PutOne(owner).status());
  EXPECT_EQ(this->All().size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto by_ext, this->ByExt({"ext", "pair"}));
  ASSERT_EQ(by_ext.size(), 1u);
  EXPECT_EQ(by_ext[0].id, owner.id);
}

// ---- Values ----

TYPED_TEST(NodeTest, AllSixValueKindsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(int64_t all_type,
                       this->AddType("All", {{"i", PropertyKind::kInt},
                                             {"d", PropertyKind::kDouble},
                                             {"s", PropertyKind::kString},
                                             {"b", PropertyKind::kBool},
                                             {"st", PropertyKind::kStruct},
                                             {"p", PropertyKind::kProto}}));
  const std::string zeros("\0a\0\xff\0", 5);
  TypeParam n = this->Make("values", all_type);
  n.properties = {
      {"i", std::numeric_limits<int64_t>::max()},
      {"d", -1234.5678e-9},
      {"s", std::string("h\xc3\xa9llo\n\0end", 11)},
      {"b", false},
      {"st", StructValue{R"({"a": [1, 2.5, "x", null, true], "b": {}})"}},
      {"p", ProtoValue{"type.googleapis.com/pkg.Msg", zeros}}};
  n.custom_properties = {{"i", std::numeric_limits<int64_t>::min()},
                         {"d", std::numeric_limits<double>::max()},
                         {"s", ""},
                         {"b", true},
                         {"st", StructValue{"{}"}},
                         {"p", ProtoValue{"", std::string("\0", 1)}}};
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  this->ExpectSameNode(got, n, "All");
  ASSERT_EQ(got.properties.count("p"), 1u);
  EXPECT_EQ(got.properties.at("p").proto_value().bytes.size(), 5u);
}

TYPED_TEST(NodeTest, StructValueMustBeAJsonObject) {
  ASSERT_OK_AND_ASSIGN(int64_t s_type,
                       this->AddType("S", {{"st", PropertyKind::kStruct}}));
  for (const char* json : {"[1, 2]", "42", "\"str\"", "null", "true", "", "{",
                           "{\"a\": }", "not json", "{\"a\": 1} x"}) {
    SCOPED_TRACE(json);
    TypeParam declared = this->Make("d", s_type);
    declared.properties["st"] = StructValue{json};
    EXPECT_CODE(this->PutOne(declared), kInvalidArgument);
    TypeParam custom = this->Make("c");
    custom.custom_properties["st"] = StructValue{json};
    EXPECT_CODE(this->PutOne(custom), kInvalidArgument);
  }
  EXPECT_THAT(this->All(), IsEmpty());
}

// ---- Timestamps ----

TYPED_TEST(NodeTest, TimestampsAreSetByTheStore) {
  const int64_t before = NowMs();
  TypeParam n = this->Make("n");
  n.create_time_ms = 42;  // Ignored on writes.
  n.last_update_time_ms = 43;
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  const int64_t after = NowMs();
  ASSERT_OK_AND_ASSIGN(TypeParam created, this->Get(n.id));
  EXPECT_GE(created.create_time_ms, before);
  EXPECT_LE(created.create_time_ms, after);
  EXPECT_LE(created.create_time_ms, created.last_update_time_ms);
  EXPECT_LE(created.last_update_time_ms, after);

  SleepMs(5);
  TypeParam update = created;
  update.custom_properties["c"] = 1;
  update.create_time_ms = 1;
  update.last_update_time_ms = 1;
  ASSERT_OK(this->PutOne(update).status());
  ASSERT_OK_AND_ASSIGN(TypeParam updated, this->Get(n.id));
  EXPECT_EQ(updated.create_time_ms, created.create_time_ms);
  EXPECT_GT(updated.last_update_time_ms, created.last_update_time_ms);
  EXPECT_LE(updated.last_update_time_ms, NowMs());
}

TYPED_TEST(NodeTest, CreateTimeIsNonDecreasingInId) {
  std::vector<int64_t> ids;
  for (int round = 0; round < 5; ++round) {
    ASSERT_OK_AND_ASSIGN(auto batch,
                         this->Put({this->Make("a" + std::to_string(round)),
                                    this->Make("b" + std::to_string(round))}));
    ids.insert(ids.end(), batch.begin(), batch.end());
    SleepMs(2);
  }
  ASSERT_OK_AND_ASSIGN(auto nodes, this->GetMany(ids));
  ASSERT_EQ(nodes.size(), ids.size());
  for (size_t i = 1; i < nodes.size(); ++i) {
    EXPECT_LT(nodes[i - 1].id, nodes[i].id);
    EXPECT_LE(nodes[i - 1].create_time_ms, nodes[i].create_time_ms);
  }
  EXPECT_LT(nodes.front().create_time_ms, nodes.back().create_time_ms);
}

// ---- Atomicity ----

TYPED_TEST(NodeTest, FailedMultiNodePutWritesNothing) {
  TypeParam bad = this->Make("bad");
  bad.properties["undeclared"] = 1;
  EXPECT_CODE(this->Put({this->Make("first"), bad}), kInvalidArgument);
  EXPECT_CODE(this->ByName("T", "first"), kNotFound);
  EXPECT_THAT(this->All(), IsEmpty());

  TypeParam kept = this->Make("kept");
  kept.custom_properties["c"] = 1;
  ASSERT_OK_AND_ASSIGN(kept.id, this->PutOne(kept));
  ASSERT_OK_AND_ASSIGN(TypeParam before, this->Get(kept.id));
  SleepMs(2);
  TypeParam changed = kept;
  changed.custom_properties["c"] = 2;
  EXPECT_CODE(this->Put({changed, this->Make("x", 1'000'000)}),
              kInvalidArgument);
  EXPECT_CODE(this->Put({this->Make("second"), changed, this->Make("kept")}),
              kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(TypeParam after, this->Get(kept.id));
  EXPECT_EQ(after, before);
  EXPECT_CODE(this->ByName("T", "second"), kNotFound);
  EXPECT_EQ(this->All().size(), 1u);
}

// ---- Durability ----

TYPED_TEST(NodeTest, EverythingSurvivesReopen) {
  std::vector<TypeParam> nodes;
  for (int i = 0; i < 7; ++i) {
    TypeParam n = this->Make("n" + std::to_string(i));
    n.properties = {{"p1", i}, {"p2", "v" + std::to_string(i)}};
    n.custom_properties = {
        {"c", StructValue{R"({"i": )" + std::to_string(i) + "}"}},
        {"blob", ProtoValue{"t", std::string("\0x", 2)}}};
    if (i % 2 == 0) n.external_id = "ext-" + std::to_string(i);
    SetKindFields(n, i);
    nodes.push_back(n);
  }
  ASSERT_OK_AND_ASSIGN(auto ids, this->Put(nodes));
  nodes[3].id = ids[3];
  nodes[3].custom_properties["c"] = 3.5;
  SetKindFields(nodes[3], 5);
  ASSERT_OK(this->PutOne(nodes[3]).status());
  ASSERT_OK_AND_ASSIGN(auto before, this->GetMany(ids));
  ASSERT_EQ(before.size(), nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].id = ids[i];
    this->ExpectSameNode(before[i], nodes[i]);
  }

  this->Reopen();
  ASSERT_OK_AND_ASSIGN(auto after, this->GetMany(ids));
  EXPECT_EQ(after, before);
  ASSERT_OK_AND_ASSIGN(auto by_ext, this->ByExt({"ext-4"}));
  ASSERT_EQ(by_ext.size(), 1u);
  EXPECT_EQ(by_ext[0], before[4]);
  ASSERT_OK_AND_ASSIGN(auto by_name, this->ByName("T", "n5"));
  EXPECT_EQ(by_name, before[5]);
  // Uniqueness rules and id assignment continue after reopen.
  EXPECT_CODE(this->PutOne(this->Make("n0")), kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(int64_t fresh, this->PutOne(this->Make("fresh")));
  for (int64_t id : ids) EXPECT_GT(fresh, id);
}

// ---- Kind-specific rules ----

class KindRulesTest : public testing::StoreTest {
 protected:
  int64_t AddType(NodeKind kind) {
    Type t;
    t.kind = kind;
    t.name = "T";
    auto id = store_->PutType(t);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
};

TEST_F(KindRulesTest, ContextWithoutNameIsInvalidArgument) {
  Context c;
  c.type_id = AddType(NodeKind::kContext);
  EXPECT_CODE(store_->Put(std::vector<Context>{c}), kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto page, store_->List<Context>());
  EXPECT_THAT(page.items, IsEmpty());
}

// A context's name is required and immutable: an update cannot clear it.
// An update without a name keeps the stored name (Store::Put's contract);
// a name can never be cleared.
TEST_F(KindRulesTest, UpdateWithoutNameKeepsTheContextName) {
  Context c;
  c.type_id = AddType(NodeKind::kContext);
  c.name = "run-1";
  ASSERT_OK_AND_ASSIGN(auto ids, store_->Put(std::vector<Context>{c}));
  c.id = ids[0];
  c.name = "";
  EXPECT_OK(store_->Put(std::vector<Context>{c}).status());
  ASSERT_OK_AND_ASSIGN(auto got, store_->GetByIds<Context>({c.id}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "run-1");
}

TEST_F(KindRulesTest, ExternalIdsOfDifferentKindsDoNotCollide) {
  Artifact a;
  a.type_id = AddType(NodeKind::kArtifact);
  Execution e;
  e.type_id = AddType(NodeKind::kExecution);
  Context c;
  c.type_id = AddType(NodeKind::kContext);
  c.name = "c";
  a.external_id = e.external_id = c.external_id = "shared";
  ASSERT_OK(store_->Put(std::vector<Artifact>{a}).status());
  ASSERT_OK(store_->Put(std::vector<Execution>{e}).status());
  ASSERT_OK(store_->Put(std::vector<Context>{c}).status());
  ASSERT_OK_AND_ASSIGN(auto got,
                       store_->GetByExternalIds<Execution>({"shared"}));
  EXPECT_EQ(got.size(), 1u);
}

}  // namespace
}  // namespace lineagedb
