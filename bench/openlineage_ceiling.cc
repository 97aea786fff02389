// The rate of OpenLineage ingest of an NDJSON file against two ceilings
// measured in the same run, in events/s of the same file:
//   parse   DocumentParser alone: parse and validate every line, store
//           nothing (the cost no store can avoid);
//   ingest  OpenLineageIngester into a fresh store, fed line by line as
//           `lineagedb ingest` does, until Finish() returns;
//   raw     RocksDB alone, replaying exactly the batches the ingest wrote
//           (same keys, values, batches; WAL on, no sync) into a fresh
//           database: the physical limit of the store's writes.
//
//   openlineage_ceiling --in /tmp/ol-1m.ndjson --dir /tmp/ceiling
//
// --dir is removed and recreated. Exit codes: 0 ok, 1 an error, 2 bad flags.
#include <CLI/CLI.hpp>
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
                                    std::vector<std::string>* batches) {
  Options options;
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(options, dir));
  store->impl()->kv()->SetBatchObserver(
      [batches](std::string_view batch) { batches->emplace_back(batch); });
  ASSIGN_OR_RETURN(std::unique_ptr<OpenLineageIngester> ingester,
                   NewOpenLineageIngester(store.get(), OpenLineageOptions()));
  for (std::string_view line : lines) {
    RETURN_IF_ERROR(ingester->IngestDocument(line, "in"));
  }
  RETURN_IF_ERROR(ingester->Finish());
  return ingester->summary();
}

Status Replay(std::vector<std::string> batches, const std::string& dir) {
  Options options;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Kv> kv,
                   storage::Kv::Open(options, dir));
  for (std::string& b : batches) {
    RETURN_IF_ERROR(kv->WriteSerialized(std::move(b), /*sync=*/false));
  }
  return absl::OkStatus();
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

// The record layout of rocksdb/db/write_batch.cc: a 12-byte header, then
// per record a type byte (0 delete, 1 put), the key and, for a put, the
// value, each as varint32 length and bytes.
void CountKeys(std::string_view batch, KeyCounts* counts) {
  if (batch.size() < 12) return;
  batch.remove_prefix(12);
  while (!batch.empty()) {
    const uint8_t type = static_cast<uint8_t>(batch.front());
    batch.remove_prefix(1);
    if (type != 0 && type != 1) return;
    uint32_t key_size = 0, value_size = 0;
    if (!Varint32(&batch, &key_size) || batch.size() < key_size) return;
    const uint8_t tag = key_size > 0 ? static_cast<uint8_t>(batch[0]) : 0;
    batch.remove_prefix(key_size);
    if (type == 1) {
      if (!Varint32(&batch, &value_size) || batch.size() < value_size) return;
      batch.remove_prefix(value_size);
    }
    ++counts->keys;
    ++counts->count[tag];
    counts->deletes[tag] += type == 0;
    counts->bytes[tag] += key_size + value_size;
  }
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
  app.add_option("--dir", dir, "Scratch folder (removed first)")->required();
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
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  double t0 = Now();
  const int64_t parsed = ParseOnly(lines);
  const double parse_s = Now() - t0;

  std::vector<std::string> batches;
  t0 = Now();
  StatusOr<OpenLineageSummary> summary =
      Ingest(lines, dir + "/store", &batches);
  const double ingest_s = Now() - t0;
  if (!summary.ok()) {
    std::fprintf(stderr, "ingest: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  KeyCounts counts;
  for (const std::string& b : batches) CountKeys(b, &counts);
  const int64_t keys = counts.keys;
  size_t bytes = 0;
  for (const std::string& b : batches) bytes += b.size();
  const size_t batch_count = batches.size();

  t0 = Now();
  Status replayed = Replay(std::move(batches), dir + "/raw");
  const double raw_s = Now() - t0;
  if (!replayed.ok()) {
    std::fprintf(stderr, "raw: %s\n", replayed.ToString().c_str());
    return 1;
  }
  const double events = static_cast<double>(summary->events);
  std::printf(
      "events %lld (parsed %lld), %lld keys (%.1f per event) in %zu "
      "batches, %.0f MiB\n",
      static_cast<long long>(summary->events), static_cast<long long>(parsed),
      static_cast<long long>(keys), keys / events, batch_count,
      bytes / 1048576.0);
  std::printf("parse   %8.2f s %10.0f events/s\n", parse_s, parsed / parse_s);
  std::printf(
      "ingest  %8.2f s %10.0f events/s  (%.1f%% of raw, %.1f%% of "
      "parse)\n",
      ingest_s, events / ingest_s, 100 * raw_s / ingest_s,
      100 * parse_s / ingest_s);
  std::printf("raw     %8.2f s %10.0f events/s  %.0f keys/s\n", raw_s,
              events / raw_s, keys / raw_s);
  PrintKeyCounts(counts, events);
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace lineagedb

int main(int argc, char** argv) { return lineagedb::Run(argc, argv); }
