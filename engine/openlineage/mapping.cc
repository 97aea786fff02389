#include "openlineage/mapping.h"

#include <algorithm>
#include <initializer_list>
#include <limits>

#include "util/str_cat.h"

namespace lineagedb::openlineage {

Type RunExecutionType() {
  Type t;
  t.kind = NodeKind::kExecution;
  t.name = std::string(kJobType);
  t.description = "An OpenLineage run; its context names the job.";
  t.base_type = BaseType::kProcess;
  t.properties = {{kPropJobNamespace, PropertyKind::kString},
                  {kPropJobName, PropertyKind::kString},
                  {kPropEventTime, PropertyKind::kString},
                  {kPropEndEventTime, PropertyKind::kString}};
  return t;
}

Type JobContextType() {
  Type t;
  t.kind = NodeKind::kContext;
  t.name = std::string(kJobType);
  t.description = "An OpenLineage job, named namespace/name.";
  t.properties = {{kPropNamespace, PropertyKind::kString},
                  {kPropName, PropertyKind::kString},
                  {kPropEventTime, PropertyKind::kString}};
  return t;
}

Type DatasetArtifactType() {
  Type t;
  t.kind = NodeKind::kArtifact;
  t.name = std::string(kDatasetType);
  t.description =
      "An OpenLineage dataset (namespace:name) or dataset version "
      "(namespace:name@version).";
  t.base_type = BaseType::kDataset;
  t.properties = {{kPropNamespace, PropertyKind::kString},
                  {kPropName, PropertyKind::kString},
                  {kPropVersion, PropertyKind::kString},
                  {kPropEventTime, PropertyKind::kString}};
  return t;
}

std::string JobContextName(const JobRef& job) {
  std::string name;
  JobContextNameTo(job, &name);
  return name;
}

std::string DatasetName(const DatasetRef& ds) {
  std::string name;
  DatasetNameTo(ds, &name);
  return name;
}

void JobContextNameTo(const JobRef& job, std::string* out) {
  out->assign(job.ns).append("/").append(job.name);
}

void DatasetNameTo(const DatasetRef& ds, std::string* out) {
  out->assign(ds.ns).append(":").append(ds.name);
  if (!ds.version.empty()) out->append("@").append(ds.version);
}

std::string DatasetExternalId(std::string_view dataset_name) {
  return StrCat("openlineage:", dataset_name);
}

namespace {

// Whether `s` is a URI scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" /
// "-" / "." )).
bool IsScheme(std::string_view s) {
  auto alpha = [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; };
  if (s.empty() || !alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
           c == '.';
  });
}

}  // namespace

std::string DatasetUri(const DatasetRef& ds) {
  const size_t scheme_end = ds.ns.find("://");
  if (scheme_end == std::string::npos ||
      !IsScheme(std::string_view(ds.ns).substr(0, scheme_end))) {
    return "";
  }
  std::string_view ns = ds.ns;
  std::string_view name = ds.name;
  // One '/' between them; the "://" after the scheme stays whole.
  const size_t authority = scheme_end + 3;
  const bool rooted = ns.size() > authority;  // "file:///": a path's root.
  while (ns.size() > authority && ns.ends_with('/')) ns.remove_suffix(1);
  if (ns.size() == authority && !rooted) {
    // No authority ("file://" + "/data/a.csv"): the name follows as given.
    return StrCat(ns, name);
  }
  while (name.starts_with('/')) name.remove_prefix(1);
  return StrCat(ns, "/", name);
}

Context NewJobContext(const JobRef& job, int64_t type_id) {
  Context c;
  c.type_id = type_id;
  c.name = JobContextName(job);
  c.properties[kPropNamespace] = job.ns;
  c.properties[kPropName] = job.name;
  return c;
}

Artifact NewDatasetArtifact(const DatasetRef& ds, int64_t type_id) {
  Artifact a;
  a.type_id = type_id;
  a.name = DatasetName(ds);
  a.external_id = DatasetExternalId(a.name);
  a.uri = DatasetUri(ds);
  a.state = ArtifactState::kLive;
  a.properties[kPropNamespace] = ds.ns;
  a.properties[kPropName] = ds.name;
  if (!ds.version.empty()) a.properties[kPropVersion] = ds.version;
  return a;
}

const std::string* TextProperty(const PropertyMap& properties,
                                const std::string& key) {
  auto it = properties.find(key);
  if (it == properties.end() || it->second.kind() != PropertyKind::kString) {
    return nullptr;
  }
  return &it->second.string_value();
}

namespace {

// Sets `*value` to the string `text`; false if it already was.
bool SetText(Value* value, std::string_view text) {
  if (value->kind() == PropertyKind::kString && value->string_value() == text) {
    return false;
  }
  *value = std::string(text);
  return true;
}

// The instant of the time property `key`, or Instant::Min().
Instant TimeProperty(const PropertyMap& properties, const std::string& key) {
  const std::string* text = TextProperty(properties, key);
  if (text == nullptr) return Instant::Min();
  return ParseInstant(*text).value_or(Instant::Min());
}

}  // namespace

bool MergeRunEvent(const Event& event, Execution* run) {
  bool changed =
      run->properties.try_emplace(kPropJobNamespace, event.job.ns).second;
  changed |= run->properties.try_emplace(kPropJobName, event.job.name).second;
  // An end event is compared with the one that ended the run, not with the
  // run's latest event: of COMPLETE, FAIL and a RUNNING later than both, the
  // later of the two end events decides, whatever the order of arrival.
  // (Read before event_time moves: it stands in for a missing
  // end_event_time.)
  const bool end_newer = event.time > EndTime(*run);
  changed |=
      MergeFacetsAndTime(event, {{&event.run_facets, kFacetPrefix}}, run);
  const ExecutionState state =
      MergeState(run->last_known_state, event.event_type, end_newer);
  if (end_newer && IsEndEventType(event.event_type)) {
    changed |= SetText(&run->properties[kPropEndEventTime], event.event_time);
  }
  changed |= state != run->last_known_state;
  run->last_known_state = state;
  return changed;
}

bool MergeJobEvent(const Event& event, Context* job) {
  return MergeFacetsAndTime(event, {{&event.job_facets, kFacetPrefix}}, job);
}

bool MergeDatasetEvent(const Event& event, const DatasetRef& ds,
                       std::string_view io_prefix, Artifact* artifact) {
  return MergeFacetsAndTime(
      event, {{&ds.facets, kFacetPrefix}, {&ds.io_facets, io_prefix}},
      artifact);
}

lineagedb::Event EdgeEvent(EventType type, int64_t index, int64_t time_ms) {
  lineagedb::Event e;
  e.type = type;
  e.path = {PathStep{std::string(IsInputEvent(type) ? "inputs" : "outputs")},
            PathStep{index}};
  e.time_ms = time_ms;
  return e;
}

bool IsEnded(ExecutionState state) {
  return state == ExecutionState::kComplete ||
         state == ExecutionState::kFailed || state == ExecutionState::kCanceled;
}

bool IsEndEventType(std::string_view event_type) {
  return event_type == "COMPLETE" || event_type == "FAIL" ||
         event_type == "ABORT";
}

Instant EndTime(const Execution& run) {
  if (const std::string* end =
          TextProperty(run.properties, kPropEndEventTime)) {
    return ParseInstant(*end).value_or(Instant::Min());
  }
  // A run ended before end_event_time was kept: its latest event stands in.
  return IsEnded(run.last_known_state) ? NodeTime(run) : Instant::Min();
}

Instant NodeTime(const NodeBase& node) {
  return TimeProperty(node.properties, kPropEventTime);
}

namespace {

bool IsFacetKey(std::string_view key) {
  return key.starts_with(kFacetPrefix) || key.starts_with(kInputFacetPrefix) ||
         key.starts_with(kOutputFacetPrefix);
}

// The time of the node's facets that have no kFacetTimePrefix mark, and its
// text (null if the node has no event_time yet).
struct FacetsTime {
  Instant time = Instant::Min();
  const std::string* text = nullptr;
};

FacetsTime FacetsTimeOf(const NodeBase& node) {
  FacetsTime t;
  t.text = TextProperty(node.custom_properties, kPropFacetsEventTime);
  if (t.text == nullptr) t.text = TextProperty(node.properties, kPropEventTime);
  if (t.text != nullptr) {
    t.time = ParseInstant(*t.text).value_or(Instant::Min());
  }
  return t;
}

bool Carries(std::initializer_list<FacetList> lists, std::string_view key) {
  for (const FacetList& list : lists) {
    if (!key.starts_with(list.prefix)) continue;
    const std::string_view name = key.substr(list.prefix.size());
    for (const Facet& f : *list.facets) {
      if (f.name == name) return true;
    }
  }
  return false;
}

// Merges `facets` of `event` under `prefix`: `unmarked` is the time of the
// stored facets without a mark before the event, `now` after it.
bool MergeFacets(const std::vector<Facet>& facets, std::string_view prefix,
                 const Event& event, Instant unmarked, Instant now,
                 NodeBase* node) {
  bool changed = false;
  std::string key, tombstone, time_key;
  PropertyMap& props = node->custom_properties;
  for (const Facet& facet : facets) {
    key.assign(prefix).append(facet.name);
    tombstone.assign(kDeletedFacetPrefix).append(key);
    time_key.assign(kFacetTimePrefix).append(key);
    auto it = props.find(key);
    auto mark = props.find(time_key);
    Instant stored = Instant::Min();
    if (it == props.end()) {
      stored = TimeProperty(props, tombstone);
    } else if (mark != props.end()) {
      stored = TimeProperty(props, time_key);
    } else {
      stored = unmarked;
    }
    if (!(event.time > stored)) continue;
    if (mark != props.end()) {
      props.erase(mark);
      changed = true;
    }
    if (facet.deleted) {
      if (it != props.end()) {
        props.erase(it);
        changed = true;
      }
      changed |= SetText(&props[tombstone], event.event_time);
      continue;
    }
    changed |= props.erase(tombstone) > 0;
    if (it == props.end()) {
      props.emplace(key, StructValue{facet.json});
      changed = true;
    } else if (!(it->second.kind() == PropertyKind::kStruct &&
                 it->second.struct_value().json == facet.json)) {
      it->second = StructValue{facet.json};
      changed = true;
    }
    // Set by an event older than the unmarked facets' time: its own.
    if (event.time < now) {
      props.emplace(time_key, Value(event.event_time));
      changed = true;
    }
  }
  return changed;
}

// Rewrites the facet times of `node` in their one form, whatever the order
// of the events that set them: the latest time among its facets is the
// unmarked one (kPropFacetsEventTime, absent when it is the node's
// event_time), and only a facet of another time has a kFacetTimePrefix
// mark. Each facet keeps its time. Returns whether anything changed.
bool NormalizeFacetTimes(NodeBase* node) {
  PropertyMap& props = node->custom_properties;
  // Most nodes: every facet at the node's event_time, nothing to rewrite.
  const auto first_mark = props.lower_bound(std::string(kFacetTimePrefix));
  if ((first_mark == props.end() ||
       !first_mark->first.starts_with(kFacetTimePrefix)) &&
      !props.contains(kPropFacetsEventTime)) {
    return false;
  }
  const FacetsTime unmarked = FacetsTimeOf(*node);
  struct Timed {
    std::string mark_key;
    Instant time;
    const std::string* text;  // Null: no time known (no event_time yet).
  };
  std::vector<Timed> facets;
  const Timed* latest = nullptr;
  for (const auto& [key, value] : props) {
    if (!IsFacetKey(key)) continue;
    Timed t{StrCat(kFacetTimePrefix, key), unmarked.time, unmarked.text};
    if (const std::string* mark = TextProperty(props, t.mark_key)) {
      t.text = mark;
      t.time = ParseInstant(*mark).value_or(Instant::Min());
    }
    facets.push_back(std::move(t));
  }
  for (const Timed& t : facets) {
    if (t.text != nullptr && (latest == nullptr || t.time > latest->time)) {
      latest = &t;
    }
  }
  bool changed = false;
  if (latest == nullptr) {  // No facet with a time: none to keep apart.
    for (const Timed& t : facets) changed |= props.erase(t.mark_key) > 0;
    return props.erase(kPropFacetsEventTime) > 0 || changed;
  }
  // Copies: the marks and kPropFacetsEventTime change below.
  const Instant latest_time = latest->time;
  const std::string latest_text = *latest->text;
  std::vector<std::pair<std::string, std::string>> marks;
  for (const Timed& t : facets) {
    if (t.time == latest_time) {
      changed |= props.erase(t.mark_key) > 0;
    } else if (t.text != nullptr) {
      marks.emplace_back(t.mark_key, *t.text);
    }
  }
  for (auto& [key, text] : marks) changed |= SetText(&props[key], text);
  if (latest_time == NodeTime(*node)) {
    changed |= props.erase(kPropFacetsEventTime) > 0;
  } else {
    changed |= SetText(&props[kPropFacetsEventTime], latest_text);
  }
  return changed;
}

}  // namespace

Instant FacetTime(const NodeBase& node, const std::string& key) {
  if (!node.custom_properties.contains(key)) return Instant::Min();
  const std::string time_key = StrCat(kFacetTimePrefix, key);
  if (node.custom_properties.contains(time_key)) {
    return TimeProperty(node.custom_properties, time_key);
  }
  return FacetsTimeOf(node).time;
}

bool MergeFacetsAndTime(const Event& event,
                        std::initializer_list<FacetList> lists,
                        NodeBase* node) {
  bool changed = false;
  PropertyMap& props = node->custom_properties;
  const FacetsTime before = FacetsTimeOf(*node);
  const Instant node_time = NodeTime(*node);
  bool carries = false;
  for (const FacetList& list : lists) carries |= !list.facets->empty();
  Instant now = before.time;
  if (carries && event.time > before.time) {
    // The event's time becomes the unmarked facets' time: the stored ones
    // it does not replace keep theirs in a mark. (Inserting keeps the
    // iterators valid; the marks' keys are not facet keys.)
    if (before.text != nullptr) {
      const std::string old_text = *before.text;
      for (const auto& [key, value] : props) {
        if (IsFacetKey(key) && !Carries(lists, key)) {
          changed |=
              props.try_emplace(StrCat(kFacetTimePrefix, key), old_text).second;
        }
      }
    }
    now = event.time;
    if (event.time >= node_time) {
      changed |= props.erase(kPropFacetsEventTime) > 0;
    } else {
      changed |= SetText(&props[kPropFacetsEventTime], event.event_time);
    }
  }
  if (event.time > node_time) {
    // An event that carries no facet moves event_time but not the facets'
    // time, which is then kept apart.
    if (!carries && before.text != nullptr &&
        !props.contains(kPropFacetsEventTime) &&
        std::any_of(props.begin(), props.end(),
                    [](const auto& p) { return IsFacetKey(p.first); })) {
      props.emplace(kPropFacetsEventTime, Value(*before.text));
    }
    SetText(&node->properties[kPropEventTime], event.event_time);
    changed = true;
  }
  for (const FacetList& list : lists) {
    changed |=
        MergeFacets(*list.facets, list.prefix, event, before.time, now, node);
  }
  if (changed) changed |= NormalizeFacetTimes(node);
  return changed;
}

ExecutionState MergeState(ExecutionState state, std::string_view event_type,
                          bool newer) {
  const bool ended = IsEnded(state);
  ExecutionState end;
  if (event_type == "START" || event_type == "RUNNING") {
    return ended ? state : ExecutionState::kRunning;
  } else if (event_type == "COMPLETE") {
    end = ExecutionState::kComplete;
  } else if (event_type == "FAIL") {
    end = ExecutionState::kFailed;
  } else if (event_type == "ABORT") {
    end = ExecutionState::kCanceled;
  } else {
    return state;
  }
  return ended && !newer ? state : end;
}

}  // namespace lineagedb::openlineage
