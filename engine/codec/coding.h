// Order-preserving primitive encodings used by every key (see
// schema/FORMAT.md). Byte-wise comparison of encodings equals the logical
// order of the values:
//   u64     8 bytes big-endian
//   i64     8 bytes big-endian of (value XOR 1<<63): negatives sort first
//   string  each 0x00 byte becomes 0x00 0xFF; then the terminator 0x00 0x01.
//           No encoded string is a prefix of another.
#ifndef LINEAGEDB_CODEC_CODING_H_
#define LINEAGEDB_CODEC_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lineagedb::codec {

void PutU64(std::string* dst, uint64_t v);
void PutI64(std::string* dst, int64_t v);
void PutU32(std::string* dst, uint32_t v);
void PutString(std::string* dst, std::string_view s);

// Each Get* reads one value from the front of `*in` and advances it; returns
// false (leaving *in unspecified) if the bytes are not a valid encoding.
bool GetU64(std::string_view* in, uint64_t* v);
bool GetI64(std::string_view* in, int64_t* v);
bool GetU32(std::string_view* in, uint32_t* v);
bool GetString(std::string_view* in, std::string* s);

// Lowercase hex of `bytes`, for messages that name a key.
std::string Hex(std::string_view bytes);

}  // namespace lineagedb::codec

#endif  // LINEAGEDB_CODEC_CODING_H_
