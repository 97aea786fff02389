// The model rules `lineagedb check` verifies (tools/cli/check_model.h).
#include "tools/cli/check_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lineagedb::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CheckModelTest, PropertiesMustBeDeclaredWithTheirKinds) {
  const std::map<std::string, PropertyKind> declared = {
      {"span", PropertyKind::kInt}, {"split", PropertyKind::kString}};
  std::vector<std::string> problems;
  CheckDeclaredProperties(7, 3, {{"span", int64_t{1}}, {"split", "train"}},
                          declared, &problems);
  EXPECT_THAT(problems, IsEmpty());
  CheckDeclaredProperties(7, 3, {{"span", "one"}, {"zz", 1.5}}, declared,
                          &problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0],
              HasSubstr("node 7 has property 'span' of kind STRING, which its "
                        "type 3 declares INT"));
  EXPECT_THAT(problems[1],
              HasSubstr("'zz', which its type 3 does not declare"));
}

TEST(CheckModelTest, ParentCyclesAreNamedOnceBySmallestContext) {
  // A diamond and a chain: no cycle.
  EXPECT_THAT(ParentCycles({{1, {2, 3}}, {2, {4}}, {3, {4}}, {5, {1}}}),
              IsEmpty());
  // A context its own parent; a two-cycle; a three-cycle reached from a
  // context outside it.
  EXPECT_THAT(ParentCycles({{1, {1}}}), ElementsAre(1));
  EXPECT_THAT(ParentCycles({{1, {2}}, {2, {1}}}), ElementsAre(1));
  EXPECT_THAT(ParentCycles({{9, {6}}, {6, {7}}, {7, {8}}, {8, {6}}, {1, {2}}}),
              ElementsAre(6));
  // Two cycles.
  EXPECT_THAT(ParentCycles({{3, {4}}, {4, {3}}, {10, {11}}, {11, {10}}}),
              ElementsAre(3, 10));
}

}  // namespace
}  // namespace lineagedb::cli
