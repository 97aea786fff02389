#include "util/json_fields.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::util {

using simdjson::dom::element;
using simdjson::dom::object;

void JsonPath::AppendTo(std::string* out) const {
  if (parent_ == nullptr) {
    out->append(key_);
    return;
  }
  parent_->AppendTo(out);
  if (index_ != kNoIndex) {
    out->append("[").append(std::to_string(index_)).append("]");
    return;
  }
  if (!out->empty()) out->push_back('.');
  out->append(key_);
}

std::string JsonPath::str() const {
  std::string out;
  AppendTo(&out);
  return out;
}

Status InvalidAt(const JsonPath& path, std::string_view what) {
  return absl::InvalidArgumentError(StrCat(path.str(), " ", what));
}

std::optional<element> Member(const object& obj, std::string_view key) {
  element e;
  if (obj.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  return e;
}

Status GetString(const object& obj, std::string_view key, const JsonPath& path,
                 bool required, std::string_view* out) {
  element e;
  if (obj.at_key(key).get(e) != simdjson::SUCCESS) {
    return required ? InvalidAt(JsonPath(path, key), "is required")
                    : absl::OkStatus();
  }
  if (e.get_string().get(*out) != simdjson::SUCCESS) {
    return InvalidAt(JsonPath(path, key), "must be a string");
  }
  return absl::OkStatus();
}

Status GetString(const object& obj, std::string_view key, const JsonPath& path,
                 bool required, std::string* out) {
  // A string member, even "", views the parser's buffer: data() is set.
  std::string_view view;
  RETURN_IF_ERROR(GetString(obj, key, path, required, &view));
  if (view.data() != nullptr) out->assign(view);
  return absl::OkStatus();
}

Status GetObject(const object& obj, std::string_view key, const JsonPath& path,
                 bool required, std::optional<object>* out) {
  element e;
  if (obj.at_key(key).get(e) != simdjson::SUCCESS) {
    return required ? InvalidAt(JsonPath(path, key), "is required")
                    : absl::OkStatus();
  }
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) {
    return InvalidAt(JsonPath(path, key), "must be an object");
  }
  *out = o;
  return absl::OkStatus();
}

Status CheckUniqueMembers(const element& e, const JsonPath& path) {
  if (e.is_array()) {
    size_t i = 0;
    const simdjson::dom::array items = e.get_array().value();
    for (const element item : items) {
      RETURN_IF_ERROR(CheckUniqueMembers(item, JsonPath(path, i++)));
    }
    return absl::OkStatus();
  }
  if (!e.is_object()) return absl::OkStatus();
  absl::InlinedVector<std::string_view, 16> keys;
  const object obj = e.get_object().value();
  for (const auto field : obj) {
    RETURN_IF_ERROR(CheckUniqueMembers(field.value, JsonPath(path, field.key)));
    keys.push_back(field.key);
  }
  std::sort(keys.begin(), keys.end());
  auto repeated = std::adjacent_find(keys.begin(), keys.end());
  if (repeated != keys.end()) {
    // A path cannot show an empty name.
    return repeated->empty()
               ? InvalidAt(path, "has two members named \"\"")
               : InvalidAt(JsonPath(path, *repeated), "appears twice");
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::util
