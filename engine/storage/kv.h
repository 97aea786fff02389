// The ordered key-value layer under the store: RocksDB, hidden behind small
// classes so that only storage/'s .cc files include RocksDB's headers. All
// RocksDB errors are converted to Status here.
#ifndef LINEAGEDB_STORAGE_KV_H_
#define LINEAGEDB_STORAGE_KV_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/options.h"
#include "lineagedb/status.h"

namespace lineagedb::storage {

// A set of puts and deletes applied atomically by Kv::Write.
class WriteBatch {
 public:
  WriteBatch();
  // With room for `reserved_bytes` of puts and deletes as RocksDB frames
  // them (a type byte, varint lengths, the bytes), so that filling it does
  // not grow it again and again.
  explicit WriteBatch(size_t reserved_bytes);
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Number of puts and deletes.
  size_t Count() const;
  // Bytes of keys and values held.
  size_t ByteSize() const;
  // Calls `fn` with the key of every put and delete, in batch order.
  void ForEachKey(const std::function<void(std::string_view)>& fn) const;
  void Clear();

 private:
  friend class Kv;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// A forward/backward cursor over keys in [lower, upper) of one snapshot.
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // First key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Last key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // Valid until the next move.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // OK unless the iteration stopped on an error.
  virtual Status status() const = 0;
};

// A consistent read-only view: every read through it sees the store as of
// its creation.
class ReadView {
 public:
  virtual ~ReadView() = default;
  // NOT_FOUND if absent (the message names the key).
  virtual Status Get(std::string_view key, std::string* value) const = 0;
  // One lookup per key; (*found)[i] tells whether keys[i] exists.
  virtual Status MultiGet(const std::vector<std::string>& keys,
                          std::vector<std::string>* values,
                          std::vector<bool>* found) const = 0;
  // Iterator over [lower, upper); an empty upper means no upper bound.
  virtual std::unique_ptr<Iterator> NewIterator(std::string lower,
                                                std::string upper) const = 0;
  // Iterator over keys starting with `prefix`.
  std::unique_ptr<Iterator> Scan(std::string_view prefix) const;
};

class Kv {
 public:
  // Opens (or creates) the RocksDB database at `path`. RocksDB 7.8 starts a
  // new write-ahead log at every open and keeps the empty ones of sessions
  // that wrote nothing until a flush; past kMaxIdleLogs of them, Open
  // rewrites the format version key with its own value and flushes, which
  // retires them and leaves every key and value as it was (best effort: if
  // that fails, the open goes on and the logs stay). A folder with database
  // files but no CURRENT is DATA_LOSS, never a new database; one without
  // either is NOT_FOUND unless create_if_missing (and not read_only). An
  // empty path is INVALID_ARGUMENT; a file is FAILED_PRECONDITION.
  static StatusOr<std::unique_ptr<Kv>> Open(const Options& options,
                                            const std::string& path);
  // Deletes the database at `path` and the files named `own_files` in its
  // folder, under the database's lock, which it takes before it reads the
  // folder; the folder and any other file (folders and links too) stay. A
  // folder without CURRENT loses its store-named files only if it holds
  // nothing else (a creation cut short). CURRENT is renamed first, so that
  // a destroy that stops midway leaves no store that seems whole: Open
  // calls it DATA_LOSS, and Destroy finishes it. Nothing to do if `path`
  // does not exist. Errors: INVALID_ARGUMENT (an empty path),
  // FAILED_PRECONDITION (the database is open for writing, in this process
  // or another; `path` is a file; column families besides the default
  // one; table, log or MANIFEST files without CURRENT; other files without
  // CURRENT: nothing removed), INTERNAL (a file cannot be removed).
  static Status Destroy(const std::string& path,
                        const std::vector<std::string>& own_files);
  // Whether a Destroy of `path` stopped before it finished.
  static bool DestroyStarted(const std::string& path);
  static constexpr int kMaxIdleLogs = 8;
  // The smallest Options::write_buffer_bytes Open takes (INVALID_ARGUMENT
  // below it).
  static constexpr uint64_t kMinWriteBufferBytes = 64 << 10;
  virtual ~Kv() = default;

  // Applies `batch` atomically, synced to disk if `sync`.
  virtual Status Write(WriteBatch* batch, bool sync) = 0;
  // A view of the latest committed state.
  virtual std::unique_ptr<ReadView> NewReadView() = 0;
  // Bytes of the store's files on disk (SST and WAL), approximately.
  virtual uint64_t DiskBytes() = 0;
  // Flushes memtables to SST files.
  virtual Status Flush() = 0;
  // The database's identity, fixed when it was created (RocksDB's IDENTITY
  // file; a copy of the files keeps it). Empty if it cannot be read.
  virtual std::string Identity() = 0;
  // Memtables started from now on hold `bytes` before they are flushed.
  // RocksDB may shrink the one being filled to the new size (it is then
  // flushed at its next write), never grow it. Errors: INVALID_ARGUMENT
  // from RocksDB.
  virtual Status SetWriteBufferBytes(uint64_t bytes) = 0;
  // The size set last (at open, Options::write_buffer_bytes).
  virtual uint64_t WriteBufferBytes() = 0;
  // Writes the write-ahead log to disk and syncs it: every write made so far
  // survives a machine crash.
  virtual Status SyncWal() = 0;
  // Reads every block of every table file (data, index, filter and meta
  // blocks alike) and checks its checksum: the blocks a scan of the keys
  // never reads too. Appends to `damaged` one line for each file with a
  // block that fails, naming the file and the block. Errors: none but
  // failures to list the files.
  virtual Status VerifyTableFiles(std::vector<std::string>* damaged) = 0;
  // Blocks until no flush or compaction is running or pending, so that a
  // measurement sees a settled store rather than one compacting under it.
  virtual Status WaitForCompactions() = 0;

  // For benchmarks: `observer` gets the serialized form of every batch
  // written from now on, before it is applied; WriteSerialized applies such
  // a form as it is. This measures RocksDB alone on exactly the keys, sizes,
  // order and batch boundaries that the store produced.
  using BatchObserver = std::function<void(std::string_view serialized)>;
  virtual void SetBatchObserver(BatchObserver observer) = 0;
  virtual Status WriteSerialized(std::string serialized, bool sync) = 0;

  // A key and its value, or (erase) its deletion, for IngestSorted.
  struct SortedEntry {
    std::string_view key;
    std::string_view value;
    bool erase = false;
  };
  // Bulk load: writes `entries`, keys strictly increasing, as one table file
  // and adds it to the store in one atomic step, past the write-ahead log
  // and the memtables (RocksDB's external file ingestion): a key the store
  // has gets the new value, an erase deletes. Neither the batch observer nor
  // the write listener sees it. The file is written in the store's folder;
  // one a crash left behind is removed by the next Open. Errors:
  // INVALID_ARGUMENT (no entries, or a key not after the one before it),
  // storage errors; on error the store is unchanged.
  virtual Status IngestSorted(const std::vector<SortedEntry>& entries) = 0;

  // `listener` gets every batch given to Write from now on, after RocksDB
  // returns and before Write does, whether or not the write succeeded (a
  // failed write may still be partly visible after a crash recovery, so
  // listeners that invalidate state must see it too). Set it before any
  // concurrent use; Write calls it on the writing thread.
  using WriteListener = std::function<void(const WriteBatch& batch)>;
  virtual void SetWriteListener(WriteListener listener) = 0;

 protected:
  static void* BatchRep(WriteBatch* batch);
};

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_KV_H_
