// Validation of scenario JSON against the JSON Schema in scenarios/schema/ (compiled into the
// binary). The C++ parser gives the precise messages; the schema is the published contract and
// a second check that the two agree.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace callsim {

struct SchemaViolation {
  std::string pointer;  // JSON pointer of the offending value ("" = root)
  std::string message;
};

// Returns the first (deepest) violation of `schema_name` (e.g. "scenario.schema.json" or
// "link.schema.json"), or nullopt when the document is valid.
std::optional<SchemaViolation> check_schema(const nlohmann::json& document, const std::string& schema_name);

}  // namespace callsim
