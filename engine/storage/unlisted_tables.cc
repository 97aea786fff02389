#include "storage/unlisted_tables.h"

#include <rocksdb/metadata.h>
#include <rocksdb/sst_file_reader.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "util/str_cat.h"

namespace lineagedb::storage {

namespace {

// The last write sequence of a table's counters: nullopt if it has none or
// cannot be read.
std::optional<uint64_t> TableSeq(const std::string& file) {
  rocksdb::Options options;
  rocksdb::SstFileReader reader(options);
  if (!reader.Open(file).ok()) return std::nullopt;
  std::unique_ptr<rocksdb::Iterator> it(
      reader.NewIterator(rocksdb::ReadOptions()));
  const std::string key = codec::MetaKey(codec::MetaId::kCounters);
  it->Seek(key);
  if (!it->Valid() || it->key() != key) return std::nullopt;
  codec::Counters counters;
  const rocksdb::Slice value = it->value();
  if (!codec::DecodeCounters(key, std::string_view(value.data(), value.size()),
                             &counters)
           .ok()) {
    return std::nullopt;
  }
  return counters.seq;
}

}  // namespace

KeepTablesFileSystem::KeepTablesFileSystem()
    : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}

rocksdb::IOStatus KeepTablesFileSystem::DeleteFile(
    const std::string& name, const rocksdb::IOOptions& options,
    rocksdb::IODebugContext* dbg) {
  if (holding_ && name.ends_with(".sst")) return rocksdb::IOStatus::OK();
  return target()->DeleteFile(name, options, dbg);
}

std::set<std::string> TableFiles(const std::string& path) {
  std::set<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    const std::string stem = p.stem().string();
    if (p.extension() == ".sst" && !stem.empty() &&
        stem.find_first_not_of("0123456789") == std::string::npos) {
      names.insert(p.filename().string());
    }
  }
  return names;
}

Status CheckUnlistedTables(rocksdb::DB* db, const std::string& path,
                           const std::set<std::string>& candidates,
                           bool remove_harmless) {
  if (candidates.empty()) return absl::OkStatus();
  std::vector<rocksdb::LiveFileMetaData> live;
  db->GetLiveFilesMetaData(&live);
  std::set<std::string> listed;
  for (const rocksdb::LiveFileMetaData& f : live) {
    listed.insert(std::filesystem::path(f.name).filename().string());
  }
  std::vector<std::string> unlisted;
  for (const std::string& name : candidates) {
    if (!listed.contains(name)) unlisted.push_back(name);
  }
  if (unlisted.empty()) return absl::OkStatus();
  uint64_t store_seq = 0;  // No counters: nothing written yet.
  std::string value;
  const std::string key = codec::MetaKey(codec::MetaId::kCounters);
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &value);
  if (s.ok()) {
    codec::Counters counters;
    if (codec::DecodeCounters(key, value, &counters).ok()) {
      store_seq = counters.seq;
    }
  }
  const std::filesystem::path dir(path);
  for (const std::string& name : unlisted) {
    const std::optional<uint64_t> seq = TableSeq((dir / name).string());
    if (seq.has_value() && *seq > store_seq) {
      return absl::DataLossError(StrCat(
          "the store at ", path, " is damaged: table file ", name,
          " holds writes up to sequence ", *seq,
          " but its MANIFEST does not list it (the store's last write is ",
          store_seq, "; no table file was deleted: moving ", name,
          " out of the folder opens the store without those writes)"));
    }
  }
  if (remove_harmless) {
    std::error_code ec;
    for (const std::string& name : unlisted) {
      std::filesystem::remove(dir / name, ec);
    }
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::storage
