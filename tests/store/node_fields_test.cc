// Conformance tests of node writes and reads (DOMAIN.md section 1, "Nodes"):
// external ids, property values, timestamps, atomicity, durability and the
// rules of one kind. The fixture is node_fixture.h's, under its own suite
// name.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "tests/store/node_fixture.h"

namespace lineagedb {
namespace {

using node_testing::NodeKinds;
using node_testing::NowMs;
using node_testing::SetKindFields;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::SleepMs;

template <typename N>
class NodeFieldsTest : public node_testing::NodeTest<N> {};
TYPED_TEST_SUITE(NodeFieldsTest, NodeKinds);

// ---- External ids ----

TYPED_TEST(NodeFieldsTest, ExternalIdIsUniqueAmongNodesOfTheKind) {
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

TYPED_TEST(NodeFieldsTest, AllSixValueKindsRoundTrip) {
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

TYPED_TEST(NodeFieldsTest, StructValueMustBeAJsonObject) {
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
  // The reason says what is wrong: not an object, or too deep to parse.
  TypeParam array = this->Make("a");
  array.custom_properties["st"] = StructValue{"[1]"};
  EXPECT_THAT(std::string(this->PutOne(array).status().message()),
              HasSubstr("holds a struct that is not a JSON object"));
  TypeParam deep = this->Make("deep");
  deep.custom_properties["st"] =
      StructValue{std::string(100000, '[') + std::string(100000, ']')};
  const Status s = this->PutOne(deep).status();
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("too deep"));
  EXPECT_THAT(this->All(), IsEmpty());
}

// ---- Timestamps ----

TYPED_TEST(NodeFieldsTest, TimestampsAreSetByTheStore) {
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

// As MLMD: an update that changes nothing writes nothing, whole or masked;
// force_update_time writes it with a new last_update_time.
TYPED_TEST(NodeFieldsTest, AnUpdateThatChangesNothingWritesNothing) {
  TypeParam n = this->Make("n");
  n.properties["p1"] = 7;
  ASSERT_OK_AND_ASSIGN(n.id, this->PutOne(n));
  ASSERT_OK_AND_ASSIGN(const TypeParam stored, this->Get(n.id));
  const testing::Dump before = this->DumpStore();
  SleepMs(3);
  ASSERT_OK(this->PutOne(stored).status());
  PutNodesOptions masked;
  masked.update_mask = {"properties.p1", "name"};
  ASSERT_OK(this->PutOne(stored, masked).status());
  EXPECT_EQ(this->DumpStore(), before);

  // Unchanged means the same bytes: a NaN stays unchanged, while 0.0 to
  // -0.0 is a change.
  TypeParam with_nan = stored;
  with_nan.custom_properties["d"] = std::nan("");
  with_nan.custom_properties["z"] = 0.0;
  ASSERT_OK(this->PutOne(with_nan).status());
  ASSERT_OK_AND_ASSIGN(const TypeParam nan_stored, this->Get(n.id));
  const testing::Dump with_nan_dump = this->DumpStore();
  ASSERT_OK(this->PutOne(nan_stored).status());
  EXPECT_EQ(this->DumpStore(), with_nan_dump);
  TypeParam negative_zero = nan_stored;
  negative_zero.custom_properties["z"] = -0.0;
  ASSERT_OK(this->PutOne(negative_zero).status());
  ASSERT_OK_AND_ASSIGN(TypeParam got, this->Get(n.id));
  EXPECT_TRUE(std::signbit(got.custom_properties.at("z").double_value()));

  SleepMs(3);
  PutNodesOptions force;
  force.force_update_time = true;
  ASSERT_OK(this->PutOne(got, force).status());
  ASSERT_OK_AND_ASSIGN(TypeParam forced, this->Get(n.id));
  EXPECT_GT(forced.last_update_time_ms, got.last_update_time_ms);
  forced.last_update_time_ms = got.last_update_time_ms;
  EXPECT_TRUE(std::isnan(forced.custom_properties.at("d").double_value()));
  forced.custom_properties.erase("d");
  got.custom_properties.erase("d");
  EXPECT_EQ(forced, got);
}

TYPED_TEST(NodeFieldsTest, CreateTimeIsNonDecreasingInId) {
  std::vector<int64_t> ids;
  for (int round = 0; round < 5; ++round) {
    ASSERT_OK_AND_ASSIGN(auto batch,
                         this->Put({this->Make(absl::StrCat("a", round)),
                                    this->Make(absl::StrCat("b", round))}));
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

TYPED_TEST(NodeFieldsTest, FailedMultiNodePutWritesNothing) {
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

TYPED_TEST(NodeFieldsTest, EverythingSurvivesReopen) {
  std::vector<TypeParam> nodes;
  for (int i = 0; i < 7; ++i) {
    TypeParam n = this->Make(absl::StrCat("n", i));
    n.properties = {{"p1", i}, {"p2", absl::StrCat("v", i)}};
    n.custom_properties = {
        {"c", StructValue{absl::StrCat(R"({"i": )", i, "}")}},
        {"blob", ProtoValue{"t", std::string("\0x", 2)}}};
    if (i % 2 == 0) n.external_id = absl::StrCat("ext-", i);
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

// A state outside its enum, or a property without a name, is refused on
// insert and on update, and nothing is written.
TEST_F(KindRulesTest, InvalidStatesAndUnnamedPropertiesAreInvalidArgument) {
  Artifact a;
  a.type_id = AddType(NodeKind::kArtifact);
  a.state = ArtifactState::kReference;
  ASSERT_OK_AND_ASSIGN(auto ids, store_->Put(std::vector<Artifact>{a}));
  const auto before = DumpStore();
  a.state = static_cast<ArtifactState>(77);
  Status s = store_->Put(std::vector<Artifact>{a}).status();
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("no valid state (77)"));
  a.id = ids[0];
  EXPECT_CODE(store_->Put(std::vector<Artifact>{a}), kInvalidArgument);
  a.state = ArtifactState::kLive;
  a.custom_properties[""] = int64_t{1};
  EXPECT_CODE(store_->Put(std::vector<Artifact>{a}), kInvalidArgument);
  EXPECT_EQ(DumpStore(), before);
  Execution e;
  e.type_id = AddType(NodeKind::kExecution);
  e.last_known_state = ExecutionState::kCanceled;
  ASSERT_OK(store_->Put(std::vector<Execution>{e}).status());
  const auto with_execution = DumpStore();
  e.last_known_state = static_cast<ExecutionState>(50);
  EXPECT_CODE(store_->Put(std::vector<Execution>{e}), kInvalidArgument);
  EXPECT_EQ(DumpStore(), with_execution);
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
