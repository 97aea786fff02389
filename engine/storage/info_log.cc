#include "storage/info_log.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

namespace lineagedb::storage {

namespace {

constexpr off_t kRotateBytes = off_t{1} << 20;

class StdioLogger final : public rocksdb::Logger {
 public:
  StdioLogger(std::string path, rocksdb::InfoLogLevel level)
      : rocksdb::Logger(level), path_(std::move(path)) {}
  ~StdioLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  // Every level's line comes here, prefixed by the base class.
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm tm;
    gmtime_r(&seconds, &tm);
    const size_t stamp =
        std::strftime(line, sizeof(line), "%Y/%m/%d-%H:%M:%S UTC ", &tm);
    const int n =
        std::vsnprintf(line + stamp, sizeof(line) - stamp - 1, format, ap);
    if (n < 0) return;
    size_t size = stamp + std::min<size_t>(n, sizeof(line) - stamp - 2);
    if (size > stamp && line[size - 1] == '\n') --size;  // One newline.
    line[size++] = '\n';
    std::lock_guard<std::mutex> lock(mu_);
    if (!Open()) return;
    // One write a line; an error (ENOSPC) drops the line, and the next
    // line tries again.
    if (std::fwrite(line, 1, size, file_) != size || std::fflush(file_) != 0) {
      std::clearerr(file_);
    }
  }

  void Flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (file_ != nullptr && std::fflush(file_) != 0) std::clearerr(file_);
  }

 private:
  bool Open() {
    if (file_ != nullptr) return true;
    struct stat st;
    if (::stat(path_.c_str(), &st) == 0 && st.st_size > kRotateBytes) {
      std::rename(path_.c_str(), (path_ + ".old").c_str());
    }
    file_ = std::fopen(path_.c_str(), "ae");
    return file_ != nullptr;
  }

  const std::string path_;
  std::mutex mu_;
  std::FILE* file_ = nullptr;  // Guarded by mu_.
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewInfoLog(std::string path,
                                            rocksdb::InfoLogLevel level) {
  return std::make_shared<StdioLogger>(std::move(path), level);
}

}  // namespace lineagedb::storage
