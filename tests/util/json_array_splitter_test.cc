#include "util/json_array_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace lineagedb::util {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

struct Split {
  std::vector<std::pair<int64_t, std::string>> items;
  std::vector<std::pair<int64_t, std::string>> errors;
};

// Splits `input` fed in pieces of `step` bytes.
Split SplitInSteps(std::string_view input, size_t step) {
  Split out;
  JsonArraySplitter splitter;
  auto on_piece = [&](const JsonArraySplitter::Piece& p) {
    if (p.error.empty()) {
      out.items.emplace_back(p.index, std::string(p.text));
    } else {
      out.errors.emplace_back(p.index, p.error);
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < input.size(); i += step) {
    EXPECT_TRUE(splitter.Add(input.substr(i, step), on_piece).ok());
  }
  EXPECT_TRUE(splitter.Finish(on_piece).ok());
  return out;
}

// Every way of cutting the input gives the same items: strings holding
// brackets, commas, escaped quotes and backslashes; nested arrays and
// objects; items over several lines.
TEST(JsonArraySplitterTest, ItemsWhereverTheInputIsCut) {
  const std::string input =
      " [ {\"a\": \"x,]}\\\"\", \"b\": [1, {\"c\": \"\\\\\"}]},\n"
      "  [1, 2],\n  \"s\\\\\" , 3 ,{\n \"d\": {}\n}\n ] \n";
  for (size_t step : {1, 2, 3, 7, 1000}) {
    SCOPED_TRACE(step);
    const Split split = SplitInSteps(input, step);
    EXPECT_THAT(split.errors, IsEmpty());
    EXPECT_THAT(
        split.items,
        ElementsAre(
            Pair(1, "{\"a\": \"x,]}\\\"\", \"b\": [1, {\"c\": \"\\\\\"}]}"),
            Pair(2, "[1, 2]"), Pair(3, "\"s\\\\\""), Pair(4, "3"),
            Pair(5, "{\n \"d\": {}\n}")));
  }
}

TEST(JsonArraySplitterTest, AnEmptyArrayHasNoItems) {
  for (const char* input : {"[]", " [ \n ] ", "[]\n"}) {
    const Split split = SplitInSteps(input, 1);
    EXPECT_THAT(split.items, IsEmpty()) << input;
    EXPECT_THAT(split.errors, IsEmpty()) << input;
  }
}

// A missing item is an error at its place; the items around it are kept.
TEST(JsonArraySplitterTest, AMissingItemIsAnErrorAtItsPlace) {
  Split split = SplitInSteps("[1,,2, ]", 2);
  EXPECT_THAT(split.items, ElementsAre(Pair(1, "1"), Pair(3, "2")));
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(2, ::testing::HasSubstr("item is missing")),
                          Pair(4, ::testing::HasSubstr("item is missing"))));
  split = SplitInSteps("[,1]", 1);
  EXPECT_THAT(split.items, ElementsAre(Pair(2, "1")));
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(1, ::testing::HasSubstr("item is missing"))));
}

// An input cut short is one error where it ends, the item it cut off (which
// could parse) not passed on, but an object it ended is; text after the
// array is one error, and nothing after it is looked at.
TEST(JsonArraySplitterTest, ADamagedEndIsOneError) {
  Split split = SplitInSteps("[1, {\"a\": 2", 3);
  EXPECT_THAT(split.items, ElementsAre(Pair(1, "1")));
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(2, ::testing::HasSubstr("ends in this item"))));
  for (size_t step : {1, 3, 100}) {
    split = SplitInSteps("[1, {\"a\": \"}\"}\n", step);
    EXPECT_THAT(split.items,
                ElementsAre(Pair(1, "1"), Pair(2, "{\"a\": \"}\"}")));
    EXPECT_THAT(split.errors,
                ElementsAre(Pair(3, ::testing::HasSubstr("ends before"))));
  }
  split = SplitInSteps("[1, {\"a\": \"}", 3);
  EXPECT_THAT(split.items, ElementsAre(Pair(1, "1")));
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(2, ::testing::HasSubstr("ends in this item"))));
  split = SplitInSteps("[1, \"open", 3);
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(2, ::testing::HasSubstr("ends in this item"))));
  split = SplitInSteps("[1,", 1);
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(2, ::testing::HasSubstr("ends before"))));
  split = SplitInSteps("[1] {\"a\": 1}, [2]", 4);
  EXPECT_THAT(split.items, ElementsAre(Pair(1, "1")));
  EXPECT_THAT(
      split.errors,
      ElementsAre(Pair(2, ::testing::HasSubstr("text after the array"))));
  split = SplitInSteps("{\"a\": 1}", 4);
  EXPECT_THAT(split.items, IsEmpty());
  EXPECT_THAT(split.errors,
              ElementsAre(Pair(1, ::testing::HasSubstr("not an array"))));
}

// An error on_piece returns stops the split: nothing more is passed on.
TEST(JsonArraySplitterTest, AnErrorOfOnPieceStopsIt) {
  JsonArraySplitter splitter;
  int calls = 0;
  auto on_piece = [&](const JsonArraySplitter::Piece&) {
    ++calls;
    return absl::InternalError("full");
  };
  EXPECT_EQ(splitter.Add("[1, 2, 3]", on_piece).code(),
            absl::StatusCode::kInternal);
  EXPECT_TRUE(splitter.Add("[4]", on_piece).ok());
  EXPECT_TRUE(splitter.Finish(on_piece).ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace lineagedb::util
