#include "codec/coding.h"

namespace lineagedb::codec {

namespace {
constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xff';
constexpr char kTerminator = '\x01';
}  // namespace

void PutU64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

void PutI64(std::string* dst, int64_t v) {
  PutU64(dst, static_cast<uint64_t>(v) ^ kSignBit);
}

void PutU32(std::string* dst, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 4);
}

void PutString(std::string* dst, std::string_view s) {
  for (char c : s) {
    dst->push_back(c);
    if (c == kEscape) dst->push_back(kEscapedZero);
  }
  dst->push_back(kEscape);
  dst->push_back(kTerminator);
}

namespace {
// Reads a u64 at `p` (8 bytes) without bounds checks.
uint64_t DecodeU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  return v;
}
}  // namespace

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeU64(in->data());
  in->remove_prefix(8);
  return true;
}

bool GetI64(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetU64(in, &u)) return false;
  *v = static_cast<int64_t>(u ^ kSignBit);
  return true;
}

bool GetU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i) {
    r = (r << 8) | static_cast<unsigned char>((*in)[i]);
  }
  *v = r;
  in->remove_prefix(4);
  return true;
}

bool GetString(std::string_view* in, std::string* s) {
  s->clear();
  size_t i = 0;
  while (i < in->size()) {
    char c = (*in)[i];
    if (c != kEscape) {
      s->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == kTerminator) {
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != kEscapedZero) return false;
    s->push_back(kEscape);
    i += 2;
  }
  return false;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

}  // namespace lineagedb::codec
