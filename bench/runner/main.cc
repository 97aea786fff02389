// lineage_bench: runs a named scenario against lineagedb and the MLMD-style
// SQLite baselines and writes tables, JSON, CSV and an SVG chart. See
// bench/README.md; the work is in lineage_bench_lib (cli.h).
#include "bench/runner/cli.h"

int main(int argc, char** argv) {
  return lineagedb::bench::RunBenchCommand(argc, argv);
}
