#include "storage/store_folder.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "util/str_cat.h"

namespace lineagedb::storage {

namespace {

constexpr std::string_view kBulkFilePrefix = "bulk-";
constexpr std::string_view kBulkFileSuffix = ".sst.tmp";

bool IsBulkFile(std::string_view name) {
  return name.starts_with(kBulkFilePrefix) && name.ends_with(kBulkFileSuffix);
}

// True if `text` is a file number: decimal digits, at least one.
bool IsNumber(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// Whether the file `current` holds what RocksDB writes there: the name of
// a MANIFEST file and a newline.
bool NamesAManifest(const std::filesystem::path& current) {
  std::ifstream in(current, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  return text.starts_with("MANIFEST-") && text.ends_with('\n') &&
         text.find('\n') == text.size() - 1;
}

}  // namespace

std::string DatabasePath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (!ec) p = std::filesystem::weakly_canonical(p, ec);
  if (ec) return path;
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p.string();
}

std::string BulkFilePath(std::string_view db_path, uint64_t n) {
  return StrCat(db_path, "/", kBulkFilePrefix, n, kBulkFileSuffix);
}

void RemoveBulkFiles(const std::string& db_path) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(db_path, ec)) {
    const std::string name = e.path().filename().string();
    if (IsBulkFile(name)) std::filesystem::remove(e.path(), ec);
  }
}

bool IsDatabaseFile(std::string_view name) {
  if (name == "CURRENT" || name == "IDENTITY" || name == "LOG" ||
      (name.starts_with("LOG.old.") && IsNumber(name.substr(8)))) {
    return true;
  }
  if (IsBulkFile(name)) return true;
  const bool temporary = name.ends_with(".dbtmp");
  if (temporary) name.remove_suffix(6);
  for (std::string_view prefix : {"MANIFEST-", "OPTIONS-"}) {
    if (name.starts_with(prefix)) return IsNumber(name.substr(prefix.size()));
  }
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos) return temporary && IsNumber(name);
  const std::string_view ext = name.substr(dot);
  return IsNumber(name.substr(0, dot)) &&
         (ext == ".sst" || ext == ".ldb" || ext == ".log" || ext == ".blob");
}

bool HoldsDatabaseFiles(const std::filesystem::path& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() !=
        std::filesystem::file_type::regular) {
      continue;  // A folder named 5.sst is no table.
    }
    const std::string name = it->path().filename().string();
    const std::string stem = it->path().stem().string();
    const std::string ext = it->path().extension().string();
    if ((name.starts_with("MANIFEST-") && IsNumber(name.substr(9)) &&
         name != "MANIFEST-000001") ||
        ((ext == ".sst" || ext == ".log" || ext == ".blob") &&
         IsNumber(stem))) {
      return true;
    }
  }
  return false;
}

Status CheckFolder(const Options& options, const std::string& path,
                   const std::string& db_path, bool* has_current) {
  // Without CURRENT, RocksDB would create a new database over the files of
  // one whose CURRENT was lost, and delete them as obsolete. A damaged one
  // (empty, cut short) fails its open in ways that name the wrong cause.
  const std::filesystem::path current =
      std::filesystem::path(db_path) / "CURRENT";
  std::error_code ec;
  *has_current = std::filesystem::exists(current, ec);
  if (ec) {  // A name too long, a symlink loop, a folder not searchable.
    return absl::InternalError(StrCat("open ", path, ": ", ec.message()));
  }
  if (*has_current && !NamesAManifest(current)) {
    return absl::DataLossError(StrCat(
        "the store at ", path,
        " is damaged: its CURRENT file does not name a MANIFEST file (nothing "
        "was changed)"));
  }
  if (!*has_current) {
    if (std::filesystem::exists(
            std::filesystem::path(db_path) / kDestroyingFile, ec)) {
      return absl::DataLossError(
          StrCat("the store at ", path,
                 " was being destroyed when that stopped; destroy it again to "
                 "finish (nothing was changed)"));
    }
    if (HoldsDatabaseFiles(db_path)) {
      return absl::DataLossError(StrCat(
          "the store at ", path,
          " is damaged: it has table, log or MANIFEST files but no CURRENT "
          "file naming its MANIFEST (nothing was changed)"));
    }
    if (options.read_only || !options.create_if_missing) {
      return absl::NotFoundError(StrCat("no store at ", path));
    }
    // RocksDB makes the store's folder, not the folders above it.
    const std::filesystem::path above =
        std::filesystem::path(db_path).parent_path();
    if (!above.empty() && !std::filesystem::is_directory(above, ec)) {
      return absl::NotFoundError(StrCat("cannot create a store at ", path,
                                        ": the folder ", above.string(),
                                        " does not exist"));
    }
  }
  if (*has_current && options.error_if_exists) {
    return absl::AlreadyExistsError(StrCat("a store already exists at ", path));
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::storage
