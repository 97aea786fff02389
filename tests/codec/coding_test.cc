#include "codec/coding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace lineagedb::codec {
namespace {

TEST(CodingTest, U64RoundTripAndOrder) {
  std::vector<uint64_t> values = {
      0, 1, 255, 256, 65535, 1ull << 32, std::numeric_limits<uint64_t>::max()};
  std::string prev;
  for (uint64_t v : values) {
    std::string enc;
    PutU64(&enc, v);
    ASSERT_EQ(enc.size(), 8u);
    EXPECT_LT(prev, enc) << v;
    std::string_view in(enc);
    uint64_t out;
    ASSERT_TRUE(GetU64(&in, &out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
    prev = enc;
  }
}

TEST(CodingTest, SignedTimesSortNegativesFirst) {
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(),
                                 -1700000000000,
                                 -1,
                                 0,
                                 1,
                                 1700000000000,
                                 std::numeric_limits<int64_t>::max()};
  std::string prev;
  for (size_t i = 0; i < values.size(); ++i) {
    std::string enc;
    PutI64(&enc, values[i]);
    if (i > 0) {
      EXPECT_LT(prev, enc) << values[i];
    }
    std::string_view in(enc);
    int64_t out;
    ASSERT_TRUE(GetI64(&in, &out));
    EXPECT_EQ(out, values[i]);
    prev = enc;
  }
}

TEST(CodingTest, StringsWithEmbeddedZerosRoundTripAndSort) {
  using namespace std::string_literals;
  std::vector<std::string> values = {
      ""s,    "\0"s,   "\0\0"s,  "\0\x01"s, "\0\xff"s, "\x01"s, "a"s,
      "a\0"s, "a\0b"s, "a\x01"s, "ab"s,     "b"s,      "\xff"s, "\xff\xff"s};
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(sorted, values) << "test values must be listed in order";
  std::string prev;
  for (size_t i = 0; i < values.size(); ++i) {
    std::string enc;
    PutString(&enc, values[i]);
    if (i > 0) {
      EXPECT_LT(prev, enc) << i;
    }
    std::string_view in(enc);
    std::string out;
    ASSERT_TRUE(GetString(&in, &out));
    EXPECT_EQ(out, values[i]);
    EXPECT_TRUE(in.empty());
    prev = enc;
  }
}

TEST(CodingTest, EncodedStringsArePrefixFree) {
  using namespace std::string_literals;
  std::vector<std::string> values = {""s, "a"s, "a\0"s, "ab"s, "\0"s};
  for (const auto& a : values) {
    for (const auto& b : values) {
      if (a == b) continue;
      std::string ea, eb;
      PutString(&ea, a);
      PutString(&eb, b);
      EXPECT_NE(eb.compare(0, ea.size(), ea), 0)
          << "encoding of a string is a prefix of another's";
    }
  }
}

TEST(CodingTest, StringThenFieldKeepsTupleOrder) {
  // ("a", 2) < ("a\0", 1): the terminator must sort below any content.
  std::string k1, k2;
  PutString(&k1, "a");
  PutU64(&k1, 2);
  PutString(&k2, std::string("a\0", 2));
  PutU64(&k2, 1);
  EXPECT_LT(k1, k2);
}

TEST(CodingTest, RandomStringsSortLikeTheirEncodings) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(0, 6), byte(0, 3);
  const char alphabet[] = {'\0', '\x01', 'a', '\xff'};
  for (int round = 0; round < 2000; ++round) {
    std::string a, b;
    for (int i = len(rng); i > 0; --i) a.push_back(alphabet[byte(rng)]);
    for (int i = len(rng); i > 0; --i) b.push_back(alphabet[byte(rng)]);
    std::string ea, eb;
    PutString(&ea, a);
    PutString(&eb, b);
    EXPECT_EQ(a < b, ea < eb) << Hex(a) << " vs " << Hex(b);
  }
}

TEST(CodingTest, TruncatedOrBadInputIsRejected) {
  std::string_view short_u64("\x01\x02", 2);
  uint64_t u;
  EXPECT_FALSE(GetU64(&short_u64, &u));
  std::string unterminated = "abc";
  std::string_view in(unterminated);
  std::string s;
  EXPECT_FALSE(GetString(&in, &s));
  std::string bad_escape("a\0\x05", 3);
  in = bad_escape;
  EXPECT_FALSE(GetString(&in, &s));
}

TEST(CodingTest, HexNamesBytes) {
  EXPECT_EQ(Hex(std::string("\x00\x1f\xff", 3)), "001fff");
}

}  // namespace
}  // namespace lineagedb::codec
