// `lineagedb cache lookup --execution` on executions an orchestrator other
// than the demo's wrote (native JSON): inputs without a key in their path,
// and step parameters kept as custom properties, as TFX keeps them.
#include <gmock/gmock.h>

#include "tests/cli/cli_fixture.h"

namespace lineagedb::cli_test {
namespace {

using ::testing::HasSubstr;

// Types, an input artifact (id 1) made by execution 1, and three COMPLETE
// Trainer runs on it (executions 2, 3 and 4): 3 differs from 2 in custom
// property epochs, 4 only in TFX's per-run working folder index; each
// reads the input by an event without a path.
constexpr char kRuns[] = R"([
{"artifact_type": {"name": "Data"}},
{"artifact_type": {"name": "Model"}},
{"execution_type": {"name": "Gen"}},
{"execution_type": {"name": "Trainer", "properties": {"lr": "DOUBLE"}}},
{"execution": {"type": "Gen", "state": "COMPLETE"},
 "events": [{"type": "OUTPUT", "artifact": {"type": "Data", "uri": "/d"}}]},
{"execution": {"type": "Trainer", "state": "COMPLETE",
               "properties": {"lr": 0.1},
               "custom_properties": {"epochs": 5,
                                     "__stateful_working_dir_index__": "a"}},
 "events": [{"type": "INPUT", "artifact_id": 1},
            {"type": "OUTPUT", "path": ["model", 0],
             "artifact": {"type": "Model", "uri": "/m/5", "state": "LIVE"}}]},
{"execution": {"type": "Trainer", "state": "COMPLETE",
               "properties": {"lr": 0.1},
               "custom_properties": {"epochs": 50,
                                     "__stateful_working_dir_index__": "b"}},
 "events": [{"type": "INPUT", "artifact_id": 1},
            {"type": "OUTPUT", "path": ["model", 0],
             "artifact": {"type": "Model", "uri": "/m/50", "state": "LIVE"}}]},
{"execution": {"type": "Trainer", "state": "COMPLETE",
               "properties": {"lr": 0.1},
               "custom_properties": {"epochs": 5,
                                     "__stateful_working_dir_index__": "c"}},
 "events": [{"type": "INPUT", "artifact_id": 1},
            {"type": "OUTPUT", "path": ["model", 0],
             "artifact": {"type": "Model", "uri": "/m/5b", "state": "LIVE"}}]}
])";

TEST_F(CliTest, CacheKeysTakeUnkeyedInputsAndCustomProperties) {
  const fs::path runs = fs::path(dir_.path()) / "runs.json";
  std::ofstream(runs) << kRuns;
  ASSERT_EQ(Run("init").code, 0);
  CliResult r = Run("ingest --native '" + runs.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  // No run stored a fingerprint: each lookup misses, naming the key's.
  std::string fingerprints[3];
  for (int i = 0; i < 3; ++i) {
    r = Run("cache lookup --execution " + std::to_string(i + 2));
    ASSERT_EQ(r.code, 1) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        r.err, m, std::regex("with fingerprint ([0-9a-f]{32})")))
        << r.err;
    fingerprints[i] = m[1];
  }
  EXPECT_NE(fingerprints[0], fingerprints[1]);  // epochs 5 and 50.
  EXPECT_EQ(fingerprints[0], fingerprints[2]);  // __NAME__ is not a key.
  // An execution recorded with the first run's key is its hit; the other
  // run's key does not find it.
  const fs::path hit = fs::path(dir_.path()) / "hit.json";
  std::ofstream(hit) << R"({"execution": {"type": "Trainer", )"
                     << R"("state": "COMPLETE", "fingerprint": ")"
                     << fingerprints[0] << R"("}, "events": [{"type": )"
                     << R"("OUTPUT", "path": ["model", 0], "artifact": )"
                     << R"({"type": "Model", "uri": "/m/hit"}}]})";
  r = Run("ingest --native '" + hit.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Run("cache lookup --execution 2");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("execution:5"));
  EXPECT_THAT(r.out, HasSubstr("/m/hit"));
  EXPECT_EQ(Run("cache lookup --execution 3").code, 1);
  // A miss on an execution recorded with another fingerprint says so (a
  // step's code version is one reason: it is in no record).
  r = Run("cache lookup --execution 5 --code-version v9");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("execution 5 was recorded with fingerprint " +
                               fingerprints[0] + ": the computed one differs"));
  EXPECT_THAT(r.err, HasSubstr("--code-version 'v9'"));
}

}  // namespace
}  // namespace lineagedb::cli_test
