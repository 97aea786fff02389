// Store states that the OpenLineage tests start from.
#ifndef LINEAGEDB_TESTS_OPENLINEAGE_STORE_SETUP_H_
#define LINEAGEDB_TESTS_OPENLINEAGE_STORE_SETUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lineagedb/lineagedb.h"
#include "util/status_macros.h"

namespace lineagedb::testing {

// Puts an execution with external_id `run_id` of a new execution type,
// "Other", not OpenLineage's: the store refuses an OpenLineage event with
// this runId. Errors: as Store::PutType and Store::Put.
inline Status PutExecutionOfAnotherType(Store* store,
                                        const std::string& run_id) {
  Type other;
  other.kind = NodeKind::kExecution;
  other.name = "Other";
  ASSIGN_OR_RETURN(const int64_t other_id, store->PutType(other));
  Execution foreign;
  foreign.type_id = other_id;
  foreign.external_id = run_id;
  return store->Put(std::vector{foreign}).status();
}

}  // namespace lineagedb::testing

#endif  // LINEAGEDB_TESTS_OPENLINEAGE_STORE_SETUP_H_
