#include "filter/lexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace lineagedb::filter {
namespace {

using ::testing::HasSubstr;

std::vector<Token> MustLex(std::string_view text) {
  auto tokens = Lex(text);
  EXPECT_TRUE(tokens.ok()) << tokens.status();
  return tokens.ok() ? *std::move(tokens) : std::vector<Token>{};
}

TEST(FilterLexer, TokensAndColumns) {
  const std::vector<Token> t = MustLex("a.`b c`.x >= -1.5e3 'q' <>");
  ASSERT_EQ(t.size(), 10u);  // The last is kEnd.
  EXPECT_EQ(t[0].kind, TokenKind::kIdent);
  EXPECT_EQ(t[0].column, 1u);
  EXPECT_EQ(t[1].text, ".");
  EXPECT_EQ(t[2].kind, TokenKind::kIdent);
  EXPECT_TRUE(t[2].quoted);
  EXPECT_EQ(t[2].text, "b c");
  EXPECT_EQ(t[5].text, ">=");
  EXPECT_EQ(t[6].kind, TokenKind::kNumber);
  EXPECT_EQ(t[6].text, "-1.5e3");
  EXPECT_EQ(t[6].column, 14u);
  EXPECT_EQ(t[7].kind, TokenKind::kString);
  EXPECT_EQ(t[7].text, "q");
  EXPECT_EQ(t[8].text, "<>");
  EXPECT_EQ(MustLex("").back().kind, TokenKind::kEnd);
}

// After a path's '.', a word is a name even when it starts with a digit;
// elsewhere a leading '.' or digit starts a number.
TEST(FilterLexer, DigitsAfterADotAreNames) {
  const std::vector<Token> t = MustLex("p.2x.int_value = .5");
  EXPECT_EQ(t[2].kind, TokenKind::kIdent);
  EXPECT_EQ(t[2].text, "2x");
  EXPECT_EQ(t[6].kind, TokenKind::kNumber);
  EXPECT_EQ(t[6].text, ".5");
}

TEST(FilterLexer, Errors) {
  EXPECT_THAT(std::string(Lex("a = 'x").status().message()),
              HasSubstr("column 5: unterminated '-quoted string"));
  EXPECT_THAT(std::string(Lex("`a").status().message()),
              HasSubstr("unterminated `-quoted name"));
  EXPECT_THAT(std::string(Lex("a ; b").status().message()),
              HasSubstr("column 3: unexpected character ';'"));
  EXPECT_THAT(std::string(Lex("caf\xc3\xa9 = 1").status().message()),
              HasSubstr("column 4: unexpected byte 0xC3"));
}

}  // namespace
}  // namespace lineagedb::filter
