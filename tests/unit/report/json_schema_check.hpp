#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetcheck::testkit {

/// A small JSON Schema (draft 2020-12) validator for exactly the keywords docs/report-schema.json
/// uses: type (a name or an array of names), properties, required, additionalProperties (a
/// boolean or a schema), items, enum, const, minimum, pattern, oneOf and $ref to "#/$defs/NAME";
/// the annotations $schema, $id, $comment, $defs, title, description, deprecated, examples and
/// format are read and not checked (2020-12 makes format an annotation by default). Any other
/// keyword is reported as a violation, so the schema cannot come to rely on a rule nobody checks.
///
/// Returns one line per violation, "JSON pointer: what is wrong"; empty when `doc` is valid.
/// `at` names the schema to validate against: "#" (the root) or "#/$defs/NAME".
std::vector<std::string> schema_violations(const nlohmann::json& schema, const nlohmann::json& doc,
                                           std::string_view at = "#");

}  // namespace fleetcheck::testkit
