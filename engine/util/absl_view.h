// Debian 12's abseil is built with its own absl::string_view, which its
// hash maps look up by: AbslView makes one from a std::string_view.
#ifndef LINEAGEDB_UTIL_ABSL_VIEW_H_
#define LINEAGEDB_UTIL_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace lineagedb {

inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace lineagedb

#endif  // LINEAGEDB_UTIL_ABSL_VIEW_H_
