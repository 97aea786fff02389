// Measurement helpers of lineage-bench: latency summaries, a rate-limited
// progress line on stderr, and process and file-system figures.
#ifndef LINEAGEDB_BENCH_RUNNER_MEASURE_H_
#define LINEAGEDB_BENCH_RUNNER_MEASURE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lineagedb::bench {

using Clock = std::chrono::steady_clock;

// Seconds from `start` to now.
double SecondsSince(Clock::time_point start);

// Percentiles of per-query latencies, in microseconds. All zero when
// count is 0.
struct LatencySummary {
  int64_t count = 0;
  double p50_us = 0;
  double p95_us = 0;
  double p99_us = 0;
  double mean_us = 0;
  double max_us = 0;
};

// Summarizes latencies given in nanoseconds. Percentiles are nearest-rank:
// p-th percentile = the ceil(p/100 * n)-th smallest value.
LatencySummary Summarize(std::vector<int64_t> latencies_ns);

// Prints "[phase] message" to stderr at most once per `every_s` seconds
// (the first call of Update always prints).
class Progress {
 public:
  explicit Progress(std::string phase, double every_s = 3.0,
                    bool enabled = true);
  // True if a line would be printed now; lets callers skip formatting.
  bool Due() const;
  void Update(std::string_view message);
  // Prints unconditionally.
  void Print(std::string_view message) const;

 private:
  std::string phase_;
  double every_s_;
  bool enabled_;
  bool printed_ = false;
  Clock::time_point start_;
  Clock::time_point last_;
};

// Peak resident set size of this process (getrusage ru_maxrss), in bytes.
// It counts the pages of mapped files read, such as the store's tables.
int64_t PeakRssBytes();
// Resident anonymous memory of this process now (RssAnon of
// /proc/self/status: heap and private maps, no file pages), in bytes; 0 if
// unknown.
int64_t AnonRssBytes();

// Size of a file, or the total size of the regular files under a
// directory; 0 if `path` does not exist.
int64_t PathBytes(const std::string& path);

// Reads every regular file under `path` (or the file `path`) once, so that
// the OS page cache holds it; returns the bytes read.
int64_t ReadThrough(const std::string& path);

// "1.23 M", "45.6 K", "789": a count with a metric suffix.
std::string HumanCount(double value);
// "12.3 MiB": a byte count with a binary suffix.
std::string HumanBytes(double bytes);
// "12.3 µs", "4.56 ms", "1.23 s": a latency given in microseconds.
std::string HumanMicros(double micros);

}  // namespace lineagedb::bench

#endif  // LINEAGEDB_BENCH_RUNNER_MEASURE_H_
