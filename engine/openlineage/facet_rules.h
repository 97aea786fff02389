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
#include "util/json_fields.h"

namespace lineagedb::openlineage {

// Where a facet sits in an event; facet names are looked up per place.
enum class FacetPlace { kRun, kJob, kDataset, kInputDataset, kOutputDataset };

using util::JsonPath;

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
