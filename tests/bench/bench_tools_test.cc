// The bench tools' binaries refuse bad arguments with a message and exit 2,
// before they write or remove anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/test_util.h"

#if !defined(LINEAGE_GEN_BINARY) || !defined(LINEAGE_BENCH_BINARY) || \
    !defined(OPENLINEAGE_CEILING_BINARY)
#error "the bench tools' binaries must be named"
#endif

namespace lineagedb {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BenchToolsTest : public ::testing::Test {
 protected:
  // Runs `binary args`; returns the exit code, with stderr in `err_`.
  int Run(const std::string& binary, const std::string& args) {
    const fs::path err = fs::path(dir_.path()) / "stderr";
    const std::string command =
        "'" + binary + "' " + args + " >/dev/null 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    std::ifstream in(err);
    std::stringstream s;
    s << in.rdbuf();
    err_ = s.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Path(const std::string& name) const {
    return (fs::path(dir_.path()) / name).string();
  }

  testing::TempDir dir_;
  std::string err_;
};

TEST_F(BenchToolsTest, LineageGenRefusesBadSizesAndShares) {
  EXPECT_EQ(Run(LINEAGE_GEN_BINARY,
                "--scenario tfx-18446744073709552k --out " + Path("a")),
            2);
  EXPECT_THAT(err_, HasSubstr("too large"));
  // A NaN share is refused before the output file is touched.
  std::ofstream(Path("kept")) << "mine";
  EXPECT_EQ(Run(LINEAGE_GEN_BINARY,
                "--scenario tfx-1k --fail-share nan --out " + Path("kept")),
            2);
  EXPECT_THAT(err_, HasSubstr("fail-share"));
  std::ifstream kept(Path("kept"));
  std::string text;
  kept >> text;
  EXPECT_EQ(text, "mine");
}

TEST_F(BenchToolsTest, LineageBenchRefusesCountsPastItsBounds) {
  for (const std::string flag : {"--queries 2147483647", "--warmup 2147483647",
                                 "--cache-mib 9223372036854775807"}) {
    EXPECT_EQ(Run(LINEAGE_BENCH_BINARY,
                  "--scenario tfx-1k --skip-baselines "
                  "--out " +
                      Path("out") + " " + flag),
              2)
        << flag;
    EXPECT_FALSE(fs::exists(Path("out"))) << flag;
  }
}

// Counts that must be positive say so; --reuse-data names the kept store
// it lacks.
TEST_F(BenchToolsTest, LineageBenchSaysWhatItNeeds) {
  for (const std::string flag : {"--passes 0", "--sqlite-batch 0"}) {
    EXPECT_EQ(Run(LINEAGE_BENCH_BINARY, "--scenario tfx-1k " + flag), 2);
    EXPECT_THAT(err_, HasSubstr("not in range 1 to 2147483647")) << flag;
  }
  EXPECT_EQ(Run(LINEAGE_BENCH_BINARY,
                "--scenario tfx-1k --reuse-data --out " + Path("none")),
            1);
  EXPECT_THAT(err_, HasSubstr("no kept lineagedb store at " + Path("none") +
                              "/tfx-1k/lineagedb"));
}

TEST_F(BenchToolsTest, OpenLineageCeilingKeepsFoldersItDidNotMake) {
  const std::string in = Path("in.ndjson");
  std::ofstream(in) << "\n";
  // No events: refused, nothing made.
  EXPECT_EQ(Run(OPENLINEAGE_CEILING_BINARY,
                "--in " + in + " --dir " + Path("scratch")),
            1);
  EXPECT_THAT(err_, HasSubstr("no events"));
  EXPECT_FALSE(fs::exists(Path("scratch")));
  std::ofstream(in) << "{}\n";
  // A folder in use, the input's own among them, is not removed.
  EXPECT_EQ(
      Run(OPENLINEAGE_CEILING_BINARY, "--in " + in + " --dir " + dir_.path()),
      2);
  EXPECT_EQ(Run(OPENLINEAGE_CEILING_BINARY, "--in " + in + " --dir " + in), 2);
  EXPECT_TRUE(fs::exists(in));
  // No event accepted: refused, and --dir removed again.
  EXPECT_EQ(Run(OPENLINEAGE_CEILING_BINARY,
                "--in " + in + " --dir " + Path("scratch")),
            1);
  EXPECT_THAT(err_, HasSubstr("no event"));
  EXPECT_FALSE(fs::exists(Path("scratch")));
  EXPECT_EQ(
      Run(OPENLINEAGE_CEILING_BINARY, "--in " + in + " --dir /dev/null/x"), 1);
  EXPECT_THAT(err_, HasSubstr("cannot make --dir"));
}

}  // namespace
}  // namespace lineagedb
