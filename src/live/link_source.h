// Which link models the relay applies, loaded exactly as `callsim run` / `callsim netsim` load
// them (scenario::load_scenario, scenario::parse_link): a scenario's two directions (a->b = the
// first link in key order, b->a its reverse, or named with --ab/--ba; a one-way scenario's reverse
// is a perfect link), a link or profile file for both directions, a named profile, or nothing
// (perfect links: a plain relay with statistics). Names and the seed are the scenario's, so call 0
// of the relay draws the same random streams ("link/<name>/<model>") as `callsim run`; call k uses
// seed + k. `fingerprint` (FNV-1a of the file's bytes) lets `relay verify` notice an edited file.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/net/link_config.h"

namespace callsim::live {

struct LinkSourceOptions {
  std::string file;     // scenario, link or profile file ("" = none)
  std::string profile;  // named profile for both directions ("" = none)
  std::string ab, ba;   // scenario link names (default: see above)
};

struct LinkSource {
  std::array<sim::net::LinkConfig, 2> links;
  std::array<std::string, 2> names;
  uint64_t seed = 1;  // the scenario's seed (1 for profiles and none)
  std::string fingerprint;  // "fnv1a64:<hex>" of the file, "" when there is none
  nlohmann::json description() const;
  LinkSourceOptions options;
};

// Throws InputError (file + JSON pointer, or the option) on any problem.
LinkSource load_link_source(const LinkSourceOptions& options);
// FNV-1a 64 of a file's bytes as "fnv1a64:<16 hex digits>"; throws InputError when unreadable.
std::string file_fingerprint(const std::string& path);

}  // namespace callsim::live
