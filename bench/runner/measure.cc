#include "bench/runner/measure.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

namespace lineagedb::bench {

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

namespace {

// The p-th percentile (0 < p <= 100) of sorted `v`, nearest rank.
double Percentile(const std::vector<int64_t>& v, double p) {
  const double rank = std::ceil(p / 100.0 * static_cast<double>(v.size()));
  const size_t index =
      std::clamp<size_t>(static_cast<size_t>(rank), 1, v.size()) - 1;
  return static_cast<double>(v[index]) / 1000.0;
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t> latencies_ns) {
  LatencySummary s;
  if (latencies_ns.empty()) return s;
  std::sort(latencies_ns.begin(), latencies_ns.end());
  s.count = static_cast<int64_t>(latencies_ns.size());
  s.p50_us = Percentile(latencies_ns, 50);
  s.p95_us = Percentile(latencies_ns, 95);
  s.p99_us = Percentile(latencies_ns, 99);
  s.max_us = static_cast<double>(latencies_ns.back()) / 1000.0;
  double total = 0;
  for (int64_t ns : latencies_ns) total += static_cast<double>(ns);
  s.mean_us = total / static_cast<double>(s.count) / 1000.0;
  return s;
}

Progress::Progress(std::string phase, double every_s, bool enabled)
    : phase_(std::move(phase)),
      every_s_(every_s),
      enabled_(enabled),
      start_(Clock::now()),
      last_(start_) {}

bool Progress::Due() const {
  return enabled_ && (!printed_ || SecondsSince(last_) >= every_s_);
}

void Progress::Update(std::string_view message) {
  if (!Due()) return;
  printed_ = true;
  last_ = Clock::now();
  Print(message);
}

void Progress::Print(std::string_view message) const {
  if (!enabled_) return;
  char elapsed[32];
  std::snprintf(elapsed, sizeof(elapsed), "%.1f s", SecondsSince(start_));
  std::cerr << "[" << phase_ << " +" << elapsed << "] " << message << std::endl;
}

int64_t PeakRssBytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux.
}

int64_t AnonRssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    long long kib = 0;
    if (std::sscanf(line.c_str(), "RssAnon: %lld kB", &kib) == 1) {
      return static_cast<int64_t>(kib) * 1024;
    }
  }
  return 0;
}

int64_t PathBytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    return static_cast<int64_t>(fs::file_size(path, ec));
  }
  if (!fs::is_directory(path, ec)) return 0;
  int64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      total += static_cast<int64_t>(it->file_size(ec));
    }
  }
  return total;
}

int64_t ReadThrough(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<char> buf(1 << 20);
  int64_t total = 0;
  auto read_file = [&](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) ||
           in.gcount() > 0) {
      total += in.gcount();
    }
  };
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    read_file(path);
    return total;
  }
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) read_file(it->path());
  }
  return total;
}

std::string HumanCount(double value) {
  char buf[32];
  if (value >= 1e9) {
    std::snprintf(buf, sizeof(buf), "%.2f G", value / 1e9);
  } else if (value >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.2f M", value / 1e6);
  } else if (value >= 1e4) {
    std::snprintf(buf, sizeof(buf), "%.1f K", value / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f", value);
  }
  return buf;
}

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), unit == 0 ? "%.0f %s" : "%.1f %s", bytes,
                units[unit]);
  return buf;
}

std::string HumanMicros(double micros) {
  char buf[32];
  if (micros >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.2f s", micros / 1e6);
  } else if (micros >= 1e3) {
    std::snprintf(buf, sizeof(buf), "%.2f ms", micros / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f us", micros);
  }
  return buf;
}

}  // namespace lineagedb::bench
