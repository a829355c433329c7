// JSON → sim::net::LinkConfig: one direction's network link, inline or by reference to a named
// profile file ({"profile": "lte_handover", "override": {...}}). Reads through JsonNode, so every
// error names the file and JSON pointer (inside the profile file when the error is there), unknown
// keys are errors, and numbers are range-checked. The schema scenarios/schema/link.schema.json
// accepts exactly what this parser accepts.
//
// Merging: in "override" and in a phase's "set", each section is merged key by key onto the link's
// own section (keys given win), except "loss", which is always complete and replaces it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "json/json_node.h"
#include "sim/net/link_config.h"
#include "sim/time.h"

namespace callsim::scenario {

struct LinkParseContext {
  std::string base_dir;    // folder of the scenario file: relative trace and profile paths
  sim::Duration duration;  // the call's length: phases must end by then (zero: not checked)
  // Extra folders searched for named profiles; empty = the folders in $CALLSIM_PROFILE_PATH.
  std::vector<std::string> profile_dirs;
};

sim::net::LinkConfig parse_link(const JsonNode& node, const LinkParseContext& ctx);

// A document that is a link's settings (what a profile file holds): an object of only the keys
// an inline link has, at least one of them a network section (not "description"/"source" alone).
bool is_link_document(const nlohmann::json& doc);

// The settings of a link as a reader wants them (result.json, the report's call page): an inline
// link object as written; for a profile reference {"profile": name, "profile_file": where it was
// found, "profile_settings": the profile's object, "override": as written (if any)}. Call after
// parse_link accepted `node`.
nlohmann::json link_settings_json(const JsonNode& node, const LinkParseContext& ctx);

// The file a profile reference resolves to: a name ("3g") is looked up as <name>.json in
// <base_dir>/profiles, <base_dir>/../profiles, the profile_dirs (or $CALLSIM_PROFILE_PATH), then
// the built-in copies of scenarios/profiles (returned as "scenarios/profiles/<name>.json" with
// `builtin` set); a path ("profiles/x.json") is relative to base_dir. Empty when not found;
// `tried` lists the places looked at.
struct ProfileLocation {
  std::string file;
  bool builtin = false;
};
ProfileLocation find_profile(const std::string& ref, const LinkParseContext& ctx,
                             std::vector<std::string>* tried);

// Trace files (errors name the file and "byte N (line L)"): regular files of at most
// kMaxTraceFileBytes (common/file_read.h) with at most kMaxTraceEntries entries.
constexpr size_t kMaxTraceEntries = 4000000;
// Per-packet CSV: a header "index,delay_ms" or "send_time_ms,delay_ms", then one line per packet:
// "<key>,<delay ms>" or "<key>,lost". Index keys count 0, 1, 2, ...; send times increase.
// Delays 0 to 60 000 ms, send times 0 to 86 400 000 ms (a day).
// Blank lines and lines starting with '#' are skipped.
std::shared_ptr<const sim::net::PacketTrace> read_packet_trace(const std::string& path);
// Mahimahi: one integer millisecond timestamp per line (0 to 86 400 000), non-decreasing, the last
// one > 0.
std::shared_ptr<const sim::net::DeliveryTrace> read_delivery_trace(const std::string& path);
// The same, from text already read (`path` names it in errors).
std::shared_ptr<const sim::net::PacketTrace> parse_packet_trace(const std::string& text,
                                                                const std::string& path);
std::shared_ptr<const sim::net::DeliveryTrace> parse_delivery_trace(const std::string& text,
                                                                    const std::string& path);

}  // namespace callsim::scenario
