#include "codec/records.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <string>

#include "codec/coding.h"
#include "codec/keys.h"

namespace lineagedb::codec {
namespace {

NodeRow SampleRow() {
  NodeRow row;
  row.kind = NodeKind::kArtifact;
  row.base.id = 12;
  row.base.type_id = 3;
  row.base.name = "examples";
  row.base.external_id = "ext-12";
  row.base.properties = {
      {"span", Value(int64_t{7})},
      {"ratio", Value(0.25)},
      {"split", Value("train")},
      {"ok", Value(true)},
      {"schema", Value(StructValue{R"({"a": [1, 2]})"})},
      {"blob", Value(ProtoValue{"type.googleapis.com/x.Y",
                                std::string("\0\x01\xff", 3)})}};
  row.base.custom_properties = {{"note", Value("hi")}};
  row.base.create_time_ms = 1700000000000;
  row.base.last_update_time_ms = 1700000000500;
  row.uri = "s3://bucket/examples/12";
  row.state = static_cast<uint8_t>(ArtifactState::kLive);
  row.create_seq = 4;
  row.update_seq = 9;
  return row;
}

TEST(RecordsTest, NodeRoundTrip) {
  NodeRow row = SampleRow();
  std::string key = NodeKey(row.kind, row.base.id);
  NodeRow out;
  ASSERT_TRUE(DecodeNode(key, EncodeNode(row), &out).ok());
  EXPECT_EQ(out.kind, row.kind);
  EXPECT_EQ(out.base, row.base);
  EXPECT_EQ(out.uri, row.uri);
  EXPECT_EQ(out.state, row.state);
  EXPECT_EQ(out.create_seq, row.create_seq);
  EXPECT_EQ(out.update_seq, row.update_seq);
}

// Doubles read back bit for bit: a negative zero keeps its sign (FlatBuffers
// would leave it out as equal to the default 0.0), NaN and infinities stay.
TEST(RecordsTest, DoublePropertiesKeepEveryBit) {
  NodeRow row = SampleRow();
  row.base.properties = {{"neg_zero", Value(-0.0)},
                         {"zero", Value(0.0)},
                         {"nan", Value(std::nan(""))},
                         {"inf", Value(-HUGE_VAL)},
                         {"tiny", Value(4.9e-324)}};
  NodeRow out;
  ASSERT_TRUE(
      DecodeNode(NodeKey(row.kind, row.base.id), EncodeNode(row), &out).ok());
  for (const auto& [name, value] : row.base.properties) {
    const double want = value.double_value();
    const double got = out.base.properties.at(name).double_value();
    EXPECT_EQ(std::memcmp(&want, &got, sizeof want), 0) << name;
  }
}

TEST(RecordsTest, NodeTypeIdAloneDecodesAndChecksLikeTheNode) {
  NodeRow row = SampleRow();
  std::string key = NodeKey(row.kind, row.base.id);
  const std::string good = EncodeNode(row);
  int64_t type_id = 0;
  ASSERT_TRUE(DecodeNodeTypeId(key, good, &type_id).ok());
  EXPECT_EQ(type_id, row.base.type_id);
  std::string bad = good;
  bad[bad.size() / 2] ^= 0x5a;
  EXPECT_EQ(DecodeNodeTypeId(key, bad, &type_id).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      DecodeNodeTypeId(NodeKey(NodeKind::kContext, row.base.id), good, &type_id)
          .code(),
      absl::StatusCode::kDataLoss);
}

TEST(RecordsTest, NodeDecodesFromMisalignedBytes) {
  NodeRow row = SampleRow();
  std::string key = NodeKey(row.kind, row.base.id);
  std::string shifted = "x" + EncodeNode(row);
  NodeRow out;
  ASSERT_TRUE(DecodeNode(key, std::string_view(shifted).substr(1), &out).ok());
  EXPECT_EQ(out.base, row.base);
}

TEST(RecordsTest, TypeRoundTrip) {
  Type t;
  t.id = 5;
  t.kind = NodeKind::kExecution;
  t.name = "Trainer";
  t.version = "v2";
  t.description = "trains";
  t.external_id = "ext";
  t.properties = {{"lr", PropertyKind::kDouble}, {"steps", PropertyKind::kInt}};
  t.base_type = BaseType::kTrain;
  Type out;
  ASSERT_TRUE(DecodeType(TypeKey(5), EncodeType(t, 1, 2), &out).ok());
  EXPECT_EQ(out, t);
}

TEST(RecordsTest, EventRoundTripTakesEndsFromTheKey) {
  Event e;
  e.artifact_id = 4;
  e.execution_id = 8;
  e.type = EventType::kOutput;
  e.path = {PathStep{std::string("model")}, PathStep{int64_t{0}}};
  e.time_ms = 123;
  std::string value = EncodeEvent(e, 3);
  Event by_artifact, by_execution;
  ASSERT_TRUE(DecodeEvent(EventKey(Tag::kEventByArtifact, 4, e.type, 8), value,
                          &by_artifact)
                  .ok());
  ASSERT_TRUE(DecodeEvent(EventKey(Tag::kEventByExecution, 8, e.type, 4), value,
                          &by_execution)
                  .ok());
  EXPECT_EQ(by_artifact, e);
  EXPECT_EQ(by_execution, e);
}

// Counters of the eight fields written before edges_seq: it reads as the
// store sequence, which no lineage change can have followed unseen.
TEST(RecordsTest, CountersWithoutEdgesSeqReadItAsTheSequence) {
  std::string old;
  PutU32(&old, 8);
  for (uint64_t f : {12, 1, 5, 6, 7, 0, 0, 0}) PutU64(&old, f);
  PutU32(&old, XXH32(old.data(), old.size(), 0x6c646231));  // FORMAT.md.
  Counters c;
  ASSERT_TRUE(DecodeCounters("k", old, &c).ok());
  EXPECT_EQ(c.seq, 12u);
  EXPECT_EQ(c.edges_seq, 12u);
  EXPECT_EQ(c.next_node_id[2], 7);
}

TEST(RecordsTest, EdgeIdCountersAndVersionRoundTrip) {
  int64_t time;
  uint64_t seq;
  std::string key = PairKey(Tag::kParentByChild, 1, 2);
  ASSERT_TRUE(DecodeEdge(key, EncodeEdge(77, 8), &time, &seq).ok());
  EXPECT_EQ(time, 77);
  EXPECT_EQ(seq, 8u);

  int64_t id;
  ASSERT_TRUE(DecodeId("k", EncodeId(99), &id).ok());
  EXPECT_EQ(id, 99);
  // A fingerprint head: an id, or empty for unknown.
  ASSERT_TRUE(DecodeFingerprintHead("k", EncodeFingerprintHead(42), &id).ok());
  EXPECT_EQ(id, 42);
  EXPECT_EQ(EncodeFingerprintHead(42), EncodeId(42));
  EXPECT_EQ(EncodeFingerprintHead(0), "");
  ASSERT_TRUE(DecodeFingerprintHead("k", "", &id).ok());
  EXPECT_EQ(id, 0);

  Counters c;
  c.seq = 10;
  c.next_type_id = 4;
  c.next_node_id[0] = 100;
  c.next_node_id[2] = 7;
  c.last_create_ms[1] = 1700000000000;
  c.edges_seq = 8;
  Counters out;
  ASSERT_TRUE(DecodeCounters("k", EncodeCounters(c), &out).ok());
  EXPECT_EQ(out.seq, 10u);
  EXPECT_EQ(out.edges_seq, 8u);
  EXPECT_EQ(out.next_type_id, 4);
  EXPECT_EQ(out.next_node_id[0], 100);
  EXPECT_EQ(out.next_node_id[1], 1);
  EXPECT_EQ(out.next_node_id[2], 7);
  EXPECT_EQ(out.last_create_ms[1], 1700000000000);

  uint32_t v;
  ASSERT_TRUE(
      DecodeFormatVersion("k", EncodeFormatVersion(kFormatVersion), &v).ok());
  EXPECT_EQ(v, kFormatVersion);
}

// Every single-byte change and every truncation of a record is caught and
// reported as DATA_LOSS naming the key; none crashes.
TEST(RecordsTest, EveryFlippedByteIsDataLossNamingTheKey) {
  NodeRow row = SampleRow();
  std::string key = NodeKey(row.kind, row.base.id);
  const std::string good = EncodeNode(row);
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x5a;
    NodeRow out;
    Status s = DecodeNode(key, bad, &out);
    ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << "byte " << i;
    EXPECT_NE(s.message().find(Hex(key)), absl::string_view::npos)
        << s.message();
  }
  for (size_t len = 0; len < good.size(); ++len) {
    NodeRow out;
    EXPECT_EQ(DecodeNode(key, good.substr(0, len), &out).code(),
              absl::StatusCode::kDataLoss)
        << "length " << len;
  }
}

HeadAnswer SampleAnswer() {
  HeadAnswer a;
  a.execution = "execution record";
  a.outputs.push_back({3, EventType::kOutput, "event 3", "artifact 3"});
  a.outputs.push_back({300, EventType::kOutput, "", "artifact 300"});
  return a;
}

// A head with an answer: the id, then the answer, frozen byte for byte.
TEST(RecordsTest, HeadAnswerRoundTripsAndItsLayoutIsFrozen) {
  const HeadAnswer answer = SampleAnswer();
  const std::string value = EncodeFingerprintHead(42, &answer);
  int64_t id = 0;
  std::optional<HeadAnswer> out;
  ASSERT_TRUE(DecodeFingerprintHead("k", value, &id, &out).ok());
  EXPECT_EQ(id, 42);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, answer);
  // Read without the answer, it is the id alone.
  ASSERT_TRUE(DecodeFingerprintHead("k", value, &id).ok());
  EXPECT_EQ(id, 42);
  // An id-only head has no answer; an unknown one neither.
  ASSERT_TRUE(DecodeFingerprintHead("k", EncodeId(7), &id, &out).ok());
  EXPECT_EQ(id, 7);
  EXPECT_FALSE(out.has_value());
  ASSERT_TRUE(DecodeFingerprintHead("k", "", &id, &out).ok());
  EXPECT_EQ(id, 0);
  EXPECT_FALSE(out.has_value());
  // An answer without outputs.
  HeadAnswer bare;
  bare.execution = "x";
  ASSERT_TRUE(
      DecodeFingerprintHead("k", EncodeFingerprintHead(9, &bare), &id, &out)
          .ok());
  EXPECT_EQ(*out, bare);

  std::string expected = EncodeId(42);
  expected += std::string("\0\0\0\x02", 4);                       // outputs
  expected += std::string("\0\0\0\x10", 4) + "execution record";  // execution
  expected += EncodeId(3) + "\x04" + std::string("\0\0\0\x07", 4) + "event 3" +
              std::string("\0\0\0\x0a", 4) + "artifact 3";
  expected += EncodeId(300) + "\x04" + std::string("\0\0\0\0", 4) +
              std::string("\0\0\0\x0c", 4) + "artifact 300";
  ASSERT_EQ(value.substr(0, value.size() - 4), expected);
  EXPECT_EQ(value.size(), expected.size() + 4);  // The checksum.
}

// Every single-byte change and truncation of a head with an answer is
// DATA_LOSS naming the key.
TEST(RecordsTest, CorruptHeadAnswerIsDataLoss) {
  const HeadAnswer answer = SampleAnswer();
  const std::string good = EncodeFingerprintHead(42, &answer);
  const std::string key = FingerprintHeadKey("f");
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x21;
    int64_t id;
    std::optional<HeadAnswer> out;
    Status s = DecodeFingerprintHead(key, bad, &id, &out);
    ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << "byte " << i;
    EXPECT_NE(s.message().find(Hex(key)), absl::string_view::npos);
  }
  // A well-formed value whose outputs list an input or no event type.
  for (EventType type :
       {EventType::kInput, EventType::kUnknown, static_cast<EventType>(200)}) {
    HeadAnswer bad = answer;
    bad.outputs[1].type = type;
    int64_t id;
    std::optional<HeadAnswer> out;
    EXPECT_EQ(
        DecodeFingerprintHead(key, EncodeFingerprintHead(42, &bad), &id, &out)
            .code(),
        absl::StatusCode::kDataLoss)
        << int(type);
  }
  for (size_t len = 9; len < good.size(); ++len) {
    int64_t id;
    std::optional<HeadAnswer> out;
    EXPECT_EQ(DecodeFingerprintHead(key, good.substr(0, len), &id, &out).code(),
              absl::StatusCode::kDataLoss)
        << "length " << len;
  }
}

TEST(RecordsTest, FingerprintListRoundTripsAndRejectsBadBytes) {
  const std::vector<std::string> list = {"abc", "0123456789abcdef"};
  std::vector<std::string> out;
  const std::string value = EncodeFingerprintList(list);
  ASSERT_TRUE(DecodeFingerprintList("k", value, &out).ok());
  EXPECT_EQ(out, list);
  EXPECT_EQ(value.substr(0, 11), std::string("\0\0\0\x02\0\0\0\x03"
                                             "abc",
                                             11));
  ASSERT_TRUE(DecodeFingerprintList("k", EncodeFingerprintList({}), &out).ok());
  EXPECT_TRUE(out.empty());
  for (size_t len = 0; len < value.size(); ++len) {
    EXPECT_EQ(DecodeFingerprintList("k", value.substr(0, len), &out).code(),
              absl::StatusCode::kDataLoss)
        << "length " << len;
  }
  EXPECT_EQ(DecodeFingerprintList("k", value + "x", &out).code(),
            absl::StatusCode::kDataLoss);
  // An empty fingerprint is not one.
  EXPECT_EQ(
      DecodeFingerprintList("k", EncodeFingerprintList({""}), &out).code(),
      absl::StatusCode::kDataLoss);
}

TEST(RecordsTest, CorruptIndexAndCounterValuesAreDataLoss) {
  int64_t id;
  EXPECT_EQ(DecodeId("k", "1234567", &id).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeId("k", std::string(8, '\0'), &id).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeFingerprintHead("k", "1234567", &id).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeFingerprintHead("k", std::string(8, '\0'), &id).code(),
            absl::StatusCode::kDataLoss);
  std::string counters = EncodeCounters(Counters{});
  counters[5] ^= 1;
  Counters c;
  EXPECT_EQ(DecodeCounters("k", counters, &c).code(),
            absl::StatusCode::kDataLoss);
  NodeRow row;
  EXPECT_EQ(DecodeNode("not-a-node-key", EncodeNode(SampleRow()), &row).code(),
            absl::StatusCode::kDataLoss);
}

// Values whose checksum holds but whose numbers no writer stores (a writer
// bug or hand-made bytes) are DATA_LOSS, not taken as they are.
TEST(RecordsTest, ValuesOutOfTheirRangeAreDataLoss) {
  for (int64_t next : {int64_t{0}, int64_t{-3}, INT64_MAX}) {
    for (int field = 0; field < 4; ++field) {
      Counters c;
      (field == 0 ? c.next_type_id : c.next_node_id[field - 1]) = next;
      Counters out;
      EXPECT_EQ(DecodeCounters("k", EncodeCounters(c), &out).code(),
                absl::StatusCode::kDataLoss)
          << next << " in field " << field;
    }
  }
  Counters highest;
  highest.next_node_id[1] = INT64_MAX - 1;
  Counters out;
  EXPECT_TRUE(DecodeCounters("k", EncodeCounters(highest), &out).ok());

  NodeRow row;
  const NodeRow sample = SampleRow();
  const std::string key = NodeKey(sample.kind, sample.base.id);
  // A state past its enum reads as stored: stores written before writers
  // checked states may hold one.
  NodeRow old_state = sample;
  old_state.state = 77;
  ASSERT_TRUE(DecodeNode(key, EncodeNode(old_state), &row).ok());
  EXPECT_EQ(row.state, 77);
  for (int64_t type_id : {int64_t{0}, int64_t{-1}}) {
    NodeRow bad = sample;
    bad.base.type_id = type_id;
    EXPECT_EQ(DecodeNode(key, EncodeNode(bad), &row).code(),
              absl::StatusCode::kDataLoss);
  }

  Type type;
  type.kind = NodeKind::kArtifact;
  type.name = "Dataset";
  type.base_type = BaseType::kTrain;
  Type read;
  EXPECT_EQ(DecodeType(TypeKey(5), EncodeType(type, 1, 2), &read).code(),
            absl::StatusCode::kDataLoss);
  type.base_type = BaseType::kDataset;
  EXPECT_TRUE(DecodeType(TypeKey(5), EncodeType(type, 1, 2), &read).ok());
}

}  // namespace
}  // namespace lineagedb::codec
