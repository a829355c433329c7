// Run-time control of the relay's links: one text command per line, from stdin or a local Unix
// socket (control_channel.h), e.g.
//   phase handover            replay the link's configured phase "handover" from now, for its length
//   loss 0.05 | loss 5% | loss off     Bernoulli loss from now on (replaces the loss section)
//   delay 80 [20]             base delay and (optionally) jitter in ms from now on
//   rate 256 | rate 0         bottleneck rate in kbit/s from now on (0 = unlimited)
//   outage 2000               every packet dropped for the next 2000 ms
//   clear                     end every control still in force: back to the configured link
//   stats | stop              print a statistics line now | stop the relay
// optionally prefixed by a target: "call 3 dir a->b loss 0.1" (default: every call, both
// directions). A change applies as a phase added to the link at the moment it is applied
// (sim::net::Link::add_phase), in link time, so it is logged — with that time and the index of the
// first packet it affects — and `callsim relay verify` replays it at the same point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/net/link.h"
#include "sim/time.h"

namespace callsim::live {

// A change to one link, in its canonical text form (what the fate log records).
struct LinkCommand {
  enum class Kind : uint8_t { kPhase, kLoss, kDelay, kRate, kOutage, kClear };
  Kind kind = Kind::kClear;
  std::string phase;  // kPhase
  double value = 0;   // loss probability, base delay ms, rate kbit/s, outage ms
  std::optional<double> jitter_ms;  // kDelay
  std::string text() const;
};

// The shortest `outage` command, ms.
inline constexpr double kMinOutageMs = 1;

struct ControlCommand {
  enum class Kind : uint8_t { kLink, kStats, kStop };
  Kind kind = Kind::kLink;
  std::optional<int> call;       // nullopt = every call
  std::optional<int> direction;  // 0 = a->b, 1 = b->a, nullopt = both
  LinkCommand link;
};

// Parses a command line; on error returns nullopt and sets `error`.
std::optional<ControlCommand> parse_control(std::string_view line, std::string& error);
// Parses a canonical link command (no target), as written in a fate log.
std::optional<LinkCommand> parse_link_command(std::string_view text, std::string& error);

// Applies `command` to `link` at link time `t` (not before the link's last packet). Returns an
// error message (an unknown phase name) or an empty string.
std::string apply_link_command(const LinkCommand& command, sim::net::Link& link, sim::Timestamp t);

}  // namespace callsim::live
