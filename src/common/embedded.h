// Files compiled into the binary (scenario schema, the default scenario, network profiles,
// built-in talker audio), so `callsim` works on a machine without the repository. Names are
// paths relative to the repository root, e.g. "scenarios/schema/scenario.schema.json".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callsim {

std::optional<std::string_view> find_embedded(std::string_view name);
std::vector<std::string> embedded_names();

}  // namespace callsim
