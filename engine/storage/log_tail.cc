#include "storage/log_tail.h"

#include <boost/crc.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/cord.h"
#include "util/str_cat.h"

namespace lineagedb::storage {

namespace {

constexpr size_t kHeaderBytes = 7;
constexpr size_t kRecyclableHeaderBytes = 11;
constexpr uint32_t kMaskDelta = 0xa282ead8u;

// CRC-32C (Castagnoli): RocksDB's crc32c::Value.
using Crc32c =
    boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

uint32_t Fixed32(std::string_view bytes) {
  return static_cast<uint32_t>(static_cast<uint8_t>(bytes[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[3])) << 24;
}

uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

bool Recyclable(uint8_t type) { return type >= 5 && type <= 8; }

// The header size RocksDB 7.8 reads for `type`: recyclable types carry the
// log number.
size_t HeaderBytes(uint8_t type) {
  return Recyclable(type) ? kRecyclableHeaderBytes : kHeaderBytes;
}

// A record parsed at `at` of `block`: its header fields.
struct Header {
  uint32_t crc = 0;
  size_t length = 0;
  uint8_t type = 0;
};

Header HeaderAt(std::string_view block, size_t at) {
  return {Fixed32(block.substr(at)),
          static_cast<uint8_t>(block[at + 4]) |
              static_cast<size_t>(static_cast<uint8_t>(block[at + 5])) << 8,
          static_cast<uint8_t>(block[at + 6])};
}

// Whether a record of a type RocksDB 7.8 writes (1-4 whole and fragments,
// 5-8 their recyclable forms, 9 the compression type) starts at `at`, ends
// within `block`, and has a checksum that holds.
bool ValidRecordAt(std::string_view block, size_t at) {
  if (at > block.size() || block.size() - at < kHeaderBytes) return false;
  const Header h = HeaderAt(block, at);
  if (h.type < 1 || h.type > 9) return false;
  const size_t header_bytes = HeaderBytes(h.type);
  if (block.size() - at < header_bytes + h.length) return false;
  Crc32c crc;
  crc.process_bytes(block.data() + at + 6, 1 + header_bytes - kHeaderBytes);
  crc.process_bytes(block.data() + at + header_bytes, h.length);
  return Mask(crc.checksum()) == h.crc;
}

// For a record at `at` whose length runs past the end of `block` (the
// log's last): whether its checksum holds for its payload up to the end or
// up to a record whose own checksum holds (its length alone damaged). One
// pass of the CRC over the bytes after its header.
bool WholeRecordCutByItsLength(std::string_view block, size_t at,
                               const Header& h) {
  const size_t header_bytes = HeaderBytes(h.type);
  if (block.size() - at < header_bytes) return false;
  Crc32c crc;
  crc.process_bytes(block.data() + at + 6, 1 + header_bytes - kHeaderBytes);
  for (size_t end = at + header_bytes;; ++end) {
    if (Mask(crc.checksum()) == h.crc &&
        (end == block.size() || ValidRecordAt(block, end))) {
      return true;
    }
    if (end == block.size()) return false;
    crc.process_byte(static_cast<unsigned char>(block[end]));
  }
}

// For a record at `at` of recyclable type: whether it is a record of the
// plain type with one damaged bit (its checksum holds for that type), or
// whole records follow it (the next block starts with one).
bool WholeRecordOfADamagedType(std::string_view block, size_t at,
                               const Header& h, std::string_view next) {
  if (block.size() - at >= kHeaderBytes + h.length) {
    Crc32c crc;
    crc.process_byte(static_cast<unsigned char>(h.type - 4));
    crc.process_bytes(block.data() + at + kHeaderBytes, h.length);
    if (Mask(crc.checksum()) == h.crc) return true;
  }
  return ValidRecordAt(next, 0);
}

}  // namespace

int64_t SilentlyDroppedRecord(std::string_view block, std::string_view next) {
  size_t at = 0;
  while (block.size() - at >= kHeaderBytes) {
    const Header h = HeaderAt(block, at);
    // Preallocated space: RocksDB skips the rest of the block.
    if (h.type == 0 && h.length == 0) return -1;
    if (Recyclable(h.type)) {
      // Read as a recycled log's stale record: the replay ends here.
      return WholeRecordOfADamagedType(block, at, h, next)
                 ? static_cast<int64_t>(at)
                 : -1;
    }
    if (block.size() - at < HeaderBytes(h.type) + h.length) {
      // Past a full block's end RocksDB reports the damage itself; past the
      // log's end it ends the replay.
      if (!next.empty() || block.size() == kLogBlockBytes) return -1;
      return WholeRecordCutByItsLength(block, at, h) ? static_cast<int64_t>(at)
                                                     : -1;
    }
    at += HeaderBytes(h.type) + h.length;
  }
  return -1;  // A block's trailer, or a header cut short at the log's end.
}

Status CheckLogTails(const std::string& db_path) {
  std::error_code ec;
  std::filesystem::directory_iterator dir(db_path, ec);
  if (ec) return absl::OkStatus();  // No folder: no logs (the open says).
  for (const std::filesystem::directory_entry& entry : dir) {
    const std::filesystem::path& path = entry.path();
    const std::string name = path.filename().string();
    if (path.extension() != ".log" || name.size() <= 4 ||
        name.find_first_not_of("0123456789") != name.size() - 4 ||
        !entry.is_regular_file(ec)) {
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;  // Gone since the listing (an obsolete log deleted).
    auto read_block = [&in](std::string* block) {
      block->resize(kLogBlockBytes);
      in.read(block->data(), static_cast<std::streamsize>(kLogBlockBytes));
      block->resize(static_cast<size_t>(in.gcount()));
    };
    std::string block, next;
    read_block(&block);
    read_block(&next);
    for (uint64_t offset = 0; !block.empty(); offset += kLogBlockBytes) {
      if (in.bad()) {
        return absl::InternalError(
            StrCat("cannot read the write-ahead log ", path.string()));
      }
      const int64_t damaged = SilentlyDroppedRecord(block, next);
      if (damaged >= 0) {
        Status error = absl::DataLossError(
            StrCat("the write-ahead log ", path.string(),
                   " is damaged: the record "
                   "at byte ",
                   offset + static_cast<uint64_t>(damaged),
                   " would end its replay, and the writes after it with it"));
        error.SetPayload(kDamagedLogPayload, absl::Cord());
        return error;
      }
      block.swap(next);
      read_block(&next);
    }
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::storage
