// The fixture of the tests that run the real lineagedb binary
// (LINEAGEDB_CLI_BINARY) on stores in temporary folders and check its
// output and exit codes, with the inputs they share.
#ifndef LINEAGEDB_TESTS_CLI_CLI_FIXTURE_H_
#define LINEAGEDB_TESTS_CLI_CLI_FIXTURE_H_

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

#ifndef LINEAGEDB_CLI_BINARY
#error "LINEAGEDB_CLI_BINARY must name the lineagedb binary"
#endif

namespace lineagedb::cli_test {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The project's copy of an OpenLineage example file.
inline std::string DataFile(const std::string& name) {
  return (fs::path(__FILE__).parent_path().parent_path() / "data" /
          "openlineage" / name)
      .string();
}

// The project's copy of Marquez's food_delivery events.
inline std::string MarquezFile() {
  return DataFile("marquez_food_delivery.json");
}

// A COMPLETE event of run i (1-9) of job "ns/job<i>" with output ns:out<i>.
inline std::string CompleteEvent(int i) {
  const std::string n = std::to_string(i);
  return "{\"eventType\":\"COMPLETE\",\"eventTime\":"
         "\"2024-01-01T00:00:00Z\",\"run\":{\"runId\":"
         "\"00000000-0000-4000-8000-00000000000" +
         n + "\"},\"job\":{\"namespace\":\"ns\",\"name\":\"job" + n +
         "\"},\"inputs\":[],\"outputs\":[{\"namespace\":\"ns\","
         "\"name\":\"out" +
         n + "\"}],\"producer\":\"p\",\"schemaURL\":\"s\"}";
}

class CliTest : public ::testing::Test {
 protected:
  // Runs `lineagedb --store <store> <args>` and captures its output.
  CliResult Run(const std::string& args) {
    return RunRaw("--store '" + store_.string() + "' " + args);
  }

  // `shell` comes before the command in the shell's line ("ulimit ...;");
  // stdin is read from `in`.
  CliResult RunRaw(const std::string& args, const std::string& shell = "",
                   const std::string& in = "/dev/null") {
    const fs::path out = fs::path(dir_.path()) / "stdout";
    const fs::path err = fs::path(dir_.path()) / "stderr";
    const std::string command = shell + "'" + LINEAGEDB_CLI_BINARY + "' " +
                                args + " >'" + out.string() + "' 2>'" +
                                err.string() + "' <'" + in + "'";
    const int status = std::system(command.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }

  // Writes `lines` as the NDJSON file `name` of the test's folder.
  fs::path WriteNdjson(const std::string& name,
                       const std::vector<std::string>& lines) {
    const fs::path input = fs::path(dir_.path()) / name;
    std::ofstream out(input);
    for (const std::string& line : lines) out << line << "\n";
    return input;
  }

  // Writes `lines` as an NDJSON file of native items and ingests it.
  CliResult IngestNative(const std::vector<std::string>& lines) {
    const fs::path input = WriteNdjson("native.ndjson", lines);
    return Run("ingest --native '" + input.string() + "'");
  }

  // The id of the last artifact the upstream walk from `node` lists (for
  // Marquez's events, a source table), or "" if the walk fails.
  std::string LastArtifactUpstream(const std::string& node) {
    const CliResult r = Run("lineage " + node + " --up --json");
    std::string last;
    const std::regex artifact("\"artifact:([0-9]+)\"");
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), artifact);
         r.code == 0 && it != std::sregex_iterator(); ++it) {
      last = (*it)[1];
    }
    return last;
  }

  void IngestMarquez() {
    CliResult r = Run("ingest '" + MarquezFile() + "'");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }

  // Puts `value` under `key`, or deletes `key` if there is none, in the
  // store's RocksDB behind lineagedb's back: a damaged store.
  void WriteRawKey(const std::string& key,
                   const std::optional<std::string>& value) {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::Options(), store_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    const rocksdb::Status s =
        value.has_value() ? db->Put(rocksdb::WriteOptions(), key, *value)
                          : db->Delete(rocksdb::WriteOptions(), key);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(db->Close().ok());
  }

  testing::TempDir dir_;
  fs::path store_ = fs::path(dir_.path()) / "store";
};

}  // namespace lineagedb::cli_test

#endif  // LINEAGEDB_TESTS_CLI_CLI_FIXTURE_H_
