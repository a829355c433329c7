// Helpers for the RTP tests: read a pcap back with libpcap (nanosecond timestamps), unique
// temporary paths, and running tshark.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace callsim::rtp::testing {

struct CapturedPacket {
  int64_t unix_ns = 0;  // timestamp since the Unix epoch, ns
  std::vector<uint8_t> bytes;
};

struct Capture {
  int datalink = 0;  // DLT_*
  std::vector<CapturedPacket> packets;
};

Capture read_pcap(const std::filesystem::path& path);

// A fresh path (not created) in the test process's scratch folder, removed when the process exits.
std::filesystem::path temp_path(const std::string& name);

// Runs a shell command and returns its standard output; nullopt if it could not run.
std::optional<std::string> run(const std::string& command);
bool have_tshark();

}  // namespace callsim::rtp::testing
