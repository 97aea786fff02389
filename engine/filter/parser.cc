#include "filter/parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "filter/lexer.h"
#include "util/absl_view.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::filter {

namespace {

std::string_view KindNames(NodeKind kind) {
  switch (kind) {
    case NodeKind::kArtifact:
      return "artifacts";
    case NodeKind::kExecution:
      return "executions";
    default:
      return "contexts";
  }
}

struct NeighbourPrefix {
  std::string_view prefix;
  Relation relation;
  NodeKind of;        // The kind of the nodes it is read from.
  bool for_contexts;  // Whether contexts have it (else artifacts and
                      // executions do).
};
// Longer prefixes first: "parent_contexts_" also ends in "contexts_".
constexpr NeighbourPrefix kNeighbours[] = {
    {"parent_contexts_", Relation::kParentContexts, NodeKind::kContext, true},
    {"child_contexts_", Relation::kChildContexts, NodeKind::kContext, true},
    {"contexts_", Relation::kContexts, NodeKind::kContext, false},
    {"artifacts_", Relation::kArtifacts, NodeKind::kArtifact, true},
    {"executions_", Relation::kExecutions, NodeKind::kExecution, true},
    {"events_", Relation::kEvents, NodeKind::kArtifact, false},
};

Cmp Negated(Cmp cmp) {
  switch (cmp) {
    case Cmp::kEq:
      return Cmp::kNe;
    case Cmp::kNe:
      return Cmp::kEq;
    case Cmp::kLt:
      return Cmp::kGe;
    case Cmp::kLe:
      return Cmp::kGt;
    case Cmp::kGt:
      return Cmp::kLe;
    default:
      return Cmp::kLt;
  }
}

// `e`, or NOT `e` if `negate`, with NOT pushed down to the predicates: De
// Morgan's laws and negated predicates are exact in three-valued logic,
// since every value is NULL or totally ordered (a NaN reads as NULL).
Expr PushNot(Expr e, bool negate) {
  switch (e.op) {
    case Op::kNot:
      return PushNot(std::move(e.children[0]), !negate);
    case Op::kAnd:
    case Op::kOr:
      if (negate) e.op = e.op == Op::kAnd ? Op::kOr : Op::kAnd;
      for (Expr& c : e.children) c = PushNot(std::move(c), negate);
      return e;
    case Op::kCompare:
      if (negate) e.cmp = Negated(e.cmp);
      return e;
    default:  // kIn, kLike, kIsNull
      if (negate) e.negated = !e.negated;
      return e;
  }
}

// Fills Expr::aliases bottom up.
void CollectAliases(Expr* e) {
  e->aliases.clear();
  if (e->attribute.alias >= 0 && e->children.empty()) {
    e->aliases.push_back(e->attribute.alias);
  }
  for (Expr& c : e->children) {
    CollectAliases(&c);
    e->aliases.insert(e->aliases.end(), c.aliases.begin(), c.aliases.end());
  }
  std::sort(e->aliases.begin(), e->aliases.end());
  e->aliases.erase(std::unique(e->aliases.begin(), e->aliases.end()),
                   e->aliases.end());
}

class Parser {
 public:
  Parser(NodeKind kind, std::vector<Token> tokens)
      : tokens_(std::move(tokens)) {
    query_.kind = kind;
  }

  StatusOr<Query> Run() {
    ASSIGN_OR_RETURN(Expr root, Or());
    if (Peek().kind != TokenKind::kEnd) {
      return ErrorAt(Peek().column,
                     StrCat("expected AND, OR or the end of the query, not ",
                            Describe(Peek())));
    }
    query_.root = PushNot(std::move(root), /*negate=*/false);
    CollectAliases(&query_.root);
    return std::move(query_);
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Take() {
    return tokens_[pos_ == tokens_.size() - 1 ? pos_ : pos_++];
  }
  bool IsKeyword(std::string_view word) const {
    const Token& t = Peek();
    return t.kind == TokenKind::kIdent && !t.quoted &&
           absl::EqualsIgnoreCase(t.text, AbslView(word));
  }
  bool IsSymbol(std::string_view s) const {
    return Peek().kind == TokenKind::kSymbol && Peek().text == s;
  }
  Status Expect(std::string_view symbol) {
    if (!IsSymbol(symbol)) {
      return ErrorAt(Peek().column,
                     StrCat("expected '", symbol, "', not ", Describe(Peek())));
    }
    Take();
    return absl::OkStatus();
  }

  // A chain of one binary operator: kOr over terms or kAnd over factors.
  template <typename Next>
  StatusOr<Expr> Chain(std::string_view keyword, Op op, Next next) {
    ASSIGN_OR_RETURN(Expr first, next());
    if (!IsKeyword(keyword)) return first;
    Expr chain;
    chain.op = op;
    chain.children.push_back(std::move(first));
    while (IsKeyword(keyword)) {
      Take();
      ASSIGN_OR_RETURN(Expr e, next());
      chain.children.push_back(std::move(e));
    }
    return chain;
  }
  StatusOr<Expr> Or() {
    return Chain("OR", Op::kOr, [this] { return And(); });
  }
  StatusOr<Expr> And() {
    return Chain("AND", Op::kAnd, [this] { return Factor(); });
  }

  StatusOr<Expr> Factor() {
    if (IsKeyword("NOT") || IsSymbol("(")) {
      if (depth_ == kMaxDepth) {
        return ErrorAt(Peek().column, StrCat("NOT and parentheses nest more "
                                             "than ",
                                             kMaxDepth, " deep"));
      }
      ++depth_;
      StatusOr<Expr> e = Nested();
      --depth_;
      return e;
    }
    return Predicate();
  }

  // NOT factor or '(' expr ')'.
  StatusOr<Expr> Nested() {
    if (IsKeyword("NOT")) {
      Take();
      Expr e;
      e.op = Op::kNot;
      ASSIGN_OR_RETURN(Expr inner, Factor());
      e.children.push_back(std::move(inner));
      return e;
    }
    Take();  // '('
    ASSIGN_OR_RETURN(Expr inner, Or());
    RETURN_IF_ERROR(Expect(")"));
    return inner;
  }

  // MLMD reads `state != X` and `state NOT IN (...)` as also taking nodes
  // without a state (its filter_query_ast_resolver.cc); so do these.
  StatusOr<Expr> Predicate() {
    ASSIGN_OR_RETURN(Expr e, Comparison());
    const ValueType type = e.attribute.type;
    const bool state =
        type == ValueType::kArtifactState || type == ValueType::kExecutionState;
    const bool differs = (e.op == Op::kCompare && e.cmp == Cmp::kNe) ||
                         (e.op == Op::kIn && e.negated);
    if (!state || !differs) return e;
    Expr is_null;
    is_null.op = Op::kIsNull;
    is_null.attribute = e.attribute;
    Expr either;
    either.op = Op::kOr;
    either.children.push_back(std::move(e));
    either.children.push_back(std::move(is_null));
    return either;
  }

  StatusOr<Expr> Comparison() {
    Expr e;
    ASSIGN_OR_RETURN(e.attribute, ParseAttribute());
    const Token& t = Peek();
    if (IsKeyword("IS")) {
      Take();
      e.op = Op::kIsNull;
      if (IsKeyword("NOT")) {
        Take();
        e.negated = true;
      }
      if (!IsKeyword("NULL")) {
        return ErrorAt(Peek().column, StrCat("expected NULL after IS, not ",
                                             Describe(Peek())));
      }
      Take();
      return e;
    }
    if (IsKeyword("NOT")) {
      Take();
      e.negated = true;
      if (!IsKeyword("IN") && !IsKeyword("LIKE")) {
        return ErrorAt(Peek().column, StrCat("expected IN or LIKE after NOT, "
                                             "not ",
                                             Describe(Peek())));
      }
    }
    if (IsKeyword("IN")) {
      Take();
      e.op = Op::kIn;
      RETURN_IF_ERROR(Expect("("));
      do {
        if (!e.values.empty()) Take();
        ASSIGN_OR_RETURN(Literal v, ParseLiteral(e.attribute));
        e.values.push_back(std::move(v));
      } while (IsSymbol(","));
      RETURN_IF_ERROR(Expect(")"));
      return e;
    }
    if (IsKeyword("LIKE")) {
      Take();
      e.op = Op::kLike;
      if (e.attribute.type != ValueType::kString) {
        return ErrorAt(t.column, "LIKE takes a string attribute");
      }
      const size_t column = Peek().column;
      ASSIGN_OR_RETURN(Literal v, ParseLiteral(e.attribute));
      const std::string& pattern = std::get<std::string>(v);
      size_t backslashes = 0;
      while (backslashes < pattern.size() &&
             pattern[pattern.size() - 1 - backslashes] == '\\') {
        ++backslashes;
      }
      if (backslashes % 2 == 1) {
        return ErrorAt(column,
                       "a LIKE pattern ends with a backslash that escapes "
                       "nothing");
      }
      e.values.push_back(std::move(v));
      return e;
    }
    static constexpr std::pair<std::string_view, Cmp> kCmps[] = {
        {"=", Cmp::kEq},  {"!=", Cmp::kNe}, {"<>", Cmp::kNe}, {"<", Cmp::kLt},
        {"<=", Cmp::kLe}, {">", Cmp::kGt},  {">=", Cmp::kGe}};
    for (const auto& [symbol, cmp] : kCmps) {
      if (!IsSymbol(symbol)) continue;
      Take();
      e.op = Op::kCompare;
      e.cmp = cmp;
      if (cmp != Cmp::kEq && cmp != Cmp::kNe) {
        RETURN_IF_ERROR(CheckOrdered(e.attribute, t.column, symbol));
      }
      ASSIGN_OR_RETURN(Literal v, ParseLiteral(e.attribute));
      e.values.push_back(std::move(v));
      return e;
    }
    return ErrorAt(t.column,
                   StrCat("expected a comparison (=, !=, <, <=, >, >=, IN, "
                          "LIKE or IS) after the attribute, not ",
                          Describe(t)));
  }

  // Bools and enums take = != IN only.
  static Status CheckOrdered(const Attribute& a, size_t column,
                             std::string_view op) {
    if (a.type == ValueType::kInt || a.type == ValueType::kDouble ||
        a.type == ValueType::kString) {
      return absl::OkStatus();
    }
    return ErrorAt(column,
                   StrCat("'", op, "' does not order ",
                          a.type == ValueType::kBool ? "bools" : "enum values",
                          "; use = != or IN"));
  }

  StatusOr<Attribute> ParseAttribute() {
    const size_t column = Peek().column;
    std::vector<Token> path;
    while (true) {
      if (Peek().kind != TokenKind::kIdent) {
        return ErrorAt(Peek().column,
                       StrCat(path.empty() ? "expected an attribute, not "
                                           : "expected a name after '.', not ",
                              Describe(Peek())));
      }
      path.push_back(Take());
      if (!IsSymbol(".")) break;
      Take();
    }
    // Attribute names are case-insensitive, as SQL's; property names are
    // not.
    bool property_name = false;
    for (Token& t : path) {
      if (property_name || t.quoted) {
        property_name = false;
        continue;
      }
      absl::AsciiStrToLower(&t.text);
      property_name = t.text == "properties" || t.text == "custom_properties";
    }
    Attribute a;
    std::string_view first = path[0].text;
    if (path.size() >= 2 && !path[0].quoted) {
      for (const NeighbourPrefix& n : kNeighbours) {
        if (!first.starts_with(n.prefix)) continue;
        if (first.size() == n.prefix.size()) {
          return ErrorAt(column, StrCat("'", first, "' needs an alias: ",
                                        n.prefix, "a, ", n.prefix, "b, ..."));
        }
        if (n.for_contexts != (query_.kind == NodeKind::kContext)) {
          return ErrorAt(column,
                         StrCat(KindNames(query_.kind), " have no neighbour '",
                                n.prefix.substr(0, n.prefix.size() - 1), "'"));
        }
        a.relation = n.relation;
        ASSIGN_OR_RETURN(a.alias, AliasIndex(n.relation, first, column));
        path.erase(path.begin());
        if (n.relation == Relation::kEvents) {
          RETURN_IF_ERROR(EventField(path, column, &a));
        } else {
          a.kind = n.of;
          RETURN_IF_ERROR(NodeField(path, column, &a));
        }
        return a;
      }
    }
    a.kind = query_.kind;
    RETURN_IF_ERROR(NodeField(path, column, &a));
    return a;
  }

  StatusOr<int> AliasIndex(Relation relation, std::string_view name,
                           size_t column) {
    for (size_t i = 0; i < query_.aliases.size(); ++i) {
      if (query_.aliases[i].relation == relation &&
          query_.aliases[i].name == name) {
        return static_cast<int>(i);
      }
    }
    if (query_.aliases.size() == kMaxAliases) {
      return ErrorAt(column, StrCat("more than ", kMaxAliases, " aliases"));
    }
    query_.aliases.push_back(Alias{relation, std::string(name)});
    return static_cast<int>(query_.aliases.size() - 1);
  }

  static std::string Joined(const std::vector<Token>& path) {
    std::string s;
    for (const Token& t : path) {
      if (!s.empty()) s.push_back('.');
      s += t.text;
    }
    return s;
  }

  Status NodeField(const std::vector<Token>& path, size_t column,
                   Attribute* a) const {
    if (path.size() == 1) {
      struct Simple {
        std::string_view name;
        Field field;
        ValueType type;
      };
      static constexpr Simple kSimple[] = {
          {"id", Field::kId, ValueType::kInt},
          {"type_id", Field::kTypeId, ValueType::kInt},
          {"type", Field::kType, ValueType::kString},
          {"name", Field::kName, ValueType::kString},
          {"external_id", Field::kExternalId, ValueType::kString},
          {"create_time_since_epoch", Field::kCreateTime, ValueType::kInt},
          {"last_update_time_since_epoch", Field::kLastUpdateTime,
           ValueType::kInt},
      };
      const std::string_view name = path[0].text;
      for (const Simple& s : kSimple) {
        if (name == s.name) {
          a->field = s.field;
          a->type = s.type;
          return absl::OkStatus();
        }
      }
      if (a->kind == NodeKind::kArtifact && name == "uri") {
        a->field = Field::kUri;
        a->type = ValueType::kString;
        return absl::OkStatus();
      }
      if (a->kind == NodeKind::kArtifact && name == "state") {
        a->field = Field::kState;
        a->type = ValueType::kArtifactState;
        return absl::OkStatus();
      }
      if (a->kind == NodeKind::kExecution && name == "last_known_state") {
        a->field = Field::kState;
        a->type = ValueType::kExecutionState;
        return absl::OkStatus();
      }
    }
    const std::string_view head =
        path[0].quoted ? std::string_view() : std::string_view(path[0].text);
    if (head == "properties" || head == "custom_properties") {
      a->field =
          head == "properties" ? Field::kProperty : Field::kCustomProperty;
      if (path.size() != 3) {
        return ErrorAt(column,
                       StrCat("'", Joined(path), "' is not ", head,
                              ".NAME.int_value, .double_value, .string_value "
                              "or .bool_value"));
      }
      a->property = path[1].text;
      static constexpr std::pair<std::string_view, ValueType> kValues[] = {
          {"int_value", ValueType::kInt},
          {"double_value", ValueType::kDouble},
          {"string_value", ValueType::kString},
          {"bool_value", ValueType::kBool}};
      for (const auto& [name, type] : kValues) {
        if (path[2].text == name && !path[2].quoted) {
          a->type = type;
          return absl::OkStatus();
        }
      }
      return ErrorAt(column, StrCat("'", path[2].text,
                                    "' is not int_value, double_value, "
                                    "string_value or bool_value"));
    }
    return ErrorAt(column, StrCat(KindNames(a->kind), " have no attribute '",
                                  Joined(path), "'"));
  }

  Status EventField(const std::vector<Token>& path, size_t column,
                    Attribute* a) const {
    a->kind = query_.kind;
    const std::string_view name =
        path.size() == 1 ? std::string_view(path[0].text) : std::string_view();
    if (name == "type") {
      a->field = Field::kEventType;
      a->type = ValueType::kEventType;
    } else if (name == "milliseconds_since_epoch") {
      a->field = Field::kEventTime;
      a->type = ValueType::kInt;
    } else if (name == "artifact_id" && query_.kind == NodeKind::kExecution) {
      a->field = Field::kEventArtifactId;
      a->type = ValueType::kInt;
    } else if (name == "execution_id" && query_.kind == NodeKind::kArtifact) {
      a->field = Field::kEventExecutionId;
      a->type = ValueType::kInt;
    } else {
      return ErrorAt(column,
                     StrCat("events of ", KindNames(query_.kind),
                            " have no attribute '", Joined(path),
                            "' (they have type, milliseconds_since_epoch and ",
                            query_.kind == NodeKind::kArtifact ? "execution_id"
                                                               : "artifact_id",
                            ")"));
    }
    return absl::OkStatus();
  }

  StatusOr<Literal> ParseLiteral(const Attribute& a) {
    const Token t = Take();
    auto mismatch = [&](std::string_view wants) {
      return ErrorAt(t.column,
                     StrCat("expected ", wants, ", not ", Describe(t)));
    };
    switch (a.type) {
      case ValueType::kInt:
      case ValueType::kDouble:
        if (t.kind != TokenKind::kNumber) return mismatch("a number");
        return Number(t);
      case ValueType::kString:
        if (t.kind != TokenKind::kString) return mismatch("a quoted string");
        return Literal(t.text);
      case ValueType::kBool:
        if (t.kind == TokenKind::kIdent && !t.quoted) {
          if (absl::EqualsIgnoreCase(t.text, "TRUE")) return Literal(true);
          if (absl::EqualsIgnoreCase(t.text, "FALSE")) return Literal(false);
        }
        return mismatch("TRUE or FALSE");
      default:
        return EnumLiteral(a.type, t);
    }
  }

  // An integer that fits int64 stays one, whatever the attribute's kind,
  // so that it is compared exactly (a double would round
  // 9007199254740993); any other number is a double.
  static StatusOr<Literal> Number(const Token& t) {
    const char* begin = t.text.data();
    const char* end = begin + t.text.size();
    int64_t v = 0;
    if (auto [p, ec] = std::from_chars(begin, end, v);
        ec == std::errc() && p == end) {
      return Literal(v);
    }
    double d = 0;
    auto [p, ec] = std::from_chars(begin, end, d);
    if (ec != std::errc() || p != end || !std::isfinite(d)) {
      return ErrorAt(t.column, StrCat("'", t.text, "' is not a number"));
    }
    return Literal(d);
  }

  static StatusOr<Literal> EnumLiteral(ValueType type, const Token& t) {
    std::optional<int64_t> v;
    std::string_view what;
    if (t.kind == TokenKind::kIdent || t.kind == TokenKind::kString) {
      switch (type) {
        case ValueType::kArtifactState:
          what = "an artifact state (PENDING, LIVE, ...)";
          if (auto s = ParseArtifactState(absl::AsciiStrToUpper(t.text))) {
            v = static_cast<int>(*s);
          }
          break;
        case ValueType::kExecutionState:
          what = "an execution state (NEW, RUNNING, COMPLETE, ...)";
          if (auto s = ParseExecutionState(absl::AsciiStrToUpper(t.text))) {
            v = static_cast<int>(*s);
          }
          break;
        default:
          what = "an event type (INPUT, OUTPUT, ...)";
          if (auto s = ParseEventType(absl::AsciiStrToUpper(t.text))) {
            v = static_cast<int>(*s);
          }
          break;
      }
    }
    if (!v.has_value()) {
      if (what.empty()) what = "an enum value";
      return ErrorAt(t.column,
                     StrCat("expected ", what, ", not ", Describe(t)));
    }
    if (*v == 0) {
      return ErrorAt(t.column, "UNKNOWN is stored as no value: use IS NULL");
    }
    return Literal(*v);
  }

  // Bound the recursion of the parser and the evaluator, and the aliases
  // the evaluator binds.
  static constexpr int kMaxDepth = 100;
  static constexpr size_t kMaxAliases = 64;

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  Query query_;
};

}  // namespace

StatusOr<Query> Parse(NodeKind kind, std::string_view text) {
  if (kind != NodeKind::kArtifact && kind != NodeKind::kExecution &&
      kind != NodeKind::kContext) {
    return absl::InvalidArgumentError(
        StrCat("no node kind ", static_cast<int>(kind)));
  }
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  if (tokens.size() == 1) {
    return absl::InvalidArgumentError("filter query: empty");
  }
  return Parser(kind, std::move(tokens)).Run();
}

}  // namespace lineagedb::filter
