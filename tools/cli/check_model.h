// The parts of `lineagedb check` that verify the data model's own rules,
// which every write enforces: a node's properties are those its type
// declares, with their kinds, and hold values; create time is non-decreasing in
// id; parent contexts form no cycle.
#ifndef LINEAGEDB_TOOLS_CLI_CHECK_MODEL_H_
#define LINEAGEDB_TOOLS_CLI_CHECK_MODEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lineagedb/model.h"

namespace lineagedb::cli {

// Appends to `problems` each property of `properties` (of node `id`, whose
// type `type_id` declares `declared`) that the type does not declare or
// declares with another kind.
void CheckDeclaredProperties(
    int64_t id, int64_t type_id, const PropertyMap& properties,
    const std::map<std::string, PropertyKind>& declared,
    std::vector<std::string>* problems);

// Appends to `problems` each property of `properties` (custom ones if
// `custom`) of node `id` that no write stores: one without a name or a
// value, or a struct that is not one JSON object.
void CheckPropertyValues(int64_t id, const PropertyMap& properties, bool custom,
                         std::vector<std::string>* problems);

// The contexts on a cycle of `parents` (child -> its parents), each cycle
// named once by its smallest context, ascending.
std::vector<int64_t> ParentCycles(
    const std::map<int64_t, std::vector<int64_t>>& parents);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_CHECK_MODEL_H_
