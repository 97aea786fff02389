// StrCat over fmt. Debian 12's abseil is built with its own
// absl::string_view, which StrCat cannot take from std::string_view;
// fmt formats every type we print, std::string_view included.
#ifndef LINEAGEDB_UTIL_STR_CAT_H_
#define LINEAGEDB_UTIL_STR_CAT_H_

#include <fmt/format.h>

#include <iterator>
#include <string>

namespace lineagedb {

// The concatenation of each argument formatted with "{}".
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
  return out;
}

}  // namespace lineagedb

#endif  // LINEAGEDB_UTIL_STR_CAT_H_
