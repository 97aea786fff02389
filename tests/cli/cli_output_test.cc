// Tests of what the real binary prints: every lineage format, DOT and SVG
// limits, escaping of names in text, JSON and DOT, output that cannot be
// written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/cli/cli_fixture.h"

namespace lineagedb::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Native JSON lines of a chain: artifact 1, then `steps` executions each
// reading artifact i and writing artifact i + 1 (2 * steps hops).
std::vector<std::string> ChainLines(int steps) {
  std::vector<std::string> lines = {
      R"({"artifact_type": {"name": "D"}})",
      R"({"execution_type": {"name": "S"}})",
      R"({"execution": {"type": "S"}, "events": [{"type": "OUTPUT", )"
      R"("artifact_id": 1, "artifact": {"type": "D"}}]})"};
  for (int i = 1; i <= steps; ++i) {
    lines.push_back(absl::StrCat(
        R"({"execution": {"type": "S"}, "events": [{"type": "INPUT", )",
        R"("artifact_id": )", i, R"(}, {"type": "OUTPUT", "artifact_id": )",
        i + 1, R"(, "artifact": {"type": "D"}}]})"));
  }
  return lines;
}

// An SVG past kMaxSvgNodes is refused before graphviz is run (its layout
// would take minutes), with the ways to draw less; DOT is still written.
TEST_F(CliTest, AnSvgTooLargeToLayOutIsRefused) {
  // A chain of 2,501 steps after the first: 5,004 nodes, past the 5,000
  // that kMaxSvgNodes (tools/cli/output.h) allows.
  ASSERT_EQ(IngestNative(ChainLines(2501)).code, 0);
  for (const std::string command :
       {"lineage artifact:1 --down --hops 6000 --format svg",
        "export --format svg"}) {
    SCOPED_TRACE(command);
    CliResult r = Run(command);
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("nodes are too many to draw as SVG"));
    EXPECT_THAT(r.err, HasSubstr("--format dot"));
    EXPECT_TRUE(r.out.empty());
  }
  CliResult dot = Run("lineage artifact:1 --down --hops 6000 --format dot");
  EXPECT_EQ(dot.code, 0) << dot.err;
  // A part of it still draws.
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    CliResult svg = Run("lineage artifact:1 --down --hops 4 --format svg");
    EXPECT_EQ(svg.code, 0) << svg.err;
    EXPECT_THAT(svg.out, HasSubstr("<svg"));
  }
}

// Lineage in every format; OpenLineage runs are named by their jobs.
TEST_F(CliTest, LineageOfADatasetInEveryFormat) {
  IngestMarquez();
  const std::string node = "food_delivery:public.popular_orders_day_of_week";
  CliResult text = Run("lineage " + node + " --up");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("openlineage.Job"));
  EXPECT_THAT(text.out, HasSubstr("popular_orders_day_of_week"));
  EXPECT_THAT(text.out,
              HasSubstr("24 nodes"));  // 12 runs, 11 datasets and the start.
  // A run has no name: it is shown by its job's.
  EXPECT_THAT(text.out, HasSubstr("openlineage.Job      "
                                  "food_delivery/orders_popular_day_of_week"));

  CliResult json = Run("--json lineage " + node + " --up");
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.out.front(), '{');
  EXPECT_THAT(json.out, HasSubstr("\"executions\":[{"));
  EXPECT_THAT(json.out, HasSubstr("\"events\":[{"));

  CliResult dot = Run("lineage " + node + " --up --format dot");
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("digraph lineage {"));
  EXPECT_THAT(dot.out, HasSubstr(" -> "));
  EXPECT_THAT(dot.out, HasSubstr("food_delivery/orders_popular_day_of_week"));
  CliResult path = Run("path food_delivery:public.menus " + node);
  EXPECT_THAT(path.out, HasSubstr("(openlineage.Job "
                                  "'food_delivery/etl_orders_7_days')"));

  CliResult by_id = Run("lineage artifact:1 --down --hops 2");
  EXPECT_EQ(by_id.code, 0) << by_id.err;
}

// --hops -1 is no limit in every command that walks: past the default 20
// hops of lineage and export, as in impact.
TEST_F(CliTest, HopsMinusOneIsNoLimitEverywhere) {
  // Artifact 31 is 60 hops below artifact 1.
  ASSERT_EQ(IngestNative(ChainLines(30)).code, 0);
  CliResult bounded = Run("lineage artifact:1 --down");
  ASSERT_EQ(bounded.code, 0) << bounded.err;
  EXPECT_THAT(bounded.out, HasSubstr("up to 20 hops"));
  EXPECT_THAT(bounded.out, Not(HasSubstr("artifact:31 ")));
  CliResult all = Run("lineage artifact:1 --down --hops -1");
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("downstream, no hop limit: "));
  EXPECT_THAT(all.out, HasSubstr("artifact:31 "));
  for (const std::string command :
       {"--json lineage artifact:1 --down", "export artifact:1 --down"}) {
    SCOPED_TRACE(command);
    CliResult unlimited = Run(command + " --hops -1");
    ASSERT_EQ(unlimited.code, 0) << unlimited.err;
    EXPECT_EQ(unlimited.out, Run(command + " --hops 60").out);
    EXPECT_NE(unlimited.out, Run(command + " --hops 59").out);
  }
  CliResult impact = Run("impact artifact:1 --hops -1");
  ASSERT_EQ(impact.code, 0) << impact.err;
  EXPECT_THAT(impact.out, HasSubstr("60 hops"));
  for (const std::string command :
       {"lineage artifact:1 --hops -2", "export artifact:1 --hops -2",
        "impact artifact:1 --hops -2",
        "lineage --column a:b:c --up --hops -2"}) {
    SCOPED_TRACE(command);
    CliResult r = Run(command);
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("must be >= 0, or -1 (no limit)"));
  }
}

// A subgraph's JSON says which node belongs to which of its contexts: the
// links the whole store's export has, of the subgraph's nodes.
TEST_F(CliTest, SubgraphJsonLinksNodesToTheirContexts) {
  IngestMarquez();
  // "NAME":{"context_id":C,"KIND_id":N} pairs, in the order written.
  auto links = [](const std::string& json, const std::string& name,
                  const std::string& kind) {
    std::vector<std::string> out;
    const size_t start = json.find("\"" + name + "\":[");
    if (start == std::string::npos) return out;
    const std::string array = json.substr(start, json.find(']', start) - start);
    const std::regex pair("\\{\"context_id\":(\\d+),\"" + kind +
                          "_id\":(\\d+)\\}");
    for (std::sregex_iterator it(array.begin(), array.end(), pair), end;
         it != end; ++it) {
      out.push_back(absl::StrCat((*it)[1].str(), "-", (*it)[2].str()));
    }
    return out;
  };
  CliResult whole = Run("export --format json");
  ASSERT_EQ(whole.code, 0) << whole.err;
  for (const std::string args :
       {"--json lineage food_delivery:public.menus --down --hops 2",
        "export food_delivery:public.menus --hops 1"}) {
    SCOPED_TRACE(args);
    CliResult sub = Run(args);
    ASSERT_EQ(sub.code, 0) << sub.err;
    for (const auto& [name, kind] :
         {std::pair<std::string, std::string>("attributions", "artifact"),
          std::pair<std::string, std::string>("associations", "execution")}) {
      std::vector<std::string> got = links(sub.out, name, kind);
      ASSERT_FALSE(got.empty()) << name;
      std::vector<std::string> want;
      for (const std::string& link : links(whole.out, name, kind)) {
        const std::string node = link.substr(link.find('-') + 1);
        if (sub.out.find("\"" + kind + ":" + node + "\"") !=
            std::string::npos) {
          want.push_back(link);
        }
      }
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      EXPECT_EQ(got, want) << name;
    }
  }
}

TEST_F(CliTest, OutputThatCannotBeWrittenIsAStorageError) {
  IngestMarquez();
  const fs::path err = fs::path(dir_.path()) / "stderr";
  for (const std::string args : {"export", "--json stats", "list artifacts"}) {
    SCOPED_TRACE(args);
    const std::string command = std::string("'") + LINEAGEDB_CLI_BINARY +
                                "' --store '" + store_.string() + "' " + args +
                                " >/dev/full 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 4);
    const std::string message = ReadAll(err);
    EXPECT_THAT(message, HasSubstr("cannot write standard output"));
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
  }
}

// Names with quotes come out of --json escaped: the output stays JSON.
TEST_F(CliTest, JsonOfCacheLookupAndStaleEscapesNames) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "Data"}})",
       R"({"execution_type": {"name": "Ste\"p"}})",
       R"({"context_type": {"name": "pipeline"}})",
       R"({"execution": {"type": "Ste\"p", "state": "COMPLETE", "fingerprint": "fp1"}, "events": [{"type": "OUTPUT", "path": ["m\"x", 0], "artifact": {"type": "Data", "uri": "/d"}}], "contexts": [{"type": "pipeline", "name": "p"}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("--json cache lookup --fingerprint fp1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("outputs":{"m\"x":[1]})")) << r.out;
  r = Run("--json stale --context 1 --artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("valid":[{"type":"Ste\"p")")) << r.out;
}

// stale shows the state of a step's latest run when it never succeeded, and
// refuses a failed run's output as new data (invalid data, exit 3).
TEST_F(CliTest, StaleShowsStepsThatNeverSucceededAndRefusesFailedOutputs) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "Data"}})",
       R"({"execution_type": {"name": "Gen"}})",
       R"({"execution_type": {"name": "Eval"}})",
       R"({"context_type": {"name": "pipeline"}})",
       R"({"execution": {"type": "Gen", "state": "COMPLETE"}, "events": [{"type": "OUTPUT", "path": ["out", 0], "artifact": {"type": "Data", "uri": "/d1", "state": "LIVE"}}], "contexts": [{"type": "pipeline", "name": "p"}]})",
       R"({"execution": {"type": "Eval", "state": "FAILED"}, "events": [{"type": "INPUT", "path": ["in", 0], "artifact_id": 1}], "contexts": [{"type": "pipeline", "name": "p"}]})",
       R"({"execution": {"type": "Gen", "state": "FAILED"}, "events": [{"type": "OUTPUT", "path": ["out", 0], "artifact": {"type": "Data", "uri": "/d2", "state": "ABANDONED"}}], "contexts": [{"type": "pipeline", "name": "p"}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("stale --context 1 --artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Eval(execution:2)[FAILED]")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Gen(execution:1)")) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("Gen(execution:1)["))) << r.out;
  r = Run("--json stale --context 1 --artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"({"type":"Eval","latest_execution":2,)"
                               R"("latest_state":"FAILED"})"))
      << r.out;
  r = Run("stale --context 1 --artifact 2");
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("artifact 2 is ABANDONED, not usable new data"));
}

// A whole DOUBLE is shown with ".0", in text and JSON, so that it is told
// from an INT and an export reads back with the same kinds.
TEST_F(CliTest, AWholeDoubleIsShownAsADouble) {
  CliResult r = IngestNative(
      {R"({"execution_type": {"name": "Step", "properties": {"lr": "DOUBLE"}}})",
       R"({"execution": {"type": "Step", "properties": {"lr": 2}, "custom_properties": {"d": 3.0, "i": 3, "big": 1e300, "neg": -0.0}}})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("--json get execution 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("lr":2.0)"));
  EXPECT_THAT(r.out, HasSubstr(R"("d":3.0)"));
  EXPECT_THAT(r.out, HasSubstr(R"("i":3)"));
  EXPECT_THAT(r.out, HasSubstr(R"("big":1e+300)"));
  r = Run("get execution 1");
  EXPECT_THAT(r.out, HasSubstr("d: 3.0\n"));
  EXPECT_THAT(r.out, HasSubstr("i: 3\n"));
}

// What is stored is shown: an execution's fingerprint (get, export) and a
// type's base type, description and external id (export), a proto's bytes
// (export, as native JSON takes them in).
TEST_F(CliTest, GetAndExportShowFingerprintsAndTypeFields) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "Data"}})",
       R"({"execution_type": {"name": "Step", "base_type": "TRAIN", "description": "trains", "external_id": "x-step"}})",
       R"({"execution": {"type": "Step", "state": "COMPLETE", "fingerprint": "fp1", "custom_properties": {"p": {"type_url": "t/x.Y", "hex": "de00ef"}}}, "events": [{"type": "OUTPUT", "artifact": {"type": "Data", "uri": "/d"}}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("get execution 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("  fingerprint: fp1\n"));
  r = Run("--json get execution 1");
  EXPECT_THAT(r.out, HasSubstr(R"("fingerprint":"fp1")"));
  r = Run("export --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("fingerprint":"fp1")"));
  EXPECT_THAT(
      r.out,
      HasSubstr(
          R"("description":"trains","external_id":"x-step","base_type":"TRAIN")"));
  // A proto's bytes, as native JSON takes them in.
  EXPECT_THAT(r.out, HasSubstr(R"("p":{"type_url":"t/x.Y","hex":"de00ef"})"));
}

// A name longer than a DOT label is cut between characters, not inside one.
TEST_F(CliTest, DotLabelsCutLongNamesBetweenCharacters) {
  std::string name;
  for (int i = 0; i < 40; ++i) name += "\xC3\xA9";  // é
  ASSERT_EQ(
      IngestNative(
          {R"({"artifact_type": {"name": "Data"}})",
           R"({"execution_type": {"name": "Step"}})",
           R"({"execution": {"type": "Step", "state": "COMPLETE"}, "events": [{"type": "OUTPUT", "artifact": {"type": "Data", "name": ")" +
               name + R"("}}]})"})
          .code,
      0);
  CliResult dot = Run("export --format dot");
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("\xC3\xA9..."));
  for (size_t i = 0; i < dot.out.size(); ++i) {
    const unsigned char c = dot.out[i];
    if (c < 0x80) continue;
    // A lead byte of a 2-byte character followed by its continuation byte.
    ASSERT_EQ(c, 0xC3) << "at " << i;
    ASSERT_LT(i + 1, dot.out.size());
    ASSERT_EQ(static_cast<unsigned char>(dot.out[++i]), 0xA9) << "at " << i;
  }
}

// Control characters in names (a NUL, a newline) are escaped in DOT, so
// graphviz can draw the store.
TEST_F(CliTest, DotEscapesControlCharactersAndEntitiesInNames) {
  const fs::path input = WriteNdjson(
      "ctl.ndjson",
      {R"({"eventType":"COMPLETE","eventTime":"2024-01-01T00:00:00Z","run":{"runId":"00000000-0000-4000-8000-000000000001"},"job":{"namespace":"ns","name":"j"},"outputs":[{"namespace":"d","name":"a\u0000b\nc"},{"namespace":"d","name":"x&amp;y"}],"producer":"p","schemaURL":"s"})"});
  ASSERT_EQ(Run("ingest -q '" + input.string() + "'").code, 0);
  CliResult dot = Run("export --format dot");
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_EQ(dot.out.find('\0'), std::string::npos);
  EXPECT_THAT(dot.out, HasSubstr(R"(d:a\\x00b\\x0Ac)"));
  // Graphviz would read an entity in a name as its character.
  EXPECT_THAT(dot.out, HasSubstr("d:x&amp;amp;y"));
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    const fs::path svg = fs::path(dir_.path()) / "g.svg";
    CliResult r = Run("export --format svg -o '" + svg.string() + "'");
    EXPECT_EQ(r.code, 0) << r.err;
    std::ifstream f(svg);
    const std::string text(std::istreambuf_iterator<char>(f), {});
    EXPECT_THAT(text, HasSubstr("d:x&amp;amp;y"));  // Shows "x&amp;y".
  }
}

// Text output shows control characters in stored names as \xNN: a name
// cannot break a line of the output or drive the terminal.
TEST_F(CliTest, TextOutputEscapesControlCharacters) {
  std::string event = CompleteEvent(1);
  const std::string out = R"("name":"out1")";
  event.replace(event.find(out), out.size(),
                R"("name":"a\nb\u001b[31mc\u009b")");
  const fs::path file = fs::path(dir_.path()) / "e.json";
  std::ofstream(file) << event;
  ASSERT_EQ(Run("ingest '" + file.string() + "'").code, 0);
  for (const std::string cmd :
       {"get artifact 1", "list artifact", "lineage artifact:1",
        "path execution:1 artifact:1"}) {
    CliResult r = Run(cmd);
    ASSERT_EQ(r.code, 0) << cmd << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("ns:a\\x0Ab\\x1B[31mc\\xC2\\x9B")) << cmd;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << cmd;
  }
  // JSON keeps the name as it is, escaped the JSON way.
  EXPECT_THAT(Run("--json get artifact 1").out,
              HasSubstr(R"("name":"ns:a\nb\u001b[31mc)"));
  // Impact's per-hop counts name types: a type name is stored text too.
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "D\u001bX"}})",
       R"({"execution_type": {"name": "S"}})",
       R"({"execution": {"type": "S"}, "events": [{"type": "OUTPUT", "artifact": {"type": "D\u001bX"}}, {"type": "OUTPUT", "artifact": {"type": "D\u001bX"}}]})"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Run("impact execution:2 --max-listed 0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 D\\x1BX"));
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  // Errors and rejections quoting the input: one line each, escaped.
  r = IngestNative({R"({"execution": {"type": "E\nZ\u001b[2J"}})"});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("no execution type named 'E\\x0AZ\\x1B[2J'"));
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  r = Run("get artifact --type 'D\x1bX' --name 'n\x1b'");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  // Escaped once: the type's ESC is \x1B, not \\x1B.
  r = Run("get artifact --type 'Q\x1bX' --name n");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no artifact type 'Q\\x1BX'"));
  // A backslash is escaped too: the text "\x0A" is not a newline.
  event = CompleteEvent(2);
  event.replace(event.find(R"("name":"out2")"), 13, R"("name":"a\\x0Ab")");
  std::ofstream(file) << event;
  ASSERT_EQ(Run("ingest '" + file.string() + "'").code, 0);
  EXPECT_THAT(Run("list artifact").out, HasSubstr("ns:a\\\\x0Ab"));
}

// impact and diff name the nodes they list; a hop's nodes go one a line.
TEST_F(CliTest, ImpactAndDiffTextNameTheirNodes) {
  IngestMarquez();
  CliResult r = Run("impact food_delivery:public.orders_7_days --hops 5");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(openlineage.Job "
                               "'food_delivery/etl_delivery_7_days')\n"));
  EXPECT_THAT(r.out, HasSubstr("    4 hops artifact:11 (openlineage.Dataset "
                               "'food_delivery:public.top_delivery_times')\n"
                               "           artifact:12 (openlineage.Dataset "
                               "'food_delivery:public.discounts')\n"));
  r =
      Run("diff food_delivery:public.popular_orders_day_of_week "
          "food_delivery:public.top_delivery_times");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("upstream of a only: 2\n  artifact:11 "
                               "(openlineage.Dataset "
                               "'food_delivery:public.top_delivery_times')\n"
                               "  execution:12 (openlineage.Job "
                               "'food_delivery/orders_popular_day_of_week')"));
  r =
      Run("--json diff food_delivery:public.popular_orders_day_of_week "
          "food_delivery:public.top_delivery_times");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("only_a":["artifact:11","execution:12"])"));
  // JSON keeps each record's name (a run of OpenLineage has none) and
  // URI apart from what text shows ("label").
  EXPECT_THAT(r.out, HasSubstr(R"("execution:12":{"type":"openlineage.Job",)"
                               R"("name":"","label":"food_delivery/)"
                               R"(orders_popular_day_of_week"})"));
  EXPECT_THAT(r.out, HasSubstr(R"("artifact:11":{"type":"openlineage.Dataset",)"
                               R"("name":"food_delivery:public.)"
                               R"(top_delivery_times","uri":"",)"
                               R"("label":"food_delivery:public.)"
                               R"(top_delivery_times"})"));
  r = Run("--json impact food_delivery:public.orders_7_days --hops 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("distance":1,"type":"openlineage.Job",)"
                               R"("name":"","label":"food_delivery/)"
                               R"(etl_delivery_7_days"})"));
}

// diff tells an empty value from an absent property.
TEST_F(CliTest, DiffTellsAnEmptyValueFromAnAbsentOne) {
  ASSERT_EQ(
      IngestNative(
          {R"({"artifact_type": {"name": "D"}})",
           R"({"execution_type": {"name": "P"}})",
           R"({"execution": {"type": "P"}, "events": [{"type": "OUTPUT", "artifact": {"type": "D"}}]})",
           R"({"execution": {"type": "P", "custom_properties": {"note": ""}}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "OUTPUT", "artifact": {"type": "D"}}]})",
           R"({"execution": {"type": "P", "custom_properties": {"lr": null}}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "OUTPUT", "artifact": {"type": "D"}}]})"})
          .code,
      0);
  CliResult r = Run("diff artifact:2 artifact:3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("P custom_properties.note: \"\" -> (absent)"));
  r = Run("--json diff artifact:2 artifact:3");
  EXPECT_THAT(r.out,
              HasSubstr(R"("property":"custom_properties.note","a":""})"));
  // A NaN is null, as native JSON reads it; an absent side has no key.
  EXPECT_THAT(r.out,
              HasSubstr(R"("property":"custom_properties.lr","b":null})"));
  // An unnamed artifact's label is its URI; its name stays empty.
  ASSERT_EQ(IngestNative({R"({"execution": {"type": "P"}, "events": [)"
                          R"({"type": "INPUT", "artifact_id": 3}, {"type": )"
                          R"("OUTPUT", "artifact": {"type": "D", "uri": )"
                          R"("/d/4"}}]})"})
                .code,
            0);
  r = Run("--json path artifact:3 artifact:4");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"({"node":"artifact:4","type":"D","name":"",)"
                               R"("uri":"/d/4","label":"/d/4"})"));
  r = Run("path artifact:3 artifact:4");
  EXPECT_THAT(r.out, HasSubstr("artifact:4 (D '/d/4')"));
  // Values keep their JSON types; text tells values that read alike apart
  // by kind.
  ASSERT_EQ(
      IngestNative(
          {R"({"execution": {"type": "P", "custom_properties": {"n": 1, "s": "1", "x": 2.5}}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "OUTPUT", "artifact": {"type": "D"}}]})",
           R"({"execution": {"type": "P", "custom_properties": {"n": "1", "s": "1", "x": 3}}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "OUTPUT", "artifact": {"type": "D"}}]})"})
          .code,
      0);
  r = Run("--json diff artifact:5 artifact:6");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr(R"("property":"custom_properties.n","a":1,"b":"1")"));
  EXPECT_THAT(r.out,
              HasSubstr(R"("property":"custom_properties.x","a":2.5,"b":3)"));
  EXPECT_THAT(r.out, Not(HasSubstr("custom_properties.s")));
  r = Run("diff artifact:5 artifact:6");
  EXPECT_THAT(r.out, HasSubstr("P custom_properties.n: 1 (INT) -> 1 (STRING)"));
  EXPECT_THAT(r.out, HasSubstr("P custom_properties.x: 2.5 -> 3"));
}

}  // namespace
}  // namespace lineagedb::cli_test
