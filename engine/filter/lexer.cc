#include "filter/lexer.h"

#include <cctype>

#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::filter {

namespace {

bool IsWordChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || c == '_';
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  StatusOr<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      while (pos_ < text_.size() && std::isspace(Byte(pos_))) ++pos_;
      Token t;
      t.column = pos_ + 1;
      if (pos_ == text_.size()) {
        out.push_back(t);
        return out;
      }
      const char c = text_[pos_];
      if (c == '\'' || c == '"' || c == '`') {
        RETURN_IF_ERROR(Quoted(c, &t));
      } else if (!AfterDot(out) &&
                 ((c >= '0' && c <= '9') ||
                  (c == '-' && pos_ + 1 < text_.size() &&
                   (std::isdigit(Byte(pos_ + 1)) || text_[pos_ + 1] == '.')) ||
                  (c == '.' && pos_ + 1 < text_.size() &&
                   std::isdigit(Byte(pos_ + 1)) && !AfterWord(out)))) {
        Number(&t);
      } else if (IsWordChar(c)) {
        t.kind = TokenKind::kIdent;
        while (pos_ < text_.size() && IsWordChar(text_[pos_])) {
          t.text.push_back(text_[pos_++]);
        }
      } else {
        RETURN_IF_ERROR(Symbol(&t));
      }
      out.push_back(std::move(t));
    }
  }

 private:
  unsigned char Byte(size_t i) const {
    return static_cast<unsigned char>(text_[i]);
  }
  // A '.' right after a name joins a path (properties.x), never a number.
  static bool AfterWord(const std::vector<Token>& out) {
    return !out.empty() && out.back().kind == TokenKind::kIdent;
  }
  // A word after a path's '.' is a name even if it starts with a digit
  // (properties.2x.int_value).
  static bool AfterDot(const std::vector<Token>& out) {
    return !out.empty() && out.back().kind == TokenKind::kSymbol &&
           out.back().text == ".";
  }

  Status Quoted(char quote, Token* t) {
    t->kind = quote == '`' ? TokenKind::kIdent : TokenKind::kString;
    t->quoted = true;
    ++pos_;
    while (true) {
      if (pos_ == text_.size()) {
        return ErrorAt(t->column, StrCat("unterminated ", quote, "-quoted ",
                                         quote == '`' ? "name" : "string"));
      }
      const char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        // Only quotes and the backslash are escaped: '\%' would otherwise
        // read as a LIKE wildcard, silently.
        const char escaped = text_[pos_];
        if (escaped != '\\' && escaped != '\'' && escaped != '"' &&
            escaped != '`') {
          return ErrorAt(pos_, StrCat("'\\", std::string(1, escaped),
                                      "' escapes nothing: a backslash escapes "
                                      "a quote or a backslash (in a LIKE "
                                      "pattern, '\\\\%' matches a %)"));
        }
        t->text.push_back(escaped);
        ++pos_;
      } else if (c == quote) {
        if (pos_ < text_.size() && text_[pos_] == quote) {
          t->text.push_back(quote);
          ++pos_;
        } else {
          break;
        }
      } else {
        t->text.push_back(c);
      }
    }
    if (quote == '`' && t->text.empty()) {
      return ErrorAt(t->column, "an empty back-quoted name");
    }
    return absl::OkStatus();
  }

  void Number(Token* t) {
    t->kind = TokenKind::kNumber;
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() &&
           (IsWordChar(text_[pos_]) || text_[pos_] == '.' ||
            ((text_[pos_] == '+' || text_[pos_] == '-') &&
             (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    t->text = std::string(text_.substr(start, pos_ - start));
  }

  Status Symbol(Token* t) {
    t->kind = TokenKind::kSymbol;
    static constexpr std::string_view kTwo[] = {"!=", "<>", "<=", ">="};
    for (std::string_view s : kTwo) {
      if (text_.substr(pos_, 2) == s) {
        t->text = std::string(s);
        pos_ += 2;
        return absl::OkStatus();
      }
    }
    const char c = text_[pos_];
    if (std::string_view("(),.=<>").find(c) == std::string_view::npos) {
      const auto byte = static_cast<unsigned char>(c);
      return ErrorAt(t->column,
                     byte < 0x80 ? StrCat("unexpected character '", c, "'")
                                 : fmt::format("unexpected byte 0x{:02X} (a "
                                               "name with it is back-quoted)",
                                               byte));
    }
    t->text = std::string(1, c);
    ++pos_;
    return absl::OkStatus();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<std::vector<Token>> Lex(std::string_view text) {
  return Lexer(text).Run();
}

Status ErrorAt(size_t column, std::string_view message) {
  return absl::InvalidArgumentError(
      StrCat("filter query, column ", column, ": ", message));
}

std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "the end of the query";
    case TokenKind::kString:
      return StrCat("string '", t.text, "'");
    case TokenKind::kIdent:
      return t.quoted ? StrCat("`", t.text, "`") : StrCat("'", t.text, "'");
    default:
      return StrCat("'", t.text, "'");
  }
}

}  // namespace lineagedb::filter
