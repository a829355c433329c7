// Reproduces a live run offline: each fate log of a relay output folder is read back (arrival
// times, sizes, control lines) and run through a fresh sim::net::Link built from the same link
// source and seed, applying each control at the same point of the packet sequence; every copy's
// fate, due time (to the nanosecond), duplicate and corruption flags must match the log.
// A log must also cover the whole run: its counts must be those relay.json records, so a log cut
// short or with lines removed does not pass. `callsim relay verify DIR` prints the outcome and
// exits 1 on any difference.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "json/json_node.h"
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

// Does the log cover the run relay.json records for its direction (`recorded`: the "a->b" or
// "b->a" object of a call)? Its packets must be numbered 0, 1, ... without a gap, and its
// packets, copies by fate, duplicates, released copies and copies not sent must be the counts
// recorded. Returns the differences, readable ("packets: 101 in the log, 200 recorded"); empty
// when it covers the run. Throws InputError when `recorded` lacks a count.
std::vector<std::string> compare_with_record(const FateLog& log, const JsonNode& recorded);

}  // namespace callsim::live
