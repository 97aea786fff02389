#include "codec/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "codec/coding.h"

namespace lineagedb::codec {
namespace {

constexpr NodeKind kKinds[] = {NodeKind::kArtifact, NodeKind::kExecution,
                               NodeKind::kContext};

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

TEST(KeysTest, EveryFamilyStartsWithItsTag) {
  EXPECT_EQ(MetaKey(MetaId::kCounters)[0], char(Tag::kMeta));
  EXPECT_EQ(TypeKey(1)[0], char(Tag::kType));
  EXPECT_EQ(TypeByNameKey(NodeKind::kArtifact, "a", "")[0],
            char(Tag::kTypeByName));
  EXPECT_EQ(TypeByExternalIdKey(NodeKind::kArtifact, "x")[0],
            char(Tag::kTypeByExternalId));
  EXPECT_EQ(NodeKey(NodeKind::kContext, 1)[0], char(Tag::kNode));
  EXPECT_EQ(NodeByTypeKey(NodeKind::kContext, 1, 2)[0], char(Tag::kNodeByType));
  EXPECT_EQ(NodeByTypeNameKey(NodeKind::kContext, 1, "n")[0],
            char(Tag::kNodeByTypeName));
  EXPECT_EQ(ArtifactByUriKey("u", 1)[0], char(Tag::kArtifactByUri));
  EXPECT_EQ(NodeByExternalIdKey(NodeKind::kArtifact, "e")[0],
            char(Tag::kNodeByExternalId));
  EXPECT_EQ(NodeByUpdateTimeKey(NodeKind::kArtifact, 1, 5, 2)[0],
            char(Tag::kNodeByUpdateTime));
  EXPECT_EQ(EventKey(Tag::kEventByArtifact, 1, EventType::kInput, 2)[0],
            char(Tag::kEventByArtifact));
  EXPECT_EQ(PairKey(Tag::kParentByChild, 1, 2)[0], char(Tag::kParentByChild));
  EXPECT_EQ(FingerprintHeadKey("f")[0], char(Tag::kFingerprintHead));
  EXPECT_EQ(HeadsByArtifactKey(1)[0], char(Tag::kHeadsByArtifact));
}

TEST(KeysTest, TagNumbersAreFrozen) {
  EXPECT_EQ(int(Tag::kMeta), 0x01);
  EXPECT_EQ(int(Tag::kType), 0x10);
  EXPECT_EQ(int(Tag::kTypeByName), 0x11);
  EXPECT_EQ(int(Tag::kTypeByExternalId), 0x12);
  EXPECT_EQ(int(Tag::kNode), 0x20);
  EXPECT_EQ(int(Tag::kNodeByType), 0x21);
  EXPECT_EQ(int(Tag::kNodeByTypeName), 0x22);
  EXPECT_EQ(int(Tag::kArtifactByUri), 0x23);
  EXPECT_EQ(int(Tag::kNodeByExternalId), 0x24);
  EXPECT_EQ(int(Tag::kNodeByUpdateTime), 0x25);
  EXPECT_EQ(int(Tag::kEventByArtifact), 0x30);
  EXPECT_EQ(int(Tag::kEventByExecution), 0x31);
  EXPECT_EQ(int(Tag::kAttributionByContext), 0x32);
  EXPECT_EQ(int(Tag::kAttributionByArtifact), 0x33);
  EXPECT_EQ(int(Tag::kAssociationByContext), 0x34);
  EXPECT_EQ(int(Tag::kAssociationByExecution), 0x35);
  EXPECT_EQ(int(Tag::kParentByChild), 0x36);
  EXPECT_EQ(int(Tag::kChildByParent), 0x37);
  EXPECT_EQ(int(Tag::kContextExecutionByType), 0x38);
  EXPECT_EQ(int(Tag::kExecutionByFingerprint), 0x40);
  EXPECT_EQ(int(Tag::kFingerprintHead), 0x41);
  EXPECT_EQ(int(Tag::kHeadsByArtifact), 0x42);
  EXPECT_EQ(int(MetaId::kFormatVersion), 1);
  EXPECT_EQ(int(MetaId::kCounters), 2);
}

TEST(KeysTest, NodeKeyRoundTripAndIdOrder) {
  for (NodeKind kind : kKinds) {
    std::string prev;
    for (int64_t id : {1LL, 2LL, 255LL, 256LL, 70000LL, 1LL << 40}) {
      std::string k = NodeKey(kind, id);
      EXPECT_TRUE(StartsWith(k, NodePrefix(kind)));
      ParsedNodeKey p;
      ASSERT_TRUE(ParseNodeKey(k, &p));
      EXPECT_EQ(p.kind, kind);
      EXPECT_EQ(p.id, id);
      EXPECT_LT(prev, k);
      prev = k;
    }
  }
  ParsedNodeKey p;
  EXPECT_FALSE(ParseNodeKey(TypeKey(1), &p));
  EXPECT_FALSE(ParseNodeKey(NodeKey(NodeKind::kArtifact, 1) + "x", &p));
}

TEST(KeysTest, TypeKeyRoundTrip) {
  int64_t id;
  ASSERT_TRUE(ParseTypeKey(TypeKey(42), &id));
  EXPECT_EQ(id, 42);
  EXPECT_LT(TypeKey(9), TypeKey(10));
  EXPECT_TRUE(StartsWith(TypeKey(9), TypePrefix()));
}

TEST(KeysTest, TypeByNameSeparatesNameAndVersion) {
  // ("ab", "") and ("a", "b") must be different keys.
  EXPECT_NE(TypeByNameKey(NodeKind::kArtifact, "ab", ""),
            TypeByNameKey(NodeKind::kArtifact, "a", "b"));
  EXPECT_NE(TypeByNameKey(NodeKind::kArtifact, "a", ""),
            TypeByNameKey(NodeKind::kExecution, "a", ""));
  std::string with_zero("a\0b", 3);
  EXPECT_NE(TypeByNameKey(NodeKind::kArtifact, with_zero, ""),
            TypeByNameKey(NodeKind::kArtifact, "a", "b"));
}

TEST(KeysTest, IndexKeysEndInTheirId) {
  int64_t id;
  ASSERT_TRUE(ParseTrailingId(NodeByTypeKey(NodeKind::kArtifact, 3, 77), &id));
  EXPECT_EQ(id, 77);
  ASSERT_TRUE(
      ParseTrailingId(ArtifactByUriKey(std::string("s3://\0x", 7), 78), &id));
  EXPECT_EQ(id, 78);
  EXPECT_TRUE(StartsWith(NodeByTypeKey(NodeKind::kArtifact, 3, 77),
                         NodeByTypePrefix(NodeKind::kArtifact, 3)));
  EXPECT_FALSE(StartsWith(NodeByTypeKey(NodeKind::kArtifact, 3, 77),
                          NodeByTypePrefix(NodeKind::kArtifact, 4)));
  // A uri that extends another is not inside the other's prefix.
  EXPECT_FALSE(StartsWith(ArtifactByUriKey("s3://a/b", 1),
                          ArtifactByUriPrefix("s3://a")));
}

// A name prefix bounds the names that begin with it, whatever bytes follow
// (the escape byte and NUL too), and no other name or type.
TEST(KeysTest, NameIndexPrefixBoundsTheNamesItBegins) {
  const NodeKind k = NodeKind::kArtifact;
  const std::string prefix = NodeByTypeNamePrefix(k, 3, "ns:d@");
  for (std::string_view name :
       {std::string_view("ns:d@"), std::string_view("ns:d@1"),
        std::string_view("ns:d@\xff\x00x", 9),
        std::string_view("ns:d@\x00", 6)}) {
    EXPECT_TRUE(StartsWith(NodeByTypeNameKey(k, 3, name), prefix)) << name;
  }
  for (std::string_view name : {"ns:d", "ns:D@1", "ns:d#1", "ns:", ""}) {
    EXPECT_FALSE(StartsWith(NodeByTypeNameKey(k, 3, name), prefix)) << name;
  }
  EXPECT_FALSE(StartsWith(NodeByTypeNameKey(k, 4, "ns:d@1"), prefix));
  EXPECT_FALSE(
      StartsWith(NodeByTypeNameKey(NodeKind::kContext, 3, "ns:d@1"), prefix));
  // The empty prefix: every name of the type.
  EXPECT_TRUE(
      StartsWith(NodeByTypeNameKey(k, 3, "x"), NodeByTypeNamePrefix(k, 3, "")));
}

TEST(KeysTest, NodeIndexKeysNameTheirKind) {
  NodeKind kind;
  for (NodeKind k :
       {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
    for (const std::string& key :
         {NodeByTypeKey(k, 3, 9), NodeByTypeNameKey(k, 3, "n"),
          NodeByExternalIdKey(k, "x"), NodeByUpdateTimeKey(k, 3, 5, 9)}) {
      ASSERT_TRUE(ParseIndexKeyKind(key, &kind)) << Hex(key);
      EXPECT_EQ(kind, k);
    }
  }
  std::string bad = NodeByTypeKey(NodeKind::kArtifact, 3, 9);
  bad[1] = 4;
  EXPECT_FALSE(ParseIndexKeyKind(bad, &kind));
  EXPECT_FALSE(ParseIndexKeyKind(bad.substr(0, 1), &kind));
}

TEST(KeysTest, FingerprintHeadKeyRoundTrip) {
  const std::string fingerprint("sha\0\xff", 5);
  std::string parsed;
  ASSERT_TRUE(
      ParseFingerprintHeadKey(FingerprintHeadKey(fingerprint), &parsed));
  EXPECT_EQ(parsed, fingerprint);
  EXPECT_FALSE(ParseFingerprintHeadKey(
      ExecutionByFingerprintKey(fingerprint, 3), &parsed));
  EXPECT_FALSE(
      ParseFingerprintHeadKey(FingerprintHeadKey(fingerprint) + "x", &parsed));
  EXPECT_FALSE(ParseFingerprintHeadKey(
      FingerprintHeadKey(fingerprint).substr(0, 3), &parsed));
  EXPECT_FALSE(ParseFingerprintHeadKey("", &parsed));
}

TEST(KeysTest, UpdateTimeKeyRoundTripAndOrder) {
  std::vector<std::string> keys;
  for (int64_t t : {-5LL, 0LL, 1700000000000LL}) {
    for (int64_t id : {1LL, 300LL}) {
      std::string k = NodeByUpdateTimeKey(NodeKind::kExecution, 7, t, id);
      ParsedUpdateTimeKey p;
      ASSERT_TRUE(ParseUpdateTimeKey(k, &p));
      EXPECT_EQ(p.kind, NodeKind::kExecution);
      EXPECT_EQ(p.type_id, 7);
      EXPECT_EQ(p.time_ms, t);
      EXPECT_EQ(p.id, id);
      keys.push_back(k);
    }
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
}

TEST(KeysTest, EventKeysRoundTripAndGroupByDirection) {
  const EventType all[] = {
      EventType::kDeclaredOutput, EventType::kDeclaredInput,
      EventType::kInput,          EventType::kOutput,
      EventType::kInternalInput,  EventType::kInternalOutput,
      EventType::kPendingOutput};
  for (Tag tag : {Tag::kEventByArtifact, Tag::kEventByExecution}) {
    for (EventType type : all) {
      std::string k = EventKey(tag, 5, type, 9);
      ParsedEventKey p;
      ASSERT_TRUE(ParseEventKey(k, &p));
      EXPECT_EQ(p.tag, tag);
      EXPECT_EQ(p.from, 5);
      EXPECT_EQ(p.type, type);
      EXPECT_EQ(p.to, 9);
      EXPECT_TRUE(StartsWith(k, EventPrefix(tag, 5)));
      EXPECT_TRUE(StartsWith(k, EventPrefix(tag, 5, DirectionOf(type))));
      // Every input event of a node sorts before every output event.
      std::string input = EventKey(tag, 5, EventType::kInternalInput, 1000);
      if (!IsInputEvent(type)) {
        EXPECT_LT(input, k);
      }
    }
  }
  ParsedEventKey p;
  std::string bad = EventKey(Tag::kEventByArtifact, 5, EventType::kInput, 9);
  bad[9] = char(Direction::kOutput);  // Direction disagrees with the type.
  EXPECT_FALSE(ParseEventKey(bad, &p));
}

// Ids in keys are positive int64s: a key holding 0, or an id past
// INT64_MAX (which would read back negative), does not parse.
TEST(KeysTest, KeysWithIdsThatAreNotPositiveInt64sDoNotParse) {
  for (const uint64_t bad : {uint64_t{0}, uint64_t{1} << 63, ~uint64_t{0}}) {
    const auto id = static_cast<int64_t>(bad);
    SCOPED_TRACE(bad);
    ParsedNodeKey node;
    EXPECT_FALSE(ParseNodeKey(NodeKey(NodeKind::kArtifact, id), &node));
    ParsedEventKey event;
    EXPECT_FALSE(ParseEventKey(
        EventKey(Tag::kEventByArtifact, 1, EventType::kInput, id), &event));
    EXPECT_FALSE(ParseEventKey(
        EventKey(Tag::kEventByArtifact, id, EventType::kInput, 1), &event));
    ParsedPairKey pair;
    EXPECT_FALSE(ParsePairKey(PairKey(Tag::kParentByChild, 1, id), &pair));
    int64_t trailing = 0;
    EXPECT_FALSE(
        ParseTrailingId(NodeByTypeKey(NodeKind::kArtifact, 1, id), &trailing));
  }
  ParsedEventKey event;
  EXPECT_TRUE(ParseEventKey(
      EventKey(Tag::kEventByArtifact, 1, EventType::kInput, INT64_MAX),
      &event));
  EXPECT_EQ(event.to, INT64_MAX);
}

TEST(KeysTest, PairKeysRoundTripForEveryEdgeFamily) {
  for (Tag tag : {Tag::kAttributionByContext, Tag::kAttributionByArtifact,
                  Tag::kAssociationByContext, Tag::kAssociationByExecution,
                  Tag::kParentByChild, Tag::kChildByParent}) {
    std::string k = PairKey(tag, 11, 12);
    ParsedPairKey p;
    ASSERT_TRUE(ParsePairKey(k, &p));
    EXPECT_EQ(p.tag, tag);
    EXPECT_EQ(p.from, 11);
    EXPECT_EQ(p.to, 12);
    EXPECT_TRUE(StartsWith(k, PairPrefix(tag, 11)));
    EXPECT_FALSE(StartsWith(k, PairPrefix(tag, 12)));
    EXPECT_LT(PairKey(tag, 11, 12), PairKey(tag, 11, 256));
    EXPECT_LT(PairKey(tag, 11, 256), PairKey(tag, 12, 1));
  }
}

TEST(KeysTest, CacheIndexKeysKeepTheirOrder) {
  // Executions of a context: by type, then id; the latest is the last key.
  EXPECT_LT(ContextExecutionByTypeKey(5, 2, 900),
            ContextExecutionByTypeKey(5, 3, 1));
  EXPECT_LT(ContextExecutionByTypeKey(5, 3, 1),
            ContextExecutionByTypeKey(5, 3, 2));
  std::string k = ContextExecutionByTypeKey(5, 3, 2);
  EXPECT_TRUE(StartsWith(k, ContextExecutionByTypePrefix(5, 3)));
  EXPECT_TRUE(StartsWith(k, ContextExecutionByTypePrefix(5)));
  int64_t id;
  ASSERT_TRUE(ParseTrailingId(k, &id));
  EXPECT_EQ(id, 2);
  // A fingerprint's executions are one prefix, newest last.
  std::string f = ExecutionByFingerprintKey("abc", 7);
  EXPECT_TRUE(StartsWith(f, ExecutionByFingerprintPrefix("abc")));
  EXPECT_FALSE(StartsWith(f, ExecutionByFingerprintPrefix("ab")));
  EXPECT_LT(ExecutionByFingerprintKey("abc", 7),
            ExecutionByFingerprintKey("abc", 8));
  // A fingerprint's head: one key per fingerprint, no prefix of another's.
  EXPECT_EQ(FingerprintHeadKey("abc").substr(1),
            ExecutionByFingerprintPrefix("abc").substr(1));
  EXPECT_FALSE(
      StartsWith(FingerprintHeadKey("abcd"), FingerprintHeadKey("abc")));
  EXPECT_LT(FingerprintHeadKey("abc"), FingerprintHeadKey("abd"));
  // The heads listing an artifact: in artifact id order.
  EXPECT_EQ(HeadsByArtifactKey(0x0102),
            std::string("\x42\0\0\0\0\0\0\x01\x02", 9));
  EXPECT_LT(HeadsByArtifactKey(255), HeadsByArtifactKey(256));
  // MaxIdKey seeks backwards to the newest of both families.
  for (const std::string& prefix : {ExecutionByFingerprintPrefix("abc"),
                                    ContextExecutionByTypePrefix(5, 3)}) {
    const std::string max = MaxIdKey(prefix);
    EXPECT_TRUE(StartsWith(max, prefix));
    EXPECT_LT(max, PrefixEnd(prefix));
  }
  EXPECT_GE(MaxIdKey(ExecutionByFingerprintPrefix("abc")),
            ExecutionByFingerprintKey("abc", INT64_MAX));
  EXPECT_GE(MaxIdKey(ContextExecutionByTypePrefix(5, 3)),
            ContextExecutionByTypeKey(5, 3, INT64_MAX));
}

TEST(KeysTest, PrefixEndBoundsThePrefix) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), "");
  std::string prefix = NodePrefix(NodeKind::kArtifact);
  EXPECT_LT(NodeKey(NodeKind::kArtifact, INT64_MAX), PrefixEnd(prefix));
  EXPECT_GE(NodeKey(NodeKind::kExecution, 1), PrefixEnd(prefix));
}

TEST(KeysTest, FamiliesDoNotCollide) {
  std::set<std::string> keys = {
      MetaKey(MetaId::kFormatVersion),
      MetaKey(MetaId::kCounters),
      TypeKey(1),
      TypeByNameKey(NodeKind::kArtifact, "t", ""),
      TypeByExternalIdKey(NodeKind::kArtifact, "t"),
      NodeKey(NodeKind::kArtifact, 1),
      NodeByTypeKey(NodeKind::kArtifact, 1, 1),
      NodeByTypeNameKey(NodeKind::kArtifact, 1, "t"),
      ArtifactByUriKey("t", 1),
      NodeByExternalIdKey(NodeKind::kArtifact, "t"),
      NodeByUpdateTimeKey(NodeKind::kArtifact, 1, 1, 1),
      EventKey(Tag::kEventByArtifact, 1, EventType::kInput, 1),
      EventKey(Tag::kEventByExecution, 1, EventType::kInput, 1),
      PairKey(Tag::kAttributionByContext, 1, 1),
      PairKey(Tag::kAttributionByArtifact, 1, 1),
      PairKey(Tag::kAssociationByContext, 1, 1),
      PairKey(Tag::kAssociationByExecution, 1, 1),
      PairKey(Tag::kParentByChild, 1, 1),
      PairKey(Tag::kChildByParent, 1, 1),
      ContextExecutionByTypeKey(1, 1, 1),
      ExecutionByFingerprintKey("1", 1),
      FingerprintHeadKey("1"),
  };
  EXPECT_EQ(keys.size(), 22u);
}

}  // namespace
}  // namespace lineagedb::codec
