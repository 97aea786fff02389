// WriteContext (write_context.h): a batch sorted and framed ahead of
// Detach() by PrepareDetach() holds exactly the writes pending at Detach(),
// whatever Put, Delete or RollbackToSavePoint came in between.
#include "store/write_context.h"

#include <memory>
#include <string>
#include <vector>

#include "codec/keys.h"
#include "storage/kv.h"
#include "tests/test_util.h"

namespace lineagedb::store {
namespace {

class WriteContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(kv_,
                         storage::Kv::Open(Options{}, dir_.path() + "/kv"));
  }

  // A key of the node family (read through the overlay).
  static std::string Key(char c) {
    return std::string(1, static_cast<char>(codec::Tag::kNode)) + c;
  }

  // The keys of a detached batch, the store counters' key left out.
  static std::vector<std::string> Keys(const WriteContext::DetachedBatch& d) {
    std::vector<std::string> keys;
    d.batch->ForEachKey([&](std::string_view key) {
      if (static_cast<codec::Tag>(key[0]) == codec::Tag::kNode) {
        keys.emplace_back(key);
      }
    });
    return keys;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Kv> kv_;
};

TEST_F(WriteContextTest, RollbackAfterPrepareDropsTheRolledBackWrites) {
  WriteContext wc(kv_.get(), codec::Counters{}, /*now_ms=*/1000);
  wc.Put(Key('a'), "kept");
  wc.SetSavePoint();
  wc.Put(Key('b'), "rolled back");
  wc.PrepareDetach();
  wc.RollbackToSavePoint();
  WriteContext::DetachedBatch d = wc.Detach(/*now_ms=*/1001);
  EXPECT_EQ(d.keys, 1u);
  EXPECT_EQ(Keys(d), std::vector<std::string>{Key('a')});
  // Reads see the detached batch until it is released.
  std::string value;
  ASSERT_OK(wc.Get(Key('a'), &value));
  EXPECT_EQ(value, "kept");
  EXPECT_TRUE(absl::IsNotFound(wc.Get(Key('b'), &value)));
  wc.ReleaseDetached();
}

TEST_F(WriteContextTest, PutAfterPrepareIsInTheDetachedBatch) {
  WriteContext wc(kv_.get(), codec::Counters{}, /*now_ms=*/1000);
  wc.Put(Key('b'), "1");
  wc.PrepareDetach();
  wc.Put(Key('a'), "2");
  wc.Delete(Key('b'));
  WriteContext::DetachedBatch d = wc.Detach(/*now_ms=*/1001);
  EXPECT_EQ(d.keys, 3u);  // Two puts and a delete, sorted by key.
  EXPECT_EQ(Keys(d), (std::vector<std::string>{Key('a'), Key('b'), Key('b')}));
  ASSERT_OK(kv_->Write(d.batch.get(), /*sync=*/false));
  wc.ReleaseDetached();
  auto view = kv_->NewReadView();
  std::string value;
  ASSERT_OK(view->Get(Key('a'), &value));
  EXPECT_EQ(value, "2");
  EXPECT_TRUE(absl::IsNotFound(view->Get(Key('b'), &value)));
}

}  // namespace
}  // namespace lineagedb::store
