// GetColumnLineage (openlineage.h): column-level lineage from the stored
// columnLineage facets of the openlineage.Dataset artifacts.
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/facet_rules.h"
#include "openlineage/mapping.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {
namespace {

using openlineage::kDatasetType;
using openlineage::kPropName;
using openlineage::kPropNamespace;
using simdjson::dom::element;

constexpr char kColumnLineageKey[] = "facet.columnLineage";
constexpr char kSchemaKey[] = "facet.schema";
constexpr int kPageSize = 10000;

using DatasetKey = std::pair<std::string, std::string>;  // (ns, name)

// The artifact a dataset's column lineage is read from, and its facet.
struct Chosen {
  int64_t id = 0;
  openlineage::Instant time;
  Value facet;
};

// Every dataset of the store, and its chosen columnLineage facet.
struct Catalog {
  std::set<DatasetKey> datasets;
  std::map<DatasetKey, Chosen> lineage;
  // The schema facets (JSON) of the artifacts of one dataset, the start's.
  std::vector<std::string> start_schemas;
};

// A column reached from another one, and how.
struct Link {
  ColumnRef other;
  std::string transformation;
};

// Lineage links by near column: inputs of a column (upstream) or the
// columns it feeds (downstream).
using LinkMap = std::map<ColumnRef, std::vector<Link>>;

const std::string* StringProperty(const Artifact& a, const char* key) {
  auto it = a.properties.find(key);
  if (it == a.properties.end() || it->second.kind() != PropertyKind::kString) {
    return nullptr;
  }
  return &it->second.string_value();
}

// Adds dataset artifact `a` to `catalog`, keeping for each dataset the
// artifact with the newest columnLineage facet (the time of the event that
// set it, then the artifact id).
void AddToCatalog(const Artifact& a, const DatasetKey& start,
                  Catalog* catalog) {
  const std::string* ns = StringProperty(a, kPropNamespace);
  const std::string* name = StringProperty(a, kPropName);
  if (ns == nullptr || name == nullptr) return;
  DatasetKey key(*ns, *name);
  catalog->datasets.insert(key);
  if (key == start) {
    auto schema = a.custom_properties.find(kSchemaKey);
    if (schema != a.custom_properties.end() &&
        schema->second.kind() == PropertyKind::kStruct) {
      catalog->start_schemas.push_back(schema->second.struct_value().json);
    }
  }
  auto facet = a.custom_properties.find(kColumnLineageKey);
  if (facet == a.custom_properties.end()) return;
  const openlineage::Instant time =
      openlineage::FacetTime(a, kColumnLineageKey);
  auto [it, inserted] = catalog->lineage.try_emplace(std::move(key));
  if (inserted ||
      std::tie(time, a.id) > std::tie(it->second.time, it->second.id)) {
    it->second = Chosen{a.id, time, facet->second};
  }
}

StatusOr<Catalog> ReadCatalog(Store* store, const DatasetKey& start) {
  Catalog catalog;
  NodeQuery query;
  query.type_name = std::string(kDatasetType);
  ListOptions options;
  options.max_result_size = kPageSize;
  do {
    ASSIGN_OR_RETURN(Page<Artifact> page,
                     store->List<Artifact>(query, options));
    for (const Artifact& a : page.items) AddToCatalog(a, start, &catalog);
    options.page_token = std::move(page.next_page_token);
  } while (!options.page_token.empty());
  return catalog;
}

std::string_view StringAt(const element& object, const char* key) {
  std::string_view s;
  if (object[key].get(s) != simdjson::SUCCESS) return {};
  return s;
}

// "TYPE[/SUBTYPE][: description][ (masking)]"; empty parts are left out.
std::string Describe(std::string_view type, std::string_view subtype,
                     std::string_view description, bool masking) {
  std::string text(type);
  if (!subtype.empty()) text += StrCat("/", subtype);
  if (!description.empty()) {
    text += text.empty() ? std::string(description) : StrCat(": ", description);
  }
  if (masking) text += text.empty() ? "masking" : " (masking)";
  return text;
}

// The transformation text of one inputField of `output` (ColumnEdge).
std::string Transformation(const element& input, const element& output) {
  std::string text;
  simdjson::dom::array steps;
  if (input["transformations"].get(steps) == simdjson::SUCCESS) {
    for (element step : steps) {
      bool masking = false;
      if (step["masking"].get(masking) != simdjson::SUCCESS) masking = false;
      const std::string one =
          Describe(StringAt(step, "type"), StringAt(step, "subtype"),
                   StringAt(step, "description"), masking);
      if (one.empty()) continue;
      text += text.empty() ? one : StrCat("; ", one);
    }
  }
  if (!text.empty()) return text;
  return Describe(StringAt(output, "transformationType"), "",
                  StringAt(output, "transformationDescription"), false);
}

// Calls add(from column, to field, transformation) for every inputField of
// the chosen facet of dataset `key`.
// Errors: INVALID_ARGUMENT (the facet is not a columnLineage object).
template <typename AddFn>
Status ForEachInputField(const DatasetKey& key, const Chosen& chosen,
                         AddFn add) {
  const std::string where = StrCat("dataset ", key.first, ":", key.second,
                                   " (artifact:", chosen.id, "): ");
  if (chosen.facet.kind() != PropertyKind::kStruct) {
    return absl::InvalidArgumentError(
        StrCat(where, kColumnLineageKey, " is not a JSON object"));
  }
  simdjson::dom::parser parser;
  element root;
  const simdjson::error_code err =
      parser.parse(simdjson::padded_string(chosen.facet.struct_value().json))
          .get(root);
  if (err != simdjson::SUCCESS || !root.is_object()) {
    return absl::InvalidArgumentError(
        StrCat(where, kColumnLineageKey, " is not a JSON object"));
  }
  const Status rules =
      openlineage::CheckFacetRules(openlineage::FacetPlace::kDataset,
                                   "columnLineage", root, kColumnLineageKey);
  if (!rules.ok()) {
    return absl::InvalidArgumentError(
        StrCat(where, std::string(rules.message())));
  }
  const simdjson::dom::object fields = root["fields"].get_object().value();
  for (auto field : fields) {
    const element output = field.value;
    const simdjson::dom::array inputs =
        output["inputFields"].get_array().value();
    for (element input : inputs) {
      add(ColumnRef{std::string(StringAt(input, "namespace")),
                    std::string(StringAt(input, "name")),
                    std::string(StringAt(input, "field"))},
          std::string(field.key), Transformation(input, output));
    }
  }
  return absl::OkStatus();
}

// Adds the inputs of every column of dataset `key` to `links` (upstream).
Status AddInputLinks(const Catalog& catalog, const DatasetKey& key,
                     LinkMap* links) {
  auto it = catalog.lineage.find(key);
  if (it == catalog.lineage.end()) return absl::OkStatus();
  return ForEachInputField(
      key, it->second,
      [&](ColumnRef from, std::string to_field, std::string transformation) {
        ColumnRef to{key.first, key.second, std::move(to_field)};
        (*links)[std::move(to)].push_back(
            Link{std::move(from), std::move(transformation)});
      });
}

// The columns each column feeds, from every chosen facet (downstream).
StatusOr<LinkMap> OutputLinks(const Catalog& catalog) {
  LinkMap links;
  for (const auto& [key, chosen] : catalog.lineage) {
    RETURN_IF_ERROR(ForEachInputField(
        key, chosen,
        [&](ColumnRef from, std::string to_field, std::string transformation) {
          links[std::move(from)].push_back(
              Link{ColumnRef{key.first, key.second, std::move(to_field)},
                   std::move(transformation)});
        }));
  }
  return links;
}

// Breadth-first walk from `start` over `links`; with `upstream`, datasets'
// inputs are added to `links` as the walk reaches them.
StatusOr<std::vector<ColumnEdge>> Walk(const Catalog& catalog,
                                       const ColumnRef& start, bool upstream,
                                       int max_hops, LinkMap* links) {
  std::vector<ColumnEdge> result;
  std::set<ColumnRef> visited = {start};
  std::set<ColumnRef> frontier = {start};
  std::set<DatasetKey> loaded;
  for (int hop = 1; !frontier.empty() && (max_hops < 0 || hop <= max_hops);
       ++hop) {
    std::vector<ColumnEdge> level;
    std::set<ColumnRef> next;
    for (const ColumnRef& near : frontier) {
      DatasetKey key(near.ns, near.name);
      if (upstream && loaded.insert(key).second) {
        RETURN_IF_ERROR(AddInputLinks(catalog, key, links));
      }
      auto it = links->find(near);
      if (it == links->end()) continue;
      std::set<ColumnRef> seen;
      for (const Link& link : it->second) {
        if (!seen.insert(link.other).second) continue;
        level.push_back(
            upstream ? ColumnEdge{link.other, near, hop, link.transformation}
                     : ColumnEdge{near, link.other, hop, link.transformation});
        if (visited.insert(link.other).second) next.insert(link.other);
      }
    }
    std::stable_sort(
        level.begin(), level.end(),
        [upstream](const ColumnEdge& a, const ColumnEdge& b) {
          return upstream ? std::tie(a.from, a.to) < std::tie(b.from, b.to)
                          : std::tie(a.to, a.from) < std::tie(b.to, b.from);
        });
    result.insert(result.end(), level.begin(), level.end());
    frontier = std::move(next);
  }
  return result;
}

// Whether `field` is a field of one of `schemas` (schema facets' JSON), or
// of the columnLineage facet `lineage` (a struct value, or absent).
bool IsFieldOf(const std::vector<std::string>& schemas, const Value* lineage,
               std::string_view field) {
  simdjson::dom::parser parser;
  element root;
  if (lineage != nullptr && lineage->kind() == PropertyKind::kStruct &&
      parser.parse(simdjson::padded_string(lineage->struct_value().json))
              .get(root) == simdjson::SUCCESS &&
      root["fields"][field].error() == simdjson::SUCCESS) {
    return true;
  }
  for (const std::string& json : schemas) {
    simdjson::dom::array fields;
    if (parser.parse(simdjson::padded_string(json)).get(root) !=
            simdjson::SUCCESS ||
        root["fields"].get(fields) != simdjson::SUCCESS) {
      continue;
    }
    for (element f : fields) {
      if (StringAt(f, "name") == field) return true;
    }
  }
  return false;
}

// Whether a stored facet names column `start`: a field of its dataset's
// chosen columnLineage facet or schema facets, or an input field of any
// chosen columnLineage facet (a malformed one aside: an upstream walk that
// does not reach it does not fail on it). `links`: the walk's (downstream:
// every facet's input fields).
bool IsKnownColumn(const Catalog& catalog, const ColumnRef& start,
                   bool upstream, const LinkMap& links) {
  if (links.contains(start)) return true;
  auto chosen = catalog.lineage.find(DatasetKey(start.ns, start.name));
  if (IsFieldOf(
          catalog.start_schemas,
          chosen == catalog.lineage.end() ? nullptr : &chosen->second.facet,
          start.field)) {
    return true;
  }
  if (!upstream) return false;
  bool found = false;
  for (const auto& [key, facet] : catalog.lineage) {
    ForEachInputField(key, facet,
                      [&](const ColumnRef& from, const std::string&,
                          const std::string&) { found |= from == start; })
        .IgnoreError();
    if (found) return true;
  }
  return false;
}

}  // namespace

StatusOr<std::vector<ColumnEdge>> GetColumnLineage(Store* store,
                                                   const ColumnRef& start,
                                                   Direction direction,
                                                   int max_hops) {
  if (start.ns.empty() || start.name.empty() || start.field.empty()) {
    return absl::InvalidArgumentError(
        "a column needs a namespace, a name and a field");
  }
  if (direction != Direction::kUpstream &&
      direction != Direction::kDownstream) {
    return absl::InvalidArgumentError(
        "column lineage walks kUpstream or kDownstream");
  }
  if (max_hops < -1) {
    return absl::InvalidArgumentError(
        StrCat("max_hops must be >= -1, not ", max_hops));
  }
  const DatasetKey start_key(start.ns, start.name);
  ASSIGN_OR_RETURN(Catalog catalog, ReadCatalog(store, start_key));
  if (!catalog.datasets.contains(start_key)) {
    return absl::NotFoundError(
        StrCat("no OpenLineage dataset ", start.ns, ":", start.name));
  }
  const bool upstream = direction == Direction::kUpstream;
  LinkMap links;
  if (!upstream) {
    ASSIGN_OR_RETURN(links, OutputLinks(catalog));
  }
  ASSIGN_OR_RETURN(std::vector<ColumnEdge> edges,
                   Walk(catalog, start, upstream, max_hops, &links));
  if (edges.empty() && !IsKnownColumn(catalog, start, upstream, links)) {
    return absl::NotFoundError(StrCat(
        "no stored facet names column ", start.field, " of dataset ", start.ns,
        ":", start.name,
        " (neither the columnLineage facets in use nor its schema facets)"));
  }
  return edges;
}

}  // namespace lineagedb
