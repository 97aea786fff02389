// lineagedb's native JSON (schema/NATIVE_JSON.md): types and PutExecution
// requests as JSON objects. Parsing only; nothing here touches the store.
#ifndef LINEAGEDB_NATIVE_STEP_JSON_H_
#define LINEAGEDB_NATIVE_STEP_JSON_H_

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lineagedb/model.h"
#include "lineagedb/status.h"

namespace lineagedb::native {

// A node's id as the input writes it: a label if the input declares a node
// with it, else the id of a stored node. 0 = none written.
using Label = int64_t;

// One artifact of a step and its event. With `artifact` the step declares a
// new artifact (labelled `label` if not 0); without, it names one by label.
struct StepArtifact {
  Label label = 0;
  std::optional<Artifact> artifact;
  std::string type_version;  // Of the declared artifact's type.
  Event event;               // artifact_id and execution_id unset.
};

// One context of a step: declared by type and name (found or created), or
// named by label alone.
struct StepContext {
  Label label = 0;
  std::optional<Context> context;
  std::string type_version;
};

// A PutExecution request. Nodes carry their type's name in `type` (and its
// version beside them, from "type_version"); property
// values are as the JSON wrote them (numbers without a fraction or exponent
// are INT), to be matched to the declared kinds by the caller.
struct Step {
  Label label = 0;
  Execution execution;
  std::string type_version;  // Of the execution's type; "" = none.
  std::vector<StepArtifact> artifacts;
  std::vector<StepContext> contexts;
};

// One item of the input: a type declaration or a step.
using Item = std::variant<Type, Step>;

// The labels an item declares: its execution's id, its events' artifact_id
// beside an artifact, its contexts' id beside a type or a name. Read
// leniently, so that they are found in an item ParseItem refuses too: an
// ingester that rejects an item refuses the later references to the nodes
// it declared, and their declaration again.
struct DeclaredLabels {
  std::vector<Label> executions;  // At most one.
  std::vector<Label> artifacts;
  std::vector<Label> contexts;
};
DeclaredLabels FindDeclaredLabels(const simdjson::dom::element& root);
// The same from the text of an item the DOM parser refused: RFC 8259 JSON
// it cannot hold (a number past a double's or a 64-bit integer's range,
// nesting past 1024 levels, a lone surrogate) declares labels all the
// same. Read lazily, so that only the labels' own values are parsed; text
// that is not a JSON object declares none.
DeclaredLabels FindDeclaredLabelsInText(std::string_view json);

// Converts one JSON value.
// Errors: INVALID_ARGUMENT whose message is the reason, naming the offending
// field by its path (e.g. "events[2].artifact.type is required").
Status ParseItem(const simdjson::dom::element& root, Item* item);

}  // namespace lineagedb::native

#endif  // LINEAGEDB_NATIVE_STEP_JSON_H_
