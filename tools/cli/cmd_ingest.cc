// `lineagedb ingest`: OpenLineage events, or native JSON types and
// executions, from files or stdin.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "absl/functional/function_ref.h"
#include "fmt/format.h"
#include "lineagedb/native_json.h"
#include "lineagedb/openlineage.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/json_array_splitter.h"
#include "util/json_document.h"
#include "util/json_string.h"
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

// What `ingest` reads of an NDJSON input at a time.
constexpr size_t kReadBlockBytes = size_t{16} << 20;

bool IsBlank(std::string_view s) { return Trim(s).empty(); }

// Whether an input is a JSON array (its first non-blank byte is '['), or
// newline-delimited JSON: its first non-blank line is a
// JSON object of its own and another non-blank line follows, or the first
// is not JSON but cannot begin one value over several lines either and the
// second is an object of its own (a damaged first event: read whole, a
// large input would be held in memory for one bad line). Any other input
// is read whole, where a bad first line is told from one value over
// several lines: util/json_document.h. Fed the input's first bytes (it
// keeps offsets into them), it says kMore until they decide.
class InputSniffer {
 public:
  enum Verdict { kMore, kNdjson, kArray, kNot };

  // `head`: the input's first bytes, a longer prefix at each call; `end`:
  // whether it is the whole input.
  Verdict Sniff(std::string_view head, bool end) {
    // A UTF-8 byte order mark before the first line.
    if (searched_ == 0 && head.starts_with(kByteOrderMark)) {
      start_ = searched_ = kByteOrderMark.size();
    }
    std::string_view line;
    if (state_ == kFirstLine) {
      const size_t first = head.find_first_not_of(" \t\r\n", start_);
      if (first == std::string_view::npos && !end) return kMore;
      if (first != std::string_view::npos && head[first] == '[') {
        return kArray;
      }
      switch (NextLine(head, end, &line)) {
        case kNoLineYet:
          return kMore;
        case kLastLine:
        case kNoLine:
          return kNot;  // One line at most.
        case kLine:
          break;
      }
      if (IsObjectLine(line)) {
        state_ = kAfterObject;
      } else if (util::NoObjectCanFollow(line)) {
        state_ = kAfterBadLine;
      } else {
        return kNot;
      }
    }
    if (state_ == kAfterObject) {
      if (!IsBlank(head.substr(searched_))) return kNdjson;
      searched_ = head.size();
      return end ? kNot : kMore;
    }
    switch (NextLine(head, end, &line)) {
      case kNoLineYet:
        return kMore;
      case kNoLine:
        return kNot;
      case kLine:
      case kLastLine:
        return IsObjectLine(line) ? kNdjson : kNot;
    }
    return kNot;
  }

 private:
  enum State { kFirstLine, kAfterObject, kAfterBadLine };
  enum Line { kNoLineYet, kLine, kLastLine, kNoLine };

  static bool IsObjectLine(std::string_view line) {
    return line.front() == '{' && line.back() == '}' &&
           util::IsOneJsonObject(line);
  }

  // The next non-blank line, trimmed, from start_: kLine if a newline ends
  // it, kLastLine if the input's end does; kNoLine if the input ends first,
  // kNoLineYet if `head` does.
  Line NextLine(std::string_view head, bool end, std::string_view* line) {
    for (;;) {
      const size_t newline = head.find('\n', searched_);
      if (newline == std::string_view::npos) {
        searched_ = head.size();
        if (!end) return kNoLineYet;
        *line = Trim(head.substr(start_));
        start_ = head.size();
        return line->empty() ? kNoLine : kLastLine;
      }
      *line = Trim(head.substr(start_, newline - start_));
      searched_ = start_ = newline + 1;
      if (!line->empty()) return kLine;
    }
  }

  State state_ = kFirstLine;
  // Where the line being looked for starts. No newline in [start_,
  // searched_), or only blanks after the first object line.
  size_t start_ = 0;
  size_t searched_ = 0;
};

// The summary of each ingester: what the rate counts, the summary line and
// its JSON members.
int64_t Accepted(const OpenLineageSummary& s) { return s.events; }
int64_t Accepted(const NativeJsonSummary& s) { return s.executions; }

// Whether the ingest stored anything (OpenLineage writes nothing, types
// included, before its first accepted event).
bool StoredAny(const OpenLineageSummary& s) { return s.events > 0; }
bool StoredAny(const NativeJsonSummary& s) {
  return s.types > 0 || s.executions > 0;
}
std::string_view Unit(const OpenLineageSummary&) { return "events"; }
std::string_view Unit(const NativeJsonSummary&) { return "executions"; }
std::string_view RejectedUnit(const OpenLineageSummary&) { return "events"; }
std::string_view RejectedUnit(const NativeJsonSummary&) { return "items"; }

void WriteSummary(const OpenLineageSummary& s, JsonWriter* json) {
  json->Key("events").Int(s.events);
  json->Key("runs").Int(s.runs).Key("jobs").Int(s.jobs);
  json->Key("datasets").Int(s.datasets).Key("edges").Int(s.edges);
  json->Key("rejected").Int(s.rejected);
}
void WriteSummary(const NativeJsonSummary& s, JsonWriter* json) {
  json->Key("executions").Int(s.executions).Key("types").Int(s.types);
  json->Key("artifacts").Int(s.artifacts).Key("events").Int(s.events);
  json->Key("rejected").Int(s.rejected);
}

// What the command needs of an ingester (OpenLineage or native JSON).
class Ingest {
 public:
  virtual ~Ingest() = default;
  virtual Status IngestDocument(std::string_view doc,
                                std::string_view source) = 0;
  // The ingester's CheckDocument: the strict checks, nothing applied.
  virtual Status CheckDocument(std::string_view doc,
                               std::string_view source) = 0;
  virtual Status Finish() = 0;
  // Counts a rejection the command made itself (a JSON array's structure)
  // in the summary.
  virtual void AddRejected() = 0;
  virtual const std::vector<RejectedEvent>& rejections() const = 0;
  virtual int64_t accepted() const = 0;
  virtual bool stored_any() const = 0;
  virtual std::string_view unit() const = 0;  // What accepted() counts.
  // What rejections() lists: "events", "items".
  virtual std::string_view rejected_unit() const = 0;
  virtual std::string SummaryText() const = 0;
  virtual void WriteSummary(JsonWriter* json) const = 0;
};

template <typename Ingester>
class IngestOf final : public Ingest {
 public:
  explicit IngestOf(std::unique_ptr<Ingester> ingester)
      : ingester_(std::move(ingester)) {}
  Status IngestDocument(std::string_view doc,
                        std::string_view source) override {
    return ingester_->IngestDocument(doc, source);
  }
  Status CheckDocument(std::string_view doc, std::string_view source) override {
    return ingester_->CheckDocument(doc, source);
  }
  Status Finish() override { return ingester_->Finish(); }
  void AddRejected() override { ++added_rejected_; }
  const std::vector<RejectedEvent>& rejections() const override {
    return ingester_->summary().rejections;
  }
  int64_t accepted() const override { return Accepted(ingester_->summary()); }
  bool stored_any() const override { return StoredAny(ingester_->summary()); }
  std::string_view unit() const override { return Unit(ingester_->summary()); }
  std::string_view rejected_unit() const override {
    return RejectedUnit(ingester_->summary());
  }
  std::string SummaryText() const override {
    return cli::SummaryText(Totals());
  }
  void WriteSummary(JsonWriter* json) const override {
    cli::WriteSummary(Totals(), json);
  }

 private:
  // The ingester's summary with the rejections the command added.
  auto Totals() const {
    auto summary = ingester_->summary();
    summary.rejected += added_rejected_;
    return summary;
  }

  std::unique_ptr<Ingester> ingester_;
  int64_t added_rejected_ = 0;
};

class IngestCommand : public Command {
 public:
  std::string_view name() const override { return "ingest"; }
  std::string_view help() const override {
    return "Ingest OpenLineage events, or native JSON types and executions "
           "with --native (one JSON value, a JSON array or NDJSON), from "
           "files or stdin ('-')";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("files", files_, "Input files; '-' or none = stdin");
    app->add_flag("--native", native_,
                  "The input is lineagedb's native JSON (schema/"
                  "NATIVE_JSON.md), not OpenLineage");
    app->add_flag("--strict", strict_,
                  "Stop at the first bad event or item (exit 3). Every "
                  "input is checked before any is ingested, so that "
                  "nothing is stored if one has a bad OpenLineage event or "
                  "an item that is not valid native JSON; the native items "
                  "before an item the store refuses stay stored. Each "
                  "input is read twice, as it was the first time (a pipe "
                  "from a temporary copy in $TMPDIR); NDJSON and JSON "
                  "arrays are read in blocks either way");
    app->add_flag("--evolve-types", evolve_types_,
                  "Native: a type item may add properties to the stored type "
                  "and omit some of its properties, which it keeps "
                  "(PutType's can_add_fields and can_omit_fields)");
    app->add_flag("-q,--quiet", quiet_, "No progress line");
  }

  Status Run(const GlobalOptions& global) override {
    if (files_.empty()) files_.push_back("-");
    if (std::count(files_.begin(), files_.end(), "-") > 1) {
      return UsageError("standard input ('-') can be given once");
    }
    // A missing input stops the command before any other is ingested.
    for (const std::string& file : files_) RETURN_IF_ERROR(CheckInput(file));
    if (evolve_types_ && !native_) {
      return UsageError("--evolve-types applies to --native input");
    }
    std::error_code ec;
    const bool existed = std::filesystem::exists(global.store, ec) || ec;
    const bool was_empty = existed &&
                           std::filesystem::is_directory(global.store, ec) &&
                           std::filesystem::is_empty(global.store, ec) && !ec;
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/true));
    Status s = IngestAll(global, store.get());
    // The ingester goes before the store, committing what it accepted even
    // when the ingest stopped early.
    const bool stored = ingest_ != nullptr && ingest_->stored_any();
    ingest_.reset();
    store.reset();
    // Failed input leaves things as they were: no store where there was
    // nothing before, rather than an empty one.
    if (!s.ok() && !stored && !existed) {
      std::filesystem::remove_all(global.store, ec);
    } else if (!s.ok() && !stored && was_empty) {
      std::filesystem::directory_iterator it(global.store, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        std::filesystem::remove_all(it->path(), ec);
      }
    }
    return s;
  }

 private:
  Status IngestAll(const GlobalOptions& global, Store* store) {
    start_ = NowSeconds();  // The strict checks included.
    Status s = IngestInputs(global, store);
    if (s.ok()) s = ingest_->Finish();
    const bool refused = strict_ && absl::IsInvalidArgument(s);
    if (!s.ok() && !(refused && global.json)) return s;
    // A strict refusal still gives --json its report (what was stored, the
    // refused event); its message is the error line.
    Report(global, /*list_rejections=*/!refused);
    if (!s.ok()) return s;
    if (!rejections_.empty()) {
      const std::string_view unit = ingest_->rejected_unit();
      return absl::InvalidArgumentError(fmt::format(
          "{} {} rejected", rejections_.size(),
          rejections_.size() == 1
              ? fmt::format("{} was", unit.substr(0, unit.size() - 1))
              : fmt::format("{} were", unit)));
    }
    return absl::OkStatus();
  }

  // Makes ingest_ and feeds it every input; with --strict, checks every
  // input first.
  Status IngestInputs(const GlobalOptions& global, Store* store) {
    if (native_) {
      NativeJsonOptions options;
      options.strict = strict_;
      options.type_options.can_add_fields = evolve_types_;
      options.type_options.can_omit_fields = evolve_types_;
      ASSIGN_OR_RETURN(std::unique_ptr<NativeJsonIngester> ingester,
                       NewNativeJsonIngester(store, options));
      ingest_ =
          std::make_unique<IngestOf<NativeJsonIngester>>(std::move(ingester));
    } else {
      OpenLineageOptions options;
      options.strict = strict_;
      ASSIGN_OR_RETURN(std::unique_ptr<OpenLineageIngester> ingester,
                       NewOpenLineageIngester(store, options));
      ingest_ =
          std::make_unique<IngestOf<OpenLineageIngester>>(std::move(ingester));
    }
    progress_ = !quiet_ && !global.json && isatty(STDERR_FILENO);

    // --strict: every input is checked before any is ingested (a bad event
    // in the last file stores nothing of the first), in blocks as it is
    // ingested, and then read again as it was read for the checks
    // (InputStream::ReadAgainLater): each stays open until it is ingested.
    std::vector<std::unique_ptr<InputStream>> checked;
    if (strict_) {
      MakeRoomForOpenFiles(files_.size());
      checking_ = true;
      for (const std::string& file : files_) {
        ASSIGN_OR_RETURN(checked.emplace_back(), InputStream::Open(file));
        RETURN_IF_ERROR(checked.back()->ReadAgainLater());
        RETURN_IF_ERROR(IngestInput(checked.back().get(), SourceName(file)));
      }
      checking_ = false;
    }

    for (size_t i = 0; i < files_.size(); ++i) {
      std::unique_ptr<InputStream> in;
      if (strict_) {
        in = std::move(checked[i]);
        RETURN_IF_ERROR(in->Rewind());
      } else {
        ASSIGN_OR_RETURN(in, InputStream::Open(files_[i]));
      }
      RETURN_IF_ERROR(IngestInput(in.get(), SourceName(files_[i])));
    }
    return absl::OkStatus();
  }

  // The summary on stdout (text, or with --json an object with the
  // rejections) and, if `list_rejections`, one line per rejection on
  // stderr.
  void Report(const GlobalOptions& global, bool list_rejections) {
    const double seconds = NowSeconds() - start_;
    if (progress_) std::fprintf(stderr, "\r\033[K");
    for (size_t i = 0; list_rejections && i < rejections_.size(); ++i) {
      const RejectedEvent& r = rejections_[i];
      std::cerr << fmt::format("rejected {}:{}: {}\n", Printable(r.source),
                               r.index, Printable(r.reason));
    }
    if (global.json) {
      JsonWriter json;
      json.BeginObject();
      ingest_->WriteSummary(&json);
      json.Key("seconds").Double(seconds);
      json.Key(fmt::format("{}_per_second", ingest_->unit()))
          .Double(seconds > 0 ? ingest_->accepted() / seconds : 0);
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
          "{} ({:.2f} s, {:.0f} {}/s)\n", ingest_->SummaryText(), seconds,
          seconds > 0 ? ingest_->accepted() / seconds : 0, ingest_->unit());
    }
  }

  static std::string SourceName(const std::string& file) {
    return file == "-" ? "<stdin>" : file;
  }

  // Ingests one input (or checks it: checking_). NDJSON is read in blocks
  // and fed a line at a time, so that its memory is bounded by a block and
  // its longest line and progress shows while a large file or a stream goes
  // in; a JSON array likewise an item at a time (IngestArray); other input
  // is read whole and fed as one document.
  Status IngestInput(InputStream* in, const std::string& source) {
    std::string buffer;
    bool end = false;
    auto read = [&]() -> Status {
      ASSIGN_OR_RETURN(const size_t n, in->Read(kReadBlockBytes, &buffer));
      end = n < kReadBlockBytes;
      return absl::OkStatus();
    };
    InputSniffer sniffer;
    InputSniffer::Verdict verdict = InputSniffer::kMore;
    while (verdict == InputSniffer::kMore) {
      RETURN_IF_ERROR(read());
      verdict = sniffer.Sniff(buffer, end);
    }
    if (verdict == InputSniffer::kNot) {
      while (!end) RETURN_IF_ERROR(read());
      return Feed(buffer, source, 0);
    }
    if (verdict == InputSniffer::kArray) {
      return IngestArray(&buffer, read, end, source);
    }
    int64_t line = 0;  // Lines of the input before the current one.
    // Past a byte order mark, which may stand on a line of its own.
    size_t pos = buffer.starts_with(kByteOrderMark) ? kByteOrderMark.size() : 0;
    for (;;) {
      for (size_t newline; (newline = buffer.find('\n', pos)) != buffer.npos;
           pos = newline + 1, ++line) {
        RETURN_IF_ERROR(FeedLine(
            std::string_view(buffer).substr(pos, newline - pos), source, line));
      }
      if (end) break;
      buffer.erase(0, pos);  // Keeps the part of a line the block ended in.
      pos = 0;
      RETURN_IF_ERROR(read());
    }
    return FeedLine(std::string_view(buffer).substr(pos), source, line);
  }

  // Ingests a JSON array item by item, read in blocks after the bytes of
  // `buffer` (the whole input if `end`): its memory is bounded by a block and
  // its largest item. An item is rejected at its place (array index + 1),
  // as when the array is read whole; a missing item, a damaged end or text
  // after the array is one rejection at its place.
  // `read` appends the next block to `*buffer` and sets `end` once the input
  // is all read.
  Status IngestArray(std::string* buffer, absl::FunctionRef<Status()> read,
                     const bool& end, const std::string& source) {
    util::JsonArraySplitter splitter;
    std::string flat;
    auto on_piece = [&](const util::JsonArraySplitter::Piece& piece) {
      if (!piece.error.empty()) {
        rejections_.push_back({source, piece.index, piece.error});
        ingest_->AddRejected();
        if (!strict_) return absl::OkStatus();
        return absl::InvalidArgumentError(
            fmt::format("{}:{}: {}", source, piece.index, piece.error));
      }
      // On one line: the reader takes a malformed document's lines for
      // values of their own (util/json_document.h); the item is one value.
      std::string_view text = piece.text;
      if (text.find('\n') != std::string_view::npos) {
        flat.assign(text);
        std::replace(flat.begin(), flat.end(), '\n', ' ');
        text = flat;
      }
      return FeedLine(text, source, piece.index - 1);
    };
    std::string_view first(*buffer);
    if (first.starts_with(kByteOrderMark)) {
      first.remove_prefix(kByteOrderMark.size());
    }
    RETURN_IF_ERROR(splitter.Add(first, on_piece));
    while (!end) {
      buffer->clear();
      RETURN_IF_ERROR(read());
      RETURN_IF_ERROR(splitter.Add(*buffer, on_piece));
    }
    return splitter.Finish(on_piece);
  }

  Status FeedLine(std::string_view line, const std::string& source,
                  int64_t index) {
    if (IsBlank(line)) return absl::OkStatus();
    // A line of NDJSON is one value, an array too (as when the whole input
    // is read as one document): alone, the reader would take its items.
    // Wrapped only when it is one array, so that a malformed line cannot
    // become several values.
    if (Trim(line).starts_with('[') && util::IsOneJsonArray(line)) {
      return Feed(fmt::format("[{}]", line), source, index);
    }
    return Feed(line, source, index);
  }

  // Feeds `doc`, whose first line is line `line_offset` + 1 of `source`, to
  // the ingester, or with checking_ to its strict checks.
  Status Feed(std::string_view doc, const std::string& source,
              int64_t line_offset) {
    const size_t before = ingest_->rejections().size();
    Status status = checking_ ? ingest_->CheckDocument(doc, source)
                              : ingest_->IngestDocument(doc, source);
    if (checking_ && status.ok()) ++checked_;
    const std::vector<RejectedEvent>& all = ingest_->rejections();
    for (size_t i = before; i < all.size(); ++i) {
      RejectedEvent r = all[i];
      r.index += line_offset;
      r.reason = InCliWords(std::move(r.reason));
      rejections_.push_back(std::move(r));
    }
    // A strict rejection: its message names the line in the whole input.
    if (!status.ok() && line_offset > 0 && all.size() > before) {
      const RejectedEvent& r = rejections_.back();
      return Status(status.code(),
                    fmt::format("{}:{}: {}", r.source, r.index, r.reason));
    }
    if (!status.ok()) {
      return Status(status.code(), InCliWords(std::string(status.message())));
    }
    ShowProgress();
    return absl::OkStatus();
  }

  // A refusal of a native type item in the CLI's words: --evolve-types is
  // what sets the type options the store's message names.
  std::string InCliWords(std::string reason) const {
    if (!native_ || evolve_types_) return reason;
    for (const auto& [library, cli] :
         {std::pair<std::string_view, std::string_view>{
              "set can_add_fields to add it", "--evolve-types adds it"},
          {"set can_omit_fields to keep it", "--evolve-types keeps it"}}) {
      if (const size_t at = reason.find(library); at != std::string::npos) {
        reason.replace(at, library.size(), cli);
      }
    }
    return reason;
  }

  void ShowProgress() {
    if (!progress_) return;
    const double now = NowSeconds();
    if (now - last_progress_ < 0.2) return;
    last_progress_ = now;
    const int64_t n = checking_ ? checked_ : ingest_->accepted();
    std::fprintf(
        stderr, "\r\033[K%lld %s%s (%.0f/s)", static_cast<long long>(n),
        std::string(ingest_->unit()).c_str(), checking_ ? " checked" : "",
        now > start_ ? n / (now - start_) : 0.0);
    std::fflush(stderr);
  }

  std::vector<std::string> files_;
  bool native_ = false;
  bool strict_ = false;
  bool evolve_types_ = false;
  bool quiet_ = false;
  std::unique_ptr<Ingest> ingest_;
  // With --strict, Feed() first runs the strict checks of every input
  // (checking_) and counts the documents they pass.
  bool checking_ = false;
  int64_t checked_ = 0;
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
