// `lineagedb ingest`: OpenLineage events from files or stdin.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "fmt/format.h"
#include "lineagedb/openlineage.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' ||
                        s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The lines of `doc` if it looks like newline-delimited JSON (its first
// non-blank line is a whole object and another non-blank line follows),
// else nothing.
std::vector<std::string_view> NdjsonLines(std::string_view doc) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= doc.size()) {
    size_t end = doc.find('\n', pos);
    if (end == std::string_view::npos) end = doc.size();
    lines.push_back(doc.substr(pos, end - pos));
    pos = end + 1;
  }
  int non_blank = 0;
  for (std::string_view line : lines) {
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    if (non_blank == 0 && (t.front() != '{' || t.back() != '}')) return {};
    if (++non_blank == 2) return lines;
  }
  return {};
}

class IngestCommand : public Command {
 public:
  std::string_view name() const override { return "ingest"; }
  std::string_view help() const override {
    return "Ingest OpenLineage events (one JSON event, a JSON array or "
           "NDJSON) from files or stdin ('-')";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("files", files_, "Input files; '-' or none = stdin");
    app->add_flag("--strict", strict_,
                  "Stop at the first bad event (exit 3), storing nothing of "
                  "its batch");
    app->add_flag("-q,--quiet", quiet_, "No progress line");
  }

  Status Run(const GlobalOptions& global) override {
    if (files_.empty()) files_.push_back("-");
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/true));
    OpenLineageOptions options;
    options.strict = strict_;
    ASSIGN_OR_RETURN(std::unique_ptr<OpenLineageIngester> ingester,
                     NewOpenLineageIngester(store.get(), options));
    ingester_ = ingester.get();
    progress_ = !quiet_ && !global.json && isatty(STDERR_FILENO);
    start_ = NowSeconds();
    for (const std::string& file : files_) {
      ASSIGN_OR_RETURN(std::string doc, ReadInput(file));
      const std::string source = file == "-" ? "<stdin>" : file;
      RETURN_IF_ERROR(IngestOne(doc, source));
    }
    RETURN_IF_ERROR(ingester->Finish());
    const double seconds = NowSeconds() - start_;
    if (progress_) std::fprintf(stderr, "\r\033[K");
    const OpenLineageSummary& s = ingester->summary();
    for (const RejectedEvent& r : rejections_) {
      std::cerr << fmt::format("rejected {}:{}: {}\n", r.source, r.index,
                               r.reason);
    }
    const double rate = seconds > 0 ? s.events / seconds : 0;
    if (global.json) {
      JsonWriter json;
      json.BeginObject().Key("events").Int(s.events);
      json.Key("runs").Int(s.runs).Key("jobs").Int(s.jobs);
      json.Key("datasets").Int(s.datasets).Key("edges").Int(s.edges);
      json.Key("rejected").Int(s.rejected);
      json.Key("seconds").Double(seconds);
      json.Key("events_per_second").Double(rate);
      json.Key("rejections").BeginArray();
      for (const RejectedEvent& r : rejections_) {
        json.BeginObject().Key("source").String(r.source);
        json.Key("index").Int(r.index).Key("reason").String(r.reason);
        json.EndObject();
      }
      json.EndArray().EndObject();
      std::cout << json.str() << "\n";
    } else {
      std::cout << fmt::format(
          "ingested {} events: {} runs, {} jobs, {} datasets, {} edges, {} "
          "rejected ({:.2f} s, {:.0f} events/s)\n",
          s.events, s.runs, s.jobs, s.datasets, s.edges, s.rejected, seconds,
          rate);
    }
    if (s.rejected > 0) {
      return absl::InvalidArgumentError(
          fmt::format("{} event{} rejected", s.rejected,
                      s.rejected == 1 ? " was" : "s were"));
    }
    return absl::OkStatus();
  }

 private:
  // Ingests one document. NDJSON is fed a line at a time (outside --strict)
  // so that progress shows while a large file or stream goes in.
  Status IngestOne(std::string_view doc, const std::string& source) {
    std::vector<std::string_view> lines;
    if (!strict_) lines = NdjsonLines(doc);
    if (lines.empty()) return Feed(doc, source, 0);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (Trim(lines[i]).empty()) continue;
      RETURN_IF_ERROR(Feed(lines[i], source, static_cast<int64_t>(i)));
    }
    return absl::OkStatus();
  }

  // Feeds `doc`, whose first line is line `line_offset` + 1 of `source`.
  Status Feed(std::string_view doc, const std::string& source,
              int64_t line_offset) {
    const size_t before = ingester_->summary().rejections.size();
    Status status = ingester_->IngestDocument(doc, source);
    const std::vector<RejectedEvent>& all = ingester_->summary().rejections;
    for (size_t i = before; i < all.size(); ++i) {
      RejectedEvent r = all[i];
      r.index += line_offset;
      rejections_.push_back(std::move(r));
    }
    if (!status.ok() && line_offset > 0 && !rejections_.empty()) {
      const RejectedEvent& r = rejections_.back();
      return Status(status.code(),
                    fmt::format("{}:{}: {}", r.source, r.index, r.reason));
    }
    RETURN_IF_ERROR(status);
    ShowProgress();
    return absl::OkStatus();
  }

  void ShowProgress() {
    if (!progress_) return;
    const double now = NowSeconds();
    if (now - last_progress_ < 0.2) return;
    last_progress_ = now;
    const int64_t events = ingester_->summary().events;
    std::fprintf(stderr, "\r\033[K%lld events (%.0f events/s)",
                 static_cast<long long>(events),
                 now > start_ ? events / (now - start_) : 0.0);
    std::fflush(stderr);
  }

  std::vector<std::string> files_;
  bool strict_ = false;
  bool quiet_ = false;
  OpenLineageIngester* ingester_ = nullptr;
  bool progress_ = false;
  double start_ = 0;
  double last_progress_ = 0;
  std::vector<RejectedEvent> rejections_;
};

}  // namespace

std::unique_ptr<Command> NewIngestCommand() {
  return std::make_unique<IngestCommand>();
}

}  // namespace lineagedb::cli
