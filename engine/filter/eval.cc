#include "filter/eval.h"

#include <compare>
#include <variant>

#include "util/status_macros.h"

namespace lineagedb::filter {

namespace {

using codec::NodeRow;

enum class Tri : uint8_t { kFalse, kTrue, kNull };

Tri Not(Tri t) {
  if (t == Tri::kNull) return t;
  return t == Tri::kTrue ? Tri::kFalse : Tri::kTrue;
}
Tri FromBool(bool b) { return b ? Tri::kTrue : Tri::kFalse; }

// An attribute's value; monostate when it has none (SQL's NULL).
using Datum =
    std::variant<std::monostate, int64_t, double, std::string_view, bool>;

Datum NonEmpty(std::string_view s) {
  if (s.empty()) return std::monostate();
  return s;
}

Datum PropertyDatum(const Attribute& a, const NodeRow& row) {
  const PropertyMap& map = a.field == Field::kProperty
                               ? row.base.properties
                               : row.base.custom_properties;
  auto it = map.find(a.property);
  if (it == map.end()) return std::monostate();
  const Value& v = it->second;
  switch (a.type) {
    case ValueType::kInt:
      if (v.kind() == PropertyKind::kInt) return v.int_value();
      break;
    case ValueType::kDouble:
      if (v.kind() == PropertyKind::kDouble) return v.double_value();
      break;
    case ValueType::kString:
      if (v.kind() == PropertyKind::kString) {
        return std::string_view(v.string_value());
      }
      break;
    case ValueType::kBool:
      if (v.kind() == PropertyKind::kBool) return v.bool_value();
      break;
    default:
      break;
  }
  return std::monostate();
}

Datum NodeDatum(const Attribute& a, const NodeRow& row, Subject& subject) {
  switch (a.field) {
    case Field::kId:
      return row.base.id;
    case Field::kTypeId:
      return row.base.type_id;
    case Field::kType:
      return NonEmpty(subject.TypeName(row.kind, row.base.type_id));
    case Field::kName:
      return NonEmpty(row.base.name);
    case Field::kExternalId:
      return NonEmpty(row.base.external_id);
    case Field::kCreateTime:
      return row.base.create_time_ms;
    case Field::kLastUpdateTime:
      return row.base.last_update_time_ms;
    case Field::kUri:
      return NonEmpty(row.uri);
    case Field::kState:
      if (row.state == 0) return std::monostate();
      return static_cast<int64_t>(row.state);
    case Field::kProperty:
    case Field::kCustomProperty:
      return PropertyDatum(a, row);
    default:
      return std::monostate();
  }
}

Datum EventDatum(const Attribute& a, const Event& e) {
  switch (a.field) {
    case Field::kEventType:
      return static_cast<int64_t>(e.type);
    case Field::kEventTime:
      return e.time_ms;
    case Field::kEventArtifactId:
      return e.artifact_id;
    case Field::kEventExecutionId:
      return e.execution_id;
    default:
      return std::monostate();
  }
}

// The order of a value and a literal that fits its attribute (the parser
// checked that); unordered for a NaN.
std::partial_ordering Order(const Datum& d, const Literal& l) {
  if (const auto* s = std::get_if<std::string_view>(&d)) {
    return *s <=> std::string_view(std::get<std::string>(l));
  }
  if (const auto* b = std::get_if<bool>(&d)) {
    return *b <=> std::get<bool>(l);
  }
  const auto* i = std::get_if<int64_t>(&d);
  if (i != nullptr && std::holds_alternative<int64_t>(l)) {
    return *i <=> std::get<int64_t>(l);
  }
  const double x = i != nullptr ? static_cast<double>(*i) : std::get<double>(d);
  const double y = std::holds_alternative<int64_t>(l)
                       ? static_cast<double>(std::get<int64_t>(l))
                       : std::get<double>(l);
  return x <=> y;
}

Tri Compare(const Datum& d, Cmp cmp, const Literal& l) {
  if (std::holds_alternative<std::monostate>(d)) return Tri::kNull;
  const std::partial_ordering o = Order(d, l);
  switch (cmp) {
    case Cmp::kEq:
      return FromBool(o == 0);
    case Cmp::kNe:
      return FromBool(o != 0);
    case Cmp::kLt:
      return FromBool(o < 0);
    case Cmp::kLe:
      return FromBool(o <= 0);
    case Cmp::kGt:
      return FromBool(o > 0);
    default:
      return FromBool(o >= 0);
  }
}

class Evaluator {
 public:
  Evaluator(Subject& subject, size_t aliases)
      : subject_(subject), nodes_(aliases), events_(aliases) {}

  // Binds alias `i` to a neighbour node or event.
  void Bind(size_t i, const NodeRow* node) { nodes_[i] = node; }
  void Bind(size_t i, const Event* event) { events_[i] = event; }

  Tri Eval(const Expr& e) {
    switch (e.op) {
      case Op::kAnd:
      case Op::kOr: {
        const Tri absorbing = e.op == Op::kAnd ? Tri::kFalse : Tri::kTrue;
        Tri out = Not(absorbing);
        for (const Expr& c : e.children) {
          const Tri t = Eval(c);
          if (t == absorbing) return t;
          if (t == Tri::kNull) out = Tri::kNull;
        }
        return out;
      }
      case Op::kNot:
        return Not(Eval(e.children[0]));
      default:
        return Predicate(e);
    }
  }

 private:
  Tri Predicate(const Expr& e) {
    const Datum d = Read(e.attribute);
    const bool null = std::holds_alternative<std::monostate>(d);
    switch (e.op) {
      case Op::kIsNull:
        return FromBool(null != e.negated);
      case Op::kCompare:
        return Compare(d, e.cmp, e.values[0]);
      case Op::kLike: {
        if (null) return Tri::kNull;
        const bool like = Like(std::get<std::string_view>(d),
                               std::get<std::string>(e.values[0]));
        return FromBool(like != e.negated);
      }
      default: {  // kIn
        if (null) return Tri::kNull;
        bool in = false;
        for (const Literal& l : e.values) {
          if (Compare(d, Cmp::kEq, l) == Tri::kTrue) in = true;
        }
        return FromBool(in != e.negated);
      }
    }
  }

  Datum Read(const Attribute& a) {
    if (a.relation == Relation::kSelf) {
      return NodeDatum(a, subject_.node(), subject_);
    }
    if (a.relation == Relation::kEvents)
      return EventDatum(a, *events_[a.alias]);
    return NodeDatum(a, *nodes_[a.alias], subject_);
  }

  Subject& subject_;
  std::vector<const NodeRow*> nodes_;
  std::vector<const Event*> events_;
};

}  // namespace

StatusOr<bool> Matches(const Query& query, Subject& subject) {
  const size_t n = query.aliases.size();
  Evaluator eval(subject, n);
  // Each alias's candidates, and the binding tried (an odometer over them).
  std::vector<size_t> sizes(n), at(n, 0);
  std::vector<const std::vector<NodeRow>*> nodes(n, nullptr);
  const std::vector<Event>* events = nullptr;
  for (size_t i = 0; i < n; ++i) {
    const Relation r = query.aliases[i].relation;
    if (r == Relation::kEvents) {
      ASSIGN_OR_RETURN(events, subject.Events());
      sizes[i] = events->size();
    } else {
      ASSIGN_OR_RETURN(nodes[i], subject.Neighbours(r));
      sizes[i] = nodes[i]->size();
    }
    if (sizes[i] == 0) return false;
  }
  while (true) {
    for (size_t i = 0; i < n; ++i) {
      if (nodes[i] != nullptr) {
        eval.Bind(i, &(*nodes[i])[at[i]]);
      } else {
        eval.Bind(i, &(*events)[at[i]]);
      }
    }
    if (eval.Eval(query.root) == Tri::kTrue) return true;
    size_t i = 0;
    while (i < n && ++at[i] == sizes[i]) at[i++] = 0;
    if (i == n) return false;
  }
}

bool Like(std::string_view text, std::string_view pattern) {
  auto fold = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  // Bytes of the UTF-8 character at text[i]: its lead byte and the
  // continuation bytes (10xxxxxx) after it.
  auto char_end = [&text](size_t i) {
    ++i;
    while (i < text.size() && (static_cast<uint8_t>(text[i]) & 0xC0) == 0x80) {
      ++i;
    }
    return i;
  };
  // Greedy with one backtrack point, the last '%' seen.
  size_t t = 0, p = 0;
  size_t star = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '_') {
      t = char_end(t);
      ++p;
    } else if (p < pattern.size() && pattern[p] != '%' &&
               fold(pattern[p]) == fold(text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      star_t = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = star_t = char_end(star_t);
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace lineagedb::filter
