// The filter query language's tokens (parser.h has the grammar).
#ifndef LINEAGEDB_FILTER_LEXER_H_
#define LINEAGEDB_FILTER_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/status.h"

namespace lineagedb::filter {

enum class TokenKind : uint8_t {
  kIdent,   // A bare word or a back-quoted name.
  kString,  // Quoted with ' or ".
  kNumber,
  kSymbol,  // ( ) , . = != <> < <= > >=
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // Unquoted and unescaped.
  bool quoted = false;
  size_t column = 0;  // 1-based.
};

// The tokens of `text`, the last of kind kEnd.
// Errors: INVALID_ARGUMENT naming the column: an unterminated string or
// back-quoted name, an empty back-quoted name, a character that starts no
// token.
StatusOr<std::vector<Token>> Lex(std::string_view text);

// INVALID_ARGUMENT "filter query, column <column>: <message>".
Status ErrorAt(size_t column, std::string_view message);

// What a token looks like in a message: 'id', string 'x', the end of the
// query.
std::string Describe(const Token& t);

}  // namespace lineagedb::filter

#endif  // LINEAGEDB_FILTER_LEXER_H_
