// Kv over RocksDB. Only engine/storage/ includes RocksDB; its headers
// other than kv.h are private to the folder.
#include "storage/kv.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/cord.h"
#include "codec/coding.h"
#include "codec/keys.h"
#include "storage/info_log.h"
#include "storage/log_tail.h"
#include "storage/rocks_status.h"
#include "storage/store_folder.h"
#include "storage/unlisted_tables.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::storage {

namespace {

// RocksDB counts every write and read into a thread-local perf context
// unless the calling thread turns it off; nothing of lineagedb reads those
// counts, and from the shared library each one is a __tls_get_addr call (a
// fifth of the bulk writer thread's CPU). Off for the length of one call;
// the thread's level is restored for a host that counts its own calls.
class PerfCountsOff {
 public:
  PerfCountsOff() : saved_(rocksdb::GetPerfLevel()) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  }
  ~PerfCountsOff() { rocksdb::SetPerfLevel(saved_); }
  PerfCountsOff(const PerfCountsOff&) = delete;
  PerfCountsOff& operator=(const PerfCountsOff&) = delete;

 private:
  const rocksdb::PerfLevel saved_;
};

// Key bytes the prefix Bloom filters cover: a tag and a big-endian id.
constexpr size_t kPrefixBytes = 9;

class RocksIterator final : public Iterator {
 public:
  RocksIterator(rocksdb::DB* db, const rocksdb::Snapshot* snap,
                std::string lower, std::string upper)
      : lower_(std::move(lower)), upper_(std::move(upper)) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    // A scan within one key prefix (see kPrefixBytes) consults the prefix
    // Bloom filters and skips tables without the prefix; wider scans stay
    // in total order.
    ro.auto_prefix_mode = true;
    lower_slice_ = rocksdb::Slice(lower_);
    ro.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) {
      upper_slice_ = rocksdb::Slice(upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    it_.reset(db->NewIterator(ro));
  }
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view t) override { it_->Seek(ToSlice(t)); }
  void SeekForPrev(std::string_view t) override {
    it_->SeekForPrev(ToSlice(t));
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  Status status() const override {
    return FromRocks(it_->status(), "iterator");
  }

 private:
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksReadView final : public ReadView {
 public:
  explicit RocksReadView(rocksdb::DB* db) : db_(db), snap_(db->GetSnapshot()) {}
  ~RocksReadView() override { db_->ReleaseSnapshot(snap_); }

  Status Get(std::string_view key, std::string* value) const override {
    PerfCountsOff off;
    rocksdb::ReadOptions ro;
    ro.snapshot = snap_;
    rocksdb::Status s = db_->Get(ro, ToSlice(key), value);
    if (s.IsNotFound()) {
      return absl::NotFoundError(StrCat("no key ", codec::Hex(key)));
    }
    return FromRocks(s, "get");
  }

  Status MultiGet(const std::vector<std::string>& keys,
                  std::vector<std::string>* values,
                  std::vector<bool>* found) const override {
    PerfCountsOff off;
    rocksdb::ReadOptions ro;
    ro.snapshot = snap_;
    std::vector<rocksdb::Slice> slices;
    slices.reserve(keys.size());
    for (const auto& k : keys) slices.emplace_back(k);
    std::vector<rocksdb::PinnableSlice> pinned(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db_->MultiGet(ro, db_->DefaultColumnFamily(), keys.size(), slices.data(),
                  pinned.data(), statuses.data());
    values->resize(keys.size());
    found->assign(keys.size(), false);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].IsNotFound()) continue;
      if (!statuses[i].ok()) return FromRocks(statuses[i], "multiget");
      (*values)[i].assign(pinned[i].data(), pinned[i].size());
      (*found)[i] = true;
    }
    return absl::OkStatus();
  }

  std::unique_ptr<Iterator> NewIterator(std::string lower,
                                        std::string upper) const override {
    return std::make_unique<RocksIterator>(db_, snap_, std::move(lower),
                                           std::move(upper));
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

class RocksKv final : public Kv {
 public:
  // `replayed` is the WAL filter a read-only `db` was opened with (its
  // options keep a pointer to it), or what a writable one's check used.
  RocksKv(std::unique_ptr<rocksdb::DB> db,
          std::unique_ptr<ReplayedWrites> replayed)
      : replayed_(std::move(replayed)), db_(std::move(db)) {}
  ~RocksKv() override { db_->Close().PermitUncheckedError(); }

  Status Write(WriteBatch* batch, bool sync) override {
    PerfCountsOff off;
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    auto* wb = static_cast<rocksdb::WriteBatch*>(BatchRep(batch));
    if (observer_) observer_(ToView(rocksdb::Slice(wb->Data())));
    rocksdb::Status s = db_->Write(wo, wb);
    if (listener_) listener_(*batch);
    return FromRocks(s, "write");
  }

  void SetBatchObserver(BatchObserver observer) override {
    observer_ = std::move(observer);
  }

  void SetWriteListener(WriteListener listener) override {
    listener_ = std::move(listener);
  }

  Status WriteSerialized(std::string serialized, bool sync) override {
    PerfCountsOff off;
    rocksdb::WriteBatch wb(std::move(serialized));
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db_->Write(wo, &wb), "write");
  }

  std::unique_ptr<ReadView> NewReadView() override {
    return std::make_unique<RocksReadView>(db_.get());
  }

  Status IngestSorted(const std::vector<SortedEntry>& entries) override {
    if (entries.empty()) {
      return absl::InvalidArgumentError("a bulk load needs entries");
    }
    // The store's own options: the file is read as if a flush had made it.
    const rocksdb::Options options = db_->GetOptions();
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(options), options);
    const std::string file =
        BulkFilePath(db_->GetName(), next_bulk_file_.fetch_add(1));
    rocksdb::Status s = writer.Open(file);
    for (size_t i = 0; s.ok() && i < entries.size(); ++i) {
      const SortedEntry& e = entries[i];
      const rocksdb::Slice key(e.key.data(), e.key.size());
      s = e.erase
              ? writer.Delete(key)
              : writer.Put(key, rocksdb::Slice(e.value.data(), e.value.size()));
      if (s.IsInvalidArgument()) {
        s = rocksdb::Status::InvalidArgument(
            StrCat("entry ", i, " of a bulk load: ", s.ToString()));
      }
    }
    if (s.ok()) s = writer.Finish();
    if (s.ok()) {
      rocksdb::IngestExternalFileOptions ingest;
      ingest.move_files = true;
      s = db_->IngestExternalFile({file}, ingest);
    }
    std::error_code ec;
    std::filesystem::remove(file, ec);  // Linked into the store, or failed.
    return FromRocks(s, "bulk load");
  }

  uint64_t DiskBytes() override {
    uint64_t sst = 0, wal = 0;
    db_->GetIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &sst);
    std::error_code ec;
    for (const auto& e :
         std::filesystem::directory_iterator(db_->GetName(), ec)) {
      if (e.path().extension() == ".log") wal += e.file_size(ec);
    }
    return sst + wal;
  }

  Status Flush() override {
    return FromRocks(db_->Flush(rocksdb::FlushOptions()), "flush");
  }

  std::string Identity() override {
    std::string identity;
    if (!db_->GetDbIdentity(identity).ok()) identity.clear();
    return identity;
  }

  Status SetWriteBufferBytes(uint64_t bytes) override {
    return FromRocks(
        db_->SetOptions({{"write_buffer_size", std::to_string(bytes)}}),
        "set write_buffer_size");
  }

  uint64_t WriteBufferBytes() override {
    return db_->GetOptions().write_buffer_size;
  }

  Status SyncWal() override {
    return FromRocks(db_->FlushWAL(/*sync=*/true), "sync the WAL");
  }

  Status VerifyTableFiles(std::vector<std::string>* damaged) override {
    // File by file, so that every damaged one is named: the database's
    // VerifyChecksum stops at the first.
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      return a.file_number < b.file_number;  // Oldest first.
    });
    const rocksdb::Options options = db_->GetOptions();
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    for (const rocksdb::LiveFileMetaData& f : files) {
      const std::string path = f.db_path + f.name;
      rocksdb::SstFileReader reader(options);
      rocksdb::Status s = reader.Open(path);
      if (s.ok()) s = reader.VerifyChecksum(read);
      if (!s.ok()) {
        damaged->push_back(StrCat("table file ", path, ": ", s.ToString()));
      }
    }
    return absl::OkStatus();
  }

  Status WaitForCompactions() override {
    // RocksDB 7.8 has no WaitForCompact: poll its counters.
    for (;;) {
      uint64_t pending = 0, compactions = 0, flushes = 0;
      if (!db_->GetIntProperty(rocksdb::DB::Properties::kCompactionPending,
                               &pending) ||
          !db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions,
                               &compactions) ||
          !db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningFlushes,
                               &flushes)) {
        return absl::InternalError("RocksDB lacks the compaction counters");
      }
      if (pending == 0 && compactions == 0 && flushes == 0) {
        return absl::OkStatus();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  std::unique_ptr<ReplayedWrites> replayed_;  // Outlives db_.
  std::unique_ptr<rocksdb::DB> db_;
  BatchObserver observer_;
  WriteListener listener_;
  std::atomic<uint64_t> next_bulk_file_{0};  // Names IngestSorted's files.
};

// See Kv::Open. Every read-only session (each CLI command) would otherwise
// leave one more file behind, and each open replays them all.
Status RetireIdleLogs(rocksdb::DB* db) {
  int logs = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(db->GetName(), ec)) {
    if (e.path().extension() == ".log") ++logs;
  }
  if (logs <= Kv::kMaxIdleLogs) return absl::OkStatus();
  const std::string key = codec::MetaKey(codec::MetaId::kFormatVersion);
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return absl::OkStatus();  // Not a store yet.
  RETURN_IF_ERROR(FromRocks(s, "read the format version"));
  RETURN_IF_ERROR(FromRocks(db->Put(rocksdb::WriteOptions(), key, value),
                            "rewrite the format version"));
  return FromRocks(db->Flush(rocksdb::FlushOptions()), "flush");
}

}  // namespace

struct WriteBatch::Rep {
  rocksdb::WriteBatch batch;
};

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::WriteBatch(size_t reserved_bytes)
    : rep_(std::make_unique<Rep>(Rep{rocksdb::WriteBatch(reserved_bytes)})) {}
WriteBatch::~WriteBatch() = default;
void WriteBatch::Put(std::string_view key, std::string_view value) {
  rep_->batch.Put(ToSlice(key), ToSlice(value)).PermitUncheckedError();
}
void WriteBatch::Delete(std::string_view key) {
  rep_->batch.Delete(ToSlice(key)).PermitUncheckedError();
}
size_t WriteBatch::Count() const { return rep_->batch.Count(); }
size_t WriteBatch::ByteSize() const { return rep_->batch.GetDataSize(); }
void WriteBatch::Clear() { rep_->batch.Clear(); }

void WriteBatch::ForEachKey(
    const std::function<void(std::string_view)>& fn) const {
  struct Keys : rocksdb::WriteBatch::Handler {
    const std::function<void(std::string_view)>* fn;
    void Put(const rocksdb::Slice& key, const rocksdb::Slice&) override {
      (*fn)(ToView(key));
    }
    void Delete(const rocksdb::Slice& key) override { (*fn)(ToView(key)); }
    void SingleDelete(const rocksdb::Slice& key) override {
      (*fn)(ToView(key));
    }
    void Merge(const rocksdb::Slice& key, const rocksdb::Slice&) override {
      (*fn)(ToView(key));
    }
  } keys;
  keys.fn = &fn;
  // Iterate fails only on a corrupt batch, which Write rejects too.
  rep_->batch.Iterate(&keys).PermitUncheckedError();
}
void* Kv::BatchRep(WriteBatch* batch) { return &batch->rep_->batch; }

std::unique_ptr<Iterator> ReadView::Scan(std::string_view prefix) const {
  return NewIterator(std::string(prefix), codec::PrefixEnd(prefix));
}

namespace {

// Whether the database at `path`, which failed to open, opens read-only
// when its log replay stops at the first damaged record: then the damage is
// in the write-ahead log. Writes nothing.
bool DamagedLogOnly(rocksdb::Options ro, const std::string& path) {
  ro.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(ro, path, &raw,
                                    /*error_if_wal_file_exists=*/false)
           .ok()) {
    return false;
  }
  delete raw;
  return true;
}

// RocksDB's options for the store at `db_path` (DatabasePath).
rocksdb::Options RocksOptions(const Options& options,
                              const std::string& db_path) {
  rocksdb::Options ro;
  ro.create_if_missing = options.create_if_missing;
  ro.error_if_exists = options.error_if_exists;
  ro.write_buffer_size = options.write_buffer_bytes;
  ro.max_background_jobs = 2;
  // LZ4 at every level, the bottommost too: a point read that misses the
  // block cache decompresses its block at LZ4's speed (ZSTD cost a third
  // more per cold lookup for a sixth less disk).
  ro.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Point reads (nodes by id, events, type and name lookups) hit a cache of
  // whole values before any block: no index or block search per key.
  // Not for a read-only store: RocksDB 7.8 then answers NOT_FOUND for keys
  // in a table file once the log it replayed holds later writes (measured:
  // the format version key, read once at the open, was missing from the
  // next snapshot's reads).
  if (options.row_cache_bytes > 0 && !options.read_only) {
    ro.row_cache = rocksdb::NewLRUCache(options.row_cache_bytes);
  }
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Point reads find their key in a data block by hash, not binary search.
  table.data_block_index_type =
      rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  // Filters also hold each key's first kPrefixBytes (a tag and the id the
  // family is keyed by: a node's edges, a fingerprint's executions), so a
  // scan of one node's edges skips every table that has none.
  ro.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(kPrefixBytes));
  // Index and filter blocks live with their open table, not in the block
  // cache: a whole-file filter of a large SST can outgrow a cache shard, and
  // then every Get would read it from disk again.
  table.cache_index_and_filter_blocks = false;
  table.format_version = 5;
  ro.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // A Bloom filter over the memtable's whole keys: a write's lookups of keys
  // that do not exist yet (a new node's name and external id) skip the
  // skip-list search.
  ro.memtable_prefix_bloom_size_ratio = 0.05;
  ro.memtable_whole_key_filtering = true;
  // The memtable keeps one insert position per family (a tag and its
  // next byte: the kind, or the top byte of an id). A batch's keys are
  // sorted, and a family's new keys mostly land where its last ones did
  // (new ids are the largest), so an insert starts next to its place
  // instead of at the skip list's head.
  ro.memtable_insert_with_hint_prefix_extractor.reset(
      rocksdb::NewCappedPrefixTransform(2));
  ro.level_compaction_dynamic_level_bytes = true;
  // Replaying the write-ahead log drops a last record cut short (a crash in
  // the middle of a write), but a damaged record fails the open (DATA_LOSS)
  // unless salvage_log: RocksDB's default would silently drop it and
  // everything after it, committed writes included. The damage this mode
  // takes for the log's end (a length past it, a recyclable type) is found
  // before the open (storage/log_tail.h).
  ro.wal_recovery_mode =
      options.salvage_log
          ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
          : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  ro.info_log_level = rocksdb::WARN_LEVEL;
  // A writer logs through stdio (storage/info_log.h: RocksDB's own log
  // writer aborts the process on a full disk). A read-only open logs
  // nothing, as RocksDB has it.
  if (!options.read_only) {
    ro.info_log = NewInfoLog((std::filesystem::path(db_path) / "LOG").string(),
                             ro.info_log_level);
  }
  // Tables read through memory maps (Options::mmap_reads). Opening a store
  // reads every table's filter and index blocks (a tenth of its bytes);
  // mapped, they are used in place from the OS page cache instead of being
  // copied into fresh heap pages, whose first-touch faults were most of an
  // open (10M-node store: 0.8-0.9 s -> 0.3 s, BENCHMARKS.md). The cost: an
  // I/O error under a mapped page is a SIGBUS, not a Status (checksums
  // still catch corrupt bytes).
  ro.allow_mmap_reads = options.mmap_reads;
  // No MADV_RANDOM on the maps: an open on a cold OS cache reads the filter
  // blocks in order, and readahead makes that 4x faster (a cold random
  // point read then reads ahead too).
  ro.advise_random_on_open = !options.mmap_reads;
  return ro;
}

// The Status of RocksDB's failed open of the store at `path`.
Status OpenError(const rocksdb::Status& s, const Options& options,
                 const rocksdb::Options& ro, const std::string& path,
                 const std::string& db_path) {
  if (s.IsInvalidArgument() &&
      s.ToString().find("does not exist") != std::string::npos) {
    return absl::NotFoundError(
        StrCat("no store at ", path, " (create_if_missing is off)"));
  }
  if (s.IsInvalidArgument() &&
      s.ToString().find("exists") != std::string::npos) {
    return absl::AlreadyExistsError(StrCat("a store already exists at ", path));
  }
  Status error = FromRocks(s, StrCat("open ", path));
  if (s.IsCorruption() && !options.salvage_log && DamagedLogOnly(ro, db_path)) {
    error.SetPayload(kDamagedLogPayload, absl::Cord());
  }
  return error;
}

// Errors of Kv::Open found from its arguments alone.
Status CheckOpenArgs(const Options& options, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError("a store needs the path of a folder");
  }
  // RocksDB asserts (aborts) on memtables too small for one arena block.
  if (options.write_buffer_bytes < Kv::kMinWriteBufferBytes) {
    return absl::InvalidArgumentError(
        StrCat("write_buffer_bytes is ", options.write_buffer_bytes,
               "; a memtable needs at least ", Kv::kMinWriteBufferBytes));
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if ((!ec && std::filesystem::exists(status) &&
       !std::filesystem::is_directory(status)) ||
      ec == std::errc::not_a_directory) {
    return absl::FailedPreconditionError(StrCat(
        path, " is not a folder", ec ? " (a part of it is a file)" : ""));
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<std::unique_ptr<Kv>> Kv::Open(const Options& options,
                                       const std::string& path) {
  RETURN_IF_ERROR(CheckOpenArgs(options, path));
  // RocksDB refuses a second open of a folder in one process by its path's
  // spelling: "store", "./store" and a symlink to it must be one folder.
  const std::string db_path = DatabasePath(path);
  const rocksdb::Options ro = RocksOptions(options, db_path);
  bool has_current = false;
  RETURN_IF_ERROR(CheckFolder(options, path, db_path, &has_current));
  // A damaged record RocksDB would take for a write cut short.
  if (!options.salvage_log) {
    if (Status s = CheckLogTails(db_path); !s.ok()) {
      Status error(s.code(),
                   StrCat("open ", path, ": ", std::string(s.message())));
      if (s.GetPayload(kDamagedLogPayload).has_value()) {
        error.SetPayload(kDamagedLogPayload, absl::Cord());
      }
      return error;
    }
  }
  // Table files the MANIFEST does not list are judged before anything is
  // written (storage/unlisted_tables.h): a writable open would delete them,
  // and before that flush what it replays into a new table and delete the
  // log, so that a later open could no longer tell lost writes. A writable
  // open of a store is thus preceded by a read-only one, which writes
  // nothing, under the store's lock; it opens tables as it reads them, and
  // only the check reads any.
  // The filter watches the read-only open's replay only: the writable open
  // after it has nothing left to judge.
  auto replayed = std::make_unique<ReplayedWrites>();
  rocksdb::Options check = ro;
  check.wal_filter = replayed.get();
  rocksdb::FileLock* lock = nullptr;
  if (!options.read_only && has_current) {
    check.max_open_files = 16;
    check.allow_mmap_reads = false;
    check.row_cache.reset();
    const rocksdb::Status locked = rocksdb::Env::Default()->LockFile(
        (std::filesystem::path(db_path) / "LOCK").string(), &lock);
    if (!locked.ok()) return FromRocks(locked, StrCat("open ", path));
  }
  rocksdb::Status s;
  std::unique_ptr<rocksdb::DB> db;
  Status unlisted;
  // A read-only open beside a writer looks again when the writer has
  // deleted a file the MANIFEST it read still lists (a compaction's
  // inputs), or written a table that MANIFEST does not list yet (a flush).
  for (int attempt = 0; has_current; ++attempt) {
    const std::set<std::string> tables =
        TableFiles(db_path);  // Before it opens.
    replayed->Clear();
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::OpenForReadOnly(check, db_path, &raw,
                                     /*error_if_wal_file_exists=*/false);
    db.reset(raw);
    if (s.ok()) {
      unlisted = CheckUnlistedTables(db.get(), db_path, tables, *replayed);
    }
    const bool again =
        s.ok() ? !unlisted.ok()
               : s.ToString().find("No such file") != std::string::npos;
    if (!options.read_only || !again || attempt == 5) break;
    db.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
  }
  if (!options.read_only) {
    db.reset();
    const rocksdb::Status unlocked =
        lock == nullptr ? rocksdb::Status::OK()
                        : rocksdb::Env::Default()->UnlockFile(lock);
    if (s.ok() && unlisted.ok()) {
      // A writer that took the lock meanwhile fails this open on it.
      if (!unlocked.ok()) return FromRocks(unlocked, StrCat("open ", path));
      rocksdb::DB* raw = nullptr;
      s = rocksdb::DB::Open(ro, db_path, &raw);
      db.reset(raw);
    }
  }
  if (!s.ok()) return OpenError(s, options, ro, path, db_path);
  RETURN_IF_ERROR(unlisted);
  if (!options.read_only) {
    // Housekeeping: a store that cannot take the write (a full disk) opens
    // all the same, its logs left for a later open.
    RetireIdleLogs(db.get()).IgnoreError();
    RemoveBulkFiles(db_path);
  }
  return std::unique_ptr<Kv>(
      std::make_unique<RocksKv>(std::move(db), std::move(replayed)));
}

}  // namespace lineagedb::storage
