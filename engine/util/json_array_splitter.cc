#include "util/json_array_splitter.h"

#include "util/status_macros.h"

namespace lineagedb::util {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

absl::Status JsonArraySplitter::Add(std::string_view bytes, OnPiece on_piece) {
  size_t i = 0;
  while (i < bytes.size() && state_ != State::kDone) {
    if (state_ != State::kInArray) {
      const char c = bytes[i++];
      if (IsBlank(c)) continue;
      if (state_ == State::kBefore && c == '[') {
        state_ = State::kInArray;
        depth_ = 1;
        continue;
      }
      Piece piece;
      piece.index = index_;
      piece.error = state_ == State::kBefore
                        ? "malformed JSON: the input is not an array"
                        : "malformed JSON: text after the array's ']'";
      state_ = State::kDone;
      return on_piece(piece);
    }
    // In the array: to the end of the item or of the bytes.
    const size_t start = i;
    bool ended = false;
    bool closing = false;
    for (; i < bytes.size(); ++i) {
      const char c = bytes[i];
      if (in_string_) {
        if (escaped_) {
          escaped_ = false;
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
      } else if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        if (depth_ > 1) {
          --depth_;
        } else if (c == ']') {
          ended = closing = true;
          break;
        }
        // A '}' that closes nothing stays in the item, whose parser
        // rejects it.
      } else if (c == ',' && depth_ == 1) {
        ended = true;
        break;
      }
    }
    item_.append(bytes.substr(start, i - start));
    if (ended) {
      ++i;  // Past the ',' or ']'.
      RETURN_IF_ERROR(EndItem(closing, on_piece));
    }
  }
  return absl::OkStatus();
}

absl::Status JsonArraySplitter::EndItem(bool closing, OnPiece on_piece) {
  Piece piece;
  piece.index = index_;
  piece.text = Trim(item_);
  const bool missing = piece.text.empty() && (after_comma_ || !closing);
  if (missing) {
    piece.error =
        "malformed JSON: an array item is missing (two commas, or one before "
        "']' or after '[')";
  }
  absl::Status s;
  if (!piece.text.empty() || missing) {
    s = on_piece(piece);
    ++index_;
  }
  item_.clear();
  after_comma_ = !closing;
  state_ = !s.ok() ? State::kDone : closing ? State::kAfter : State::kInArray;
  return s;
}

absl::Status JsonArraySplitter::Finish(OnPiece on_piece) {
  if (state_ != State::kInArray) return absl::OkStatus();
  // An object the end did not cut (only the array's ']' is missing after
  // it) is an item; one the end cut off is not fed, even if what is left
  // of it parses.
  if (depth_ == 1 && !in_string_ && Trim(item_).ends_with('}')) {
    RETURN_IF_ERROR(EndItem(/*closing=*/false, on_piece));
  }
  state_ = State::kDone;
  // One rejection for the damaged end.
  Piece piece;
  piece.index = index_;
  piece.error = Trim(item_).empty()
                    ? "malformed JSON: the input ends before the array's ']'"
                    : "malformed JSON: the input ends in this item, before "
                      "the array's ']'";
  item_.clear();
  return on_piece(piece);
}

}  // namespace lineagedb::util
