#include "storage/rocks_status.h"

#include <string>

#include "util/str_cat.h"

namespace lineagedb::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = StrCat(context, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    const bool here = s.ToString().find("current process") != std::string::npos;
    return absl::FailedPreconditionError(
        StrCat(context, ": ",
               here ? "this process has the store open already"
                    : "another process has the store open for writing",
               " (", s.ToString(), ")"));
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

}  // namespace lineagedb::storage
