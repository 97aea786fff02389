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

uint32_t Fixed32(std::string_view bytes) {
  return static_cast<uint32_t>(static_cast<uint8_t>(bytes[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[3])) << 24;
}

// The header bytes of a record of `type`, 0 for a type RocksDB 7 does not
// write (1-4 whole and fragments, 5-8 their recyclable forms, 9 the
// compression type, 10 the timestamp sizes).
size_t HeaderBytes(uint8_t type) {
  if (type >= 1 && type <= 4) return kHeaderBytes;
  if (type >= 5 && type <= 8) return kRecyclableHeaderBytes;
  if (type == 9 || type == 10) return kHeaderBytes;
  return 0;
}

// Whether a record with a valid checksum starts at `at` and ends within
// `block`.
bool ValidRecordAt(std::string_view block, size_t at) {
  if (block.size() - at < kHeaderBytes) return false;
  std::string_view header = block.substr(at, kHeaderBytes);
  const uint8_t type = static_cast<uint8_t>(header[6]);
  const size_t header_bytes = HeaderBytes(type);
  const size_t length = static_cast<uint8_t>(header[4]) |
                        static_cast<size_t>(static_cast<uint8_t>(header[5]))
                            << 8;
  if (header_bytes == 0 || block.size() - at < header_bytes + length) {
    return false;
  }
  // CRC-32C (Castagnoli): RocksDB's crc32c::Value.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  // The type byte, the log number (recyclable types) and the payload.
  crc.process_bytes(block.data() + at + 6, 1 + (header_bytes - kHeaderBytes));
  crc.process_bytes(block.data() + at + header_bytes, length);
  const uint32_t value = crc.checksum();
  const uint32_t masked = ((value >> 15) | (value << 17)) + kMaskDelta;
  return masked == Fixed32(header);
}

}  // namespace

int64_t DamagedRecordInTail(std::string_view block) {
  size_t at = 0;
  while (block.size() - at >= kHeaderBytes) {
    const uint8_t type = static_cast<uint8_t>(block[at + 6]);
    const size_t length =
        static_cast<uint8_t>(block[at + 4]) |
        static_cast<size_t>(static_cast<uint8_t>(block[at + 5])) << 8;
    // Preallocated space: RocksDB skips the rest of the block.
    if (type == 0 && length == 0) return -1;
    // An unknown type takes the short header, as RocksDB reads it.
    const size_t header_bytes =
        HeaderBytes(type) == 0 ? kHeaderBytes : HeaderBytes(type);
    if (block.size() - at < header_bytes + length) {
      // Cut short, or damaged if whole records follow.
      for (size_t next = at + 1; block.size() - next >= kHeaderBytes; ++next) {
        if (ValidRecordAt(block, next)) return static_cast<int64_t>(at);
      }
      return -1;
    }
    at += header_bytes + length;
  }
  return -1;  // At most a header cut short.
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
    const uint64_t size = entry.file_size(ec);
    if (ec) continue;  // Gone since the listing (an obsolete log deleted).
    const uint64_t tail = size % kLogBlockBytes;
    std::string block(tail, '\0');
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(size - tail));
    in.read(block.data(), static_cast<std::streamsize>(tail));
    if (!in) {
      return absl::InternalError(
          StrCat("cannot read the write-ahead log ", path.string()));
    }
    const int64_t damaged = DamagedRecordInTail(block);
    if (damaged >= 0) {
      Status error = absl::DataLossError(
          StrCat("the write-ahead log ", path.string(),
                 " is damaged: the record at byte ",
                 size - tail + static_cast<uint64_t>(damaged),
                 " claims a length past the end of the file, yet whole records "
                 "follow it"));
      error.SetPayload(kDamagedLogPayload, absl::Cord());
      return error;
    }
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::storage
