#include "filter/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace lineagedb::filter {
namespace {

using ::testing::HasSubstr;

Query MustParse(NodeKind kind, std::string_view text) {
  auto q = Parse(kind, text);
  EXPECT_TRUE(q.ok()) << text << ": " << q.status();
  return q.ok() ? *std::move(q) : Query{};
}

// The message of a parse that must fail with INVALID_ARGUMENT.
std::string ErrorOf(NodeKind kind, std::string_view text) {
  auto q = Parse(kind, text);
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument)
      << text << ": " << q.status();
  return std::string(q.status().message());
}

constexpr NodeKind kA = NodeKind::kArtifact;
constexpr NodeKind kE = NodeKind::kExecution;
constexpr NodeKind kC = NodeKind::kContext;

TEST(FilterParser, ComparisonOfAnAttribute) {
  Query q = MustParse(kA, "id >= 3");
  EXPECT_EQ(q.kind, kA);
  EXPECT_EQ(q.root.op, Op::kCompare);
  EXPECT_EQ(q.root.cmp, Cmp::kGe);
  EXPECT_EQ(q.root.attribute.relation, Relation::kSelf);
  EXPECT_EQ(q.root.attribute.field, Field::kId);
  EXPECT_EQ(q.root.attribute.type, ValueType::kInt);
  ASSERT_EQ(q.root.values.size(), 1u);
  EXPECT_EQ(q.root.values[0], Literal(int64_t{3}));
  EXPECT_TRUE(q.aliases.empty());
}

TEST(FilterParser, EveryComparisonOperator) {
  const std::pair<std::string_view, Cmp> ops[] = {
      {"=", Cmp::kEq},  {"!=", Cmp::kNe}, {"<>", Cmp::kNe}, {"<", Cmp::kLt},
      {"<=", Cmp::kLe}, {">", Cmp::kGt},  {">=", Cmp::kGe}};
  for (const auto& [text, cmp] : ops) {
    Query q = MustParse(kA, std::string("name ") + std::string(text) + " 'x'");
    EXPECT_EQ(q.root.cmp, cmp) << text;
  }
}

TEST(FilterParser, AndBindsTighterThanOr) {
  Query q = MustParse(kA, "id = 1 OR id = 2 AND name = 'x'");
  ASSERT_EQ(q.root.op, Op::kOr);
  ASSERT_EQ(q.root.children.size(), 2u);
  EXPECT_EQ(q.root.children[0].op, Op::kCompare);
  EXPECT_EQ(q.root.children[1].op, Op::kAnd);
  EXPECT_EQ(q.root.children[1].children.size(), 2u);
}

// NOT is pushed down to the predicates: De Morgan, negated comparisons.
TEST(FilterParser, ParenthesesAndNot) {
  Query q = MustParse(kA, "NOT(id = 1 or id < 2) and not name = 'x'");
  ASSERT_EQ(q.root.op, Op::kAnd);
  const Expr& both = q.root.children[0];
  ASSERT_EQ(both.op, Op::kAnd);
  EXPECT_EQ(both.children[0].cmp, Cmp::kNe);
  EXPECT_EQ(both.children[1].cmp, Cmp::kGe);
  EXPECT_EQ(q.root.children[1].op, Op::kCompare);
  EXPECT_EQ(q.root.children[1].cmp, Cmp::kNe);
  Query n = MustParse(kA,
                      "NOT NOT (uri LIKE 'a' OR NOT uri IS NULL) AND "
                      "NOT id IN (1)");
  EXPECT_EQ(n.root.children[0].op, Op::kOr);
  EXPECT_FALSE(n.root.children[0].children[0].negated);
  EXPECT_EQ(n.root.children[0].children[1].op, Op::kIsNull);
  EXPECT_TRUE(n.root.children[0].children[1].negated);
  EXPECT_TRUE(n.root.children[1].negated);
}

TEST(FilterParser, AliasesAreCollectedUpward) {
  Query q = MustParse(kA,
                      "id = 1 OR (contexts_b.id = 1 AND contexts_a.id = "
                      "2)");
  EXPECT_TRUE(q.root.children[0].aliases.empty());
  EXPECT_EQ(q.root.children[1].aliases, (std::vector<int>{0, 1}));
  EXPECT_EQ(q.root.aliases, (std::vector<int>{0, 1}));
  std::string many;
  for (int i = 0; i <= 64; ++i)
    many += "contexts_a" + std::to_string(i) + ".id = 1 AND ";
  EXPECT_THAT(ErrorOf(kA, many + "id = 1"), HasSubstr("more than 64 aliases"));
}

TEST(FilterParser, ChainsAreFlat) {
  Query q = MustParse(kA, "id = 1 AND id = 2 AND id = 3 AND id = 4");
  ASSERT_EQ(q.root.op, Op::kAnd);
  EXPECT_EQ(q.root.children.size(), 4u);
}

TEST(FilterParser, InLikeIsNullAndTheirNegations) {
  Query in = MustParse(kA, "id NOT IN (1, 2, 3)");
  EXPECT_EQ(in.root.op, Op::kIn);
  EXPECT_TRUE(in.root.negated);
  EXPECT_EQ(in.root.values.size(), 3u);
  Query like = MustParse(kA, "uri LIKE 's3://%'");
  EXPECT_EQ(like.root.op, Op::kLike);
  EXPECT_FALSE(like.root.negated);
  EXPECT_EQ(like.root.values[0], Literal(std::string("s3://%")));
  EXPECT_TRUE(MustParse(kA, "uri NOT LIKE 'x'").root.negated);
  Query null = MustParse(kA, "external_id IS NULL");
  EXPECT_EQ(null.root.op, Op::kIsNull);
  EXPECT_FALSE(null.root.negated);
  EXPECT_TRUE(MustParse(kA, "external_id is not null").root.negated);
}

TEST(FilterParser, StringsTakeBothQuotesAndEscapes) {
  EXPECT_EQ(MustParse(kA, "name = \"a'b\"").root.values[0],
            Literal(std::string("a'b")));
  EXPECT_EQ(MustParse(kA, "name = 'it''s'").root.values[0],
            Literal(std::string("it's")));
  EXPECT_EQ(MustParse(kA, R"(name = 'a\'b\\c')").root.values[0],
            Literal(std::string("a'b\\c")));
  EXPECT_EQ(MustParse(kA, R"(name = "a\"b\`")").root.values[0],
            Literal(std::string("a\"b`")));
  // A backslash before anything else escapes nothing: '\%' used to read as
  // a LIKE wildcard and '\n' as n, silently.
  for (const char* query :
       {R"(name LIKE 'a\%b')", R"(name = 'a\nb')", R"(name LIKE '\_')"}) {
    EXPECT_THAT(ErrorOf(kA, query), HasSubstr("escapes nothing")) << query;
  }
  EXPECT_THAT(ErrorOf(kA, R"(name LIKE 'a\%b')"), HasSubstr("column 13: "));
  // In a LIKE pattern a backslash (written \\) escapes % and _; one that
  // ends the pattern escapes nothing.
  EXPECT_EQ(MustParse(kA, R"(name LIKE 'a\\%b')").root.values[0],
            Literal(std::string("a\\%b")));
  EXPECT_THAT(ErrorOf(kA, R"(name LIKE 'a\\')"),
              HasSubstr("column 11: a LIKE pattern ends with a backslash"));
  EXPECT_EQ(MustParse(kA, R"(name LIKE 'a\\\\')").root.values[0],
            Literal(std::string("a\\\\")));
  EXPECT_EQ(MustParse(kA, R"(name = 'a\\')").root.values[0],
            Literal(std::string("a\\")));
}

// An integer within int64 is an int literal, for a double attribute too
// (compared exactly); any other number is a double.
TEST(FilterParser, NumbersAreIntsWhenTheyAreIntegersWithinInt64) {
  EXPECT_EQ(MustParse(kA, "id = -7").root.values[0], Literal(int64_t{-7}));
  // An int attribute compared with a fraction keeps the fraction.
  EXPECT_EQ(MustParse(kA, "create_time_since_epoch > 1.5").root.values[0],
            Literal(1.5));
  EXPECT_EQ(MustParse(kA, "properties.p.double_value > 2").root.values[0],
            Literal(int64_t{2}));
  EXPECT_EQ(MustParse(kA, "properties.p.double_value < 9007199254740993")
                .root.values[0],
            Literal(int64_t{9007199254740993}));
  EXPECT_EQ(MustParse(kA, "properties.p.double_value > 2.0").root.values[0],
            Literal(2.0));
  // Past int64: the double.
  EXPECT_EQ(MustParse(kA, "id < 9223372036854775808").root.values[0],
            Literal(0x1p63));
  EXPECT_EQ(MustParse(kA, "id > -9223372036854775809").root.values[0],
            Literal(-0x1p63));
  EXPECT_EQ(MustParse(kA, "properties.p.double_value < 1e-3").root.values[0],
            Literal(1e-3));
  EXPECT_EQ(MustParse(kA, "properties.p.double_value < .5").root.values[0],
            Literal(0.5));
}

TEST(FilterParser, PropertiesAndBackQuotedNames) {
  Query q = MustParse(kE, "custom_properties.`my:flag`.bool_value = TRUE");
  EXPECT_EQ(q.root.attribute.field, Field::kCustomProperty);
  EXPECT_EQ(q.root.attribute.property, "my:flag");
  EXPECT_EQ(q.root.attribute.type, ValueType::kBool);
  EXPECT_EQ(q.root.values[0], Literal(true));
  Query p = MustParse(kC, "properties.span.string_value = 'a'");
  EXPECT_EQ(p.root.attribute.field, Field::kProperty);
  EXPECT_EQ(p.root.attribute.property, "span");
  EXPECT_EQ(p.root.attribute.type, ValueType::kString);
}

TEST(FilterParser, EnumsByNameQuotedOrNot) {
  Query q = MustParse(kA, "state IN (LIVE, 'PENDING')");
  EXPECT_EQ(q.root.attribute.type, ValueType::kArtifactState);
  EXPECT_EQ(q.root.values,
            (std::vector<Literal>{
                int64_t{static_cast<int>(ArtifactState::kLive)},
                int64_t{static_cast<int>(ArtifactState::kPending)}}));
  Query e = MustParse(kE, "last_known_state = COMPLETE");
  EXPECT_EQ(e.root.attribute.type, ValueType::kExecutionState);
  EXPECT_EQ(e.root.values[0],
            Literal(int64_t{static_cast<int>(ExecutionState::kComplete)}));
}

// As MLMD: `!=` and NOT IN on a state take nodes without one too.
TEST(FilterParser, StatesThatDifferIncludeNoState) {
  for (std::string_view text :
       {"last_known_state != COMPLETE", "last_known_state NOT IN (NEW)"}) {
    Query q = MustParse(kE, text);
    ASSERT_EQ(q.root.op, Op::kOr) << text;
    EXPECT_EQ(q.root.children[1].op, Op::kIsNull) << text;
    EXPECT_FALSE(q.root.children[1].negated) << text;
  }
  // Not when the NOT comes from outside, as MLMD rewrites only these two.
  EXPECT_EQ(MustParse(kE, "NOT last_known_state = NEW").root.op, Op::kCompare);
  EXPECT_EQ(MustParse(kA, "events_e.type != INPUT").root.op, Op::kCompare);
}

TEST(FilterParser, NeighbourAliases) {
  Query q = MustParse(kA,
                      "contexts_a.name = 'r' AND contexts_b.type = 'P' AND "
                      "contexts_a.id > 0 AND events_x.type = OUTPUT");
  ASSERT_EQ(q.aliases.size(), 3u);
  EXPECT_EQ(q.aliases[0].relation, Relation::kContexts);
  EXPECT_EQ(q.aliases[0].name, "contexts_a");
  EXPECT_EQ(q.aliases[1].name, "contexts_b");
  EXPECT_EQ(q.aliases[2].relation, Relation::kEvents);
  EXPECT_EQ(q.root.children[0].attribute.alias, 0);
  EXPECT_EQ(q.root.children[0].attribute.kind, kC);
  EXPECT_EQ(q.root.children[2].attribute.alias, 0);
  EXPECT_EQ(q.root.children[3].attribute.field, Field::kEventType);
}

TEST(FilterParser, ContextNeighbours) {
  Query q =
      MustParse(kC,
                "parent_contexts_a.name = 'p' OR child_contexts_a.id = 1 "
                "OR artifacts_x.uri = 'u' OR executions_y.last_known_state"
                " = RUNNING");
  ASSERT_EQ(q.aliases.size(), 4u);
  EXPECT_EQ(q.aliases[0].relation, Relation::kParentContexts);
  EXPECT_EQ(q.aliases[1].relation, Relation::kChildContexts);
  EXPECT_EQ(q.aliases[2].relation, Relation::kArtifacts);
  EXPECT_EQ(q.root.children[2].attribute.kind, kA);
  EXPECT_EQ(q.aliases[3].relation, Relation::kExecutions);
  EXPECT_EQ(q.root.children[3].attribute.kind, kE);
}

TEST(FilterParser, EventFieldsDependOnTheKind) {
  EXPECT_EQ(MustParse(kA, "events_0.execution_id = 1").root.attribute.field,
            Field::kEventExecutionId);
  EXPECT_EQ(MustParse(kE, "events_0.artifact_id = 1").root.attribute.field,
            Field::kEventArtifactId);
  EXPECT_THAT(ErrorOf(kA, "events_0.artifact_id = 1"),
              HasSubstr("events of artifacts have no attribute "
                        "'artifact_id'"));
  EXPECT_EQ(MustParse(kE, "events_0.milliseconds_since_epoch > 0")
                .root.attribute.field,
            Field::kEventTime);
}

TEST(FilterParser, KeywordsAreCaseInsensitive) {
  Query q = MustParse(kA, "id In (1) aNd name LiKe 'a' oR uri iS nOt NuLl");
  EXPECT_EQ(q.root.op, Op::kOr);
}

TEST(FilterParser, ErrorsNameTheColumn) {
  EXPECT_THAT(ErrorOf(kA, "id = 1 AND nme = 'x'"),
              HasSubstr("column 12: artifacts have no attribute 'nme'"));
  EXPECT_THAT(ErrorOf(kA, "id = 'x'"),
              HasSubstr("column 6: expected a number, not string 'x'"));
  EXPECT_THAT(ErrorOf(kA, "name = 1"),
              HasSubstr("column 8: expected a quoted string"));
  EXPECT_THAT(ErrorOf(kA, "id = 1 id = 2"),
              HasSubstr("column 8: expected AND, OR or the end"));
  EXPECT_THAT(ErrorOf(kA, "(id = 1"), HasSubstr("expected ')'"));
  EXPECT_THAT(ErrorOf(kA, "name = 'abc"),
              HasSubstr("column 8: unterminated '-quoted string"));
  EXPECT_THAT(ErrorOf(kA, "id ~ 1"), HasSubstr("column 4: unexpected"));
  EXPECT_THAT(ErrorOf(kA, "id"), HasSubstr("expected a comparison"));
  EXPECT_THAT(ErrorOf(kA, "id = 1e999"), HasSubstr("is not a number"));
}

TEST(FilterParser, AttributesTheKindDoesNotHave) {
  EXPECT_THAT(ErrorOf(kE, "uri = 'x'"),
              HasSubstr("executions have no attribute 'uri'"));
  EXPECT_THAT(ErrorOf(kA, "last_known_state = NEW"),
              HasSubstr("artifacts have no attribute 'last_known_state'"));
  EXPECT_THAT(ErrorOf(kC, "state = LIVE"),
              HasSubstr("contexts have no attribute 'state'"));
  EXPECT_THAT(ErrorOf(kC, "contexts_a.id = 1"),
              HasSubstr("contexts have no neighbour 'contexts'"));
  EXPECT_THAT(ErrorOf(kA, "artifacts_a.id = 1"),
              HasSubstr("artifacts have no neighbour 'artifacts'"));
  EXPECT_THAT(ErrorOf(kA, "parent_contexts_a.id = 1"),
              HasSubstr("have no neighbour 'parent_contexts'"));
  EXPECT_THAT(ErrorOf(kA, "contexts_.id = 1"), HasSubstr("needs an alias"));
  EXPECT_THAT(ErrorOf(kA, "contexts_a.uri = 'x'"),
              HasSubstr("contexts have no attribute 'uri'"));
}

TEST(FilterParser, PropertiesNeedAValueField) {
  EXPECT_THAT(ErrorOf(kA, "properties.span = 1"),
              HasSubstr("is not properties.NAME.int_value"));
  EXPECT_THAT(ErrorOf(kA, "properties.span.value = 1"),
              HasSubstr("'value' is not int_value"));
  EXPECT_THAT(ErrorOf(kA, "custom_properties.a.b.int_value = 1"),
              HasSubstr("is not custom_properties.NAME"));
}

TEST(FilterParser, OperatorsMustFitTheAttribute) {
  EXPECT_THAT(ErrorOf(kA, "state < LIVE"),
              HasSubstr("'<' does not order enum values"));
  EXPECT_THAT(ErrorOf(kA, "properties.b.bool_value >= TRUE"),
              HasSubstr("does not order bools"));
  EXPECT_THAT(ErrorOf(kA, "id LIKE '1%'"),
              HasSubstr("LIKE takes a string attribute"));
  EXPECT_THAT(ErrorOf(kA, "properties.b.bool_value = 1"),
              HasSubstr("expected TRUE or FALSE"));
  EXPECT_THAT(ErrorOf(kA, "state = RUNNING"),
              HasSubstr("expected an artifact state"));
  EXPECT_THAT(ErrorOf(kA, "state = UNKNOWN"), HasSubstr("use IS NULL"));
  EXPECT_THAT(ErrorOf(kA, "id IS 1"), HasSubstr("expected NULL after IS"));
  EXPECT_THAT(ErrorOf(kA, "id NOT = 1"),
              HasSubstr("expected IN or LIKE after NOT"));
}

TEST(FilterParser, NamesMayStartWithADigitAfterADot) {
  Query q = MustParse(kA, "custom_properties.2x.int_value = 7");
  EXPECT_EQ(q.root.attribute.property, "2x");
  EXPECT_EQ(MustParse(kA, "properties.1.int_value = 1").root.attribute.property,
            "1");
  EXPECT_EQ(MustParse(kA, "contexts_0.id = .5").root.values[0], Literal(0.5));
}

TEST(FilterParser, AttributeAndEnumNamesIgnoreCasePropertyNamesDoNot) {
  Query q = MustParse(kA,
                      "NAME = 'x' AND Contexts_A.Type = 'r' AND "
                      "contexts_a.id = 1 AND PROPERTIES.Span.INT_VALUE = 1 "
                      "AND state = live");
  EXPECT_EQ(q.root.children[0].attribute.field, Field::kName);
  EXPECT_EQ(q.aliases.size(), 1u);  // contexts_a, however spelt.
  EXPECT_EQ(q.root.children[3].attribute.property, "Span");
  EXPECT_EQ(q.root.children[4].values[0],
            Literal(int64_t{static_cast<int>(ArtifactState::kLive)}));
}

TEST(FilterParser, NestingIsBounded) {
  std::string deep(100, '(');
  deep += "id = 1" + std::string(100, ')');
  MustParse(kA, deep);
  std::string nots;
  for (int i = 0; i < 100; ++i) nots += "NOT ";
  MustParse(kA, nots + "id = 1");
  EXPECT_THAT(ErrorOf(kA, "(" + deep + ")"),
              HasSubstr("column 101: NOT and parentheses nest more than 100"));
  EXPECT_THAT(ErrorOf(kA, std::string(100000, '(')), HasSubstr("nest more"));
  EXPECT_THAT(ErrorOf(kA, "NOT " + nots + "id = 1"), HasSubstr("nest more"));
}

TEST(FilterParser, EmptyQueriesAndBadKinds) {
  EXPECT_THAT(ErrorOf(kA, ""), HasSubstr("empty"));
  EXPECT_THAT(ErrorOf(kA, "   "), HasSubstr("empty"));
  EXPECT_THAT(ErrorOf(kA, "``.x = 1"), HasSubstr("empty back-quoted name"));
  EXPECT_CODE(Parse(static_cast<NodeKind>(9), "id = 1"), kInvalidArgument);
}

}  // namespace
}  // namespace lineagedb::filter
