#include "openlineage/event.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "openlineage/facet_rules.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::openlineage {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

using util::GetObject;
using util::GetString;
using util::InvalidAt;
using util::Member;

// What GetFacets reads from particular facets besides keeping them.
struct FacetValues {
  // The run facet "parent": its job.
  std::optional<JobRef>* parent_job = nullptr;
  // The dataset facet "version" (unless deleted): its datasetVersion.
  std::string* dataset_version = nullptr;
};

// Reads and checks the facets object `key` of `obj`: every facet is an
// object with string _producer and _schemaURL and follows its rules.
Status GetFacets(const object& obj, std::string_view key, const JsonPath& path,
                 FacetPlace place, std::vector<Facet>* out,
                 FacetValues values = {}) {
  std::optional<object> facets;
  RETURN_IF_ERROR(GetObject(obj, key, path, /*required=*/false, &facets));
  if (!facets.has_value()) return absl::OkStatus();
  const JsonPath facets_path(path, key);
  for (auto field : *facets) {
    const std::string_view name = field.key;
    const JsonPath facet_path(facets_path, name);
    object facet;
    if (field.value.get_object().get(facet) != simdjson::SUCCESS) {
      return InvalidAt(facet_path, "must be an object");
    }
    std::string_view ignored;
    RETURN_IF_ERROR(GetString(facet, "_producer", facet_path, true, &ignored));
    RETURN_IF_ERROR(GetString(facet, "_schemaURL", facet_path, true, &ignored));
    // Only job and dataset facets delete (the spec's JobFacet and
    // DatasetFacet); elsewhere `_deleted` is a field like any other.
    bool deleted = false;
    const bool deletable =
        place == FacetPlace::kJob || place == FacetPlace::kDataset;
    if (std::optional<element> d =
            deletable ? Member(facet, "_deleted") : std::nullopt) {
      if (d->get_bool().get(deleted) != simdjson::SUCCESS) {
        return InvalidAt(JsonPath(facet_path, "_deleted"), "must be a boolean");
      }
    }
    // A deletion names the facet; its other fields are not kept, so the
    // facet's own rules (its required fields) do not apply.
    if (!deleted) {
      RETURN_IF_ERROR(CheckFacetRules(place, name, field.value, facet_path));
    }
    // Checked by the facet rules: the fields read below have their types.
    if (values.parent_job != nullptr && name == "parent" && !deleted) {
      JobRef job;
      job.ns = std::string(facet["job"]["namespace"].get_string().value());
      job.name = std::string(facet["job"]["name"].get_string().value());
      // Empty, as for the event's own job: no job "/" is made of it.
      const JsonPath job_path(facet_path, "job");
      if (job.ns.empty()) {
        return InvalidAt(JsonPath(job_path, "namespace"), "is empty");
      }
      if (job.name.empty()) {
        return InvalidAt(JsonPath(job_path, "name"), "is empty");
      }
      *values.parent_job = std::move(job);
    }
    if (values.dataset_version != nullptr && name == "version" && !deleted) {
      values.dataset_version->assign(
          facet["datasetVersion"].get_string().value());
    }
    out->push_back(
        Facet{std::string(name), simdjson::minify(field.value), deleted});
  }
  return absl::OkStatus();
}

Status GetJob(const object& root, JobRef* job, std::vector<Facet>* facets) {
  const JsonPath root_path;
  const JsonPath path(root_path, "job");
  std::optional<object> obj;
  RETURN_IF_ERROR(GetObject(root, "job", root_path, /*required=*/true, &obj));
  RETURN_IF_ERROR(GetString(*obj, "namespace", path, true, &job->ns));
  RETURN_IF_ERROR(GetString(*obj, "name", path, true, &job->name));
  if (job->ns.empty())
    return InvalidAt(JsonPath(path, "namespace"), "is empty");
  if (job->name.empty()) return InvalidAt(JsonPath(path, "name"), "is empty");
  return GetFacets(*obj, "facets", path, FacetPlace::kJob, facets);
}

Status GetDataset(const object& obj, const JsonPath& path,
                  std::string_view io_key, FacetPlace io_place,
                  DatasetRef* ds) {
  RETURN_IF_ERROR(GetString(obj, "namespace", path, true, &ds->ns));
  RETURN_IF_ERROR(GetString(obj, "name", path, true, &ds->name));
  if (ds->ns.empty()) return InvalidAt(JsonPath(path, "namespace"), "is empty");
  if (ds->name.empty()) return InvalidAt(JsonPath(path, "name"), "is empty");
  FacetValues values;
  values.dataset_version = &ds->version;
  RETURN_IF_ERROR(GetFacets(obj, "facets", path, FacetPlace::kDataset,
                            &ds->facets, values));
  if (!io_key.empty()) {
    RETURN_IF_ERROR(GetFacets(obj, io_key, path, io_place, &ds->io_facets));
  }
  return absl::OkStatus();
}

Status GetDatasets(const object& root, std::string_view key,
                   std::string_view io_key, FacetPlace io_place,
                   std::vector<DatasetRef>* out) {
  std::optional<element> list = Member(root, key);
  if (!list.has_value() || list->is_null()) return absl::OkStatus();
  const JsonPath root_path;
  const JsonPath list_path(root_path, key);
  simdjson::dom::array items;
  if (list->get_array().get(items) != simdjson::SUCCESS) {
    return InvalidAt(list_path, "must be an array");
  }
  out->reserve(items.size());
  size_t i = 0;
  for (element item : items) {
    const JsonPath path(list_path, i++);
    object item_object;
    if (item.get_object().get(item_object) != simdjson::SUCCESS) {
      return InvalidAt(path, "must be an object");
    }
    RETURN_IF_ERROR(
        GetDataset(item_object, path, io_key, io_place, &out->emplace_back()));
  }
  return absl::OkStatus();
}

int DigitsAt(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<Instant> ParseInstant(std::string_view s, bool strict) {
  const int year = DigitsAt(s, 0, 4), month = DigitsAt(s, 5, 2),
            day = DigitsAt(s, 8, 2), hour = DigitsAt(s, 11, 2),
            minute = DigitsAt(s, 14, 2), second = DigitsAt(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60 || s[4] != '-' || s[7] != '-' ||
      s[13] != ':' || s[16] != ':' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t nanos = 0;  // The fraction of the second.
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  int64_t offset_min = 0;
  if (pos < s.size()) {
    const char c = s[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == s.size()) {
      pos = s.size();
    } else if (c == '+' || c == '-') {
      const int oh = DigitsAt(s, pos + 1, 2);
      const bool colon = pos + 3 < s.size() && s[pos + 3] == ':';
      const int om = DigitsAt(s, pos + (colon ? 4 : 3), 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59 ||
          pos + (colon ? 6 : 5) != s.size()) {
        return std::nullopt;
      }
      offset_min = (c == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  // A leap second is 23:59:60 UTC, whatever the offset it is written in.
  if (strict && second == 60 &&
      ((hour * 60 + minute - offset_min) % 1440 + 1440) % 1440 != 1439) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return Instant{seconds * 1000 + nanos / 1000000,
                 static_cast<int32_t>(nanos % 1000000)};
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

namespace {

// The members RunEvent and JobEvent share: job, inputs, outputs.
Status GetJobInputsAndOutputs(const object& root, Event* event) {
  RETURN_IF_ERROR(GetJob(root, &event->job, &event->job_facets));
  RETURN_IF_ERROR(GetDatasets(root, "inputs", "inputFacets",
                              FacetPlace::kInputDataset, &event->inputs));
  return GetDatasets(root, "outputs", "outputFacets",
                     FacetPlace::kOutputDataset, &event->outputs);
}

// The members of a RunEvent past the base event's.
Status ParseRunEvent(const object& root, Event* event) {
  const JsonPath root_path;
  event->kind = EventKind::kRun;
  RETURN_IF_ERROR(
      GetString(root, "eventType", root_path, false, &event->event_type));
  static constexpr std::string_view kTypes[] = {"START", "RUNNING", "COMPLETE",
                                                "ABORT", "FAIL",    "OTHER"};
  if (Member(root, "eventType").has_value() &&
      std::find(std::begin(kTypes), std::end(kTypes), event->event_type) ==
          std::end(kTypes)) {
    return InvalidAt(JsonPath(root_path, "eventType"),
                     StrCat("'", event->event_type,
                            "' is not one of START, RUNNING, "
                            "COMPLETE, ABORT, FAIL, OTHER"));
  }
  std::optional<object> run;
  RETURN_IF_ERROR(GetObject(root, "run", root_path, true, &run));
  const JsonPath run_path(root_path, "run");
  RETURN_IF_ERROR(GetString(*run, "runId", run_path, true, &event->run_id));
  if (!IsUuid(event->run_id)) {
    return InvalidAt(JsonPath(run_path, "runId"),
                     StrCat("'", event->run_id, "' is not a UUID"));
  }
  // UUIDs compare without regard to case (RFC 9562): one spelling.
  absl::AsciiStrToLower(&event->run_id);
  FacetValues values;
  values.parent_job = &event->parent_job;
  RETURN_IF_ERROR(GetFacets(*run, "facets", run_path, FacetPlace::kRun,
                            &event->run_facets, values));
  return GetJobInputsAndOutputs(root, event);
}

// The members of a JobEvent past the base event's.
Status ParseJobEvent(const object& root, Event* event) {
  event->kind = EventKind::kJob;
  return GetJobInputsAndOutputs(root, event);
}

// The member of a DatasetEvent past the base event's.
Status ParseDatasetEvent(const object& root, Event* event) {
  const JsonPath root_path;
  event->kind = EventKind::kDataset;
  std::optional<object> ds;
  RETURN_IF_ERROR(GetObject(root, "dataset", root_path, true, &ds));
  DatasetRef ref;
  RETURN_IF_ERROR(GetDataset(*ds, JsonPath(root_path, "dataset"), "",
                             FacetPlace::kDataset, &ref));
  event->dataset = std::move(ref);
  return absl::OkStatus();
}

}  // namespace

Status ParseEvent(const element& root_element, Event* event) {
  object root;
  if (root_element.get_object().get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("the event is not a JSON object");
  }
  const JsonPath root_path;
  RETURN_IF_ERROR(util::CheckUniqueMembers(root_element, root_path));
  std::string_view ignored;
  RETURN_IF_ERROR(
      GetString(root, "eventTime", root_path, true, &event->event_time));
  RETURN_IF_ERROR(GetString(root, "producer", root_path, true, &ignored));
  RETURN_IF_ERROR(GetString(root, "schemaURL", root_path, true, &ignored));
  std::optional<Instant> time =
      ParseInstant(event->event_time, /*strict=*/true);
  if (!time.has_value()) {
    return InvalidAt(
        JsonPath(root_path, "eventTime"),
        StrCat("'", event->event_time, "' is not an RFC 3339 date-time"));
  }
  event->time = *time;
  // The spec's oneOf: a RunEvent has run and job; a JobEvent has job and
  // no run; a DatasetEvent has dataset and not both run and job. An event
  // must be exactly one of them.
  const bool has_run = Member(root, "run").has_value();
  const bool has_job = Member(root, "job").has_value();
  const bool has_dataset = Member(root, "dataset").has_value();
  if (has_run && has_job) return ParseRunEvent(root, event);
  if (has_job && has_dataset) {
    Event as_job = *event;
    const Status job = ParseJobEvent(root, &as_job);
    const Status dataset = ParseDatasetEvent(root, event);
    if (job.ok() && dataset.ok()) {
      return absl::InvalidArgumentError(
          "the event is both a JobEvent and a DatasetEvent (it has job and "
          "dataset, no run); the spec allows exactly one");
    }
    if (job.ok()) *event = std::move(as_job);
    if (job.ok() || dataset.ok()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        StrCat("the event is neither a JobEvent (", std::string(job.message()),
               ") nor a DatasetEvent (", std::string(dataset.message()), ")"));
  }
  if (has_dataset) return ParseDatasetEvent(root, event);
  if (has_job) return ParseJobEvent(root, event);
  if (has_run) return ParseRunEvent(root, event);  // Reports the missing job.
  return absl::InvalidArgumentError(
      "the event has neither run, job nor dataset (not a RunEvent, "
      "JobEvent or DatasetEvent)");
}

}  // namespace lineagedb::openlineage
