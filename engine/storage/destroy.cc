// Kv::Destroy: a store's files removed under its database's lock.
#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <algorithm>
#include <filesystem>

#include "storage/kv.h"
#include "storage/rocks_status.h"
#include "storage/store_folder.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::storage {

namespace {

// Destroy's work under the lock. Errors as Kv::Destroy's.
Status DestroyLocked(const std::string& path, const std::filesystem::path& dir,
                     const std::vector<std::string>& own_files) {
  auto refuse = [&](std::string_view why) {
    return absl::FailedPreconditionError(
        StrCat("destroy ", path, ": ", why, " (nothing removed)"));
  };
  std::error_code ec;
  const bool has_current = std::filesystem::exists(dir / "CURRENT", ec);
  const bool resumed =
      !has_current && std::filesystem::exists(dir / kDestroyingFile, ec);
  if (has_current) {
    std::vector<std::string> families;
    const rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(
        rocksdb::DBOptions(), dir.string(), &families);
    if (!listed.ok()) return FromRocks(listed, StrCat("destroy ", path));
    if (families !=
        std::vector<std::string>{rocksdb::kDefaultColumnFamilyName}) {
      return refuse("its database has column families no store has");
    }
  } else if (!resumed && HoldsDatabaseFiles(dir)) {
    return refuse("it has table, log or MANIFEST files but no CURRENT file");
  }
  std::vector<std::filesystem::path> doomed;
  bool others = false;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == "LOCK" || name == "CURRENT" || name == kDestroyingFile) {
      continue;
    }
    // A folder or a link is never the store's, whatever its name.
    const bool file =
        it->symlink_status(ec).type() == std::filesystem::file_type::regular;
    if (file &&
        (IsDatabaseFile(name) || std::find(own_files.begin(), own_files.end(),
                                           name) != own_files.end())) {
      doomed.push_back(it->path());
    } else {
      others = true;
    }
  }
  if (ec) {
    return absl::InternalError(StrCat("destroy ", path, ": ", ec.message()));
  }
  // Without CURRENT, files named like a store's are the store's only when
  // nothing else is there (a creation cut short).
  if (!has_current && !resumed && others) {
    return refuse("the folder holds no store");
  }
  // CURRENT becomes kDestroyingFile first: a destroy that stops midway (a
  // file that cannot be removed) leaves no store that seems whole, and the
  // next Destroy finishes it.
  if (has_current) {
    std::filesystem::rename(dir / "CURRENT", dir / kDestroyingFile, ec);
    if (ec) {
      return absl::InternalError(
          StrCat("destroy ", path, ": rename CURRENT: ", ec.message()));
    }
  }
  doomed.push_back(dir / kDestroyingFile);
  for (const std::filesystem::path& file : doomed) {
    if (!std::filesystem::remove(file, ec) && ec) {
      return absl::InternalError(StrCat("destroy ", path, ": remove ",
                                        file.string(), ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool Kv::DestroyStarted(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path dir(DatabasePath(path));
  return std::filesystem::exists(dir / kDestroyingFile, ec) &&
         !std::filesystem::exists(dir / "CURRENT", ec);
}

Status Kv::Destroy(const std::string& path,
                   const std::vector<std::string>& own_files) {
  if (path.empty()) return absl::InvalidArgumentError("empty store path");
  const std::filesystem::path dir(DatabasePath(path));
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(dir, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return absl::OkStatus();
  }
  if (ec) {
    return absl::InternalError(StrCat("destroy ", path, ": ", ec.message()));
  }
  if (!std::filesystem::is_directory(status)) {
    return absl::FailedPreconditionError(
        StrCat("destroy ", path, ": a file, not a store folder"));
  }
  // The folder is read under the database's lock: a writer that closed
  // meanwhile has written all it will, and no writer opens until LOCK is
  // gone (removed before the lock is let go, so that none can take the lock
  // of a file about to vanish).
  const bool had_lock_file = std::filesystem::exists(dir / "LOCK", ec);
  rocksdb::FileLock* lock = nullptr;
  const rocksdb::Status locked =
      rocksdb::Env::Default()->LockFile((dir / "LOCK").string(), &lock);
  if (!locked.ok()) return FromRocks(locked, StrCat("destroy ", path));
  const Status destroyed = DestroyLocked(path, dir, own_files);
  // A refusal leaves the folder as it was.
  if (destroyed.ok() || !had_lock_file) {
    std::filesystem::remove(dir / "LOCK", ec);
  }
  const rocksdb::Status unlocked = rocksdb::Env::Default()->UnlockFile(lock);
  RETURN_IF_ERROR(destroyed);
  return FromRocks(unlocked, StrCat("destroy ", path));
}

}  // namespace lineagedb::storage
