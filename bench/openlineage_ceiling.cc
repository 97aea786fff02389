// The rate of OpenLineage ingest of an NDJSON file against two ceilings
// measured in the same run, in events/s of the same file:
//   parse   DocumentParser alone: parse and validate every line, store
//           nothing (the cost no store can avoid);
//   ingest  OpenLineageIngester into a fresh store, fed line by line as
//           `lineagedb ingest` does, until Finish() returns;
//   raw     RocksDB alone, replaying exactly the batches the ingest wrote
//           (same keys, values, batches; WAL on, no sync; the memtable size
//           the ingest used) into a fresh database: the limit of the
//           store's write path;
//   sst     the same keys and values as sorted table files (runs of 256 MiB
//           of the batches, in order, sorted, the last write of a key
//           kept) loaded past the WAL and memtables (Kv::IngestSorted): the
//           limit of a bulk-load path.
// Each line gives the seconds until its last call returned, the seconds
// until no flush or compaction was left (settled), and the process's CPU
// seconds (all threads) until then: on a machine with few cores, CPU per
// event bounds the rate.
//
//   openlineage_ceiling --in /tmp/ol-1m.ndjson --dir /tmp/ceiling
//
// --dir must be new or an empty folder; it is removed at the end. Exit
// codes: 0 ok, 1 an error (an input with no accepted event among them), 2
// bad flags or a --dir in use.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "lineagedb/lineagedb.h"
#include "lineagedb/openlineage.h"
#include "openlineage/document.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "util/status_macros.h"

namespace lineagedb {
namespace {

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU seconds of the process so far, all threads, user and system.
double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One measured phase: see the file comment.
struct Phase {
  double wall_s = 0;
  double settled_s = 0;
  double cpu_s = 0;
};

// Times `work` and then `settle` into *phase.
template <typename Work, typename Settle>
Status Measure(Phase* phase, Work work, Settle settle) {
  const double t0 = Now();
  const double cpu0 = CpuSeconds();
  RETURN_IF_ERROR(work());
  phase->wall_s = Now() - t0;
  RETURN_IF_ERROR(settle());
  phase->settled_s = Now() - t0;
  phase->cpu_s = CpuSeconds() - cpu0;
  return absl::OkStatus();
}

// The non-blank lines of `text`.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      lines.push_back(line);
    }
    pos = end + 1;
  }
  return lines;
}

StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return absl::NotFoundError("cannot stat " + path);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError("cannot open " + path);
  std::string text(size, '\0');
  const size_t n = std::fread(text.data(), 1, size, f);
  std::fclose(f);
  if (n != size) return absl::InternalError("short read of " + path);
  return text;
}

// Parses and validates every line; returns the events that passed.
int64_t ParseOnly(const std::vector<std::string_view>& lines) {
  openlineage::DocumentParser parser;
  std::vector<openlineage::IndexedEvent> events;
  std::vector<RejectedEvent> rejected;
  int64_t count = 0;
  for (std::string_view line : lines) {
    events.clear();
    parser.Parse(line, "in", &events, &rejected);
    count += static_cast<int64_t>(events.size());
  }
  return count;
}

// Ingests the lines into a fresh store at `dir`, appending each batch the
// store writes to `batches`.
StatusOr<OpenLineageSummary> Ingest(const std::vector<std::string_view>& lines,
                                    const std::string& dir,
                                    std::vector<std::string>* batches,
                                    Phase* phase) {
  Options options;
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(options, dir));
  store->impl()->kv()->SetBatchObserver(
      [batches](std::string_view batch) { batches->emplace_back(batch); });
  ASSIGN_OR_RETURN(std::unique_ptr<OpenLineageIngester> ingester,
                   NewOpenLineageIngester(store.get(), OpenLineageOptions()));
  RETURN_IF_ERROR(Measure(
      phase,
      [&]() -> Status {
        for (std::string_view line : lines) {
          RETURN_IF_ERROR(ingester->IngestDocument(line, "in"));
        }
        return ingester->Finish();
      },
      [&] { return store->impl()->kv()->WaitForCompactions(); }));
  return ingester->summary();
}

// The options of the raw and sst databases: the memtable size the ingest
// used for its large writes.
Options CeilingOptions() {
  Options options;
  options.write_buffer_bytes = OpenLineageOptions().write_buffer_bytes;
  return options;
}

Status Replay(std::vector<std::string> batches, const std::string& dir,
              Phase* phase) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Kv> kv,
                   storage::Kv::Open(CeilingOptions(), dir));
  return Measure(
      phase,
      [&]() -> Status {
        for (std::string& b : batches) {
          RETURN_IF_ERROR(kv->WriteSerialized(std::move(b), /*sync=*/false));
        }
        return absl::OkStatus();
      },
      [&] { return kv->WaitForCompactions(); });
}

// Puts and deletes of serialized RocksDB write batches, in total and by
// key tag (codec/keys.h), with their key and value bytes.
struct KeyCounts {
  int64_t keys = 0;
  int64_t count[256] = {};
  int64_t deletes[256] = {};
  int64_t bytes[256] = {};
};

bool Varint32(std::string_view* in, uint32_t* v) {
  *v = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Calls fn(key, value, erase) for each record of a serialized batch, in
// the record layout of rocksdb/db/write_batch.cc: a 12-byte header, then
// per record a type byte (0 delete, 1 put), the key and, for a put, the
// value, each as varint32 length and bytes. Stops at a record of another
// type.
template <typename Fn>
void ForEachRecord(std::string_view batch, Fn fn) {
  if (batch.size() < 12) return;
  batch.remove_prefix(12);
  while (!batch.empty()) {
    const uint8_t type = static_cast<uint8_t>(batch.front());
    batch.remove_prefix(1);
    if (type != 0 && type != 1) return;
    uint32_t key_size = 0, value_size = 0;
    if (!Varint32(&batch, &key_size) || batch.size() < key_size) return;
    const std::string_view key = batch.substr(0, key_size);
    batch.remove_prefix(key_size);
    std::string_view value;
    if (type == 1) {
      if (!Varint32(&batch, &value_size) || batch.size() < value_size) return;
      value = batch.substr(0, value_size);
      batch.remove_prefix(value_size);
    }
    fn(key, value, type == 0);
  }
}

void CountKeys(std::string_view batch, KeyCounts* counts) {
  ForEachRecord(batch, [counts](std::string_view key, std::string_view value,
                                bool erase) {
    const uint8_t tag = key.empty() ? 0 : static_cast<uint8_t>(key[0]);
    ++counts->keys;
    ++counts->count[tag];
    counts->deletes[tag] += erase;
    counts->bytes[tag] += key.size() + value.size();
  });
}

// Loads the records of `batches` into a fresh database at `dir` as sorted
// table files: runs of kRunBytes of the batches, in order, each sorted by
// key with the last write of a key kept.
Status BulkLoad(const std::vector<std::string>& batches, const std::string& dir,
                Phase* phase) {
  constexpr size_t kRunBytes = size_t{256} << 20;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Kv> kv,
                   storage::Kv::Open(CeilingOptions(), dir));
  std::vector<storage::Kv::SortedEntry> run, sorted;
  size_t run_bytes = 0;
  auto load_run = [&]() -> Status {
    // Stable: of the writes of one key, the last stays last.
    std::stable_sort(run.begin(), run.end(), [](const auto& a, const auto& b) {
      return a.key < b.key;
    });
    sorted.clear();
    for (size_t i = 0; i < run.size(); ++i) {
      if (i + 1 < run.size() && run[i + 1].key == run[i].key) continue;
      sorted.push_back(run[i]);
    }
    run.clear();
    run_bytes = 0;
    return kv->IngestSorted(sorted);
  };
  return Measure(
      phase,
      [&]() -> Status {
        for (const std::string& b : batches) {
          ForEachRecord(
              b, [&](std::string_view key, std::string_view value, bool erase) {
                run.push_back({key, value, erase});
                run_bytes += key.size() + value.size();
              });
          if (run_bytes >= kRunBytes) RETURN_IF_ERROR(load_run());
        }
        return run.empty() ? absl::OkStatus() : load_run();
      },
      [&] { return kv->WaitForCompactions(); });
}

void PrintKeyCounts(const KeyCounts& c, double events) {
  std::printf("tag   keys/event  deletes/event  bytes/event\n");
  for (int tag = 0; tag < 256; ++tag) {
    if (c.count[tag] == 0) continue;
    std::printf("0x%02x  %10.2f  %13.2f  %11.0f\n", tag, c.count[tag] / events,
                c.deletes[tag] / events, c.bytes[tag] / events);
  }
}

int Run(int argc, char** argv) {
  CLI::App app{
      "openlineage_ceiling: OpenLineage ingest rate against parse "
      "and raw RocksDB ceilings"};
  std::string in, dir;
  app.add_option("--in", in, "NDJSON file of OpenLineage events")->required();
  app.add_option("--dir", dir,
                 "Scratch folder: new or empty, removed at the end")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  StatusOr<std::string> text = ReadFile(in);
  if (!text.ok()) {
    std::fprintf(stderr, "%s\n", text.status().ToString().c_str());
    return 1;
  }
  const std::vector<std::string_view> lines = Lines(*text);
  if (lines.empty()) {
    std::fprintf(stderr, "%s holds no events\n", in.c_str());
    return 1;
  }
  // Only a folder of its own is removed at the end.
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) &&
      !(std::filesystem::is_directory(dir, ec) &&
        std::filesystem::is_empty(dir, ec))) {
    std::fprintf(stderr, "--dir %s exists and is not an empty folder\n",
                 dir.c_str());
    return 2;
  }
  if (std::filesystem::create_directories(dir, ec); ec) {
    std::fprintf(stderr, "cannot make --dir %s: %s\n", dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  // Removed on every way out, so that the same command can run again.
  struct RemoveAtExit {
    const std::string& dir;
    ~RemoveAtExit() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove_at_exit{dir};

  Phase parse;
  int64_t parsed = 0;
  Measure(
      &parse,
      [&] {
        parsed = ParseOnly(lines);
        return absl::OkStatus();
      },
      [] { return absl::OkStatus(); })
      .IgnoreError();

  std::vector<std::string> batches;
  Phase ingest;
  StatusOr<OpenLineageSummary> summary =
      Ingest(lines, dir + "/store", &batches, &ingest);
  if (!summary.ok()) {
    std::fprintf(stderr, "ingest: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  if (summary->events == 0) {
    std::fprintf(stderr, "ingest: no event of %s was accepted\n", in.c_str());
    return 1;
  }
  KeyCounts counts;
  for (const std::string& b : batches) CountKeys(b, &counts);
  const int64_t keys = counts.keys;
  size_t bytes = 0;
  for (const std::string& b : batches) bytes += b.size();
  const size_t batch_count = batches.size();

  Phase sst;
  if (Status s = BulkLoad(batches, dir + "/sst", &sst); !s.ok()) {
    std::fprintf(stderr, "sst: %s\n", s.ToString().c_str());
    return 1;
  }
  Phase raw;
  if (Status s = Replay(std::move(batches), dir + "/raw", &raw); !s.ok()) {
    std::fprintf(stderr, "raw: %s\n", s.ToString().c_str());
    return 1;
  }
  const double events = static_cast<double>(summary->events);
  std::printf(
      "events %lld (parsed %lld), %lld keys (%.1f per event) in %zu "
      "batches, %.0f MiB\n",
      static_cast<long long>(summary->events), static_cast<long long>(parsed),
      static_cast<long long>(keys), keys / events, batch_count,
      bytes / 1048576.0);
  std::printf("%-7s %8s %12s %10s %8s %12s\n", "", "s", "events/s", "settled s",
              "cpu s", "cpu us/event");
  auto print = [&](const char* name, const Phase& p, double n) {
    std::printf("%-7s %8.2f %12.0f %10.2f %8.2f %12.1f\n", name, p.wall_s,
                n / p.wall_s, p.settled_s, p.cpu_s, 1e6 * p.cpu_s / n);
  };
  print("parse", parse, static_cast<double>(parsed));
  print("ingest", ingest, events);
  print("raw", raw, events);
  print("sst", sst, events);
  PrintKeyCounts(counts, events);
  return 0;
}

}  // namespace
}  // namespace lineagedb

int main(int argc, char** argv) { return lineagedb::Run(argc, argv); }
