// Sinks: drive a Generator (generator.h) into a lineagedb Store, the
// MLMD-style SQLite baseline, or an NDJSON file.
//
// Every Run* function first stores the generator's types (idempotent: the
// same types get the same ids again) and binds their ids, then pulls steps
// until the generator ends or options.max_steps steps were written. The
// store sinks check every id the store assigns against the generator's
// prediction and stop with FAILED_PRECONDITION at the first mismatch (which
// means the store was not empty or had another writer). A failed Run*
// leaves written what it wrote before the failure: the steps before the
// failing one, and that one too when only its ids were wrong (the bulk
// writer commits its pending batch when it is destroyed).
#ifndef LINEAGEDB_BENCH_GEN_SINKS_H_
#define LINEAGEDB_BENCH_GEN_SINKS_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "bench/baseline/mlmd_sqlite.h"
#include "bench/gen/generator.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/lineagedb.h"
#include "lineagedb/status.h"

namespace lineagedb::gen {

// What a sink wrote.
struct SinkCounts {
  int64_t executions = 0;
  int64_t artifacts = 0;  // New artifacts.
  int64_t events = 0;
  int64_t contexts = 0;  // Distinct contexts.
  int64_t nodes() const { return executions + artifacts + contexts; }
};

struct SinkOptions {
  // Stop after this many steps; 0 = run the generator to its end.
  // Default: 0
  int64_t max_steps = 0;
  // Call `progress` after every progress_every steps; 0 = never.
  // Default: 0
  int64_t progress_every = 0;
  // Default: none
  std::function<void(const SinkCounts&)> progress;
};

// Stores gen->Types() and binds the ids to the generator.
// Errors: as Store::PutType / MlmdSqlite::PutType.
Status PutTypes(Generator* gen, Store* store);
Status PutTypes(Generator* gen, baseline::MlmdSqlite* db);

// One Store::PutExecution per step, reusing contexts by (type, name).
// Errors: as Store::PutExecution; FAILED_PRECONDITION (an id differs from
// the prediction).
StatusOr<SinkCounts> RunIntoStore(Generator* gen, Store* store,
                                  const SinkOptions& options = {});

// One BulkWriter::Add per step (put_options.reuse_context_if_already_exist
// is forced on), then Close(): when this returns OK everything is committed.
// Errors: as NewBulkWriter, Add and Close; FAILED_PRECONDITION (an id
// differs from the prediction).
StatusOr<SinkCounts> RunIntoBulkWriter(Generator* gen, Store* store,
                                       BulkWriterOptions bulk_options = {},
                                       const SinkOptions& options = {});

// One MlmdSqlite::PutExecution per step, then MlmdSqlite::Flush(); a pair
// without artifact becomes an Artifact with only its id set.
// Errors: as MlmdSqlite::PutExecution; FAILED_PRECONDITION (an id differs
// from the prediction).
StatusOr<SinkCounts> RunIntoMlmdSqlite(Generator* gen, baseline::MlmdSqlite* db,
                                       const SinkOptions& options = {});

// lineagedb's native JSON (native_json.h): one line of TypeToJson() per
// type, then one line of StepToJson() per step. Ingested into an empty
// store, every node gets the id the line gives it.
// Errors: INTERNAL (a write to `out` or to the file failed; the file cannot
// be opened).
StatusOr<SinkCounts> RunIntoNdjson(Generator* gen, std::ostream& out,
                                   const SinkOptions& options = {});
StatusOr<SinkCounts> RunIntoNdjsonFile(Generator* gen, const std::string& path,
                                       const SinkOptions& options = {});

// A step as one line of JSON (no newline), with predicted ids:
//   {"execution":{"id":6,"type":"Trainer","state":"COMPLETE",
//    "properties":{"learning_rate":0.01,...}},
//    "events":[{"type":"INPUT","path":["examples",0],"artifact_id":5},
//              {"type":"OUTPUT","path":["model",0],"artifact_id":7,
//               "artifact":{"type":"Model","uri":"...","state":"LIVE",
//                           "properties":{}}}],
//    "contexts":[{"id":1,"type":"pipeline","name":"pipeline-0"}]}
// "artifact" appears for new artifacts only, "fingerprint" when set;
// "custom_properties" only when not empty. Property values: int and double as
// numbers (non-finite doubles as null), strings escaped, bools, structs as
// their JSON text, protos as
// {"type_url":...,"hex":...}.
std::string StepToJson(const GenStep& step);

// A type as one line of JSON (no newline):
//   {"artifact_type":{"name":"Model","properties":{"version":"INT"}}}
std::string TypeToJson(const Type& type);

}  // namespace lineagedb::gen

#endif  // LINEAGEDB_BENCH_GEN_SINKS_H_
