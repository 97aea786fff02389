#include "tools/cli/check_model.h"

#include <algorithm>
#include <set>
#include <utility>

#include "fmt/format.h"
#include "store/json_check.h"

namespace lineagedb::cli {

void CheckDeclaredProperties(
    int64_t id, int64_t type_id, const PropertyMap& properties,
    const std::map<std::string, PropertyKind>& declared,
    std::vector<std::string>* problems) {
  for (const auto& [name, value] : properties) {
    auto it = declared.find(name);
    if (it == declared.end()) {
      problems->push_back(
          fmt::format("node {} has property '{}', which its type {} does not "
                      "declare",
                      id, name, type_id));
    } else if (it->second != value.kind()) {
      problems->push_back(fmt::format(
          "node {} has property '{}' of kind {}, which its type {} declares {}",
          id, name, PropertyKindName(value.kind()), type_id,
          PropertyKindName(it->second)));
    }
  }
}

void CheckPropertyValues(int64_t id, const PropertyMap& properties, bool custom,
                         std::vector<std::string>* problems) {
  const char* which = custom ? "custom property" : "property";
  for (const auto& [name, value] : properties) {
    if (name.empty()) {
      problems->push_back(
          fmt::format("node {} has a {} without a name", id, which));
    } else if (value.kind() == PropertyKind::kUnknown) {
      problems->push_back(
          fmt::format("node {} has {} '{}' without a value", id, which, name));
    } else if (value.kind() == PropertyKind::kStruct) {
      const std::string problem =
          store::JsonObjectProblem(value.struct_value().json);
      if (!problem.empty()) {
        problems->push_back(
            fmt::format("node {} has {} '{}' holding a struct that {}", id,
                        which, name, problem));
      }
    }
  }
}

std::vector<int64_t> ParentCycles(
    const std::map<int64_t, std::vector<int64_t>>& parents) {
  // Depth-first, iteratively: 1 on the current path, 2 done.
  std::map<int64_t, int> state;
  std::set<int64_t> named;
  for (const auto& [root, unused] : parents) {
    if (state[root] != 0) continue;
    std::vector<std::pair<int64_t, size_t>> path = {{root, 0}};
    state[root] = 1;
    while (!path.empty()) {
      auto& [node, next] = path.back();
      auto it = parents.find(node);
      if (it == parents.end() || next == it->second.size()) {
        state[node] = 2;
        path.pop_back();
        continue;
      }
      const int64_t parent = it->second[next++];
      if (state[parent] == 1) {
        // The cycle is the path from `parent` on.
        auto from = std::find_if(path.begin(), path.end(), [&](const auto& p) {
          return p.first == parent;
        });
        int64_t smallest = parent;
        for (auto p = from; p != path.end(); ++p) {
          smallest = std::min(smallest, p->first);
        }
        named.insert(smallest);
      } else if (state[parent] == 0) {
        state[parent] = 1;
        path.emplace_back(parent, 0);
      }
    }
  }
  return std::vector<int64_t>(named.begin(), named.end());
}

}  // namespace lineagedb::cli
