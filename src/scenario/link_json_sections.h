// Internal to link_json: parsers of the model sections of a link ("loss", "delay", "reorder",
// "duplicate", "corrupt", "rate", "cross_traffic"), each merged onto a base (loss replaces).
#pragma once

#include <string>
#include <vector>

#include "json/json_node.h"
#include "sim/net/link_config.h"

namespace callsim::scenario::link_detail {

// Limits (README.md, "Limits"): a bottleneck rate is 0 (unlimited) or 1 kbit/s to 10 Gbit/s;
// delays up to a minute; cross traffic up to 1 Gbit/s and 100 000 packets/s.
constexpr double kMaxLinkDelayMs = 60000;
constexpr double kMaxCrossTrafficKbps = 1e6;
constexpr double kMaxCrossTrafficPps = 100000;
inline const Range kRateKbps = Range::closed(1, 1e7);

inline const std::vector<std::string> kSectionKeys = {"loss",    "delay", "reorder",      "duplicate",
                                                      "corrupt", "rate",  "cross_traffic"};

sim::net::LossConfig parse_loss(const JsonNode& n);
sim::net::DelayConfig parse_delay(const JsonNode& n, sim::net::DelayConfig base);
sim::net::ReorderConfig parse_reorder(const JsonNode& n, sim::net::ReorderConfig base);
sim::net::DuplicateConfig parse_duplicate(const JsonNode& n, sim::net::DuplicateConfig base);
sim::net::CorruptConfig parse_corrupt(const JsonNode& n, sim::net::CorruptConfig base);
sim::net::RateConfig parse_rate(const JsonNode& n, sim::net::RateConfig base, const std::string& base_dir);
sim::net::CrossTrafficConfig parse_cross_traffic(const JsonNode& n, sim::net::CrossTrafficConfig base);

// Applies every section present in `object` onto `models`; returns which were present.
struct SectionsPresent {
  bool loss = false, delay = false, reorder = false, duplicate = false, corrupt = false, rate = false,
       cross_traffic = false;
};
SectionsPresent apply_sections(const JsonNode& object, sim::net::LinkModels& models,
                               const std::string& base_dir);

// Fails at `n` when kbps in packets of packet_bytes exceeds kMaxCrossTrafficPps.
void check_cross_traffic_rate(const JsonNode& n, double kbps, int64_t packet_bytes);
// "12.5" style number for messages.
std::string format_number(double v);
// base_dir / path unless path is absolute.
std::string resolve_path(const std::string& base_dir, const std::string& path);

}  // namespace callsim::scenario::link_detail
