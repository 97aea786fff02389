#include "storage/rocks_status.h"

#include <string>

#include "util/str_cat.h"

namespace lineagedb::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = StrCat(context, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  // RocksDB's LockFile: "lock hold by current process" when this process
  // holds it, "While lock file" when fcntl finds it taken; any other
  // failure ("while open a file for lock": a read-only file system, no
  // permission) is not about another writer.
  const std::string text = s.ToString();
  const bool here =
      text.find("lock hold by current process") != std::string::npos;
  if (s.IsIOError() &&
      (here || text.find("While lock file") != std::string::npos)) {
    return absl::FailedPreconditionError(
        StrCat(context, ": ",
               here ? "this process has the store open already"
                    : "another process has the store open for writing",
               " (", text, ")"));
  }
  if (s.IsIOError() && text.find("open a file for lock") != std::string::npos) {
    return absl::InternalError(StrCat(
        context, ": cannot open the store's LOCK file to write (", text, ")"));
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

}  // namespace lineagedb::storage
