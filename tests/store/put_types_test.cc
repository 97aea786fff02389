// Tests of StoreImpl::PutTypes (store/store_impl.h): several types in one
// atomic write, with PutType's rules.
#include <map>
#include <string>
#include <vector>

#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::IsEmpty;

class PutTypesTest : public testing::StoreTest {
 protected:
  static Type Make(NodeKind kind, std::string name,
                   std::map<std::string, PropertyKind> properties = {}) {
    Type t;
    t.kind = kind;
    t.name = std::move(name);
    t.properties = std::move(properties);
    return t;
  }

  StatusOr<std::vector<int64_t>> PutTypes(const std::vector<Type>& types) {
    PutTypeOptions evolve;
    evolve.can_add_fields = true;
    return store_->impl()->PutTypes(types, evolve);
  }

  // The status of PutTypes(types), which must leave the store as it was.
  Status Refused(const std::vector<Type>& types) {
    const testing::Dump before = DumpStore();
    const Status s = PutTypes(types).status();
    EXPECT_EQ(DumpStore(), before);
    return s;
  }
};

TEST_F(PutTypesTest, ReturnsTheIdsInOrderAndReusesStoredTypes) {
  ASSERT_OK_AND_ASSIGN(const int64_t stored,
                       store_->PutType(Make(NodeKind::kContext, "C")));
  ASSERT_OK_AND_ASSIGN(
      std::vector<int64_t> ids,
      PutTypes({Make(NodeKind::kArtifact, "A"), Make(NodeKind::kContext, "C"),
                Make(NodeKind::kExecution, "E")}));
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], stored);
  ASSERT_OK_AND_ASSIGN(Type a, store_->GetType(NodeKind::kArtifact, "A"));
  EXPECT_EQ(a.id, ids[0]);
  ASSERT_OK_AND_ASSIGN(Type e, store_->GetType(NodeKind::kExecution, "E"));
  EXPECT_EQ(e.id, ids[2]);

  // Again: nothing changes, nothing is written.
  const testing::Dump before = DumpStore();
  ASSERT_OK_AND_ASSIGN(
      std::vector<int64_t> again,
      PutTypes({Make(NodeKind::kArtifact, "A"), Make(NodeKind::kContext, "C"),
                Make(NodeKind::kExecution, "E")}));
  EXPECT_EQ(again, ids);
  EXPECT_EQ(DumpStore(), before);
}

TEST_F(PutTypesTest, ALaterTypeRefusedLeavesTheEarlierOnesUnwritten) {
  ASSERT_OK(
      store_
          ->PutType(Make(NodeKind::kContext, "C", {{"p", PropertyKind::kInt}}))
          .status());
  EXPECT_CODE(
      Refused({Make(NodeKind::kArtifact, "A"),
               Make(NodeKind::kContext, "C", {{"p", PropertyKind::kString}})}),
      kAlreadyExists);
  EXPECT_CODE(store_->GetType(NodeKind::kArtifact, "A"), kNotFound);
  Reopen();
  EXPECT_CODE(store_->GetType(NodeKind::kArtifact, "A"), kNotFound);
}

TEST_F(PutTypesTest, AnInvalidTypeIsRefusedBeforeAnyIsStaged) {
  EXPECT_CODE(
      Refused({Make(NodeKind::kArtifact, "A"), Make(NodeKind::kExecution, "")}),
      kInvalidArgument);
}

TEST_F(PutTypesTest, TheSameTypeTwiceInOneCallIsInvalidArgument) {
  EXPECT_CODE(
      Refused({Make(NodeKind::kArtifact, "A"), Make(NodeKind::kArtifact, "A")}),
      kInvalidArgument);
  // Another kind or version is another type.
  Type v2 = Make(NodeKind::kArtifact, "A");
  v2.version = "2";
  ASSERT_OK(PutTypes({Make(NodeKind::kArtifact, "A"), v2,
                      Make(NodeKind::kContext, "A")})
                .status());
}

TEST_F(PutTypesTest, OneExternalIdForTwoNewTypesIsAlreadyExists) {
  Type a = Make(NodeKind::kArtifact, "A");
  a.external_id = "x";
  Type b = Make(NodeKind::kArtifact, "B");
  b.external_id = "x";
  EXPECT_CODE(Refused({a, b}), kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(std::vector<Type> artifacts,
                       store_->ListTypes(NodeKind::kArtifact));
  EXPECT_THAT(artifacts, IsEmpty());
}

}  // namespace
}  // namespace lineagedb
