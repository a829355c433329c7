// Fuzz target: what the live relay reads from the outside world (src/live): datagrams and control
// commands. Byte 0 picks the input:
//   even: datagrams for the relay's packet path, read with FuzzInput (fuzz_input.h). Records
//         [length: u16, mod 1501][gap to the previous datagram: u8, x 0.25 ms][length bytes] up to
//         the end (a short last record takes what is left). Each is classified (packet_class.h)
//         and counted by one side's statistics (stream_stats.h) with the static payload types and
//         "111=opus/48000/2".
//         Checks: an RTP datagram holds at least the 12-byte header; the statistics' totals equal
//         the sums over the packet classes and what was fed; per stream, `packets` is its RTP
//         datagrams, RFC 3550's counts are null exactly until the source is validated and then
//         received + ignored = packets, its loss fraction a fraction or null, jitter figures >= 0
//         or null; at most 16 streams tracked.
//   odd:  text, one control command per line (control.h), as from stdin or the control socket.
//         Checks: a command the parser accepts is logged in its canonical text (what the fate log
//         records and `callsim relay verify` replays), which must parse to the same command, value
//         for value, bit for bit; applied to a link (with a phase "handover") at increasing times
//         with packets sent through it, it refuses nothing but an unknown phase name.
// Only InputError is an expected exception; any other, a crash or a sanitizer report is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "fuzz_input.h"
#include "live/control.h"
#include "live/packet_class.h"
#include "live/stream_stats.h"
#include "sim/net/link.h"
#include "sim/net/link_config.h"

namespace {

namespace live = callsim::live;
namespace net = callsim::sim::net;
using callsim::sim::Duration;
using callsim::sim::Timestamp;

[[noreturn]] void finding(const std::string& what) { callsim::fuzz::finding("fuzz_live", what); }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void null_or_non_negative(const nlohmann::json& j, const std::string& what) {
  if (j.is_null()) return;
  if (!j.is_number() || !(j.get<double>() >= 0)) finding(what + " = " + j.dump());
}

void datagrams(callsim::fuzz::FuzzInput& in) {
  live::PayloadTypes types;
  types.add("111=opus/48000/2", "fuzz");
  live::SideStats side(&types);
  Timestamp t = Timestamp::zero();
  uint64_t fed = 0, fed_bytes = 0;
  std::map<uint32_t, uint64_t> per_ssrc;
  while (!in.empty()) {
    const size_t want = in.u16() % 1501;
    t = t + Duration::micros(250 * int64_t{in.u8()});
    const std::span<const uint8_t> d = in.bytes(want);
    const size_t n = d.size();
    const live::Classified c = live::classify(d);
    if (c.cls == live::PacketClass::kRtp) {
      if (n < 12) finding("a " + std::to_string(n) + "-byte datagram classified as RTP");
      ++per_ssrc[c.rtp.ssrc];
    }
    side.on_packet(t, n, c);
    ++fed;
    fed_bytes += n;
  }
  const nlohmann::json j = side.to_json();
  (void)j.dump();
  uint64_t packets = 0, bytes = 0;
  for (const auto& [name, cls] : j.at("by_class").items()) {
    packets += cls.at("packets").get<uint64_t>();
    bytes += cls.at("bytes").get<uint64_t>();
  }
  if (j.at("packets").get<uint64_t>() != fed || packets != fed || j.at("bytes").get<uint64_t>() != fed_bytes ||
      bytes != fed_bytes)
    finding("totals do not add up: " + j.dump());
  if (j.at("rtp_streams").size() > live::SideStats::kMaxStreams) finding("more streams than tracked: " + j.dump());
  for (const auto& s : side.streams()) {
    const nlohmann::json sj = s->to_json();
    const nlohmann::json& rfc = sj.at("rfc3550");
    const std::string where = "stream " + sj.at("ssrc").get<std::string>();
    // RFC 3550 A.1's counts are null until the source is validated, and then cover the stream:
    // received + ignored = the SSRC's RTP datagrams.
    const bool validated = rfc.at("validated").get<bool>();
    for (const char* k : {"received", "expected", "lost", "duplicates", "reordered"})
      if (rfc.at(k).is_null() == validated) finding(where + ": " + k + " " + rfc.at(k).dump() + " with validated " + (validated ? "true" : "false"));
    if (sj.at("packets").get<uint64_t>() != per_ssrc[s->ssrc()])
      finding(where + ": packets " + sj.at("packets").dump() + " of " + std::to_string(per_ssrc[s->ssrc()]) + " datagrams");
    if (validated && rfc.at("received").get<int64_t>() + rfc.at("ignored").get<int64_t>() !=
                         static_cast<int64_t>(per_ssrc[s->ssrc()]))
      finding(where + ": received " + rfc.at("received").dump() + " + ignored " + rfc.at("ignored").dump() + " of " +
              std::to_string(per_ssrc[s->ssrc()]) + " datagrams");
    const nlohmann::json& lf = rfc.at("loss_fraction");
    if (!lf.is_null() && !(lf.get<double>() >= 0 && lf.get<double>() <= 1)) finding(where + ": loss_fraction " + lf.dump());
    for (const char* k : {"jitter_ms", "jitter_mean_ms", "jitter_max_ms"}) null_or_non_negative(rfc.at(k), where + ": " + k);
    for (const char* k : {"mean_jitter_ms", "max_jitter_ms"}) null_or_non_negative(sj.at("wireshark").at(k), where + ": wireshark " + k);
  }
}

void same_command(const live::LinkCommand& a, const live::LinkCommand& b, const std::string& text) {
  if (a.kind != b.kind || a.phase != b.phase || !same_bits(a.value, b.value) || a.jitter_ms.has_value() != b.jitter_ms.has_value() ||
      (a.jitter_ms && !same_bits(*a.jitter_ms, *b.jitter_ms)))
    finding("the canonical text '" + text + "' does not give back the command it was written from");
}

void control(std::string_view text) {
  net::LinkConfig config;
  net::Phase handover;
  handover.name = "handover";
  handover.start = Duration::zero();
  handover.end = Duration::millis(80);
  handover.outage = true;
  config.phases.push_back(handover);
  net::Link link(config, 1, "fuzz");
  std::vector<net::Delivery> out;
  Timestamp t = Timestamp::zero();
  uint64_t seq = 0;
  size_t start = 0;
  for (int lines = 0; start <= text.size() && lines < 64; ++lines) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    std::string error;
    const auto c = live::parse_control(line, error);
    if (!c) {
      if (error.empty()) finding("a refused command without a message: '" + std::string(line) + "'");
      continue;
    }
    if (c->kind != live::ControlCommand::Kind::kLink) continue;
    const std::string canonical = c->link.text();
    const auto again = live::parse_link_command(canonical, error);
    if (!again) finding("the canonical text '" + canonical + "' is refused: " + error);
    same_command(c->link, *again, canonical);
    if (again->text() != canonical) finding("the canonical text '" + canonical + "' is not stable: '" + again->text() + "'");
    const std::string refused = live::apply_link_command(c->link, link, t);
    if (!refused.empty() && c->link.kind != live::LinkCommand::Kind::kPhase)
      finding("'" + canonical + "' refused when applied: " + refused);
    for (int k = 0; k < 5; ++k, t = t + Duration::millis(20)) link.send(t, {seq++, 100}, out);
    out.clear();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  try {
    if (data[0] % 2 == 0) {
      callsim::fuzz::FuzzInput in(data + 1, size - 1);
      datagrams(in);
    } else {
      control(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    }
  } catch (const callsim::InputError&) {
  }
  return 0;
}
