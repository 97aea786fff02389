#include "filter/eval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "filter/parser.h"
#include "tests/test_util.h"

namespace lineagedb::filter {
namespace {

using codec::NodeRow;

NodeRow Row(NodeKind kind, int64_t id, int64_t type_id) {
  NodeRow r;
  r.kind = kind;
  r.base.id = id;
  r.base.type_id = type_id;
  return r;
}

// A node with neighbours held in memory; counts the neighbour reads.
class FakeSubject : public Subject {
 public:
  explicit FakeSubject(NodeRow node) : node_(std::move(node)) {}

  const NodeRow& node() const override { return node_; }
  std::string_view TypeName(NodeKind kind, int64_t type_id) override {
    auto it = types_.find({kind, type_id});
    return it == types_.end() ? std::string_view() : it->second;
  }
  StatusOr<const std::vector<NodeRow>*> Neighbours(Relation r) override {
    ++reads;
    if (fail) return absl::DataLossError("damaged");
    return &neighbours_[r];
  }
  StatusOr<const std::vector<Event>*> Events() override {
    ++reads;
    return &events_;
  }

  NodeRow node_;
  std::map<std::pair<NodeKind, int64_t>, std::string> types_;
  std::map<Relation, std::vector<NodeRow>> neighbours_;
  std::vector<Event> events_;
  int reads = 0;
  bool fail = false;
};

class FilterEval : public ::testing::Test {
 protected:
  FilterEval() : subject_(Row(NodeKind::kArtifact, 7, 1)) {
    NodeRow& n = subject_.node_;
    n.base.name = "model-7";
    n.uri = "s3://bucket/Models/7";
    n.state = static_cast<uint8_t>(ArtifactState::kLive);
    n.base.create_time_ms = 1000;
    n.base.last_update_time_ms = 2000;
    n.base.properties["accuracy"] = 0.97;
    n.base.properties["span"] = int64_t{3};
    n.base.custom_properties["my:flag"] = true;
    n.base.custom_properties["owner"] = "ana";
    subject_.types_[{NodeKind::kArtifact, 1}] = "Model";
    subject_.types_[{NodeKind::kContext, 5}] = "PipelineRun";
    subject_.types_[{NodeKind::kContext, 6}] = "Pipeline";
  }

  void AddContext(int64_t id, int64_t type_id, std::string name) {
    NodeRow c = Row(NodeKind::kContext, id, type_id);
    c.base.name = std::move(name);
    subject_.neighbours_[Relation::kContexts].push_back(std::move(c));
  }

  bool Match(std::string_view text) {
    auto q = Parse(subject_.node_.kind, text);
    EXPECT_TRUE(q.ok()) << text << ": " << q.status();
    if (!q.ok()) return false;
    auto m = Matches(*q, subject_);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() && *m;
  }

  FakeSubject subject_;
};

TEST_F(FilterEval, Attributes) {
  EXPECT_TRUE(Match("id = 7"));
  EXPECT_TRUE(Match("type_id = 1 AND type = 'Model'"));
  EXPECT_TRUE(Match("name = 'model-7' AND uri = 's3://bucket/Models/7'"));
  EXPECT_TRUE(Match("create_time_since_epoch = 1000"));
  EXPECT_TRUE(Match("last_update_time_since_epoch > 1999.5"));
  EXPECT_TRUE(Match("state = LIVE"));
  EXPECT_FALSE(Match("state IN (PENDING, DELETED)"));
  EXPECT_FALSE(Match("id != 7"));
  EXPECT_TRUE(Match("name < 'model-8' AND name >= 'model-7'"));
}

TEST_F(FilterEval, PropertiesOfEachKind) {
  EXPECT_TRUE(Match("properties.accuracy.double_value > 0.95"));
  EXPECT_TRUE(Match("properties.span.int_value = 3"));
  EXPECT_TRUE(Match("properties.span.int_value < 3.5"));
  EXPECT_TRUE(Match("custom_properties.`my:flag`.bool_value = true"));
  EXPECT_FALSE(Match("custom_properties.`my:flag`.bool_value = false"));
  EXPECT_TRUE(Match("custom_properties.owner.string_value LIKE 'A%'"));
  // A property is read only as its own kind: span is an int.
  EXPECT_FALSE(Match("properties.span.double_value = 3"));
  EXPECT_TRUE(Match("properties.span.double_value IS NULL"));
  // properties and custom_properties are apart.
  EXPECT_TRUE(Match("properties.owner.string_value IS NULL"));
}

TEST_F(FilterEval, MissingValuesFollowThreeValuedLogic) {
  // No external_id: neither = nor != holds, and NOT does not flip NULL.
  EXPECT_FALSE(Match("external_id = 'x'"));
  EXPECT_FALSE(Match("external_id != 'x'"));
  EXPECT_FALSE(Match("NOT external_id = 'x'"));
  EXPECT_FALSE(Match("external_id NOT IN ('x')"));
  EXPECT_FALSE(Match("external_id NOT LIKE 'x'"));
  EXPECT_TRUE(Match("external_id IS NULL"));
  EXPECT_FALSE(Match("external_id IS NOT NULL"));
  // NULL OR TRUE is TRUE; NULL AND TRUE is NULL.
  EXPECT_TRUE(Match("properties.nope.int_value = 1 OR id = 7"));
  EXPECT_FALSE(Match("properties.nope.int_value = 1 AND id = 7"));
  EXPECT_FALSE(Match("NOT (properties.nope.int_value = 1 AND id = 7)"));
  EXPECT_TRUE(Match("NOT (properties.nope.int_value = 1 AND id = 8)"));
}

// MLMD's rewrite: `state != X` and NOT IN take a node without state.
TEST_F(FilterEval, UnknownStateIsNull) {
  subject_.node_.state = 0;
  EXPECT_TRUE(Match("state IS NULL"));
  EXPECT_TRUE(Match("state != LIVE"));
  EXPECT_TRUE(Match("state NOT IN (LIVE, PENDING)"));
  EXPECT_FALSE(Match("NOT state = LIVE"));
  EXPECT_FALSE(Match("NOT (state != LIVE)"));  // NOT (NULL OR TRUE)
  EXPECT_FALSE(Match("state = LIVE"));
  subject_.node_.state = static_cast<uint8_t>(ArtifactState::kLive);
  EXPECT_FALSE(Match("state != LIVE"));
  EXPECT_TRUE(Match("NOT (state != LIVE)"));  // NOT (FALSE OR FALSE)
  EXPECT_TRUE(Match("NOT (state NOT IN (LIVE))"));
}

TEST_F(FilterEval, NanIsNoValue) {
  subject_.node_.base.properties["accuracy"] =
      std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(Match("properties.accuracy.double_value IS NULL"));
  EXPECT_FALSE(Match("properties.accuracy.double_value = 0"));
  EXPECT_FALSE(Match("properties.accuracy.double_value < 1"));
  EXPECT_FALSE(Match("properties.accuracy.double_value != 1"));
  EXPECT_FALSE(Match("properties.accuracy.double_value NOT IN (1)"));
  EXPECT_FALSE(Match("NOT properties.accuracy.double_value > 0.5"));
}

TEST_F(FilterEval, IntsAndDoublesCompareExactly) {
  subject_.node_.base.properties["span"] = int64_t{9007199254740993};
  EXPECT_FALSE(Match("properties.span.int_value = 9007199254740992.0"));
  EXPECT_TRUE(Match("properties.span.int_value > 9007199254740992.0"));
  EXPECT_TRUE(Match("properties.span.int_value < 9007199254740993.5"));
  EXPECT_TRUE(Match("properties.span.int_value < 1e30"));
  EXPECT_TRUE(Match("properties.span.int_value > -1e30"));
  EXPECT_TRUE(Match("properties.span.int_value >= 9007199254740993.0"));
  subject_.node_.base.properties["span"] = int64_t{-3};
  EXPECT_TRUE(Match("properties.span.int_value < -2.5"));
  EXPECT_TRUE(Match("properties.span.int_value > -3.5"));
  EXPECT_TRUE(Match("properties.accuracy.double_value > 0"));
  EXPECT_TRUE(Match("properties.accuracy.double_value < 1"));
  // A double attribute against an int literal, exactly too.
  subject_.node_.base.properties["accuracy"] = 9007199254740992.0;
  EXPECT_TRUE(Match("properties.accuracy.double_value < 9007199254740993"));
  EXPECT_FALSE(Match("properties.accuracy.double_value = 9007199254740993"));
  EXPECT_TRUE(Match("properties.accuracy.double_value = 9007199254740992"));
  subject_.node_.base.properties["accuracy"] = 0x1p63;
  EXPECT_TRUE(Match("properties.accuracy.double_value > 9223372036854775807"));
  EXPECT_TRUE(Match("properties.accuracy.double_value = 9223372036854775808"));
}

TEST_F(FilterEval, AnAliasBindsOneNeighbour) {
  AddContext(1, 5, "run-41");
  AddContext(2, 5, "run-42");
  AddContext(3, 6, "pipe");
  EXPECT_TRUE(
      Match("contexts_a.type = 'PipelineRun' AND "
            "contexts_a.name = 'run-42'"));
  // One alias, one context: no context is both a Pipeline and run-42.
  EXPECT_FALSE(
      Match("contexts_a.type = 'Pipeline' AND "
            "contexts_a.name = 'run-42'"));
  // Two aliases may bind two contexts.
  EXPECT_TRUE(
      Match("contexts_a.type = 'Pipeline' AND "
            "contexts_b.name = 'run-42'"));
  // Some context is not run-41.
  EXPECT_TRUE(Match("NOT contexts_a.name = 'run-41'"));
  EXPECT_TRUE(Match("contexts_a.name LIKE 'run-4_' AND contexts_a.id > 1"));
  EXPECT_FALSE(Match("contexts_a.id > 3"));
}

// Parts of an AND that share no alias are matched apart, so a query of
// many aliases over many neighbours is linear, not a product.
TEST_F(FilterEval, AliasesApartAreNotAProduct) {
  for (int i = 0; i < 1000; ++i)
    AddContext(i + 1, 5, "run-" + std::to_string(i));
  std::string q;
  for (int i = 0; i < 8; ++i) {
    q += "contexts_a" + std::to_string(i) + ".id > " + std::to_string(i) +
         " AND ";
  }
  EXPECT_FALSE(Match(q + "name = 'nomatch'"));
  EXPECT_TRUE(Match(q + "contexts_z.name = 'run-999'"));
  EXPECT_FALSE(Match(q + "contexts_z.name = 'run-1000'"));
  EXPECT_TRUE(
      Match("(contexts_a.name = 'x' OR contexts_b.name = 'run-5') "
            "AND (contexts_c.id = 1 OR NOT contexts_d.id = 1)"));
  // Joined through an OR, two aliases are a product: 10^6 bindings pass,
  // three aliases are refused.
  EXPECT_FALSE(
      Match("(contexts_a.id = 0 OR contexts_b.id = 0) AND "
            "contexts_b.id > 0"));
  auto q3 = Parse(NodeKind::kArtifact,
                  "(contexts_a.id = 0 OR contexts_b.id = 0 OR contexts_c.id = "
                  "0) AND contexts_a.id > 0 AND contexts_b.id > 0 AND "
                  "contexts_c.id > 0");
  ASSERT_OK(q3.status());
  auto m = Matches(*q3, subject_);
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()),
              ::testing::HasSubstr("combinations"));
}

TEST_F(FilterEval, NoNeighbourNoMatch) {
  // Even where the rest of the query would hold (MLMD's inner join).
  EXPECT_FALSE(Match("contexts_a.name = 'x' OR id = 7"));
  EXPECT_FALSE(Match("contexts_a.name IS NULL"));
  EXPECT_FALSE(Match("events_e.type = INPUT OR id = 7"));
}

TEST_F(FilterEval, NeighboursAreReadOnlyWhenNamed) {
  EXPECT_TRUE(Match("id = 7 AND name LIKE 'model%'"));
  EXPECT_EQ(subject_.reads, 0);
  AddContext(1, 5, "r");
  EXPECT_TRUE(Match("contexts_a.id = 1 AND contexts_b.id = 1"));
  EXPECT_EQ(subject_.reads, 2);
}

TEST_F(FilterEval, NeighbourErrorsComeBack) {
  subject_.fail = true;
  auto q = Parse(NodeKind::kArtifact, "contexts_a.id = 1");
  ASSERT_OK(q.status());
  EXPECT_CODE(Matches(*q, subject_), kDataLoss);
}

TEST_F(FilterEval, Events) {
  subject_.events_.push_back(Event{.artifact_id = 7,
                                   .execution_id = 3,
                                   .type = EventType::kOutput,
                                   .time_ms = 50});
  subject_.events_.push_back(Event{.artifact_id = 7,
                                   .execution_id = 4,
                                   .type = EventType::kInput,
                                   .time_ms = 60});
  EXPECT_TRUE(Match("events_0.type = OUTPUT AND events_0.execution_id = 3"));
  EXPECT_FALSE(Match("events_0.type = OUTPUT AND events_0.execution_id = 4"));
  EXPECT_TRUE(
      Match("events_0.type IN (INPUT, DECLARED_INPUT) AND "
            "events_0.milliseconds_since_epoch = 60"));
  EXPECT_FALSE(Match("events_0.type = INTERNAL_OUTPUT"));
}

TEST_F(FilterEval, ContextsOfAContext) {
  FakeSubject s(Row(NodeKind::kContext, 9, 5));
  NodeRow parent = Row(NodeKind::kContext, 1, 6);
  parent.base.name = "pipe";
  s.neighbours_[Relation::kParentContexts].push_back(parent);
  NodeRow a = Row(NodeKind::kArtifact, 4, 1);
  a.uri = "gs://x";
  s.neighbours_[Relation::kArtifacts].push_back(a);
  auto q = Parse(NodeKind::kContext,
                 "parent_contexts_p.name = 'pipe' AND artifacts_a.uri = "
                 "'gs://x' AND child_contexts_c.id IS NULL");
  ASSERT_OK(q.status());
  ASSERT_OK_AND_ASSIGN(bool m, Matches(*q, s));
  EXPECT_FALSE(m);  // No child context to bind child_contexts_c to.
  auto q2 = Parse(NodeKind::kContext,
                  "parent_contexts_p.name = 'pipe' AND artifacts_a.uri = "
                  "'gs://x'");
  ASSERT_OK(q2.status());
  ASSERT_OK_AND_ASSIGN(m, Matches(*q2, s));
  EXPECT_TRUE(m);
}

TEST(FilterLike, Patterns) {
  EXPECT_TRUE(Like("s3://bucket/a", "s3://bucket/%"));
  EXPECT_TRUE(Like("", "%"));
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(Like("a", ""));
  EXPECT_TRUE(Like("abc", "a_c"));
  EXPECT_FALSE(Like("ac", "a_c"));
  EXPECT_TRUE(Like("ABC", "abc"));
  EXPECT_TRUE(Like("xaXbxc", "%a%b%c"));
  EXPECT_FALSE(Like("xaXbxcd", "%a%b%c"));
  EXPECT_TRUE(Like("aaa", "%a"));
  EXPECT_TRUE(Like("mississippi", "%iss%ppi"));
  EXPECT_FALSE(Like("mississippi", "%iss%ppx"));
  EXPECT_TRUE(Like("a%b", "a%%b"));
}

// A backslash in a pattern makes the character after it a plain one.
TEST(FilterLike, ABackslashEscapesTheNextCharacter) {
  EXPECT_TRUE(Like("a%b", "a\\%b"));
  EXPECT_FALSE(Like("axb", "a\\%b"));
  EXPECT_TRUE(Like("a_c", "a\\_c"));
  EXPECT_FALSE(Like("abc", "a\\_c"));
  EXPECT_TRUE(Like("a\\b", "a\\\\b"));
  EXPECT_FALSE(Like("ab", "a\\\\b"));
  EXPECT_TRUE(Like("100% sure", "%\\%%"));
  EXPECT_FALSE(Like("100 sure", "%\\%%"));
  EXPECT_TRUE(Like("AB", "a\\b"));  // Still ASCII case-insensitive.
}

TEST(FilterLike, UnderscoreIsOneUtf8Character) {
  EXPECT_TRUE(Like("caf\xc3\xa9", "caf_"));  // café
  EXPECT_FALSE(Like("caf\xc3\xa9", "caf__"));
  EXPECT_TRUE(
      Like("\xe2\x82\xac"
           "1",
           "_1"));                                 // €1
  EXPECT_TRUE(Like("x\xf0\x9f\x99\x82y", "%_y"));  // x🙂y
  EXPECT_FALSE(Like("\xc3\xa9x", "%__x"));
  EXPECT_TRUE(Like("a\xc3\xa9", "%\xc3\xa9"));
}

}  // namespace
}  // namespace lineagedb::filter
