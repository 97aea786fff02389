#include "storage/unlisted_tables.h"

#include <rocksdb/metadata.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "util/str_cat.h"

namespace lineagedb::storage {

namespace {

// The write sequence of an encoded counters value: nullopt if it does not
// decode.
std::optional<uint64_t> CountersSeqOf(const rocksdb::Slice& value) {
  codec::Counters counters;
  if (!codec::DecodeCounters(codec::MetaKey(codec::MetaId::kCounters),
                             std::string_view(value.data(), value.size()),
                             &counters)
           .ok()) {
    return std::nullopt;
  }
  return counters.seq;
}

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
  return CountersSeqOf(it->value());
}

// The sequence of a write batch's counters key, if it has one.
class CountersSeq : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t /*column_family_id*/,
                        const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    if (key == key_) {
      seq_ = CountersSeqOf(value);
      found_ = true;
    }
    return rocksdb::Status::OK();
  }
  // Any other entry goes by (the store writes puts and deletes only).
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&,
                          const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  bool Continue() override { return !found_; }  // One counters key a batch.
  const std::optional<uint64_t>& seq() const { return seq_; }

 private:
  const std::string key_ = codec::MetaKey(codec::MetaId::kCounters);
  bool found_ = false;
  std::optional<uint64_t> seq_;
};

}  // namespace

rocksdb::WalFilter::WalProcessingOption ReplayedWrites::LogRecordFound(
    unsigned long long /*log_number*/, const std::string& /*log_file_name*/,
    const rocksdb::WriteBatch& batch, rocksdb::WriteBatch* /*new_batch*/,
    bool* /*batch_changed*/) {
  CountersSeq handler;
  batch.Iterate(&handler).PermitUncheckedError();  // Replay judges the batch.
  if (handler.seq().has_value()) Add(*handler.seq());
  return WalProcessingOption::kContinueProcessing;
}

void ReplayedWrites::Add(uint64_t seq) {
  auto next = runs_.upper_bound(seq);
  if (next != runs_.begin()) {
    auto prev = std::prev(next);
    if (prev->second >= seq) return;
    if (prev->second + 1 == seq) {
      prev->second = seq;
      if (next != runs_.end() && next->first == seq + 1) {
        prev->second = next->second;
        runs_.erase(next);
      }
      return;
    }
  }
  uint64_t last = seq;
  if (next != runs_.end() && next->first == seq + 1) {
    last = next->second;
    runs_.erase(next);
  }
  runs_.emplace(seq, last);
}

bool ReplayedWrites::Covers(uint64_t first, uint64_t last) const {
  if (first > last) return true;
  auto next = runs_.upper_bound(first);
  if (next == runs_.begin()) return false;
  return std::prev(next)->second >= last;
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
                           const ReplayedWrites& replayed) {
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
  // The last write the listed tables hold: the largest counters sequence
  // among them. Not the store's counters: a writable open has flushed what
  // it replayed into new tables.
  const std::filesystem::path dir(path);
  const std::string key = codec::MetaKey(codec::MetaId::kCounters);
  uint64_t listed_seq = 0;
  for (const rocksdb::LiveFileMetaData& f : live) {
    const std::string name = std::filesystem::path(f.name).filename().string();
    if (candidates.contains(name) && f.smallestkey <= key &&
        key <= f.largestkey) {
      listed_seq =
          std::max(listed_seq, TableSeq((dir / name).string()).value_or(0));
    }
  }
  for (const std::string& name : unlisted) {
    const std::optional<uint64_t> seq = TableSeq((dir / name).string());
    if (seq.has_value() && !replayed.Covers(listed_seq + 1, *seq)) {
      return absl::DataLossError(StrCat(
          "the store at ", path, " is damaged: table file ", name,
          " holds writes up to sequence ", *seq,
          " but its MANIFEST does not list it, and neither the listed tables "
          "(to sequence ",
          listed_seq,
          ") nor the write-ahead log hold them (nothing was changed: "
          "moving ",
          name, " out of the folder opens the store without those writes)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::storage
