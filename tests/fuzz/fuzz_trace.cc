// Fuzz target: link trace files. The first byte picks the reader (per-packet delay/loss CSV, or a
// Mahimahi delivery schedule); the rest is the file's text. A trace that parses is then replayed
// by a link for two simulated seconds (50 packets/s), so hostile values reach the link model and
// the simulator, not only the parser.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "scenario/link_json.h"
#include "sim/net/stream.h"

namespace net = callsim::sim::net;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  net::LinkConfig link;
  try {
    if (data[0] & 1) {
      link.rate.trace = callsim::scenario::parse_delivery_trace(text, "fuzz.trace");
      link.rate.bytes_per_opportunity = 1 + (data[0] >> 1) * 12;
    } else {
      auto trace =
          std::make_shared<net::PacketTrace>(*callsim::scenario::parse_packet_trace(text, "fuzz.csv"));
      trace->loop = (data[0] & 2) != 0;
      link.trace = trace;
    }
  } catch (const callsim::InputError&) {
    return 0;
  }
  const net::StreamResult r =
      net::run_link_stream(link, 1, "fuzz", 50, 80, callsim::sim::Duration::seconds(2));
  if (r.stats.delivered > r.stats.sent + r.stats.duplicated) __builtin_trap();
  return 0;
}
