#include "filter/eval.h"

#include <algorithm>
#include <cmath>
#include <compare>
#include <functional>
#include <variant>

#include "absl/strings/ascii.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

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
      // A NaN is no value (MLMD's SQL backends store it as NULL).
      if (v.kind() == PropertyKind::kDouble && !std::isnan(v.double_value())) {
        return v.double_value();
      }
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

// The exact order of an int and a (finite) double, which a conversion of
// either to the other's type could round.
std::partial_ordering IntDoubleOrder(int64_t i, double d) {
  if (d >= 0x1p63) return std::partial_ordering::less;
  if (d < -0x1p63) return std::partial_ordering::greater;
  const double whole = std::trunc(d);
  const auto w = static_cast<int64_t>(whole);
  if (i != w) return i <=> w;
  return 0.0 <=> d - whole;
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
  const auto* j = std::get_if<int64_t>(&l);
  if (i != nullptr && j != nullptr) return *i <=> *j;
  if (i != nullptr) return IntDoubleOrder(*i, std::get<double>(l));
  if (j != nullptr) return 0 <=> IntDoubleOrder(*j, std::get<double>(d));
  return std::get<double>(d) <=> std::get<double>(l);
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

// Past this many bindings tried for one node, Matches fails.
constexpr int64_t kMaxBindings = int64_t{1} << 20;

class Evaluator {
 public:
  // Alias i's neighbours are `node_domains[i]` or `event_domains[i]` (the
  // other is null).
  Evaluator(Subject& subject,
            std::vector<const std::vector<NodeRow>*> node_domains,
            std::vector<const std::vector<Event>*> event_domains)
      : subject_(subject),
        node_domains_(std::move(node_domains)),
        event_domains_(std::move(event_domains)),
        nodes_(node_domains_.size()),
        events_(node_domains_.size()) {}

  // Whether some binding of `e`'s aliases makes `e` true. Existence
  // distributes over OR, and over AND between parts that share no alias,
  // so only parts joined through shared aliases are tried as a product.
  // Errors: INVALID_ARGUMENT past kMaxBindings.
  StatusOr<bool> Exists(const Expr& e) {
    if (e.aliases.empty()) return Eval(e) == Tri::kTrue;
    if (e.op == Op::kOr) {
      for (const Expr& c : e.children) {
        ASSIGN_OR_RETURN(bool found, Exists(c));
        if (found) return true;
      }
      return false;
    }
    if (e.op == Op::kAnd) return ExistsAll(e.children);
    return Product(e.aliases, [&] { return Eval(e) == Tri::kTrue; });
  }

 private:
  StatusOr<bool> ExistsAll(const std::vector<Expr>& parts) {
    for (const Expr& p : parts) {
      if (p.aliases.empty() && Eval(p) != Tri::kTrue) return false;
    }
    // Groups of parts linked by shared aliases (each alias in one group).
    std::vector<std::vector<const Expr*>> groups;
    std::vector<std::vector<int>> group_aliases;
    for (const Expr& p : parts) {
      if (p.aliases.empty()) continue;
      std::vector<const Expr*> members = {&p};
      std::vector<int> aliases = p.aliases;
      for (size_t g = 0; g < groups.size();) {
        if (Disjoint(group_aliases[g], aliases)) {
          ++g;
          continue;
        }
        members.insert(members.end(), groups[g].begin(), groups[g].end());
        aliases.insert(aliases.end(), group_aliases[g].begin(),
                       group_aliases[g].end());
        groups.erase(groups.begin() + g);
        group_aliases.erase(group_aliases.begin() + g);
      }
      std::sort(aliases.begin(), aliases.end());
      aliases.erase(std::unique(aliases.begin(), aliases.end()), aliases.end());
      groups.push_back(std::move(members));
      group_aliases.push_back(std::move(aliases));
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      bool found = false;
      if (groups[g].size() == 1) {
        ASSIGN_OR_RETURN(found, Exists(*groups[g][0]));
      } else {
        ASSIGN_OR_RETURN(found, Product(group_aliases[g], [&] {
                           for (const Expr* p : groups[g]) {
                             if (Eval(*p) != Tri::kTrue) return false;
                           }
                           return true;
                         }));
      }
      if (!found) return false;
    }
    return true;
  }

  static bool Disjoint(const std::vector<int>& a, const std::vector<int>& b) {
    for (int x : a) {
      if (std::find(b.begin(), b.end(), x) != b.end()) return false;
    }
    return true;
  }

  // Binds `aliases` to each combination of their neighbours (an odometer)
  // until `test` holds.
  StatusOr<bool> Product(const std::vector<int>& aliases,
                         const std::function<bool()>& test) {
    std::vector<size_t> at(aliases.size(), 0);
    while (true) {
      for (size_t k = 0; k < aliases.size(); ++k) Bind(aliases[k], at[k]);
      if (++tried_ > kMaxBindings) {
        return absl::InvalidArgumentError(
            StrCat("filter query: its aliases bind more than ", kMaxBindings,
                   " combinations of neighbours of one node; join fewer "
                   "aliases in one OR"));
      }
      if (test()) return true;
      size_t k = 0;
      while (k < aliases.size() && ++at[k] == DomainSize(aliases[k])) {
        at[k++] = 0;
      }
      if (k == aliases.size()) return false;
    }
  }

  size_t DomainSize(int alias) const {
    return node_domains_[alias] != nullptr ? node_domains_[alias]->size()
                                           : event_domains_[alias]->size();
  }
  void Bind(int alias, size_t i) {
    if (node_domains_[alias] != nullptr) {
      nodes_[alias] = &(*node_domains_[alias])[i];
    } else {
      events_[alias] = &(*event_domains_[alias])[i];
    }
  }

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
          if (Compare(d, Cmp::kEq, l) == Tri::kTrue) {
            in = true;
            break;
          }
        }
        return FromBool(in != e.negated);
      }
    }
  }

  Datum Read(const Attribute& a) {
    if (a.relation == Relation::kSelf) {
      return NodeDatum(a, subject_.node(), subject_);
    }
    if (a.relation == Relation::kEvents) {
      return EventDatum(a, *events_[a.alias]);
    }
    return NodeDatum(a, *nodes_[a.alias], subject_);
  }

  Subject& subject_;
  std::vector<const std::vector<NodeRow>*> node_domains_;
  std::vector<const std::vector<Event>*> event_domains_;
  // The neighbour each alias is bound to.
  std::vector<const NodeRow*> nodes_;
  std::vector<const Event*> events_;
  int64_t tried_ = 0;
};

}  // namespace

StatusOr<bool> Matches(const Query& query, Subject& subject) {
  const size_t n = query.aliases.size();
  std::vector<const std::vector<NodeRow>*> nodes(n, nullptr);
  std::vector<const std::vector<Event>*> events(n, nullptr);
  for (size_t i = 0; i < n; ++i) {
    const Relation r = query.aliases[i].relation;
    size_t size = 0;
    if (r == Relation::kEvents) {
      ASSIGN_OR_RETURN(events[i], subject.Events());
      size = events[i]->size();
    } else {
      ASSIGN_OR_RETURN(nodes[i], subject.Neighbours(r));
      size = nodes[i]->size();
    }
    // As an inner join: no neighbour for an alias, no row to match.
    if (size == 0) return false;
  }
  return Evaluator(subject, std::move(nodes), std::move(events))
      .Exists(query.root);
}

bool Like(std::string_view text, std::string_view pattern) {
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
    // A backslash makes the byte after it a plain one.
    const bool escaped = p + 1 < pattern.size() && pattern[p] == '\\';
    if (p < pattern.size() && !escaped && pattern[p] == '_') {
      t = char_end(t);
      ++p;
    } else if (p < pattern.size() && (escaped || pattern[p] != '%') &&
               absl::ascii_tolower(pattern[p + escaped]) ==
                   absl::ascii_tolower(text[t])) {
      ++t;
      p += 1 + escaped;
    } else if (p < pattern.size() && !escaped && pattern[p] == '%') {
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
