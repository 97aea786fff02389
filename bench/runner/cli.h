// The lineage_bench command line (CLI11) over RunScenario.
#ifndef LINEAGEDB_BENCH_RUNNER_CLI_H_
#define LINEAGEDB_BENCH_RUNNER_CLI_H_

namespace lineagedb::bench {

// Parses the flags, runs the scenario, prints the report to stdout and
// writes the result files. Returns the process exit code: 0 on success, 1 on
// a failed run, 2 on bad flags, 3 if any answer size differed between
// lineagedb and a baseline.
int RunBenchCommand(int argc, char** argv);

}  // namespace lineagedb::bench

#endif  // LINEAGEDB_BENCH_RUNNER_CLI_H_
