// The parts of `lineagedb check` that verify the answers fingerprint heads
// carry (format version 3) against the records they copy.
#ifndef LINEAGEDB_TOOLS_CLI_CHECK_HEADS_H_
#define LINEAGEDB_TOOLS_CLI_CHECK_HEADS_H_

#include <string>
#include <string_view>
#include <vector>

#include "codec/records.h"
#include "storage/kv.h"

namespace lineagedb::cli {

// Appends to `problems` each way the answer of head `key` (naming execution
// `id`) differs from `view`: the execution's record, its output events (the
// [31] scan, values included) and their artifacts' records; and each output
// whose [42] list does not name the head's fingerprint.
void CheckHeadAnswer(const storage::ReadView& view, std::string_view key,
                     int64_t id, const codec::HeadAnswer& answer,
                     std::vector<std::string>* problems);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_CHECK_HEADS_H_
