// Checks of the standard OpenLineage facets beyond the base facet: the
// required fields and field types of their published schemas
// (spec/facets/*.json). Unknown (custom) facets pass.
#ifndef LINEAGEDB_OPENLINEAGE_FACET_RULES_H_
#define LINEAGEDB_OPENLINEAGE_FACET_RULES_H_

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "lineagedb/status.h"

namespace lineagedb::openlineage {

// Where a facet sits in an event; facet names are looked up per place.
enum class FacetPlace { kRun, kJob, kDataset, kInputDataset, kOutputDataset };

// The path of a JSON value inside an event, for error messages, rendered
// only when a message needs it: a chain of keys and array indexes, each
// step pointing at its parent (which must outlive it). str() joins keys
// with '.' and writes indexes as "[i]": "outputs[0].facets.schema".
class JsonPath {
 public:
  // The event's root (renders as "").
  JsonPath() = default;
  // A root that renders as `prefix`.
  explicit JsonPath(std::string_view prefix) : key_(prefix) {}
  JsonPath(const JsonPath& parent, std::string_view key)
      : parent_(&parent), key_(key) {}
  JsonPath(const JsonPath& parent, size_t index)
      : parent_(&parent), index_(index) {}

  std::string str() const;

 private:
  void AppendTo(std::string* out) const;

  const JsonPath* parent_ = nullptr;
  std::string_view key_;
  size_t index_ = kNoIndex;
  static constexpr size_t kNoIndex = ~size_t{0};
};

// OK if `facet` (a JSON object; other values pass) satisfies the rules of facet
// `name` at `place`. Errors: INVALID_ARGUMENT naming the field as `path` +
// ".field".
Status CheckFacetRules(FacetPlace place, std::string_view name,
                       const simdjson::dom::element& facet,
                       std::string_view path);
// As above, `path` rendered only for an error.
Status CheckFacetRules(FacetPlace place, std::string_view name,
                       const simdjson::dom::element& facet,
                       const JsonPath& path);

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_FACET_RULES_H_
