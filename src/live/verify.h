// Reproduces a live run offline: each fate log of a relay output folder is read back (arrival
// times, sizes, control lines) and run through a fresh sim::net::Link built from the same link
// source and seed, applying each control at the same point of the packet sequence; every copy's
// fate, due time (to the nanosecond), duplicate and corruption flags must match the log.
// `callsim relay verify DIR` prints the outcome and exits 1 on any difference.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/net/fate_log.h"
#include "sim/net/link_config.h"

namespace callsim::live {

struct FateLog {
  std::string file;
  std::vector<sim::net::FateRecord> records;   // in file order
  std::vector<sim::net::FateControl> controls;  // in file order
};

// Throws InputError naming the file and "line N" for anything malformed.
FateLog read_fate_log(const std::filesystem::path& path);

struct VerifyOutcome {
  uint64_t packets = 0, copies = 0, mismatches = 0;
  std::vector<std::string> first_mismatches;  // up to 10, readable
};

VerifyOutcome verify_fate_log(const FateLog& log, const sim::net::LinkConfig& config, uint64_t seed,
                              const std::string& link_name);

}  // namespace callsim::live
