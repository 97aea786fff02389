#include "openlineage/facet_rules.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "openlineage/event.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::openlineage {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

enum class JsonType {
  kString,
  kUuid,
  kInteger,
  kNumber,
  kBool,
  kObject,
  kArray
};

// One step of a field's path: a key (every item of the array under it if
// `each`; with `nested` also the items of the arrays under the same key of
// those items, at any depth), or with `star` every value of an object.
struct Step {
  std::string_view key;
  bool each = false;
  bool nested = false;
  bool star = false;
};

// One field check. `path` is a dot-separated walk from the facet object; a
// step ending in "[]" visits every item of an array, one ending in "[**]"
// every item of a tree of arrays under that key (schema fields and their
// nested fields), a step "*" every value of an object. Absent intermediate
// steps are not checked (their own rule says whether they are required).
// A string field with `values` must be one of them. `steps` is `path`
// compiled.
struct FieldRule {
  const char* path;
  JsonType type;
  bool required;
  std::vector<std::string_view> values = {};
  std::vector<Step> steps = {};
};

struct FacetRule {
  FacetPlace place;
  const char* name;
  std::vector<FieldRule> fields;
  // At least one of these top-level fields must be present, if non-empty.
  std::vector<const char*> one_of;
};

constexpr bool kReq = true;
constexpr bool kOpt = false;

// Splits field->path into field->steps.
void Compile(FieldRule* field) {
  const std::string_view path = field->path;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    std::string_view step = path.substr(start, dot - start);
    const bool nested = step.size() > 4 && step.ends_with("[**]");
    const bool each = nested || (step.size() > 2 && step.ends_with("[]"));
    if (each) step.remove_suffix(nested ? 4 : 2);
    field->steps.push_back(Step{step, each, nested, step == "*"});
    start = dot + 1;
  }
}

void CompileAll(std::vector<FacetRule>* rules) {
  for (FacetRule& rule : *rules) {
    for (FieldRule& field : rule.fields) Compile(&field);
  }
}

const std::vector<FacetRule>& Rules() {
  using enum FacetPlace;
  using enum JsonType;
  static auto* const rules = [] {
    // The fields of facets that stand at two places.
    const std::vector<FieldRule> ownership = {{"owners", kArray, kOpt},
                                              {"owners[].name", kString, kReq},
                                              {"owners[].type", kString, kOpt}};
    const std::vector<FieldRule> assertions = {
        {"assertions", kArray, kReq},
        {"assertions[].assertion", kString, kReq},
        {"assertions[].success", kBool, kReq}};
    auto* all = new std::vector<FacetRule>{
        // Run facets.
        {kRun,
         "parent",
         {{"run", kObject, kReq},
          {"run.runId", kUuid, kReq},
          {"job", kObject, kReq},
          {"job.namespace", kString, kReq},
          {"job.name", kString, kReq},
          {"root", kObject, kOpt},
          {"root.run", kObject, kReq},
          {"root.run.runId", kUuid, kReq},
          {"root.job", kObject, kReq},
          {"root.job.namespace", kString, kReq},
          {"root.job.name", kString, kReq}},
         {}},
        {kRun,
         "nominalTime",
         {{"nominalStartTime", kString, kReq},
          {"nominalEndTime", kString, kOpt}},
         {}},
        {kRun,
         "errorMessage",
         {{"message", kString, kReq},
          {"programmingLanguage", kString, kReq},
          {"stackTrace", kString, kOpt}},
         {}},
        {kRun,
         "processing_engine",
         {{"version", kString, kReq}, {"name", kString, kOpt}},
         {}},
        // Job facets.
        {kJob, "documentation", {{"description", kString, kReq}}, {}},
        {kJob, "sql", {{"query", kString, kReq}}, {}},
        {kJob,
         "sourceCodeLocation",
         {{"type", kString, kReq}, {"url", kString, kReq}},
         {}},
        {kJob,
         "sourceCode",
         {{"language", kString, kReq}, {"sourceCode", kString, kReq}},
         {}},
        {kJob,
         "jobType",
         {{"processingType", kString, kReq}, {"integration", kString, kReq}},
         {}},
        {kJob, "ownership", ownership, {}},
        // Dataset facets.
        {kDataset, "documentation", {{"description", kString, kReq}}, {}},
        {kDataset,
         "schema",
         {{"fields", kArray, kOpt},
          // The fields and their nested fields (struct columns).
          {"fields[**].name", kString, kReq},
          {"fields[**].type", kString, kOpt},
          {"fields[**].description", kString, kOpt},
          {"fields[**].fields", kArray, kOpt}},
         {}},
        {kDataset,
         "dataSource",
         {{"name", kString, kOpt}, {"uri", kString, kOpt}},
         {}},
        {kDataset, "ownership", ownership, {}},
        {kDataset,
         "columnLineage",
         {{"fields", kObject, kReq},
          {"fields.*", kObject, kReq},
          {"fields.*.inputFields", kArray, kReq},
          {"fields.*.inputFields[].namespace", kString, kReq},
          {"fields.*.inputFields[].name", kString, kReq},
          {"fields.*.inputFields[].field", kString, kReq},
          {"fields.*.inputFields[].transformations", kArray, kOpt},
          {"fields.*.inputFields[].transformations[].type", kString, kReq},
          {"fields.*.inputFields[].transformations[].subtype", kString, kOpt},
          {"fields.*.inputFields[].transformations[].description", kString,
           kOpt},
          {"fields.*.inputFields[].transformations[].masking", kBool, kOpt},
          {"fields.*.transformationDescription", kString, kOpt},
          {"fields.*.transformationType", kString, kOpt}},
         {}},
        {kDataset, "version", {{"datasetVersion", kString, kReq}}, {}},
        {kDataset,
         "lifecycleStateChange",
         {{"lifecycleStateChange",
           kString,
           kReq,
           {"ALTER", "CREATE", "DROP", "OVERWRITE", "RENAME", "TRUNCATE"}},
          {"previousIdentifier", kObject, kOpt},
          {"previousIdentifier.namespace", kString, kReq},
          {"previousIdentifier.name", kString, kReq}},
         {}},
        {kDataset,
         "symlinks",
         {{"identifiers", kArray, kReq},
          {"identifiers[].namespace", kString, kReq},
          {"identifiers[].name", kString, kReq},
          {"identifiers[].type", kString, kReq}},
         {}},
        {kDataset, "dataQualityAssertions", assertions, {}},
        // Input dataset facets. The 1-0-2 schema requires columnMetrics, but
        // OpenLineage's own full example omits it; either metric will do.
        {kInputDataset,
         "dataQualityMetrics",
         {{"rowCount", kInteger, kOpt},
          {"bytes", kInteger, kOpt},
          {"fileCount", kInteger, kOpt},
          {"columnMetrics", kObject, kOpt}},
         {"rowCount", "columnMetrics"}},
        {kInputDataset, "dataQualityAssertions", assertions, {}},
        // Output dataset facets.
        {kOutputDataset,
         "outputStatistics",
         {{"rowCount", kInteger, kReq},
          {"size", kInteger, kOpt},
          {"fileCount", kInteger, kOpt}},
         {}},
    };
    CompileAll(all);
    return all;
  }();
  return *rules;
}

const char* TypeNoun(JsonType type) {
  switch (type) {
    case JsonType::kString:
      return "a string";
    case JsonType::kUuid:
      return "a UUID string";
    case JsonType::kInteger:
      return "an integer";
    case JsonType::kNumber:
      return "a number";
    case JsonType::kBool:
      return "a boolean";
    case JsonType::kObject:
      return "an object";
    case JsonType::kArray:
      return "an array";
  }
  return "a value";
}

bool HasType(const element& e, JsonType type) {
  switch (type) {
    case JsonType::kString:
      return e.is_string();
    case JsonType::kUuid:
      return e.is_string() && IsUuid(std::string_view(e.get_string().value()));
    case JsonType::kInteger:
      // As JSON Schema has it: any number without a fraction (1.0, 1e3).
      if (e.is_double()) {
        const double d = e.get_double().value();
        return std::isfinite(d) && std::floor(d) == d;
      }
      return e.is_int64() || e.is_uint64();
    case JsonType::kNumber:
      return e.is_number();
    case JsonType::kBool:
      return e.is_bool();
    case JsonType::kObject:
      return e.is_object();
    case JsonType::kArray:
      return e.is_array();
  }
  return false;
}

Status RuleViolation(const JsonPath& path, std::string_view what) {
  return absl::InvalidArgumentError(StrCat(path.str(), what));
}

// Checks `rule` from step `i` of its path on, `e` being the value reached so
// far and `trail` its path for messages.
Status CheckAt(const element& e, size_t i, const FieldRule& rule,
               const JsonPath& trail) {
  if (i == rule.steps.size()) {
    if (!HasType(e, rule.type)) {
      return RuleViolation(trail, StrCat(" must be ", TypeNoun(rule.type)));
    }
    if (rule.values.empty() ||
        std::find(rule.values.begin(), rule.values.end(),
                  std::string_view(e.get_string().value())) !=
            rule.values.end()) {
      return absl::OkStatus();
    }
    std::string names;
    for (std::string_view v : rule.values) {
      names += names.empty() ? std::string(v) : StrCat(", ", v);
    }
    return RuleViolation(trail, StrCat(" must be one of ", names));
  }
  const Step& step = rule.steps[i];
  if (!e.is_object()) return absl::OkStatus();  // The parent's rule reports.
  const simdjson::dom::object obj = e.get_object().value();
  if (step.star) {
    for (auto field : obj) {
      RETURN_IF_ERROR(
          CheckAt(field.value, i + 1, rule, JsonPath(trail, field.key)));
    }
    return absl::OkStatus();
  }
  element child;
  const JsonPath child_trail(trail, step.key);
  if (obj.at_key(step.key).get(child) != simdjson::SUCCESS) {
    // Only the last step's absence is this rule's concern.
    if (i + 1 == rule.steps.size() && rule.required) {
      return RuleViolation(child_trail, " is required");
    }
    return absl::OkStatus();
  }
  if (!step.each) return CheckAt(child, i + 1, rule, child_trail);
  if (!child.is_array()) return absl::OkStatus();
  size_t n = 0;
  const simdjson::dom::array items = child.get_array().value();
  for (element item : items) {
    const JsonPath item_trail(child_trail, n++);
    // An item is reached by no rule of its own: one that is not an object
    // where the path goes on into it is reported here.
    if (i + 1 < rule.steps.size() && !item.is_object()) {
      return RuleViolation(item_trail, " must be an object");
    }
    RETURN_IF_ERROR(CheckAt(item, i + 1, rule, item_trail));
    // The item's own array under the same key, through this step again.
    if (step.nested) RETURN_IF_ERROR(CheckAt(item, i, rule, item_trail));
  }
  return absl::OkStatus();
}

}  // namespace

Status CheckFacetRules(FacetPlace place, std::string_view name,
                       const simdjson::dom::element& facet,
                       std::string_view path) {
  return CheckFacetRules(place, name, facet, JsonPath(path));
}

Status CheckFacetRules(FacetPlace place, std::string_view name,
                       const simdjson::dom::element& facet,
                       const JsonPath& path) {
  if (!facet.is_object()) return absl::OkStatus();
  for (const FacetRule& rule : Rules()) {
    if (rule.place != place || name != rule.name) continue;
    for (const FieldRule& field : rule.fields) {
      RETURN_IF_ERROR(CheckAt(facet, 0, field, path));
    }
    if (!rule.one_of.empty()) {
      const simdjson::dom::object obj = facet.get_object().value();
      bool any = false;
      std::string names;
      for (const char* key : rule.one_of) {
        element ignored;
        any = any || obj.at_key(key).get(ignored) == simdjson::SUCCESS;
        names += names.empty() ? key : StrCat(" or ", key);
      }
      if (!any) {
        return RuleViolation(path,
                             StrCat(" needs ", names, " (facet '", name, "')"));
      }
    }
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::openlineage
