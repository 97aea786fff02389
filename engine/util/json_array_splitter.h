// Splitting a JSON array that arrives in pieces into the text of its items,
// so that an array larger than memory is read item by item: each item is
// then parsed on its own. Only the structure is looked at (strings,
// brackets, commas); an item's own syntax is its parser's to judge.
#ifndef LINEAGEDB_UTIL_JSON_ARRAY_SPLITTER_H_
#define LINEAGEDB_UTIL_JSON_ARRAY_SPLITTER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace lineagedb::util {

class JsonArraySplitter {
 public:
  // One item's text, blank space around it trimmed, and its place (from
  // 1); or, with `error` set, what is wrong at that place: an item missing
  // between commas or before ']', the input ending before the array's ']',
  // text after it (nothing after that is looked at), an input that does not
  // start with '['.
  struct Piece {
    std::string_view text;
    int64_t index = 0;
    std::string error;
  };
  using OnPiece = absl::FunctionRef<absl::Status(const Piece& piece)>;

  // Takes the input's next bytes, whose first non-blank one (after a byte
  // order mark the caller skipped) is '[', and calls on_piece for each
  // item or error they complete. Returns the first error of on_piece, and
  // then takes nothing more.
  absl::Status Add(std::string_view bytes, OnPiece on_piece);
  // The input ended. If it ended inside the array, on_piece gets one error
  // at the place it ended in, after the last item if that is an object
  // ended ('}') with only the array's ']' missing after it; an item the end
  // cut off is not passed on, even if what is left of it would parse.
  absl::Status Finish(OnPiece on_piece);

 private:
  enum class State { kBefore, kInArray, kAfter, kDone };

  absl::Status EndItem(bool closing, OnPiece on_piece);

  State state_ = State::kBefore;
  int depth_ = 0;  // Open brackets, the array's own included.
  bool in_string_ = false;
  bool escaped_ = false;      // The byte before was a '\' in a string.
  bool after_comma_ = false;  // The item being read follows a comma.
  std::string item_;          // The item being read, so far.
  int64_t index_ = 1;         // The place of the item being read.
};

}  // namespace lineagedb::util

#endif  // LINEAGEDB_UTIL_JSON_ARRAY_SPLITTER_H_
